"""A staff member of one business finds it already chosen when adding anything that belongs to a business."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from business.admin_tenancy import TenantAdmin
from business.models import Business, FaqEntry, Membership

pytestmark = pytest.mark.django_db

OWNED_BY_A_BUSINESS = sorted(
    model._meta.label_lower
    for model, model_admin in admin.site._registry.items()
    if isinstance(model_admin, TenantAdmin) and model_admin.tenant_path == "business"
)


def add_page_business(client, label: str):
    app, model = label.split(".")
    page = client.get(reverse(f"admin:{app}_{model}_add"))
    assert page.status_code == 200
    return page.context["adminform"].form["business"].value()


def test_every_model_with_a_business_is_covered():
    expected = {"business.faqentry", "business.catalogueitem", "business.document", "business.customer"}
    assert expected | {"business.order", "conversations.channelconnection"} <= set(OWNED_BY_A_BUSINESS)


@pytest.mark.parametrize("label", [label for label in OWNED_BY_A_BUSINESS if label != "conversations.conversation"])
def test_the_only_business_of_the_staff_member_is_preselected(staff_client, business, label):
    assert add_page_business(staff_client, label) == business.pk


def test_an_faq_entry_is_added_without_choosing_the_business(staff_client, business):
    url = reverse("admin:business_faqentry_add")
    form = staff_client.get(url).context["adminform"].form
    data = {"business": form["business"].value(), "question": "Do you deliver?", "answer": "Yes, in town."}
    assert staff_client.post(url, data | {"published": "on"}).status_code == 302
    assert FaqEntry.objects.get(question="Do you deliver?").business == business


def test_a_member_of_two_businesses_chooses(staff_client, business, django_user_model):
    other = Business.objects.create(name="Rival Deli", slug="rival-deli")
    Membership.objects.create(user=django_user_model.objects.get(username="sam"), business=other)
    assert add_page_business(staff_client, "business.faqentry") is None
