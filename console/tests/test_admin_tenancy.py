"""A staff user sees and edits only their own business's rows, on every admin page; a superuser sees all."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from agents.models import AgentRun
from business.models import Booking, Business, Customer, FaqEntry, Lead, Membership, Order
from console.models import Annotation
from conversations.models import ChannelConnection, Contact, Conversation

TENANT_APPS = {"business", "agents", "conversations", "console", "test_cases"}
TENANT_MODELS = sorted(
    (
        model
        for model in admin.site._registry
        if model._meta.app_label in TENANT_APPS and model._meta.model_name != "membership"
    ),
    key=lambda model: model._meta.label,
)

NOT_ADDED_BY_STAFF = {Business, Contact, Conversation, AgentRun, Annotation}


# What each record's admin change form posts, for the row populate() made.
ADMIN_FORMS = {
    Order: lambda order: {
        "business": order.business_id, "reference": order.reference, "customer": order.customer_id,
        "status": order.status, "items": "[]", "total": "", "currency": order.currency,
        "updated_at_0": "2026-11-20", "updated_at_1": "10:00:00",
    },
    Booking: lambda booking: {
        "business": booking.business_id, "customer": booking.customer_id,
        "starts_at_0": "2026-12-01", "starts_at_1": "12:00:00",
        "party_size": booking.party_size, "notes": "", "status": booking.status,
    },
    Lead: lambda lead: {
        "business": lead.business_id, "customer": lead.customer_id, "interest": lead.interest, "contact_detail": "",
    },
}  # fmt: skip


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def staff_client(client, staff, rival):
    client.force_login(staff)
    return client


@pytest.mark.parametrize("model", TENANT_MODELS, ids=lambda model: model._meta.label)
def test_a_list_shows_only_the_staff_members_business(staff_client, shop, rival, model):
    page = staff_client.get(admin_url(model, "changelist"))
    assert page.status_code == 200
    html = page.content.decode()
    assert admin_url(model, "change", shop[model].pk) in html
    assert admin_url(model, "change", rival[model].pk) not in html
    assert "Rival" not in html


@pytest.mark.parametrize("model", TENANT_MODELS, ids=lambda model: model._meta.label)
def test_another_businesss_row_is_out_of_reach(staff_client, rival, model):
    for view in ("change", "delete", "history"):
        page = staff_client.get(admin_url(model, view, rival[model].pk))
        # The admin answers a row outside the queryset with "does not exist" and a redirect home; deleting a
        # business is refused to every staff user outright.
        assert (page.status_code, getattr(page, "url", None)) in {(302, reverse("admin:index")), (403, None)}, view


@pytest.mark.parametrize("model", TENANT_MODELS, ids=lambda model: model._meta.label)
def test_the_staff_members_own_row_opens(staff_client, shop, model):
    assert staff_client.get(admin_url(model, "change", shop[model].pk)).status_code == 200


@pytest.mark.parametrize("model", TENANT_MODELS, ids=lambda model: model._meta.label)
def test_search_finds_nothing_of_another_business(staff_client, rival, model):
    page = staff_client.get(admin_url(model, "changelist"), {"q": "Rival"})
    assert page.status_code == 200
    assert admin_url(model, "change", rival[model].pk) not in page.content.decode()


@pytest.mark.parametrize("model", TENANT_MODELS, ids=lambda model: model._meta.label)
def test_related_pickers_offer_only_the_staff_members_rows(staff_client, shop, rival, model):
    page = staff_client.get(admin_url(model, "add"))
    # Businesses, contacts, conversations, agent runs and annotations are not added by staff in the admin.
    assert page.status_code == (403 if model in NOT_ADDED_BY_STAFF else 200)
    assert "Rival" not in page.content.decode()


def test_another_businesss_connection_cannot_send_a_test_message(staff_client, rival):
    url = reverse("admin:conversations_channelconnection_send_test", args=[rival[ChannelConnection].pk])
    assert staff_client.get(url).status_code == 404
    assert staff_client.post(url, {"recipient": "1", "text": "hi"}).status_code == 404


def test_the_customer_autocomplete_offers_only_the_staff_members_customers(staff_client, shop, rival):
    answer = staff_client.get(
        "/admin/autocomplete/", {"app_label": "business", "model_name": "order", "field_name": "customer", "term": ""}
    ).json()
    assert [item["text"] for item in answer["results"]] == ["Shop customer"]


def test_a_row_cannot_be_moved_to_another_business(staff_client, shop, rival):
    faq = shop[FaqEntry]
    page = staff_client.post(
        admin_url(FaqEntry, "change", faq.pk), {"business": rival[Business].pk, "question": "Moved?", "answer": "Yes."}
    )
    assert page.status_code == 200 and "Select a valid choice" in page.content.decode()
    faq.refresh_from_db()
    assert faq.business == shop[Business]


@pytest.mark.parametrize("model", (Order, Booking, Lead), ids=lambda model: model._meta.label)
def test_a_record_cannot_name_another_businesss_customer(client, staff, shop, rival, model):
    # A staff member of both businesses is offered both's customers: the pair must still match.
    Membership.objects.create(user=staff, business=rival[Business], role=Membership.Role.STAFF)
    client.force_login(staff)
    record = shop[model]
    form = ADMIN_FORMS[model](record)
    page = client.post(admin_url(model, "change", record.pk), {**form, "customer": rival[Customer].pk})
    assert page.status_code == 200 and "another business&#x27;s" in page.content.decode()
    record.refresh_from_db()
    assert record.customer == shop[Customer]
    # The same form with the business's own customer saves.
    assert client.post(admin_url(model, "change", record.pk), form).status_code == 302


def test_staff_cannot_create_or_delete_businesses(staff_client, shop):
    assert staff_client.get(admin_url(Business, "add")).status_code == 403
    assert staff_client.post(admin_url(Business, "delete", shop[Business].pk), {"post": "yes"}).status_code == 403
    assert Business.objects.filter(pk=shop[Business].pk).exists()


def test_a_staff_user_of_no_business_sees_no_business_data(client, django_user_model, shop):
    client.force_login(django_user_model.objects.create_user("drifter", password="pw", is_staff=True))
    assert client.get(admin_url(Customer, "changelist")).status_code == 403
    assert "Shop" not in client.get(reverse("admin:index")).content.decode()


@pytest.mark.parametrize("model", TENANT_MODELS, ids=lambda model: model._meta.label)
def test_a_superuser_sees_every_business(client, admin_user, shop, rival, model):
    client.force_login(admin_user)
    html = client.get(admin_url(model, "changelist")).content.decode()
    assert admin_url(model, "change", shop[model].pk) in html and admin_url(model, "change", rival[model].pk) in html
