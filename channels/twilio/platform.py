from ..platform import PlatformSpec
from .sender import TWILIO_API_BASE, send_text
from .views import twilio_webhook

# No typing indicator (SMS has none) and no reply_window: SMS has no window, and Twilio itself
# refuses a WhatsApp reply outside the 24-hour window with error 63016, recorded on the reply.
TWILIO = PlatformSpec(
    name="twilio",
    label="Twilio (SMS and WhatsApp)",
    send_text=send_text,
    webhook_view=twilio_webhook,
    default_api_base=TWILIO_API_BASE,
    credential_keys=("account_sid", "auth_token", "from_number"),
    secret_keys=("auth_token",),
    text_limit=1600,
    ids_are_phone_numbers=True,
    window_closed_codes=frozenset({"63016"}),
)
