"""Messenger's Send API: `POST {api_base}/{version}/me/messages` with the Page access token."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..meta import graph
from ..sending import PermanentSendError, Sent

if TYPE_CHECKING:
    from ..models import ChannelConnection


def send_text(connection: ChannelConnection, recipient_id: str, text: str) -> Sent:
    body = graph.post(
        connection.api_base,
        "me/messages",
        connection.credential("access_token"),
        {"recipient": {"id": recipient_id}, "messaging_type": "RESPONSE", "message": {"text": text}},
    )
    message_id = body.get("message_id")
    if not message_id:
        raise PermanentSendError(f"the Send API answered without a message_id: {body!r}"[:500], code="no_message_id")
    return Sent(platform_message_id=str(message_id))


def send_typing(connection: ChannelConnection, recipient_id: str) -> None:
    # A sender action must be a request of its own: the Send API refuses it beside a message.
    graph.post(
        connection.api_base,
        "me/messages",
        connection.credential("access_token"),
        {"recipient": {"id": recipient_id}, "sender_action": "typing_on"},
    )
