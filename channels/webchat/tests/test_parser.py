import pytest

from channels.webchat.parser import MAX_TEXT_CHARS, parse_message
from conversations.events import Kind, MalformedPayload
from tests.support import load_fixture


def fixture(name):
    return load_fixture(__file__, name)


def test_a_visitor_message_becomes_a_text_turn_keyed_by_visitor_and_client_id():
    message = parse_message(fixture("visitor_message"))
    assert message.kind == Kind.TEXT and message.answerable
    assert message.sender_id == "0b9f7c1e-3d2a-4f5b-8e6d-1a2b3c4d5e6f"
    assert message.platform_message_id == "0b9f7c1e-3d2a-4f5b-8e6d-1a2b3c4d5e6f:5f0c2a8e-9b7d-4c3e-a1f2-6d5e4c3b2a19"
    assert message.text == "Hi! Are you open on Saturday?"
    assert message.metadata() == {"page_url": "https://corner-shop.example/contact"}


def test_surrounding_blanks_are_trimmed_and_inner_newlines_kept():
    message = parse_message(fixture("visitor_message_without_page"))
    assert message.text == "Do you sell\noat milk?"
    assert message.metadata() == {}


def test_ids_in_another_spelling_are_read_as_the_same_uuid():
    payload = fixture("visitor_message")
    payload["visitor_id"] = payload["visitor_id"].upper()
    assert parse_message(payload).sender_id == "0b9f7c1e-3d2a-4f5b-8e6d-1a2b3c4d5e6f"


@pytest.mark.parametrize(
    "name", ["text_not_a_string", "visitor_id_not_a_uuid", "blank_text", "missing_client_message_id"]
)
def test_a_message_with_a_missing_or_wrong_field_is_malformed(name):
    with pytest.raises(MalformedPayload):
        parse_message(fixture(name))


@pytest.mark.parametrize("payload", [[], "hi", None, 42])
def test_anything_but_an_object_is_malformed(payload):
    with pytest.raises(MalformedPayload, match="JSON object"):
        parse_message(payload)


def test_a_text_over_the_limit_is_malformed():
    payload = {**fixture("visitor_message"), "text": "a" * (MAX_TEXT_CHARS + 1)}
    with pytest.raises(MalformedPayload, match="longer than"):
        parse_message(payload)
