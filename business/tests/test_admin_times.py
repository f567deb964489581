"""Times staff read and type in the admin are the business's local times, and say which zone they are in."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from business.models import Booking, Customer, Order
from conversations.models import ChannelConnection, Contact, Conversation, Message

from .admin_pages import page_data

pytestmark = pytest.mark.django_db

NOON_UTC = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
ONE_PM_IN_PARIS = "12/1/26, 1:00\u202fPM (Europe/Paris)".replace("\u202f", " ")


@pytest.fixture
def customer(business) -> Customer:
    return Customer.objects.create(business=business, name="Lia")


@pytest.fixture
def conversation(business) -> Conversation:
    connection = ChannelConnection.objects.create(business=business, platform="webchat", name="Site")
    contact = Contact.objects.create(connection=connection, platform_user_id="visitor-1")
    conversation = Conversation.objects.create(
        business=business, connection=connection, contact=contact, last_message_at=NOON_UTC, last_inbound_at=NOON_UTC
    )
    message = Message.objects.create(
        conversation=conversation, connection=connection, direction=Message.Direction.INBOUND,
        author=Message.Author.CUSTOMER, text="Hello", status=Message.Status.RECEIVED,
    )  # fmt: skip
    Message.objects.filter(pk=message.pk).update(created_at=NOON_UTC)
    return conversation


def test_the_bookings_list_shows_the_start_in_the_businesss_zone(staff_client, business, customer):
    Booking.objects.create(business=business, customer=customer, starts_at=NOON_UTC)
    html = staff_client.get(reverse("admin:business_booking_changelist")).content.decode()
    assert ONE_PM_IN_PARIS in html


def test_the_orders_list_shows_the_update_in_the_businesss_zone(staff_client, business, customer):
    Order.objects.create(business=business, reference="A-1", customer=customer, updated_at=NOON_UTC)
    assert ONE_PM_IN_PARIS in staff_client.get(reverse("admin:business_order_changelist")).content.decode()


def test_a_booking_time_is_shown_and_typed_in_the_businesss_zone(staff_client, business, customer):
    booking = Booking.objects.create(business=business, customer=customer, starts_at=NOON_UTC)
    url = reverse("admin:business_booking_change", args=[booking.pk])
    page = staff_client.get(url)
    assert 'value="13:00:00"' in page.content.decode()
    assert "Lia at 2026-12-01 13:00 (Europe/Paris)" in page.content.decode()
    assert "In Europe/Paris time, the business's timezone." in page.content.decode()
    data = page_data(page)
    assert staff_client.post(url, data | {"starts_at_1": "14:05"}).status_code == 302
    booking.refresh_from_db()
    assert booking.starts_at == datetime(2026, 12, 1, 13, 5, tzinfo=UTC)


def test_a_conversations_times_and_its_messages_are_in_the_businesss_zone(staff_client, conversation):
    listing = staff_client.get(reverse("admin:conversations_conversation_changelist")).content.decode()
    assert ONE_PM_IN_PARIS in listing
    url = reverse("admin:conversations_conversation_change", args=[conversation.pk])
    html = staff_client.get(url).content.decode()
    assert html.count(ONE_PM_IN_PARIS) == 3  # the last message, the last from the customer, the message itself
    assert "Last message from the customer" in html
