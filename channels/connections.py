"""Setting up a connection, the same way from `connect_channel` and from the admin."""

from __future__ import annotations

import secrets

from conversations.models import ChannelConnection

from .registry import PLATFORMS


def connectable_platforms() -> list[str]:
    """Platforms staff connect themselves; the playground channel exists on its own, one per business."""
    return sorted(name for name, spec in PLATFORMS.items() if spec.webhook_view or spec.urls)


# Tokens Parley chooses when staff leave them empty, which the platform is then told (Meta's verify token,
# Telegram's secret token: token_urlsafe's letters, digits, _ and - are what setWebhook accepts).
CHOSEN_WHEN_EMPTY = {"verify_token": 24, "secret_token": 32}


def complete_credentials(connection: ChannelConnection) -> None:
    """Generate what Parley chooses itself and the platform is told: a verify token, a public key."""
    spec = PLATFORMS[connection.platform]
    for key, size in CHOSEN_WHEN_EMPTY.items():
        if key in spec.credential_keys and not connection.credential(key):
            connection.credentials[key] = secrets.token_urlsafe(size)
    for key in spec.generated_keys:
        connection.credentials[key] = connection.credential(key) or secrets.token_urlsafe(18)


def setup_line(connection: ChannelConnection) -> str:
    """What staff paste into the platform's console: the webhook URL, or the web chat's snippet."""
    spec = PLATFORMS[connection.platform]
    return spec.setup_line(connection) if spec.setup_line else connection.webhook_url()


def keep_inactive_until_complete(connection: ChannelConnection) -> list[str]:
    """The labels of the required credentials the connection lacks; a connection lacking any is made
    inactive, since its webhooks could not be checked nor its replies sent."""
    spec = PLATFORMS[connection.platform]
    missing = [str(spec.field(key).label) for key in spec.missing_keys(connection)]
    if missing:
        connection.is_active = False
    return missing
