"""The terminal as a channel: `manage.py chat` talks to the agent through it.

There is no platform server behind it: a reply is delivered once it is stored, and the chat
command prints it from there.
"""
from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from ..platform import PlatformSpec
from ..sending import Sent

if TYPE_CHECKING:
    from ..models import ChannelConnection


def send_text(connection: ChannelConnection, recipient_id: str, text: str) -> Sent:
    return Sent(platform_message_id=f"console-{uuid.uuid4()}")


# `chat --customer +33612345678` speaks as the customer with that phone number, orders included.
CONSOLE = PlatformSpec(name="console", label="Console (chat command, playground)", send_text=send_text, ids_are_phone_numbers=True)
