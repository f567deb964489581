from io import StringIO

from django.core.management import call_command

from channels.twilio.signature import sign
from conversations.models import ChannelConnection, Contact, Conversation, Message

from .conftest import PROXY_HOST, raw
from .harness import form_fields


def test_an_sms_is_answered_with_empty_twiml_and_stored_under_the_senders_number(post_twilio, twilio_connection):
    response = post_twilio(twilio_connection, raw("sms_text_message"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/xml"
    assert response.content == b'<?xml version="1.0" encoding="UTF-8"?><Response/>'
    [message] = Message.objects.all()
    assert (message.text, message.platform_message_id) == (
        "Hi, can I move my 3pm appointment to Friday?", "SM97bcbae49f377a997949d11b12e02913"
    )  # fmt: skip
    assert message.conversation.contact.platform_user_id == "+15551234567"


def test_sms_and_whatsapp_customers_are_separate_contacts_on_one_connection(post_twilio, twilio_connection):
    assert post_twilio(twilio_connection, raw("sms_text_message")).status_code == 200
    assert post_twilio(twilio_connection, raw("whatsapp_text_message")).status_code == 200
    contacts = Contact.objects.order_by("id")
    assert [(c.platform_user_id, c.display_name) for c in contacts] == [
        ("+15551234567", ""),
        ("whatsapp:+447700900456", "Lucía"),
    ]
    assert Conversation.objects.count() == 2


def test_the_signature_is_checked_against_the_public_url_not_the_host_header(
    post_twilio, twilio_connection, public_base_url
):
    response = post_twilio(twilio_connection, raw("sms_text_message"), HTTP_HOST=PROXY_HOST)
    assert response.status_code == 200
    assert Message.objects.count() == 1


def test_a_signature_over_the_internal_host_is_refused(post_twilio, twilio_connection, public_base_url):
    body = raw("sms_text_message")
    internal = f"http://{PROXY_HOST}" + twilio_connection.webhook_path()
    signature = sign(twilio_connection.credential("auth_token"), internal, form_fields(body))
    assert post_twilio(twilio_connection, body, signature=signature, HTTP_HOST=PROXY_HOST).status_code == 403
    assert not Message.objects.exists()


def test_a_tampered_parameter_is_refused(post_twilio, twilio_connection):
    body = raw("sms_text_message")
    signature = sign(twilio_connection.credential("auth_token"), twilio_connection.webhook_url(), form_fields(body))
    tampered = body.replace("Friday", "Monday")
    assert post_twilio(twilio_connection, tampered, signature=signature).status_code == 403


def test_connect_channel_sets_the_twilio_credentials_and_prints_the_webhook_url(business):
    out = StringIO()
    call_command(
        "connect_channel", business.slug, "twilio",
        "--set", "account_sid=AC1ee1b5bf859731e7a9516a7e8fad50ba", "--set", "auth_token=s3cret",
        "--set", "from_number=+15557654321", stdout=out,
    )  # fmt: skip
    connection = ChannelConnection.objects.get(platform="twilio")
    assert {key: connection.credential(key) for key in ("account_sid", "auth_token", "from_number")} == {
        "account_sid": "AC1ee1b5bf859731e7a9516a7e8fad50ba",
        "auth_token": "s3cret",
        "from_number": "+15557654321",
    }
    lines = out.getvalue().splitlines()
    assert "auth_token: (set)" in lines and "s3cret" not in out.getvalue()
    assert "api_base: https://api.twilio.com" in lines
    assert lines[-1] == connection.webhook_url()
