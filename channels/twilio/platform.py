from django.utils.translation import gettext_lazy as _

from ..credential_fields import CredentialField, pattern
from ..platform import PlatformSpec
from .sender import TWILIO_API_BASE, send_text
from .views import twilio_webhook

FIELDS = (
    CredentialField(
        "account_sid",
        _("Account SID"),
        _("On the Twilio Console's home page, under Account Info: it starts with AC."),
        check=pattern(r"AC[0-9a-fA-F]{32}", _("An Account SID is AC followed by 32 hexadecimal digits.")),
    ),
    CredentialField("auth_token", _("Auth token"), _("Next to the Account SID, under Account Info (“Show”).")),
    CredentialField(
        "from_number",
        _("Number"),
        _("Your Twilio number in international form, such as +14155550100; whatsapp:+14155550100 for WhatsApp."),
        check=pattern(
            r"(whatsapp:)?\+[1-9][0-9]{6,14}",
            _("Write the number in international form: + then the country code and number, digits only."),
        ),
    ),
    CredentialField(
        "webhook_signing_key",
        _("Webhooks signing key"),
        _(
            "Only when a Twilio Webhooks Rule signs this URL with a shared key (HMAC-SHA256): the key's secret. "
            "Without one, Twilio signs with the auth token."
        ),
        required=False,
    ),
)

# No typing indicator (SMS has none) and no reply_window: SMS has no window, and Twilio itself
# refuses a WhatsApp reply outside the 24-hour window with error 63016, recorded on the reply.
TWILIO = PlatformSpec(
    name="twilio",
    label="Twilio (SMS and WhatsApp)",
    send_text=send_text,
    webhook_view=twilio_webhook,
    default_api_base=TWILIO_API_BASE,
    credential_keys=("account_sid", "auth_token", "from_number", "webhook_signing_key"),
    secret_keys=("auth_token", "webhook_signing_key"),
    fields=FIELDS,
    setup_help=_(
        "In the Twilio Console, on the number's page (Messaging configuration): paste this URL as “A message "
        "comes in”, method HTTP POST."
    ),
    text_limit=1600,
    ids_are_phone_numbers=True,
    window_closed_codes=frozenset({"63016"}),
)
