import pytest

from channels.whatsapp.parser import parse_delivery
from conversations.events import (
    Attachment,
    CustomerMessage,
    DeliveryState,
    Ignored,
    Kind,
    MalformedPayload,
    StatusUpdate,
)

from .conftest import CUSTOMER, PHONE_NUMBER_ID, parsed_body


def events_of(name: str) -> list:
    [(number, events)] = parse_delivery(parsed_body(name)).items()
    assert number == PHONE_NUMBER_ID
    return events


def test_text_message_becomes_a_customer_message_with_the_profile_name():
    [event] = events_of("text_message")
    assert event == CustomerMessage(
        platform_message_id="wamid.HBgMfacE3DNzZ6WWVU8qtMlYBllZ2ZjIvvTIW8L2oK9Ye1pWLE8AA=",
        sender_id=CUSTOMER,
        text="Hi, is my table for 4 tonight still confirmed?",
        sent_at=event.sent_at,
        sender_name="Olivia Bennett",
    )
    assert event.sent_at.timestamp() == 1749812400 and event.answerable


def test_an_image_keeps_its_media_id_caption_type_and_checksum():
    [event] = events_of("image_with_caption")
    assert (event.kind, event.turn_text()) == (Kind.MEDIA, "[customer sent a photo: Is this one in stock?]")
    assert event.attachments == (
        Attachment("image", media_id="1290573408263312", mime_type="image/jpeg", caption="Is this one in stock?"),
    )
    assert event.details == {"sha256": "Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmE="}


@pytest.mark.parametrize(
    "name, kind, text",
    [
        ("voice_message", Kind.MEDIA, "[customer sent a voice message]"),
        ("video_message", Kind.MEDIA, "[customer sent a video: the noise it makes]"),
        ("document_message", Kind.MEDIA, "[customer sent a document: invoice-2291.pdf]"),
        ("sticker", Kind.MEDIA, "[customer sent a sticker]"),
        (
            "location",
            Kind.LOCATION,
            "[customer sent a location: London Eye, Riverside Building, London SE1 7PB (51.5033, -0.1196)]",
        ),
        ("contact_card", Kind.MEDIA, "[customer sent a contact card: Sam Reed]"),
        ("button_reply", Kind.BUTTON, "Yes, confirm"),
        ("list_reply", Kind.BUTTON, "19:30"),
        ("template_button", Kind.BUTTON, "Stop promotions"),
        ("unsupported_message", Kind.UNSUPPORTED, "[customer sent a message type we cannot read]"),
    ],
)
def test_every_message_kind_becomes_a_turn_text(name, kind, text):
    [event] = events_of(name)
    assert (event.kind, event.turn_text()) == (kind, text)
    assert event.answerable == (kind != Kind.UNSUPPORTED)


@pytest.mark.parametrize(
    "name, payload, reply_to",
    [
        ("button_reply", "CONFIRM_BOOKING", "wamid.HBgMbusinessbuttons01"),
        ("list_reply", "SLOT_1930", "wamid.HBgMbusinesslist01"),
        ("template_button", "STOP_PROMOS", "wamid.HBgMbusinesstemplate01"),
    ],
)
def test_a_button_keeps_its_payload_and_the_message_it_answers(name, payload, reply_to):
    [event] = events_of(name)
    assert event.details == {"payload": payload, "reply_to": reply_to}


def test_a_voice_note_is_told_apart_from_an_audio_file():
    [event] = events_of("voice_message")
    assert event.attachments[0].type == "voice" and event.attachments[0].mime_type == "audio/ogg; codecs=opus"


def test_a_forwarded_message_says_so():
    [event] = events_of("video_message")
    assert event.details["forwarded"] is True


def test_an_unsupported_message_keeps_whatsapps_error():
    [event] = events_of("unsupported_message")
    assert event.details["errors"][0]["code"] == 131051


@pytest.mark.parametrize(
    "name, text, emoji",
    [("reaction", "[customer reacted 👍]", "👍"), ("reaction_removed", "[customer removed a reaction]", "")],
)
def test_a_reaction_is_kept_but_not_answered(name, text, emoji):
    [event] = events_of(name)
    assert (event.kind, event.text, event.answerable) == (Kind.REACTION, text, False)
    assert event.details == {"reacted_to": "wamid.fake_2", "emoji": emoji}


def test_an_edit_carries_the_new_text_and_the_edited_message():
    [event] = events_of("edited_message")
    assert (event.kind, event.text, event.answerable) == (
        Kind.EDIT,
        "Hi, is my table for 5 tonight still confirmed?",
        False,
    )
    assert event.details == {"edited": "wamid.HBgMfacE3DNzZ6WWVU8qtMlYBllZ2ZjIvvTIW8L2oK9Ye1pWLE8AA="}


@pytest.mark.parametrize(
    "name, state", [("status_delivered", DeliveryState.DELIVERED), ("status_read", DeliveryState.READ)]
)
def test_a_status_moves_our_message_by_its_wamid(name, state):
    assert events_of(name) == [StatusUpdate(state, platform_message_id="wamid.fake_2", recipient_id=CUSTOMER)]


def test_a_send_that_failed_because_the_window_closed_carries_131047():
    [update] = events_of("status_failed_window_closed")
    assert (update.state, update.platform_message_id, update.error_code) == (
        DeliveryState.FAILED,
        "wamid.fake_2",
        "131047",
    )
    assert update.error_detail.startswith("Re-engagement message: Message failed to send because more than 24 hours")


def test_every_message_and_status_of_a_batch_is_read_with_each_senders_name():
    events = events_of("batched_messages")
    messages = [event for event in events if isinstance(event, CustomerMessage)]
    assert [(m.sender_id, m.sender_name, m.text) for m in messages] == [
        (CUSTOMER, "Olivia Bennett", "Are you open on Sunday?"),
        ("353851234567", "Liam O'Brien", "Do you do gluten-free pizza?"),
    ]
    assert [type(event) for event in events] == [CustomerMessage, CustomerMessage, StatusUpdate]


def test_events_are_grouped_by_the_business_number_they_concern():
    payload = parsed_body("text_message")
    payload["entry"] += parsed_body("other_business_number")["entry"]
    grouped = parse_delivery(payload)
    assert list(grouped) == [PHONE_NUMBER_ID, "224466880011357"]
    assert grouped["224466880011357"][0].text == "Is the terrace open?"


@pytest.mark.parametrize("name", ["template_status_update", "platform_error"])
def test_changes_that_are_not_customer_messages_are_ignored(name):
    events = [event for group in parse_delivery(parsed_body(name)).values() for event in group]
    assert events and all(isinstance(event, Ignored) for event in events)


def test_an_unreadable_message_does_not_cost_the_others():
    payload = parsed_body("text_message")
    payload["entry"][0]["changes"][0]["value"]["messages"].insert(0, {"id": "wamid.no_sender", "type": "text"})
    events = parse_delivery(payload)[PHONE_NUMBER_ID]
    assert [type(event) for event in events] == [Ignored, CustomerMessage]


@pytest.mark.parametrize(
    "payload", [[], {"object": "page", "entry": []}, {"object": "whatsapp_business_account", "entry": "x"}]
)
def test_a_body_that_is_not_a_whatsapp_delivery_is_malformed(payload):
    with pytest.raises(MalformedPayload):
        parse_delivery(payload)
