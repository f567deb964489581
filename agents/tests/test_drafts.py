"""A draft agent: a copy of the live business that staff change without customers noticing, until it is published."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from agents.drafts import NotADraftableBusiness, open_draft, publish, restore
from agents.models import AgentConfig, HttpTool
from agents.tools import TurnContext
from agents.tools import _orders as orders_of
from business.drafts import draft_of
from business.models import Business, CatalogueItem, Customer, FaqEntry, Membership, Order
from business.tenancy import businesses_of, live_businesses_of
from conversations.models import ChannelConnection, Contact


@pytest.fixture
def shop(business: Business) -> Business:
    CatalogueItem.objects.create(business=business, name="Sourdough loaf", price=Decimal("4.20"))
    kim = Customer.objects.create(business=business, name="Kim Lee", reference="K-1")
    Order.objects.create(business=business, reference="A-1", customer=kim, updated_at=datetime(2026, 11, 2, tzinfo=UTC))
    HttpTool.objects.create(
        business=business, name="check_stock", description="Stock.", url="https://tools.example/s", signing_secret="k"
    )
    AgentConfig.objects.filter(business=business).update(instructions="Be brief.", server_api_key="secret-key")
    return business


def test_a_draft_starts_as_a_copy_of_the_live_agent_and_data_without_its_customers(shop):
    draft = open_draft(shop)

    assert draft.is_draft and draft_of(shop) == draft and draft.slug != shop.slug
    assert str(draft) == "Draft of Corner Shop"
    assert list(draft.faq_entries.values_list("question", flat=True)) == ["Do you ship abroad?"]
    assert list(draft.catalogue_items.values_list("name", "price")) == [("Sourdough loaf", Decimal("4.20"))]
    assert draft.opening_hours == shop.opening_hours and draft.timezone == "Europe/Paris"
    config = AgentConfig.objects.get(business=draft)
    assert (config.instructions, config.server_api_key) == ("Be brief.", "secret-key")
    assert HttpTool.objects.get(business=draft).signing_secret == "k"
    # People's data stays with the live business alone.
    assert not draft.customers.exists() and not draft.orders.exists()
    assert open_draft(shop) == draft


def test_customers_are_served_by_the_live_agent_until_the_draft_is_published(shop, django_user_model):
    draft = open_draft(shop)
    draft.faq_entries.update(answer="No, only within France.")
    AgentConfig.objects.filter(business=draft).update(instructions="Be warm.", enabled_tools=["search_knowledge"])
    assert shop.faq_entries.get().answer.startswith("Yes, we ship")

    sam = django_user_model.objects.create_user("sam")
    version = publish(shop, sam, "France only")

    assert shop.faq_entries.get().answer == "No, only within France."
    config = AgentConfig.objects.get(business=shop)
    assert (config.instructions, config.enabled_tools) == ("Be warm.", ["search_knowledge"])
    # The first publish keeps what was live before it, then the published content.
    assert list(shop.versions.values_list("number", "published_by__username", "note")) == [
        (2, "sam", "France only"),
        (1, None, ""),
    ]
    assert version.number == 2 and version.document["faq"][0]["answer"] == "No, only within France."
    assert shop.customers.count() == 1 and shop.orders.count() == 1


def test_publishing_keeps_the_rows_that_did_not_change_so_links_to_them_hold(shop):
    entry, item = shop.faq_entries.get(), shop.catalogue_items.get()
    draft = open_draft(shop)
    FaqEntry.objects.create(business=draft, question="Do you bake on Sundays?", answer="Yes, until noon.")
    CatalogueItem.objects.filter(business=draft).update(price=Decimal("4.50"))

    publish(shop, None)

    assert shop.faq_entries.filter(pk=entry.pk).exists() and shop.faq_entries.count() == 2
    assert CatalogueItem.objects.get(pk=item.pk).price == Decimal("4.50")


def test_a_version_restored_becomes_the_draft_and_goes_live_when_published(shop):
    draft = open_draft(shop)
    draft.faq_entries.update(answer="No, only within France.")
    publish(shop, None)
    before_the_change = shop.versions.get(number=1)

    restore(before_the_change)

    assert draft_of(shop).faq_entries.get().answer.startswith("Yes, we ship")
    assert shop.faq_entries.get().answer == "No, only within France."
    publish(shop, None)
    assert shop.faq_entries.get().answer.startswith("Yes, we ship")
    assert shop.versions.count() == 3


def test_a_draft_is_neither_published_nor_drafted_itself(shop):
    draft = open_draft(shop)
    with pytest.raises(NotADraftableBusiness):
        open_draft(draft)
    with pytest.raises(NotADraftableBusiness):
        publish(draft, None)
    draft.delete()
    with pytest.raises(NotADraftableBusiness):
        publish(shop, None)


def test_a_draft_cannot_be_connected_to_a_channel(shop):
    connection = ChannelConnection(business=open_draft(shop), platform="telegram", credentials={"bot_token": "1:a"})
    with pytest.raises(ValidationError, match="cannot be connected"):
        connection.full_clean()


def test_members_reach_the_draft_in_the_admin_but_the_console_lists_only_live_businesses(shop, django_user_model):
    draft = open_draft(shop)
    other = open_draft(Business.objects.create(name="Rival Deli", slug="rival-deli"))
    sam = django_user_model.objects.create_user("sam", is_staff=True)
    Membership.objects.create(user=sam, business=shop)

    assert set(businesses_of(sam)) == {shop, draft}
    assert list(live_businesses_of(sam)) == [shop]
    assert other not in businesses_of(sam)


def test_a_turn_on_the_draft_reads_the_live_business_customers_and_orders(shop):
    """A test case about an order runs against the draft as against live: the draft has no people of its own."""
    connection = ChannelConnection.objects.create(business=shop, platform="whatsapp", credentials={})
    contact = Contact.objects.create(connection=connection, platform_user_id="33612345678")
    contact.customer = Customer.objects.get(business=shop, reference="K-1")
    contact.save()
    on_the_draft = TurnContext(business=open_draft(shop), contact=contact, conversation_id=0)
    assert [order.reference for order in orders_of(on_the_draft)] == ["A-1"]
    assert on_the_draft.customer().business == shop
