from ..meta.graph import GRAPH_API_BASE, STANDARD_WINDOW
from ..platform import PlatformSpec
from .sender import send_text, send_typing
from .views import whatsapp_webhook

WHATSAPP = PlatformSpec(
    name="whatsapp",
    label="WhatsApp (Cloud API)",
    send_text=send_text,
    webhook_view=whatsapp_webhook,
    default_api_base=GRAPH_API_BASE,
    credential_keys=("phone_number_id", "access_token", "app_secret", "verify_token"),
    secret_keys=("access_token", "app_secret"),
    text_limit=4096,
    send_typing=send_typing,
    reply_window=STANDARD_WINDOW,
    ids_are_phone_numbers=True,
    window_closed_codes=frozenset({"131047"}),
)
