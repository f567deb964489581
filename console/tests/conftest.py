"""Two tenants with one row of every kind each, and the people who work for them."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db.models import Model

from agents.models import AgentConfig, AgentRun, HttpTool
from business.models import Booking, Business, CatalogueItem, Customer, Document, FaqEntry, Lead, Membership, Order
from console.models import Annotation
from conversations.models import ChannelConnection, Contact, Conversation, Message
from test_cases.models import Case, CaseTurn

SECRET_TOKEN = "EAAsecret-page-token-do-not-show"
SECRET_APP = "app-secret-do-not-show-1234"


def populate(business: Business, tag: str) -> dict[type[Model], Model]:
    """One row of every model the admin and the console show, named after `tag` so a page's leaks are visible."""
    rows: dict[type[Model], Model] = {Business: business}
    rows[AgentConfig] = AgentConfig.objects.get_or_create(business=business)[0]
    rows[FaqEntry] = FaqEntry.objects.create(business=business, question=f"{tag} question?", answer=f"{tag} answer.")
    rows[Document] = Document.objects.create(business=business, title=f"{tag} policy", body="...")
    rows[CatalogueItem] = CatalogueItem.objects.create(business=business, name=f"{tag} loaf", price=Decimal("2.50"))
    customer = rows[Customer] = Customer.objects.create(business=business, name=f"{tag} customer", phone="+3360000000")
    rows[Order] = Order.objects.create(
        business=business, reference=f"{tag}-1", customer=customer, updated_at=datetime(2026, 11, 20, tzinfo=UTC)
    )
    rows[Booking] = Booking.objects.create(
        business=business, customer=customer, starts_at=datetime(2026, 12, 1, 12, tzinfo=UTC)
    )
    rows[Lead] = Lead.objects.create(business=business, customer=customer, interest=f"{tag} catering")
    rows[HttpTool] = HttpTool.objects.create(
        business=business,
        name=f"{tag.lower()}_stock",
        description="Stock.",
        url="https://tools.example/stock",
        signing_secret="s",
    )
    connection = rows[ChannelConnection] = ChannelConnection.objects.create(
        business=business,
        platform="messenger",
        name=f"{tag} page",
        credentials={
            "page_id": "1",
            "access_token": SECRET_TOKEN,
            "app_secret": SECRET_APP,
            "verify_token": f"{tag}-verify",
        },
    )
    contact = rows[Contact] = Contact.objects.create(
        connection=connection, platform_user_id=f"{tag}-psid", display_name=f"{tag} Kim"
    )
    conversation = rows[Conversation] = Conversation.objects.create(
        business=business, connection=connection, contact=contact, status=Conversation.Status.NEEDS_HUMAN,
        last_message_at=datetime(2026, 11, 27, 9, tzinfo=UTC), last_inbound_at=datetime(2026, 11, 27, 9, tzinfo=UTC),
    )  # fmt: skip
    inbound = Message.objects.create(
        conversation=conversation, connection=connection, direction=Message.Direction.INBOUND,
        author=Message.Author.CUSTOMER, text=f"{tag} asks about gluten", status=Message.Status.RECEIVED,
    )  # fmt: skip
    reply = Message.objects.create(
        conversation=conversation, connection=connection, direction=Message.Direction.OUTBOUND,
        author=Message.Author.AGENT, text=f"{tag} reply: no idea", reply_to=inbound, status=Message.Status.SENT,
    )  # fmt: skip
    rows[AgentRun] = AgentRun.objects.create(
        conversation=conversation, inbound_message=inbound, reply=reply, model="test.gguf",
        outcome=AgentRun.Outcome.REPLIED,
        trace=[{"type": "tool", "tool": "search_knowledge", "args": {"query": "gluten"}, "result": "nothing",
                "found": False, "chosen_by": "planner", "duration_ms": 3}],
    )  # fmt: skip
    rows[Annotation] = Annotation.objects.create(reply=reply, correct_answer=f"{tag}: our sourdough has gluten.")
    rows[Case] = Case.objects.create(business=business, name=f"{tag} gluten case")
    CaseTurn.objects.create(case=rows[Case], text=f"{tag} asks about gluten", must_contain="gluten")
    return rows


@pytest.fixture
def shop(business: Business) -> dict[type[Model], Model]:
    return populate(business, "Shop")


@pytest.fixture
def rival(db) -> dict[type[Model], Model]:
    return populate(Business.objects.create(name="Rival Deli", slug="rival-deli"), "Rival")


@pytest.fixture
def staff(shop, django_user_model):
    """A staff member of the shop only."""
    user = django_user_model.objects.create_user("sam", "sam@shop.example", "pw", is_staff=True)
    Membership.objects.create(user=user, business=shop[Business], role=Membership.Role.STAFF)
    return user


@pytest.fixture
def operator(shop, django_user_model):
    """An operator of the shop: the console, not the admin."""
    user = django_user_model.objects.create_user("olive", "olive@shop.example", "pw")
    Membership.objects.create(user=user, business=shop[Business], role=Membership.Role.OPERATOR)
    return user
