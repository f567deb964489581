"""What every platform package provides: Rasa's channel interface, an inbound side and an outbound side."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.http import HttpRequest, HttpResponse

from .sending import Sent

if TYPE_CHECKING:
    from .models import ChannelConnection

SendText = Callable[["ChannelConnection", str, str], Sent]
WebhookView = Callable[[HttpRequest, str], HttpResponse]


@dataclass(frozen=True)
class PlatformSpec:
    name: str
    label: str
    send_text: SendText
    # None for channels with no platform server behind them, such as the chat command's console.
    webhook_view: WebhookView | None = None
    default_api_base: str = ""
    # The credential keys `connect_channel --set` and the admin accept; secret ones are never shown back.
    credential_keys: tuple[str, ...] = ()
    secret_keys: tuple[str, ...] = ()
