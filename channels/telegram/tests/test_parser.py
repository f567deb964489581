import json

import pytest

from channels.telegram.parser import parse_update
from conversations.events import CustomerMessage, Ignored, Kind
from tests.support import load_fixture


def parsed(name: str) -> list:
    return parse_update(json.loads(load_fixture(__file__, name)["raw_body"]))


def expected_text(name: str) -> str:
    return load_fixture(__file__, name)["expect"]["texts"][0]


def test_text_message_is_keyed_by_its_chat_and_number():
    fixture = load_fixture(__file__, "text_message")
    [event] = parsed("text_message")
    assert event == CustomerMessage(
        platform_message_id=fixture["expect"]["message_ids"][0],
        sender_id=fixture["expect"]["conversation_key"],
        text=fixture["expect"]["texts"][0],
        sent_at=event.sent_at,
        sender_name="Aiko Tanaka",
        details={"update_id": 834512007},
    )
    assert event.kind == Kind.TEXT and event.answerable
    assert event.sent_at.timestamp() == 1749813600


def test_photo_keeps_the_largest_size_and_its_caption():
    fixture = load_fixture(__file__, "photo_with_caption")
    [event] = parsed("photo_with_caption")
    assert (event.kind, event.text, event.turn_text()) == (Kind.MEDIA, "", fixture["expect"]["texts"][0])
    [attachment] = event.attachments
    assert attachment.media_id == fixture["expect"]["media_id"]


@pytest.mark.parametrize(
    "name, kind, attachment_type",
    [
        ("voice_message", Kind.MEDIA, "voice"),
        ("audio", Kind.MEDIA, "audio"),
        ("video", Kind.MEDIA, "video"),
        ("document", Kind.MEDIA, "document"),
        ("sticker", Kind.MEDIA, "sticker"),
        ("location", Kind.LOCATION, "location"),
        ("venue", Kind.LOCATION, "location"),
        ("contact", Kind.MEDIA, "contact"),
    ],
)
def test_every_attachment_becomes_a_described_turn(name, kind, attachment_type):
    [event] = parsed(name)
    assert (event.kind, event.turn_text()) == (kind, expected_text(name))
    assert [attachment.type for attachment in event.attachments] == [attachment_type]
    assert event.answerable


def test_file_metadata_is_kept_for_staff():
    [event] = parsed("document")
    [attachment] = event.metadata()["attachments"]
    assert attachment["mime_type"] == "application/pdf" and attachment["name"] == "invoice-JP-8812.pdf"
    assert attachment["media_id"].startswith("AgACAgQ")


def test_a_message_we_cannot_read_is_kept_but_not_answered():
    [event] = parsed("dice")
    assert (event.kind, event.turn_text(), event.answerable) == (Kind.UNSUPPORTED, expected_text("dice"), False)


def test_an_edit_has_its_own_id_and_is_not_answered():
    fixture = load_fixture(__file__, "edited_message")
    [event] = parsed("edited_message")
    assert event.platform_message_id == fixture["expect"]["message_ids"][0]
    assert (event.kind, event.text, event.answerable) == (Kind.EDIT, expected_text("edited_message"), False)
    assert event.details["edited"] == "731245980:4521"


def test_a_channel_post_is_kept_but_never_answered():
    [event] = parsed("channel_post")
    assert (event.sender_id, event.sender_name, event.text) == (
        "-1001987654321",
        "Acme News",
        expected_text("channel_post"),
    )
    assert event.kind == Kind.UNSUPPORTED and not event.answerable
    assert event.details["channel_post"] is True


def test_a_pressed_buttons_text_becomes_the_customers_turn():
    [event] = parsed("callback_query")
    assert (event.kind, event.turn_text(), event.sender_id) == (Kind.BUTTON, "Track my order", "731245980")
    assert event.platform_message_id == "callback:3141592653589793238"
    assert event.details["payload"] == "TRACK" and event.details["callback_query_id"] == "3141592653589793238"
    assert event.answerable


def test_a_button_not_found_in_the_keyboard_is_read_by_its_data():
    update = json.loads(load_fixture(__file__, "callback_query")["raw_body"])
    del update["callback_query"]["message"]["reply_markup"]
    [event] = parse_update(update)
    assert (event.kind, event.text) == (Kind.BUTTON, "TRACK")


def test_a_group_message_is_answered_in_the_group():
    [event] = parsed("group_message")
    assert (event.sender_id, event.sender_name) == ("-1001234567890", "Acme Customers")


def test_a_reaction_is_kept_but_not_answered():
    [event] = parsed("message_reaction")
    assert (event.kind, event.text, event.answerable) == (Kind.REACTION, expected_text("message_reaction"), False)
    assert event.details["reacted_to"] == "-1001234567890:913"


def test_membership_changes_are_ignored():
    assert parsed("my_chat_member") == [Ignored("my_chat_member", "update 834512025")]


@pytest.mark.parametrize("update", [[], "text", {"message": {"text": "no update_id"}}, {"update_id": 1, "message": {}}])
def test_an_unreadable_update_is_ignored_not_an_error(update):
    [event] = parse_update(update)
    assert isinstance(event, Ignored) and event.kind == "unreadable update"
