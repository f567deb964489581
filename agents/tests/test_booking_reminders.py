"""Booking reminders go out once, hours before the booking, by whatever the customer's app allows; a tap on
Confirm or Cancel changes the booking for staff."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

import channels.whatsapp.tests
from agents.booking_reminders import choice_id, remind, remind_due_bookings
from agents.models import AgentRun
from agents.outreach_answers import on_reminder_choice
from business.models import Booking, Customer
from channels.instagram.tests.harness import HARNESS as INSTAGRAM
from channels.messenger.tests.harness import HARNESS as MESSENGER
from channels.meta.signature import sign
from channels.telegram.tests.harness import HARNESS as TELEGRAM
from channels.webchat.tests.harness import HARNESS as WEBCHAT
from channels.whatsapp.tests.harness import HARNESS as WHATSAPP
from conversations import outbox
from conversations.choices import Choice
from conversations.events import Kind
from conversations.models import Contact, Conversation, Message, MessageTemplate
from tests.support import MESSENGER_SECRET, load_fixture

from .outreach_support import CUSTOMER_ID, at_once, customer_on, customer_taps

REMINDER_BODY = "Hello! A reminder of your booking on {{1}} at {{2}} for {{3}}. Will you come?"


def booked(
    conversation: Conversation, starts_in: timedelta = timedelta(hours=20), starts_at: datetime | None = None, **fields
) -> Booking:
    """A booking for 2 the customer made two days ago."""
    booking = Booking.objects.create(
        business=conversation.business,
        customer=conversation.contact.customer,
        starts_at=starts_at or timezone.now() + starts_in,
        party_size=2,
        **fields,
    )
    Booking.objects.filter(pk=booking.pk).update(created_at=timezone.now() - timedelta(days=2))
    return booking


def reminder_template(business, language: str = "en") -> MessageTemplate:
    return MessageTemplate.objects.create(
        business=business,
        name="booking_reminder",
        language=language,
        body=REMINDER_BODY,
        category="UTILITY",
        purpose=MessageTemplate.Purpose.BOOKING_REMINDER,
    )


def sent_reminder(booking: Booking) -> Message:
    return Message.objects.get(metadata__booking_reminder=booking.pk)


def test_inside_the_window_the_reminder_is_a_message_with_confirm_and_cancel(business, platform_server):
    server = platform_server(WHATSAPP)
    booking = booked(customer_on(business, WHATSAPP, server.url))
    assert remind_due_bookings() == 1
    reminder = sent_reminder(booking)
    assert reminder.kind == "text" and reminder.author == Message.Author.AGENT
    assert "A reminder of your booking at Corner Shop for 2 people on" in reminder.text
    confirm, cancel = f"reminder:confirm:{booking.pk}", f"reminder:cancel:{booking.pk}"
    assert reminder.choices == [{"id": confirm, "title": "Confirm"}, {"id": cancel, "title": "Cancel"}]
    outbox.deliver(reminder.pk)
    [request] = server.requests
    body = request.json()
    assert (body["to"], body["type"], body["interactive"]["type"]) == (CUSTOMER_ID, "interactive", "button")
    assert body["interactive"]["body"]["text"] == reminder.text
    assert body["interactive"]["action"]["buttons"] == [
        {"type": "reply", "reply": {"id": confirm, "title": "Confirm"}},
        {"type": "reply", "reply": {"id": cancel, "title": "Cancel"}},
    ]
    booking.refresh_from_db()
    assert (booking.reminder, booking.reminder_claimed_at is not None) == (Booking.Reminder.SENT, True)


def test_past_the_window_whatsapp_gets_the_reminder_template_in_the_cloud_api_shape(business, platform_server):
    server = platform_server(WHATSAPP)
    reminder_template(business, language="fr")
    reminder_template(business, language="en_GB")
    conversation = customer_on(business, WHATSAPP, server.url, wrote_ago=timedelta(days=3))
    booking = booked(conversation, starts_at=datetime(2026, 12, 5, 18, 30, tzinfo=UTC))
    assert remind(booking.pk, datetime(2026, 12, 5, 8, tzinfo=UTC))
    reminder = sent_reminder(booking)
    assert reminder.kind == outbox.TEMPLATE
    # The conversation has no language of its own yet: the business's, English; Paris time, an hour ahead of UTC.
    assert reminder.text == (
        "Hello! A reminder of your booking on Saturday, December 5, 2026 at 7:30 PM for 2. Will you come?"
    )
    outbox.deliver(reminder.pk)
    [request] = server.requests
    assert request.path == f"/v21.0/{WHATSAPP.account_id}/messages"
    assert request.json() == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": CUSTOMER_ID,
        "type": "template",
        "template": {
            "name": "booking_reminder",
            "language": {"code": "en_GB"},
            "components": [
                {
                    "type": "body",
                    "parameters": [
                        {"type": "text", "text": "Saturday, December 5, 2026"},
                        {"type": "text", "text": "7:30 PM"},
                        {"type": "text", "text": "2"},
                    ],
                },
                {
                    "type": "button",
                    "sub_type": "quick_reply",
                    "index": "0",
                    "parameters": [{"type": "payload", "payload": f"reminder:confirm:{booking.pk}"}],
                },
                {
                    "type": "button",
                    "sub_type": "quick_reply",
                    "index": "1",
                    "parameters": [{"type": "payload", "payload": f"reminder:cancel:{booking.pk}"}],
                },
            ],
        },
    }
    reminder.refresh_from_db()
    assert (reminder.status, reminder.platform_message_id) == (Message.Status.SENT, "wamid.fake_1")
    booking.refresh_from_db()
    assert booking.reminder == Booking.Reminder.SENT_AS_TEMPLATE


def test_without_a_reminder_template_the_reminder_is_skipped_and_recorded(business, platform_server):
    server = platform_server(WHATSAPP)
    MessageTemplate.objects.create(business=business, name="follow_up", language="en", body="Any news?")
    booking = booked(customer_on(business, WHATSAPP, server.url, wrote_ago=timedelta(days=3)))
    assert remind_due_bookings() == 1
    booking.refresh_from_db()
    assert booking.reminder == Booking.Reminder.NO_TEMPLATE
    assert not Message.objects.filter(direction=Message.Direction.OUTBOUND).exists()
    assert remind_due_bookings() == 0  # recorded: not tried again every minute


def test_past_the_window_messenger_tags_the_reminder_as_a_confirmed_event_update(business, platform_server):
    server = platform_server(MESSENGER)
    booking = booked(customer_on(business, MESSENGER, server.url, wrote_ago=timedelta(days=3)))
    remind_due_bookings()
    outbox.deliver(sent_reminder(booking).pk)
    [request] = server.requests
    body = request.json()
    assert (body["recipient"], body["messaging_type"], body["tag"]) == (
        {"id": CUSTOMER_ID},
        "MESSAGE_TAG",
        "CONFIRMED_EVENT_UPDATE",
    )
    # Quick replies go with a response only: past the window the choices are numbered lines to answer with.
    assert body["message"]["text"].endswith("\n1. Confirm\n2. Cancel")
    booking.refresh_from_db()
    assert booking.reminder == Booking.Reminder.SENT_TAGGED


def test_a_tagged_reminder_that_waited_past_its_booking_is_not_sent(business, platform_server):
    """Meta allows the tag for upcoming events only."""
    server = platform_server(MESSENGER)
    booking = booked(customer_on(business, MESSENGER, server.url, wrote_ago=timedelta(days=3)))
    remind_due_bookings()
    reminder = sent_reminder(booking)
    reminder.metadata["event_starts_at"] = (timezone.now() - timedelta(minutes=1)).isoformat()
    reminder.save()
    outbox.deliver(reminder.pk)
    reminder.refresh_from_db()
    assert (reminder.status, reminder.error_code, server.requests) == (Message.Status.FAILED, "window_closed", [])


@pytest.mark.parametrize("harness", [TELEGRAM, WEBCHAT], ids=["telegram", "webchat"])
def test_platforms_without_a_window_get_an_ordinary_message_however_long_ago(business, platform_server, harness):
    server = platform_server(harness)
    booking = booked(customer_on(business, harness, server.url, wrote_ago=timedelta(days=30)))
    remind_due_bookings()
    reminder = sent_reminder(booking)
    outbox.deliver(reminder.pk)
    reminder.refresh_from_db()
    assert reminder.status == Message.Status.SENT
    if harness is TELEGRAM:
        [request] = server.requests
        assert request.path.endswith("/sendMessage") and request.json()["text"] == reminder.text
        assert [row[0]["callback_data"] for row in request.json()["reply_markup"]["inline_keyboard"]] == [
            f"reminder:confirm:{booking.pk}",
            f"reminder:cancel:{booking.pk}",
        ]


def test_instagram_past_the_window_records_that_it_could_not_remind(business, platform_server):
    server = platform_server(INSTAGRAM)
    booking = booked(customer_on(business, INSTAGRAM, server.url, wrote_ago=timedelta(days=3)))
    remind_due_bookings()
    booking.refresh_from_db()
    assert booking.reminder == Booking.Reminder.WINDOW_CLOSED
    assert not Message.objects.filter(direction=Message.Direction.OUTBOUND).exists()


def test_only_bookings_due_now_are_reminded(business, platform_server):
    conversation = customer_on(business, WHATSAPP, platform_server(WHATSAPP).url)
    too_far = booked(conversation, starts_in=timedelta(hours=30))
    cancelled = booked(conversation, status=Booking.Status.CANCELLED)
    past = booked(conversation, starts_in=-timedelta(hours=1))
    made_this_morning = Booking.objects.create(
        business=business, customer=conversation.contact.customer, starts_at=timezone.now() + timedelta(hours=8)
    )
    assert remind_due_bookings() == 0
    business.booking_reminder_hours = 36
    business.save()
    assert remind_due_bookings() == 1
    assert Booking.objects.filter(reminder_claimed_at__isnull=False).get() == too_far
    business.booking_reminder_hours = 0
    business.save()
    booked(conversation)
    assert remind_due_bookings() == 0
    assert {cancelled.pk, past.pk, made_this_morning.pk}.isdisjoint(
        Booking.objects.filter(reminder_claimed_at__isnull=False).values_list("pk", flat=True)
    )


def test_a_customer_who_never_wrote_is_not_reminded_and_staff_see_why(business):
    customer = Customer.objects.create(business=business, name="Walk-in")
    booking = Booking.objects.create(
        business=business, customer=customer, starts_at=timezone.now() + timedelta(hours=5)
    )
    Booking.objects.filter(pk=booking.pk).update(created_at=timezone.now() - timedelta(days=1))
    remind_due_bookings()
    booking.refresh_from_db()
    assert booking.reminder == Booking.Reminder.NO_CONVERSATION


def test_the_reminder_is_in_the_conversations_language_and_the_business_timezone(business, platform_server):
    conversation = customer_on(business, TELEGRAM, platform_server(TELEGRAM).url)
    said = Message.objects.create(
        conversation=conversation, connection=conversation.connection, direction=Message.Direction.INBOUND,
        author=Message.Author.CUSTOMER, text="Bonjour", status=Message.Status.RECEIVED,
    )  # fmt: skip
    AgentRun.objects.create(
        conversation=conversation, inbound_message=said, model="m", outcome=AgentRun.Outcome.REPLIED, language="fr"
    )
    booking = booked(conversation, starts_at=datetime(2026, 12, 5, 18, 30, tzinfo=UTC))
    remind(booking.pk, datetime(2026, 12, 5, 8, tzinfo=UTC))
    reminder = sent_reminder(booking)
    assert "samedi 5 décembre 2026" in reminder.text and "19:30" in reminder.text
    assert [choice["title"] for choice in reminder.choices] == ["Confirmer", "Annuler"]


@pytest.mark.django_db(transaction=True)
def test_two_processes_claiming_at_once_send_one_reminder(business, platform_server):
    booking = booked(customer_on(business, WHATSAPP, platform_server(WHATSAPP).url))
    now = timezone.now()
    claims = at_once(4, lambda: remind(booking.pk, now))
    assert sorted(claims) == [False, False, False, True]
    assert Message.objects.filter(metadata__booking_reminder=booking.pk).count() == 1
    assert remind_due_bookings() == 0


def reminded(conversation: Conversation) -> Booking:
    """A booking whose reminder, with its Confirm and Cancel, went out."""
    booking = booked(conversation)
    remind_due_bookings()
    return booking


def test_confirm_tap_confirms_the_booking_with_a_short_answer_not_a_turn(business, platform_server):
    conversation = customer_on(business, WHATSAPP, platform_server(WHATSAPP).url)
    booking = reminded(conversation)
    tap = customer_taps(conversation, choice_id(booking.pk, "confirm"), "Confirm")
    assert (tap.kind, tap.chosen) == (Kind.HANDLED_CHOICE, f"reminder:confirm:{booking.pk}")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    answer = Message.objects.get(reply_to=tap)
    assert answer.text.startswith("Thank you: your booking on") and "is confirmed" in answer.text
    assert not AgentRun.objects.exists()


def test_cancel_tap_cancels_the_booking_even_when_a_person_has_the_conversation(business, platform_server):
    conversation = customer_on(business, WHATSAPP, platform_server(WHATSAPP).url)
    booking = reminded(conversation)
    Conversation.objects.filter(pk=conversation.pk).update(status=Conversation.Status.HUMAN)
    tap = customer_taps(conversation, choice_id(booking.pk, "cancel"), "Cancel")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert "is cancelled" in Message.objects.get(reply_to=tap).text


def test_a_tap_naming_another_customers_booking_changes_nothing(business, platform_server):
    conversation = customer_on(business, WHATSAPP, platform_server(WHATSAPP).url)
    reminded(conversation)
    someone_else = Customer.objects.create(business=business, name="Someone else")
    theirs = Booking.objects.create(
        business=business, customer=someone_else, starts_at=timezone.now() + timedelta(days=1)
    )
    tap = customer_taps(conversation, choice_id(theirs.pk, "cancel"), "Cancel")
    # Never offered here: a plain message for the agent, not a pick.
    assert (tap.kind, tap.chosen) == (Kind.BUTTON, "")
    theirs.refresh_from_db()
    assert theirs.status == Booking.Status.REQUESTED
    # Even offered, the handler changes only this customer's bookings.
    on_reminder_choice(tap, Choice(choice_id(theirs.pk, "cancel"), "Cancel"))
    theirs.refresh_from_db()
    assert theirs.status == Booking.Status.REQUESTED
    assert not Message.objects.filter(reply_to=tap).exists()


def test_the_templates_confirm_button_comes_back_through_the_webhook_and_confirms(client, business, platform_server):
    conversation = customer_on(business, WHATSAPP, platform_server(WHATSAPP).url, wrote_ago=timedelta(days=3))
    reminder_template(business)
    booking = reminded(conversation)
    raw = load_fixture(channels.whatsapp.tests.__file__, "template_button")["raw_body"]
    raw = raw.replace(
        '"payload":"STOP_PROMOS","text":"Stop promotions"',
        f'"payload":"reminder:confirm:{booking.pk}","text":"Confirm"',
    )
    body = raw.encode()
    answer = client.post(
        conversation.connection.webhook_path(),
        body,
        content_type="application/json",
        HTTP_X_HUB_SIGNATURE_256=sign(MESSENGER_SECRET, body),
    )
    assert answer.status_code == 200
    tap = Message.objects.get(direction=Message.Direction.INBOUND)
    assert Contact.objects.count() == 1 and tap.conversation_id == conversation.pk
    assert tap.kind == Kind.HANDLED_CHOICE
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
