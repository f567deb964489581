"""What every platform package provides: Rasa's channel interface, an inbound side and an outbound side.

The outbound side is what the conversation store reads (conversations/platforms.py's Platform), installed
there at start-up (apps.py)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern

from conversations.platforms import SendText, SendTyping
from conversations.text_split import Measure, utf16_length

if TYPE_CHECKING:
    from conversations.models import ChannelConnection

WebhookView = Callable[[HttpRequest, str], HttpResponse]


@dataclass(frozen=True)
class PlatformSpec:
    name: str
    label: str
    send_text: SendText
    # None for channels with no platform server behind them, such as the playground.
    webhook_view: WebhookView | None = None
    default_api_base: str = ""
    # The credential keys `connect_channel --set` and the admin accept; secret ones are never shown back.
    credential_keys: tuple[str, ...] = ()
    # Checks of plain credentials' values, as Django validators, run by the admin's form.
    credential_validators: Mapping[str, tuple[Callable[[str], None], ...]] = field(default_factory=dict)
    secret_keys: tuple[str, ...] = ()
    # Longer replies are sent as several messages, cut on word boundaries.
    text_limit: int = 4096
    measure: Measure = utf16_length
    # Shown to the customer while the agent works, where the platform has such an indicator.
    send_typing: SendTyping | None = None
    # How long after the customer's last message a free-form reply is allowed (None: always).
    reply_window: timedelta | None = None
    # The platform's error codes meaning "the customer-service window has closed": a reply failing
    # with one of them (at once or in a later status callback) hands the conversation to staff.
    window_closed_codes: frozenset[str] = frozenset()
    # Past reply_window, a person (not the agent) may still answer for this long, sent this way
    # (Meta: 7 days with the HUMAN_AGENT message tag).
    human_agent_window: timedelta | None = None
    send_human_agent_text: SendText | None = None
    # Whether a customer's id on this platform is their phone number (WhatsApp, SMS), so that it can
    # be matched to the business's customer records.
    ids_are_phone_numbers: bool = False
    # URLs served at /<name>/ for channels whose clients are browsers rather than a platform's servers.
    urls: tuple[URLPattern, ...] = ()
    # Credentials Parley generates and staff never set (the web chat's public key, unique to the connection).
    generated_keys: tuple[str, ...] = ()
    # What `connect_channel` prints last for staff to paste into the platform; by default the webhook URL.
    setup_line: Callable[[ChannelConnection], str] | None = None

    def settable_keys(self) -> tuple[str, ...]:
        """The credentials staff may set in the admin and with `connect_channel`."""
        return tuple(key for key in self.credential_keys if key not in self.generated_keys)
