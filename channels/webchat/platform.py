from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from ..credential_fields import CredentialField, origin_list
from ..platform import PlatformSpec
from .sender import send_choices, send_text
from .views import messages, widget_script
from .widget_config import validate_colour, validate_position

if TYPE_CHECKING:
    from conversations.models import ChannelConnection


def embed_snippet(connection: ChannelConnection) -> str:
    """The line the business adds to its website's pages."""
    if not (key := connection.credential("public_key")):
        # A connection written by a script or an import: the admin's save generates the key.
        return str(_("Save this connection once: it then gets its public key, and this snippet with it."))
    script = reverse("webchat-widget", args=[key])
    return f'<script src="{settings.PUBLIC_BASE_URL}{script}" async></script>'


WEBCHAT = PlatformSpec(
    name="webchat",
    label="Web chat (website widget)",
    send_text=send_text,
    # Besides the keys, the widget's settings (widget_config.py): empty ones take translated defaults.
    credential_keys=("public_key", "allowed_origins", "greeting", "ai_disclosure", "brand_colour", "position"),
    generated_keys=("public_key",),
    fields=(
        CredentialField(
            "allowed_origins",
            _("Allowed origins"),
            _(
                "The websites that may show the widget, comma-separated, as the browser's address bar shows them "
                "without a path: https://www.example.com, https://example.com. Empty allows any website."
            ),
            required=False,
            check=origin_list,
        ),
        CredentialField(
            "greeting",
            _("Greeting"),
            _("Shown when the panel opens. Empty: a greeting in the visitor's language."),
            required=False,
        ),
        CredentialField(
            "ai_disclosure",
            _("AI disclosure"),
            _("Tells visitors they are talking to an AI assistant. Empty: the default, in the visitor's language."),
            required=False,
        ),
        CredentialField("brand_colour", _("Brand colour"), _("Such as #2563eb."), False, validate_colour),
        CredentialField("position", _("Position"), _("right or left: the side of the page."), False, validate_position),
    ),
    # The browser fetches each reply whole from the database: there is no message size to split for.
    text_limit=1_000_000,
    send_choices=send_choices,
    # The widget shows any number; more than this many buttons would bury the reply.
    max_choices=10,
    urls=(
        path("<slug:key>/widget.js", widget_script, name="webchat-widget"),
        path("<slug:key>/messages", messages, name="webchat-messages"),
    ),
    setup_line=embed_snippet,
    setup_help=_("Add this line to every page of your website that should show the chat, before </body>."),
)
