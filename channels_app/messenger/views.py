from __future__ import annotations

from typing import Any

from ..inbound import store_events
from ..meta.webhook import meta_webhook
from ..models import ChannelConnection
from .parser import parse_delivery


def receive(connection: ChannelConnection, payload: Any) -> None:
    store_events(connection, parse_delivery(payload))


messenger_webhook = meta_webhook("messenger", receive)
