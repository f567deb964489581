"""What every platform package provides: Rasa's channel interface, an inbound side and an outbound side.

The outbound side is what the conversation store reads (conversations/platforms.py's Platform), installed
there at start-up (apps.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern
from django.utils.functional import Promise

from conversations.markup import Render, plain
from conversations.media import FetchMedia
from conversations.platforms import SendChoices, SendTemplate, SendText, SendTyping
from conversations.text_split import Measure, utf16_length

from .credential_fields import CredentialField

if TYPE_CHECKING:
    from conversations.models import ChannelConnection

    from .webhook_setup import WebhookReport

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
    secret_keys: tuple[str, ...] = ()
    # Longer replies are sent as several messages, cut on word boundaries.
    text_limit: int = 4096
    measure: Measure = utf16_length
    # How a reply's Markdown-ish marks reach the customer (channels/<platform>/formatting.py); by default
    # as plain text, marks removed and links followed by their address.
    render: Render = plain
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
    # Sends a reply's last part with its choices as the platform's own buttons, for up to max_choices
    # choices and a text of up to choices_text_limit (0: text_limit); other choices go as numbered lines.
    send_choices: SendChoices | None = None
    max_choices: int = 0
    choices_text_limit: int = 0
    # Sends an approved message template, the one message allowed at any time (WhatsApp).
    send_template: SendTemplate | None = None
    # Past reply_window, a reminder of a booking the customer made may still go out this way (Messenger's
    # CONFIRMED_EVENT_UPDATE message tag), before the booking only.
    send_event_update_text: SendText | None = None
    # Whether a customer's id on this platform is their phone number (WhatsApp, SMS), so that it can
    # be matched to the business's customer records.
    ids_are_phone_numbers: bool = False
    # Downloads a customer's file (a voice note to transcribe) with the connection's credentials, where
    # the platform lets us; None: voice notes stay described, never transcribed.
    fetch_media: FetchMedia | None = None
    # URLs served at /<name>/ for channels whose clients are browsers rather than a platform's servers.
    urls: tuple[URLPattern, ...] = ()
    # Credentials Parley generates and staff never set (the web chat's public key, unique to the connection).
    generated_keys: tuple[str, ...] = ()
    # What `connect_channel` prints last for staff to paste into the platform; by default the webhook URL.
    setup_line: Callable[[ChannelConnection], str] | None = None
    # How the admin asks for each credential: label, where to find it, the platform's rules.
    fields: tuple[CredentialField, ...] = ()
    # Tells the platform where to send webhooks (Telegram's setWebhook), or checks that it does (Meta),
    # where it has an API for it.
    register_webhook: Callable[[ChannelConnection], WebhookReport] | None = None
    # Credentials the platform was told when the webhook was registered (Telegram keeps sending the old
    # secret until setWebhook is called again): changing one asks staff to register again.
    registered_keys: tuple[str, ...] = ()
    # The button that calls it, and what staff do with the webhook URL (or snippet) on this platform.
    register_label: str | Promise = ""
    setup_help: str | Promise = ""

    def __post_init__(self) -> None:
        if not self.choices_text_limit:
            object.__setattr__(self, "choices_text_limit", self.text_limit)

    def settable_keys(self) -> tuple[str, ...]:
        """The credentials staff may set in the admin and with `connect_channel`."""
        return tuple(key for key in self.credential_keys if key not in self.generated_keys)

    def field(self, key: str) -> CredentialField:
        return next((field for field in self.fields if field.key == key), CredentialField(key, key, ""))

    def missing_keys(self, connection: ChannelConnection) -> list[str]:
        """The required credentials the connection lacks: it stays inactive until none is."""
        return [key for key in self.credential_keys if self.field(key).required and not connection.credential(key)]
