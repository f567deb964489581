"""Replies to the web chat are not pushed anywhere: the visitor's browser fetches them by polling.

Sending a reply therefore only gives it the id the poll reports it by; the outbox then marks it
sent, and the poll marks it delivered once the browser has fetched it (see feed.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING

from conversations.sending import Sent

if TYPE_CHECKING:
    from conversations.choices import Choice
    from conversations.models import ChannelConnection


def send_text(connection: ChannelConnection, recipient_id: str, text: str) -> Sent:
    return Sent(platform_message_id=f"webchat-{uuid.uuid4()}")


def send_choices(connection: ChannelConnection, recipient_id: str, text: str, choices: Sequence[Choice]) -> Sent:
    """The poll serves the reply's choices with it (feed.py), and the widget shows them as buttons."""
    return send_text(connection, recipient_id, text)
