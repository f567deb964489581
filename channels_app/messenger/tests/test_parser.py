import json

import pytest

from channels_app.events import CustomerMessage, Ignored, MalformedPayload
from channels_app.messenger.parser import parse_delivery
from conftest import load_fixture


def parsed(name: str) -> list:
    return parse_delivery(json.loads(load_fixture(__file__, name)["raw_body"]))


def test_text_message_becomes_one_customer_message():
    fixture = load_fixture(__file__, "text_message")
    [event] = parsed("text_message")
    assert event == CustomerMessage(
        platform_message_id=fixture["expect"]["message_ids"][0],
        sender_id="6785123409871234",
        text="Hi! Do you ship to Canada?",
        sent_at=event.sent_at,
    )
    assert event.sent_at.timestamp() == 1749812345


def test_echo_is_not_answered():
    assert parsed("echo") == [Ignored("echo", "m_echo_1")]


@pytest.mark.parametrize("name, kind", [("read_receipt", "read"), ("delivery_receipt", "delivery")])
def test_receipts_are_not_answered(name, kind):
    assert [event.kind for event in parsed(name)] == [kind]


def test_postback_title_becomes_the_customers_turn():
    [event] = parsed("postback")
    assert (event.platform_message_id, event.text) == ("m_postback_1", "Opening hours")


def test_image_is_described_to_the_agent():
    [event] = parsed("image_attachment")
    assert event.text == "[customer sent a photo]"


def test_every_event_of_every_entry_is_read():
    events = parsed("batched_entries")
    messages = [event for event in events if isinstance(event, CustomerMessage)]
    assert [(m.sender_id, m.text) for m in messages] == [("111", "Are you open today?"), ("222", "Do you sell bread?")]
    assert [event.kind for event in events if isinstance(event, Ignored)] == ["read"]


def test_escaped_unicode_is_decoded():
    [event] = parsed("escaped_unicode_text")
    assert event.text == "Café open? 🥐 https://x.example/a"


def test_unreadable_event_does_not_cost_the_others():
    payload = json.loads(load_fixture(__file__, "text_message")["raw_body"])
    payload["entry"][0]["messaging"].insert(0, {"message": {"mid": "m_no_sender", "text": "?"}})
    events = parse_delivery(payload)
    assert [type(event) for event in events] == [Ignored, CustomerMessage]


@pytest.mark.parametrize("payload", [[], {"object": "instagram", "entry": []}, {"object": "page", "entry": "x"}])
def test_a_body_that_is_not_a_page_delivery_is_malformed(payload):
    with pytest.raises(MalformedPayload):
        parse_delivery(payload)
