from __future__ import annotations

from typing import Any

from conversations.models import ChannelConnection

from ..meta.routing import store_by_account
from ..meta.webhook import meta_webhook
from .parser import parse_delivery


def receive(connection: ChannelConnection, payload: Any) -> None:
    store_by_account(connection, parse_delivery(payload))


messenger_webhook = meta_webhook("messenger", receive)
