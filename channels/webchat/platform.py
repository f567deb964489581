from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import path, reverse

from ..platform import PlatformSpec
from .sender import send_text
from .views import messages, widget_script
from .widget_config import validate_colour, validate_position

if TYPE_CHECKING:
    from conversations.models import ChannelConnection


def embed_snippet(connection: ChannelConnection) -> str:
    """The line the business adds to its website's pages."""
    script = reverse("webchat-widget", args=[connection.credential("public_key")])
    return f'<script src="{settings.PUBLIC_BASE_URL}{script}" async></script>'


WEBCHAT = PlatformSpec(
    name="webchat",
    label="Web chat (website widget)",
    send_text=send_text,
    # Besides the keys, the widget's settings (widget_config.py): empty ones take translated defaults.
    credential_keys=("public_key", "allowed_origins", "greeting", "ai_disclosure", "brand_colour", "position"),
    credential_validators={"brand_colour": (validate_colour,), "position": (validate_position,)},
    generated_keys=("public_key",),
    # The browser fetches each reply whole from the database: there is no message size to split for.
    text_limit=1_000_000,
    urls=(
        path("<slug:key>/widget.js", widget_script, name="webchat-widget"),
        path("<slug:key>/messages", messages, name="webchat-messages"),
    ),
    setup_line=embed_snippet,
)
