"""Operators reach a WhatsApp customer whose 24-hour window has closed with one of the business's approved
templates, from the transcript; another business's template is out of reach."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from business.models import Business, Membership
from channels.meta.signature import sign
from channels.whatsapp.tests.harness import HARNESS as WHATSAPP
from channels.whatsapp.tests.harness import cloud_api_success
from conversations import outbox
from conversations.models import Contact, Conversation, Message, MessageTemplate
from tests.fake_platform import FakePlatformServer
from tests.support import MESSENGER_SECRET

CUSTOMER = "447700900123"


@pytest.fixture
def cloud_api():
    server = FakePlatformServer(default=cloud_api_success)
    yield server
    server.close()


@pytest.fixture
def closed_window(business, cloud_api) -> Conversation:
    """A WhatsApp customer who last wrote three days ago."""
    connection = WHATSAPP.connect(business, cloud_api.url)
    contact = Contact.objects.create(connection=connection, platform_user_id=CUSTOMER, display_name="Olivia")
    wrote = timezone.now() - timedelta(days=3)
    return Conversation.objects.create(
        business=business, connection=connection, contact=contact, last_inbound_at=wrote, last_message_at=wrote
    )


@pytest.fixture
def follow_up(business) -> MessageTemplate:
    return MessageTemplate.objects.create(
        business=business,
        name="order_follow_up",
        language="en_GB",
        body="Hello {{1}}, your order {{2}} is ready. Reply to talk to us.",
        category="UTILITY",
    )


@pytest.fixture
def operator_client(client, django_user_model, business):
    user = django_user_model.objects.create_user("olive", password="pw", first_name="Olive")
    Membership.objects.create(user=user, business=business, role=Membership.Role.OPERATOR)
    client.force_login(user)
    return client


def transcript_url(conversation: Conversation) -> str:
    return f"/console/{conversation.business.slug}/c/{conversation.pk}/"


def test_an_operator_sends_a_template_past_the_window_in_the_cloud_api_shape(
    operator_client, closed_window, follow_up, cloud_api
):
    page = operator_client.get(transcript_url(closed_window)).content.decode()
    assert "WhatsApp takes only an approved template now" in page and "order_follow_up" in page
    answer = operator_client.post(
        transcript_url(closed_window) + "send-template/",
        {"template": follow_up.pk, "value": ["Olivia", "HB-1042"]},
        follow=True,
    )
    assert "Template sent." in answer.content.decode()
    sent = Message.objects.get(author=Message.Author.OPERATOR)
    assert (sent.kind, sent.text) == (
        outbox.TEMPLATE,
        "Hello Olivia, your order HB-1042 is ready. Reply to talk to us.",
    )
    assert Conversation.objects.get(pk=closed_window.pk).status == Conversation.Status.HUMAN
    outbox.deliver(sent.pk)
    [request] = cloud_api.requests
    assert request.json() == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": CUSTOMER,
        "type": "template",
        "template": {
            "name": "order_follow_up",
            "language": {"code": "en_GB"},
            "components": [
                {
                    "type": "body",
                    "parameters": [{"type": "text", "text": "Olivia"}, {"type": "text", "text": "HB-1042"}],
                }
            ],
        },
    }
    sent.refresh_from_db()
    assert (sent.status, sent.platform_message_id) == (Message.Status.SENT, "wamid.fake_1")


def test_the_templates_delivery_status_and_failure_come_back_like_any_messages(
    client, operator_client, closed_window, follow_up, cloud_api
):
    operator_client.post(
        transcript_url(closed_window) + "send-template/", {"template": follow_up.pk, "value": ["Olivia", "HB-1"]}
    )
    sent = Message.objects.get(author=Message.Author.OPERATOR)
    outbox.deliver(sent.pk)
    status = {
        "object": "whatsapp_business_account",
        "entry": [{"id": "1", "changes": [{"field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550001234", "phone_number_id": WHATSAPP.account_id},
            "statuses": [{"id": "wamid.fake_1", "status": "failed", "timestamp": "1764780000", "recipient_id": CUSTOMER,
                          "errors": [{"code": 132001, "title": "Template name does not exist in the translation"}]}],
        }}]}],
    }  # fmt: skip
    body = json.dumps(status).encode()
    client.post(
        closed_window.connection.webhook_path(),
        body,
        content_type="application/json",
        HTTP_X_HUB_SIGNATURE_256=sign(MESSENGER_SECRET, body),
    )
    sent.refresh_from_db()
    assert (sent.status, sent.error_code) == (Message.Status.FAILED, "132001")


def test_a_template_needs_each_of_its_values(operator_client, closed_window, follow_up):
    for values in (["Olivia"], ["Olivia", "HB-1", "extra"], ["Olivia", "  "], ["Olivia", "two\nlines"]):
        answer = operator_client.post(
            transcript_url(closed_window) + "send-template/", {"template": follow_up.pk, "value": values}, follow=True
        )
        assert answer.status_code == 200
        page = answer.content.decode()
        assert "Fill in each of the template" in page or "one line" in page, values
    assert not Message.objects.filter(direction=Message.Direction.OUTBOUND).exists()


def test_another_businesss_template_cannot_be_sent(operator_client, closed_window, follow_up):
    rival = Business.objects.create(name="Rival Deli", slug="rival-deli")
    theirs = MessageTemplate.objects.create(business=rival, name="rival_promo", language="en", body="Deals {{1}}")
    answer = operator_client.post(
        transcript_url(closed_window) + "send-template/", {"template": theirs.pk, "value": ["now"]}, follow=True
    )
    assert "Select a valid choice" in answer.content.decode()
    assert not Message.objects.filter(direction=Message.Direction.OUTBOUND).exists()
    assert "rival_promo" not in operator_client.get(transcript_url(closed_window)).content.decode()


def test_another_businesss_conversation_cannot_be_sent_a_template(operator_client, follow_up, cloud_api):
    rival = Business.objects.create(name="Rival Deli", slug="rival-deli")
    connection = WHATSAPP.connect(rival, cloud_api.url)
    theirs = Conversation.objects.create(
        business=rival,
        connection=connection,
        contact=Contact.objects.create(connection=connection, platform_user_id="33600000000"),
    )
    for slug in ("corner-shop", "rival-deli"):
        answer = operator_client.post(
            f"/console/{slug}/c/{theirs.pk}/send-template/", {"template": follow_up.pk, "value": ["a", "b"]}
        )
        assert answer.status_code == 404
    assert not Message.objects.exists()


def test_the_agent_never_sends_free_text_past_the_window(closed_window, cloud_api):
    asked = Message.objects.create(
        conversation=closed_window, connection=closed_window.connection, direction=Message.Direction.INBOUND,
        author=Message.Author.CUSTOMER, text="Hello?", status=Message.Status.RECEIVED,
    )  # fmt: skip
    reply = outbox.queue_reply(closed_window, "Hi Olivia!", author=Message.Author.AGENT, reply_to=asked)
    outbox.deliver(reply.pk)
    reply.refresh_from_db()
    assert (reply.status, reply.error_code, cloud_api.requests) == (Message.Status.FAILED, "window_closed", [])
    assert Conversation.objects.get(pk=closed_window.pk).status == Conversation.Status.NEEDS_HUMAN


def test_the_customers_rating_shows_in_the_transcript(operator_client, closed_window):
    Conversation.objects.filter(pk=closed_window.pk).update(rating=Conversation.Rating.OK)
    assert (
        "The customer rated this conversation: OK"
        in operator_client.get(transcript_url(closed_window)).content.decode()
    )


def test_a_template_is_registered_with_its_placeholders_numbered_from_1(business):
    def errors(body: str, purpose: str = "") -> dict:
        template = MessageTemplate(business=business, name="t", language="en", body=body, purpose=purpose)
        try:
            template.full_clean()
        except ValidationError as error:
            return error.message_dict
        return {}

    assert errors("Hello {{1}}, your order {{2}} is ready.") == {}
    assert "body" in errors("Hello {{2}}.") and "body" in errors("{{1}} {{3}}")
    reminder = MessageTemplate.Purpose.BOOKING_REMINDER
    assert errors("On {{1}} at {{2}} for {{3}}.", reminder) == {} and "body" in errors(
        "{{1}} {{2}} {{3}} {{4}}", reminder
    )
    MessageTemplate.objects.create(
        business=business, name="booking_reminder", language="en", body="{{1}}", purpose=reminder
    )
    second = MessageTemplate(business=business, name="reminder_2", language="en", body="{{1}}", purpose=reminder)
    with pytest.raises(ValidationError, match="booking-reminder template in this language already"):
        second.full_clean()
    bad_name = MessageTemplate(business=business, name="Order Follow-up", language="english", body="Hi")
    with pytest.raises(ValidationError) as refused:
        bad_name.full_clean()
    assert {"name", "language"} <= set(refused.value.message_dict)
