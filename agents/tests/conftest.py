import itertools
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from agents.models import AgentConfig
from agents.tools import TurnContext
from agents.turns import answer_inbound_message
from business.models import Business, CatalogueItem, Customer, Document, FaqEntry, Membership, Order
from conversations.events import CustomerMessage
from conversations.inbound import store_customer_message
from conversations.models import ChannelConnection, Contact, Conversation, Message
from tests.fake_platform import FakePlatformServer
from tests.support.platform_contract import PlatformHarness

_message_ids = itertools.count()

ALWAYS_OPEN = {day: [["00:00", "23:59"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


@pytest.fixture
def shop(business: Business, django_user_model) -> Business:
    """The corner shop with knowledge, products, a customer with an order, and a staff member."""
    FaqEntry.objects.create(
        business=business, question="Do you deliver?", answer="Yes, we deliver within 5 km for 3.50 EUR."
    )
    FaqEntry.objects.create(
        business=business, question="Do you take cards?", answer="Yes, all major cards and contactless."
    )
    Document.objects.create(
        business=business, title="Returns", body="Unopened items can be returned within 14 days with the receipt."
    )
    CatalogueItem.objects.create(
        business=business, name="Oat milk", description="1 litre carton", price=Decimal("2.10"), currency="EUR"
    )
    CatalogueItem.objects.create(
        business=business,
        name="Olive oil",
        description="Extra virgin, 75 cl",
        price=Decimal("9.80"),
        currency="EUR",
        available=False,
    )
    business.phone = "+33 1 23 45 67 89"
    business.address = "3 place du Marché, Paris"
    business.save()
    customer = Customer.objects.create(business=business, name="Alex", reference="c-1", phone="+33611111111")
    Order.objects.create(
        business=business,
        reference="A-1042",
        customer=customer,
        status=Order.Status.SHIPPED,
        updated_at=datetime(2026, 11, 26, 15, 0, tzinfo=UTC),
    )
    other = Customer.objects.create(business=business, name="Sam", reference="c-2")
    Order.objects.create(
        business=business,
        reference="A-2077",
        customer=other,
        status=Order.Status.PREPARING,
        updated_at=datetime(2026, 11, 26, 16, 0, tzinfo=UTC),
    )
    staff = django_user_model.objects.create_user("owner", "owner@corner.example", "pw")
    Membership.objects.create(user=staff, business=business, role=Membership.Role.OWNER)
    return business


@pytest.fixture
def rival(db) -> Business:
    """Another tenant, with an order whose reference the customer might guess."""
    rival = Business.objects.create(name="Rival Deli", slug="rival-deli", opening_hours=ALWAYS_OPEN)
    AgentConfig.objects.create(business=rival)
    customer = Customer.objects.create(business=rival, name="Rival customer", reference="r-1")
    Order.objects.create(
        business=rival,
        reference="B-3001",
        customer=customer,
        status=Order.Status.CANCELLED,
        updated_at=datetime(2026, 11, 20, tzinfo=UTC),
    )
    FaqEntry.objects.create(business=rival, question="Secret recipe?", answer="The rival secret is saffron.")
    return rival


@pytest.fixture
def console_contact(shop: Business) -> Contact:
    connection = ChannelConnection.objects.create(business=shop, platform="console", name="Terminal")
    contact = Contact.objects.create(connection=connection, platform_user_id="alex-terminal", display_name="Alex")
    contact.customer = Customer.objects.get(reference="c-1")
    contact.save()
    return contact


@pytest.fixture
def turn_context(shop: Business, console_contact: Contact) -> TurnContext:
    conversation = Conversation.objects.create(
        business=shop, connection=console_contact.connection, contact=console_contact
    )
    return TurnContext(business=shop, contact=console_contact, conversation_id=conversation.pk)


@pytest.fixture
def say_as() -> Callable[..., Message | None]:
    """Store a contact's message as the webhook would and run its turn as the worker would; the reply."""

    def say_as(contact: Contact, text: str, settle: bool = False) -> Message | None:
        message_id = f"console-{next(_message_ids)}"
        message = CustomerMessage(platform_message_id=message_id, sender_id=contact.platform_user_id, text=text)
        inbound = store_customer_message(contact.connection, message)
        answer_inbound_message(inbound.pk, settle=settle)
        return Message.objects.filter(reply_to=inbound).first()

    return say_as


@pytest.fixture
def say(say_as: Callable[..., Message | None], console_contact: Contact) -> Callable[..., Message | None]:
    """The console contact's message, answered."""
    return lambda text, settle=False: say_as(console_contact, text, settle)


@pytest.fixture
def platform_server() -> Iterator[Callable[[PlatformHarness], FakePlatformServer]]:
    """Starts a fake server answering as the harness's platform does."""
    servers: list[FakePlatformServer] = []

    def start(harness: PlatformHarness) -> FakePlatformServer:
        servers.append(FakePlatformServer(default=harness.api_answer))
        return servers[-1]

    yield start
    for server in servers:
        server.close()
