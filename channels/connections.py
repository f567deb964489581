"""Setting up a connection, the same way from `connect_channel` and from the admin."""

from __future__ import annotations

import secrets

from conversations.models import ChannelConnection

from .registry import PLATFORMS


def connectable_platforms() -> list[str]:
    """Platforms staff connect themselves; the playground channel exists on its own, one per business."""
    return sorted(name for name, spec in PLATFORMS.items() if spec.webhook_view or spec.urls)


def complete_credentials(connection: ChannelConnection) -> None:
    """Generate what Parley chooses itself and the platform is told: a verify token, a public key."""
    spec = PLATFORMS[connection.platform]
    if "verify_token" in spec.credential_keys and not connection.credential("verify_token"):
        connection.credentials["verify_token"] = secrets.token_urlsafe(24)
    for key in spec.generated_keys:
        connection.credentials[key] = connection.credential(key) or secrets.token_urlsafe(18)


def setup_line(connection: ChannelConnection) -> str:
    """What staff paste into the platform's console: the webhook URL, or the web chat's snippet."""
    spec = PLATFORMS[connection.platform]
    return spec.setup_line(connection) if spec.setup_line else connection.webhook_url()
