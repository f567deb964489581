"""Messenger's Send API: `POST {api_base}/{version}/me/messages` with the Page access token.

Instagram's messaging API is the same Send API on another path, so it reuses `post_message` and
`post_sender_action`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_noop

from conversations.sending import PermanentSendError, Sent

from ..meta import graph

if TYPE_CHECKING:
    from conversations.models import ChannelConnection

MESSAGES_PATH = "me/messages"


def send_text(connection: ChannelConnection, recipient_id: str, text: str) -> Sent:
    return post_message(
        connection,
        MESSAGES_PATH,
        {"recipient": {"id": recipient_id}, "messaging_type": "RESPONSE", "message": {"text": text}},
    )


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
