import pytest

from channels.twilio.parser import parse_request
from conversations.events import (
    Attachment,
    CustomerMessage,
    DeliveryState,
    Ignored,
    Kind,
    MalformedPayload,
    StatusUpdate,
)
from tests.support import load_fixture

from .harness import form_fields


def parsed(name: str) -> list:
    return parse_request(
        {key: values[-1] for key, values in form_fields(load_fixture(__file__, name)["raw_body"]).items()}
    )


def expected_turn(name: str) -> tuple[str, str]:
    expect = load_fixture(__file__, name)["expect"]
    return expect["message_ids"][0], expect["texts"][0]


def test_an_sms_becomes_one_text_message_from_the_bare_number():
    [event] = parsed("sms_text_message")
    assert event == CustomerMessage(
        platform_message_id="SM97bcbae49f377a997949d11b12e02913",
        sender_id="+15551234567",
        text="Hi, can I move my 3pm appointment to Friday?",
    )
    assert event.answerable


def test_a_whatsapp_message_keeps_the_prefix_and_the_profile_name():
    [event] = parsed("whatsapp_text_message")
    assert (event.sender_id, event.sender_name, event.kind) == ("whatsapp:+447700900456", "Lucía", Kind.TEXT)
    assert (event.platform_message_id, event.turn_text()) == expected_turn("whatsapp_text_message")
    assert event.details == {"wa_id": "447700900456"}


@pytest.mark.parametrize(
    "name, kind",
    [
        ("whatsapp_image_with_caption", Kind.MEDIA),
        ("whatsapp_voice_note", Kind.MEDIA),
        ("mms_photo_and_contact_card", Kind.MEDIA),
        ("mms_pdf_document", Kind.MEDIA),
        ("whatsapp_location", Kind.LOCATION),
        ("whatsapp_button_reply", Kind.BUTTON),
    ],
)
def test_each_kind_is_described_to_the_agent(name, kind):
    [event] = parsed(name)
    assert event.kind == kind and event.answerable
    assert (event.platform_message_id, event.turn_text()) == expected_turn(name)


def test_media_keep_their_urls_and_content_types():
    [event] = parsed("mms_photo_and_contact_card")
    media = "https://api.twilio.com/2010-04-01/Accounts/AC1ee1b5bf859731e7a9516a7e8fad50ba/Messages/MMa1b2c3d4e5f60718293a4b5c6d7e8f90/Media"
    assert event.attachments == (
        Attachment("image", url=f"{media}/ME01a2b3c4d5e6f708192a3b4c5d6e7f80", mime_type="image/png"),
        Attachment("contact", url=f"{media}/ME11a2b3c4d5e6f708192a3b4c5d6e7f81", mime_type="text/vcard"),
    )


def test_the_text_sent_with_a_photo_is_its_caption():
    [event] = parsed("whatsapp_image_with_caption")
    assert event.text == ""
    assert event.metadata()["attachments"][0]["caption"] == "Is this table free?"


def test_a_location_keeps_its_coordinates():
    [event] = parsed("whatsapp_location")
    [place] = event.attachments
    assert (place.latitude, place.longitude) == (48.8584, 2.2945)


def test_a_button_reply_keeps_its_payload_and_the_message_it_answers():
    [event] = parsed("whatsapp_button_reply")
    assert event.details == {
        "wa_id": "447700900456",
        "reply_to": "SM205ef0616ed503237922ac2987136a4b",
        "payload": "CONFIRM_BOOKING_42",
    }


def test_a_message_with_nothing_we_can_read_is_unsupported_and_not_answered():
    [event] = parsed("whatsapp_unsupported")
    assert event.kind == Kind.UNSUPPORTED and not event.answerable
    assert (event.platform_message_id, event.turn_text()) == expected_turn("whatsapp_unsupported")


@pytest.mark.parametrize(
    "name, state",
    [
        ("status_sent", DeliveryState.SENT),
        ("status_delivered", DeliveryState.DELIVERED),
    ],
)
def test_a_status_callback_moves_our_message(name, state):
    assert parsed(name) == [
        StatusUpdate(state, platform_message_id="SM205ef0616ed503237922ac2987136a4b", recipient_id="+15551234567")
    ]


def test_a_whatsapp_read_receipt_is_read():
    [update] = parsed("status_read_whatsapp")
    assert (update.state, update.recipient_id) == (DeliveryState.READ, "whatsapp:+447700900456")


def test_a_failure_outside_the_whatsapp_window_carries_its_code():
    [update] = parsed("status_failed_outside_window")
    assert (update.state, update.error_code) == (DeliveryState.FAILED, "63016")
    assert update.error_detail.startswith("failed: outside the WhatsApp 24-hour window")


def test_an_undelivered_sms_is_failed_with_twilios_message():
    [update] = parsed("status_undelivered_sms")
    assert (update.state, update.error_code, update.error_detail) == (
        DeliveryState.FAILED, "30003", "undelivered: Unreachable destination handset"
    )  # fmt: skip


def test_a_queued_status_is_ignored():
    assert parsed("status_queued") == [Ignored("status queued", "SM205ef0616ed503237922ac2987136a4b")]


def test_the_older_sms_sid_is_enough_to_identify_a_message():
    assert parse_request({"SmsSid": "SMold", "From": "+15551234567", "Body": "Hi"})[0].platform_message_id == "SMold"


@pytest.mark.parametrize(
    "form",
    [
        {},
        {"From": "+15551234567", "Body": "no sid"},
        {"MessageSid": "SMx", "Body": "no sender"},
        {"MessageSid": "SMx", "From": "+15551234567", "NumMedia": "two"},
    ],
)
def test_a_form_that_is_not_twilios_is_malformed(form):
    with pytest.raises(MalformedPayload):
        parse_request(form)


def test_a_num_media_larger_than_twilio_allows_is_not_trusted():
    [event] = parse_request(
        {"MessageSid": "MMx", "From": "+15551234567", "NumMedia": "1000000000", "MediaUrl0": "https://m/0"}
    )
    assert len(event.attachments) == 10
