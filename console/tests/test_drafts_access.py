"""Drafts, versions, test runs and replays are their business's staff's only: another tenant's ids are not found."""

from __future__ import annotations

import pytest
from django.urls import reverse

from agents.drafts import open_draft, publish
from business.drafts import draft_of
from business.models import Business, FaqEntry


@pytest.fixture
def rival_draft(rival):
    """The rival with a draft whose FAQ differs, and a published version."""
    business = rival[Business]
    open_draft(business)
    publish(business, None)
    FaqEntry.objects.filter(business=draft_of(business)).update(answer="Rival's secret answer.")
    return business


def test_staff_open_edit_and_publish_their_own_draft(client, staff, shop):
    business = shop[Business]
    client.force_login(staff)
    client.post(reverse("console:open-draft", args=[business.slug]))
    draft = draft_of(business)
    page = client.get(reverse("console:draft", args=[business.slug]))
    assert page.status_code == 200
    assert reverse("admin:business_business_change", args=[draft.pk]) in page.content.decode()
    # The draft is the staff member's to edit in the admin, as their business is.
    assert client.get(reverse("admin:business_business_change", args=[draft.pk])).status_code == 200
    FaqEntry.objects.filter(business=draft, question="Shop question?").update(answer="Shop: gluten-free on Fridays.")

    client.post(reverse("console:publish", args=[business.slug]), {"note": "gluten"})

    assert business.faq_entries.get(question="Shop question?").answer == "Shop: gluten-free on Fridays."
    assert list(business.versions.values_list("number", "note")) == [(2, "gluten"), (1, "")]


def test_a_draft_has_no_console_pages_of_its_own(client, staff, shop):
    client.force_login(staff)
    draft = open_draft(shop[Business])
    assert client.get(reverse("console:inbox", args=[draft.slug])).status_code == 404
    assert client.get(reverse("console:draft", args=[draft.slug])).status_code == 404


def test_operators_answer_customers_but_do_not_publish(client, operator, shop):
    client.force_login(operator)
    assert client.post(reverse("console:open-draft", args=[shop[Business].slug])).status_code == 403
    assert draft_of(shop[Business]) is None


@pytest.mark.parametrize(
    "name, args",
    [
        ("draft", []),
        ("open-draft", []),
        ("publish", []),
        ("discard-draft", []),
        ("restore-version", [1]),
    ],
)
def test_another_businesss_draft_and_versions_are_not_found(client, staff, rival_draft, name, args):
    client.force_login(staff)
    url = reverse(f"console:{name}", args=[rival_draft.slug, *args])
    response = client.post(url) if name != "draft" else client.get(url)
    assert response.status_code == 404
    assert draft_of(rival_draft).faq_entries.get().answer == "Rival's secret answer."
    assert rival_draft.versions.count() == 2


def test_another_businesss_draft_is_not_found_in_the_admin(client, staff, rival_draft):
    client.force_login(staff)
    draft = draft_of(rival_draft)
    assert client.get(reverse("admin:business_business_change", args=[draft.pk])).status_code in (302, 404)
    assert "Rival" not in client.get(reverse("admin:business_business_changelist")).content.decode()


def test_staff_restore_a_version_into_the_draft_and_live_stays_until_published(client, staff, shop):
    business = shop[Business]
    open_draft(business)
    FaqEntry.objects.filter(business=draft_of(business), question="Shop question?").update(answer="Changed.")
    publish(business, None)
    client.force_login(staff)

    client.post(reverse("console:restore-version", args=[business.slug, 1]))

    assert draft_of(business).faq_entries.get(question="Shop question?").answer == "Shop answer."
    assert business.faq_entries.get(question="Shop question?").answer == "Changed."
