import json

import pytest

from channels.messenger.parser import parse_delivery
from conversations.events import CustomerMessage, DeliveryState, Ignored, Kind, MalformedPayload, StatusUpdate
from tests.support import load_fixture


def parsed(name: str) -> list:
    """The fixture's events, all for the fixture's one Page."""
    [(page_id, events)] = parse_delivery(json.loads(load_fixture(__file__, name)["raw_body"])).items()
    assert page_id == "104857361928374"
    return events


def test_text_message_becomes_one_customer_message():
    fixture = load_fixture(__file__, "text_message")
    [event] = parsed("text_message")
    assert event == CustomerMessage(
        platform_message_id=fixture["expect"]["message_ids"][0],
        sender_id="6785123409871234",
        text="Hi! Do you ship to Canada?",
        sent_at=event.sent_at,
    )
    assert event.kind == Kind.TEXT and event.answerable
    assert event.sent_at.timestamp() == 1749812345


def test_echo_is_not_answered():
    assert parsed("echo") == [Ignored("echo", "m_echo_1")]


def test_a_delivery_receipt_moves_the_named_messages():
    assert parsed("delivery_receipt") == [StatusUpdate(DeliveryState.DELIVERED, platform_message_id="m_echo_1")]


def test_a_read_receipt_moves_everything_sent_before_its_watermark():
    [update] = parsed("read_receipt")
    assert (update.state, update.recipient_id) == (DeliveryState.READ, "6785123409871234")
    assert update.watermark.timestamp() == 1749812346.5


def test_postback_title_becomes_the_customers_turn():
    [event] = parsed("postback")
    assert (event.platform_message_id, event.turn_text(), event.kind) == ("m_postback_1", "Opening hours", Kind.BUTTON)
    assert event.details == {"payload": "HOURS"}


def test_image_is_described_to_the_agent_and_kept_with_its_url():
    [event] = parsed("image_attachment")
    assert (event.kind, event.turn_text()) == (Kind.MEDIA, "[customer sent a photo]")
    assert event.metadata() == {"attachments": [{"type": "image", "url": "https://scontent.example/photo.jpg"}]}


@pytest.mark.parametrize(
    "name, kind, text",
    [
        ("quick_reply", Kind.BUTTON, "Gluten-free"),
        ("location", Kind.LOCATION, "[customer sent a location: Home (45.76, 4.83)]"),
        ("sticker", Kind.MEDIA, "[customer sent a sticker]"),
        ("voice_message", Kind.MEDIA, "[customer sent an audio message]"),
        ("unsupported_message", Kind.UNSUPPORTED, "[customer sent a message type we cannot read]"),
    ],
)
def test_every_message_kind_becomes_a_turn_text(name, kind, text):
    [event] = parsed(name)
    assert (event.kind, event.turn_text()) == (kind, text)
    assert event.answerable == (kind != Kind.UNSUPPORTED)


@pytest.mark.parametrize("name, kind", [("reaction", Kind.REACTION), ("message_edit", Kind.EDIT)])
def test_reactions_and_edits_are_kept_but_not_answered(name, kind):
    [event] = parsed(name)
    assert event.kind == kind and not event.answerable


def test_every_event_of_every_entry_is_read():
    events = parsed("batched_entries")
    messages = [event for event in events if isinstance(event, CustomerMessage)]
    assert [(m.sender_id, m.text) for m in messages] == [("111", "Are you open today?"), ("222", "Do you sell bread?")]
    assert [type(event) for event in events] == [CustomerMessage, CustomerMessage, StatusUpdate]


def test_escaped_unicode_is_decoded():
    [event] = parsed("escaped_unicode_text")
    assert event.text == "Café open? 🥐 https://x.example/a"


def test_unreadable_event_does_not_cost_the_others():
    payload = json.loads(load_fixture(__file__, "text_message")["raw_body"])
    payload["entry"][0]["messaging"].insert(0, {"message": {"mid": "m_no_sender", "text": "?"}})
    [events] = parse_delivery(payload).values()
    assert [type(event) for event in events] == [Ignored, CustomerMessage]


def test_events_are_grouped_by_the_page_their_entry_is_for():
    payload = json.loads(load_fixture(__file__, "batched_entries")["raw_body"])
    payload["entry"][1]["id"] = "2222"
    del payload["entry"][0]["id"]
    by_page = parse_delivery(payload)
    assert [(page_id, [type(event) for event in events]) for page_id, events in by_page.items()] == [
        ("", [CustomerMessage]),  # an entry naming no Page: the connection the delivery came to takes it
        ("2222", [CustomerMessage, StatusUpdate]),
    ]


@pytest.mark.parametrize("payload", [[], {"object": "instagram", "entry": []}, {"object": "page", "entry": "x"}])
def test_a_body_that_is_not_a_page_delivery_is_malformed(payload):
    with pytest.raises(MalformedPayload):
        parse_delivery(payload)
