"""Staff trying their agent as a customer would: `manage.py chat` in a terminal and the admin's playground.

There is no platform server behind it: a reply is delivered once it is stored, and the chat command or
the playground page shows it from there. Its rows keep the platform name "console" they were stored
under (the inbox's `?channel=console`, `forget_contact <slug> console <id>`); only the code moved.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from conversations.sending import Sent

from ..platform import PlatformSpec

if TYPE_CHECKING:
    from conversations.models import ChannelConnection


def send_text(connection: ChannelConnection, recipient_id: str, text: str) -> Sent:
    return Sent(platform_message_id=f"console-{uuid.uuid4()}")


# `chat --customer +33612345678` speaks as the customer with that phone number, orders included.
PLAYGROUND = PlatformSpec(
    name="console", label="Playground (chat command, admin)", send_text=send_text, ids_are_phone_numbers=True
)
