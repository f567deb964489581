"""WhatsApp's webhook: one Meta app may deliver changes for several business numbers to one URL."""

from __future__ import annotations

from typing import Any

from conversations.models import ChannelConnection

from ..meta.routing import store_by_account
from ..meta.webhook import meta_webhook
from .parser import parse_delivery


def receive(connection: ChannelConnection, payload: Any) -> None:
    store_by_account(connection, parse_delivery(payload))


whatsapp_webhook = meta_webhook("whatsapp", receive)
