import pytest

from channels.instagram.parser import parse_delivery
from conversations.events import (
    Attachment,
    CustomerMessage,
    DeliveryState,
    Ignored,
    Kind,
    MalformedPayload,
    StatusUpdate,
)

from .conftest import ACCOUNT_ID, CUSTOMER, parsed_body


def parsed(name: str) -> list:
    """The fixture's events, all for the fixture's one account."""
    [(account_id, events)] = parse_delivery(parsed_body(name)).items()
    assert account_id == ACCOUNT_ID
    return events


def test_text_message_becomes_one_customer_message():
    [event] = parsed("text_message")
    assert (event.sender_id, event.text, event.kind) == (
        CUSTOMER,
        "hey! is the linen shirt back in stock in M? 👀",
        Kind.TEXT,
    )
    assert event.platform_message_id.startswith("aWdfaXRlbToxOklHTWVzc2FnZVRocmVhZDox")
    assert event.sent_at.timestamp() == 1749813000


def test_echo_of_our_own_message_is_not_answered():
    assert parsed("echo") == [Ignored("echo", "m_ig_fake_1")]


def test_seen_marks_the_named_message_read():
    assert parsed("seen") == [StatusUpdate(DeliveryState.READ, platform_message_id="m_ig_fake_2")]


@pytest.mark.parametrize(
    "name, kind, text",
    [
        ("image", Kind.MEDIA, "[customer sent a photo]"),
        ("audio", Kind.MEDIA, "[customer sent an audio message]"),
        ("shared_reel", Kind.MEDIA, "[customer sent a shared post: Linen shirt, three ways]"),
        ("shared_post", Kind.MEDIA, "[customer sent a shared post]"),
        ("story_mention", Kind.MEDIA, "[customer sent a story mention]"),
        ("story_reply", Kind.TEXT, "Is this one in blue too?"),
        ("postback", Kind.BUTTON, "Track my order"),
        ("quick_reply", Kind.BUTTON, "Size M"),
        ("unsupported_message", Kind.UNSUPPORTED, "[customer sent a message type we cannot read]"),
    ],
)
def test_every_message_kind_becomes_a_turn_text(name, kind, text):
    [event] = parsed(name)
    assert (event.kind, event.turn_text()) == (kind, text)
    assert event.answerable == (kind != Kind.UNSUPPORTED)


def test_a_shared_reel_keeps_its_url_id_and_title():
    [event] = parsed("shared_reel")
    assert event.attachments == (
        Attachment(
            "share",
            url="https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=1783&signature=GhI",
            media_id="18034567890123456",
            name="Linen shirt, three ways",
        ),
    )


def test_a_reply_to_our_story_keeps_the_story():
    [event] = parsed("story_reply")
    assert event.details == {
        "reply_to_story": {
            "id": "18012345678901234",
            "url": "https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=1786&signature=PqR",
        }
    }


def test_an_unsent_message_is_kept_under_an_id_of_its_own_and_not_answered():
    [event] = parsed("unsend")
    [story_reply] = parsed("story_reply")
    assert event.platform_message_id == f"unsend:{story_reply.platform_message_id}"
    assert (event.kind, event.text, event.answerable) == (Kind.EDIT, "[customer unsent a message]", False)
    assert event.details == {"deleted": story_reply.platform_message_id}


@pytest.mark.parametrize("name, kind", [("reaction", Kind.REACTION), ("message_edit", Kind.EDIT)])
def test_reactions_and_edits_are_kept_but_not_answered(name, kind):
    [event] = parsed(name)
    assert event.kind == kind and not event.answerable


def test_every_event_of_every_entry_is_read():
    events = parsed("batched_entries")
    messages = [event for event in events if isinstance(event, CustomerMessage)]
    assert [(m.sender_id, m.text) for m in messages] == [
        (CUSTOMER, "Do you ship to Ireland?"),
        ("2264093782345678", "Any discount codes?"),
    ]
    assert [type(event) for event in events] == [CustomerMessage, CustomerMessage, StatusUpdate]


@pytest.mark.parametrize("payload", [[], {"object": "page", "entry": []}, {"object": "instagram", "entry": "x"}])
def test_a_body_that_is_not_an_instagram_delivery_is_malformed(payload):
    with pytest.raises(MalformedPayload):
        parse_delivery(payload)
