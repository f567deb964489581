"""Telling Telegram where to send a bot's updates: Telegram has no console for it, only `setWebhook`."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from conversations.models import ChannelConnection

from ..credential_fields import CredentialField, pattern
from ..webhook_setup import WebhookReport
from .parser import READERS
from .sender import call

FIELDS = (
    CredentialField(
        "bot_token",
        gettext_lazy("Bot token"),
        gettext_lazy("The token @BotFather gave you when you created the bot (/newbot, or /token to see it again)."),
        check=pattern(
            r"[0-9]+:[A-Za-z0-9_-]{35}",
            gettext_lazy("A bot token is the bot's number, a colon and 35 letters, digits, _ or -."),
        ),
    ),
    CredentialField(
        "secret_token",
        gettext_lazy("Secret token"),
        gettext_lazy(
            "Chosen by Parley (or type your own): Telegram sends it with every update, and “Save and register the "
            "webhook” gives it to Telegram."
        ),
        # setWebhook's own rule for secret_token.
        check=pattern(
            r"[A-Za-z0-9_-]{1,256}",
            gettext_lazy("Telegram accepts 1 to 256 characters: letters A-Z and a-z, digits, _ and - only."),
        ),
    ),
)


def set_webhook(connection: ChannelConnection) -> WebhookReport:
    """setWebhook with this connection's URL and secret token, for the update types Parley reads."""
    url = connection.webhook_url()
    call(
        connection,
        "setWebhook",
        {"url": url, "secret_token": connection.credential("secret_token"), "allowed_updates": list(READERS)},
    )
    return WebhookReport(True, (_("Telegram now sends this bot's updates to %(url)s.") % {"url": url},))
