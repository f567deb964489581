from django.utils.translation import gettext_lazy as _

from ..platform import PlatformSpec
from .formatting import render
from .media import fetch_media
from .registration import FIELDS, set_webhook
from .sender import MAX_CHOICES, TELEGRAM_API_BASE, send_choices, send_text, send_typing
from .views import telegram_webhook

TELEGRAM = PlatformSpec(
    name="telegram",
    label="Telegram",
    send_text=send_text,
    webhook_view=telegram_webhook,
    default_api_base=TELEGRAM_API_BASE,
    credential_keys=("bot_token", "secret_token"),
    secret_keys=("bot_token", "secret_token"),
    fields=FIELDS,
    register_webhook=set_webhook,
    register_label=_("Save and register the webhook"),
    registered_keys=("bot_token", "secret_token"),
    setup_help=_(
        "Telegram has no settings page for this: “Save and register the webhook” calls Telegram's setWebhook "
        "with this URL and the secret token."
    ),
    # sendMessage takes 1-4096 characters, counted in UTF-16 code units like its entity offsets.
    text_limit=4096,
    send_typing=send_typing,
    fetch_media=fetch_media,
    render=render,
    send_choices=send_choices,
    max_choices=MAX_CHOICES,
    # No customer-service window: a bot may write to a chat for as long as it is not blocked.
    reply_window=None,
)
