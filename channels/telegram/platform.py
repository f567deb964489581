from ..platform import PlatformSpec
from .sender import TELEGRAM_API_BASE, send_text, send_typing
from .views import telegram_webhook

TELEGRAM = PlatformSpec(
    name="telegram",
    label="Telegram",
    send_text=send_text,
    webhook_view=telegram_webhook,
    default_api_base=TELEGRAM_API_BASE,
    credential_keys=("bot_token", "secret_token"),
    secret_keys=("bot_token", "secret_token"),
    # sendMessage takes 1-4096 characters, counted in UTF-16 code units like its entity offsets.
    text_limit=4096,
    send_typing=send_typing,
    # No customer-service window: a bot may write to a chat for as long as it is not blocked.
    reply_window=None,
)
