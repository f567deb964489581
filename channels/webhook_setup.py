"""Telling a platform where to send webhooks, or checking that it does, and saying what went wrong in words
staff can act on: a platform that could not be reached is not one that refused."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from conversations.models import ChannelConnection
from conversations.sending import SendError

from .api_calls import UNREACHABLE_CODES


@dataclass(frozen=True)
class WebhookReport:
    # Whether the platform sends (or will send) this connection's webhooks where they belong.
    complete: bool
    # What was done, or what is missing, one translated sentence each.
    lines: tuple[str, ...]


def failure(connection: ChannelConnection, error: SendError) -> str:
    """A failed call to the platform, worded by whether the platform answered at all."""
    values = {"platform": connection.get_platform_display(), "reason": error.reason}
    if error.code in UNREACHABLE_CODES:
        return (
            _(
                "Unreachable: %(platform)s could not be reached (%(reason)s). Nothing was refused: check this "
                "server's network access (DNS, firewall, proxy), then try again."
            )
            % values
        )
    return (
        _(
            "Refused by %(platform)s: %(reason)s. The platform answered, so it is reachable: check the connection's "
            "credentials."
        )
        % values
    )


def https_warning(connection: ChannelConnection) -> str:
    """Platforms deliver webhooks over https only: an http URL (a local run) will never be called."""
    url = connection.webhook_url()
    if url.startswith("https://"):
        return ""
    return _(
        "The webhook URL %(url)s is not https: platforms send webhooks to https URLs only. "
        "Set PARLEY_PUBLIC_BASE_URL to this server's public https address."
    ) % {"url": url}
