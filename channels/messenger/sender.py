"""Messenger's Send API: `POST {api_base}/{version}/me/messages` with the Page access token.

Instagram's messaging API is the same Send API on another path, so it reuses `post_message` and
`post_sender_action`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_noop

from conversations.choices import Choice, cut_title
from conversations.sending import PermanentSendError, Sent

from ..meta import graph

if TYPE_CHECKING:
    from conversations.models import ChannelConnection

MESSAGES_PATH = "me/messages"
MAX_QUICK_REPLIES = 13
QUICK_REPLY_TITLE_LIMIT = 20


def send_text(connection: ChannelConnection, recipient_id: str, text: str) -> Sent:
    return post_message(
        connection,
        MESSAGES_PATH,
        {"recipient": {"id": recipient_id}, "messaging_type": "RESPONSE", "message": {"text": text}},
    )


def send_choices(connection: ChannelConnection, recipient_id: str, text: str, choices: Sequence[Choice]) -> Sent:
    return post_message(
        connection,
        MESSAGES_PATH,
        {"recipient": {"id": recipient_id}, "messaging_type": "RESPONSE", "message": with_quick_replies(text, choices)},
    )


def with_quick_replies(text: str, choices: Sequence[Choice]) -> dict[str, Any]:
    """A text message with quick replies (up to 13, titles up to 20 characters); a tap comes back as a
    message whose quick_reply.payload is the choice's id."""
    quick_replies = [
        {"content_type": "text", "title": cut_title(choice.title, QUICK_REPLY_TITLE_LIMIT), "payload": choice.id}
        for choice in choices
    ]
    return {"text": text, "quick_replies": quick_replies}


def send_human_agent_text(connection: ChannelConnection, recipient_id: str, text: str) -> Sent:
    return post_message(
        connection,
        MESSAGES_PATH,
        {"recipient": {"id": recipient_id}, **graph.HUMAN_AGENT_TAG, "message": {"text": text}},
    )


def send_event_update_text(connection: ChannelConnection, recipient_id: str, text: str) -> Sent:
    return post_message(
        connection,
        MESSAGES_PATH,
        {"recipient": {"id": recipient_id}, **graph.CONFIRMED_EVENT_UPDATE_TAG, "message": {"text": text}},
    )


def send_typing(connection: ChannelConnection, recipient_id: str) -> None:
    post_sender_action(connection, MESSAGES_PATH, recipient_id, "typing_on")


def post_message(connection: ChannelConnection, path: str, payload: dict[str, Any]) -> Sent:
    message_id = graph.post(connection, path, payload).get("message_id")
    if not message_id:
        raise PermanentSendError(gettext_noop("the Send API answered without a message_id"), code="no_message_id")
    return Sent(platform_message_id=str(message_id))


def post_sender_action(connection: ChannelConnection, path: str, recipient_id: str, action: str) -> None:
    # A sender action must be a request of its own: the Send API refuses it beside a message.
    graph.post(connection, path, {"recipient": {"id": recipient_id}, "sender_action": action})
