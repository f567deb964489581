"""Instagram's messaging API: Messenger's Send API at `{api_base}/{version}/{page_id or me}/messages`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from conversations.choices import Choice
from conversations.sending import Sent

from ..messenger.sender import post_message, post_sender_action, with_quick_replies
from ..meta.graph import HUMAN_AGENT_TAG

if TYPE_CHECKING:
    from conversations.models import ChannelConnection


def send_text(connection: ChannelConnection, recipient_id: str, text: str) -> Sent:
    return post_message(
        connection, messages_path(connection), {"recipient": {"id": recipient_id}, "message": {"text": text}}
    )


def send_choices(connection: ChannelConnection, recipient_id: str, text: str, choices: Sequence[Choice]) -> Sent:
    """Quick replies, as on Messenger: the same limits, and the tap returns the payload the same way."""
    payload = {"recipient": {"id": recipient_id}, "message": with_quick_replies(text, choices)}
    return post_message(connection, messages_path(connection), payload)


def send_human_agent_text(connection: ChannelConnection, recipient_id: str, text: str) -> Sent:
    payload = {"recipient": {"id": recipient_id}, **HUMAN_AGENT_TAG, "message": {"text": text}}
    return post_message(connection, messages_path(connection), payload)


def send_typing(connection: ChannelConnection, recipient_id: str) -> None:
    post_sender_action(connection, messages_path(connection), recipient_id, "typing_on")


def messages_path(connection: ChannelConnection) -> str:
    # `me` is the account the access token belongs to, for connections set up without a page id.
    return f"{connection.credential('page_id') or 'me'}/messages"
