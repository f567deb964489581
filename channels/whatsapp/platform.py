from django.utils.translation import gettext_lazy as _

from conversations.models import ChannelConnection

from ..credential_fields import CredentialField, numeric_id
from ..meta.fields import APP_ID, APP_SECRET, REGISTER_LABEL, SETUP_HELP, VERIFY_TOKEN
from ..meta.graph import GRAPH_API_BASE, STANDARD_WINDOW
from ..meta.subscriptions import subscription_report
from ..platform import PlatformSpec
from ..webhook_setup import WebhookReport
from .formatting import render
from .media import fetch_media
from .sender import INTERACTIVE_BODY_LIMIT, MAX_LIST_ROWS, send_choices, send_template, send_text, send_typing
from .views import whatsapp_webhook

FIELDS = (
    CredentialField(
        "phone_number_id",
        _("Phone number ID"),
        _("In the Meta app: WhatsApp > API Setup, under the “From” number (not the phone number itself)."),
        check=numeric_id,
    ),
    CredentialField(
        "access_token",
        _("Access token"),
        _("A permanent token of a system user with whatsapp_business_messaging (Business settings > System users)."),
    ),
    APP_SECRET,
    VERIFY_TOKEN,
    APP_ID,
)


def check_webhook(connection: ChannelConnection) -> WebhookReport:
    return subscription_report(connection, "whatsapp_business_account", ("messages",))


WHATSAPP = PlatformSpec(
    name="whatsapp",
    label="WhatsApp (Cloud API)",
    send_text=send_text,
    send_template=send_template,
    webhook_view=whatsapp_webhook,
    default_api_base=GRAPH_API_BASE,
    credential_keys=("phone_number_id", "access_token", "app_secret", "verify_token", "app_id"),
    fields=FIELDS,
    register_webhook=check_webhook,
    register_label=REGISTER_LABEL,
    setup_help=SETUP_HELP,
    secret_keys=("access_token", "app_secret"),
    text_limit=4096,
    send_typing=send_typing,
    fetch_media=fetch_media,
    render=render,
    send_choices=send_choices,
    max_choices=MAX_LIST_ROWS,
    choices_text_limit=INTERACTIVE_BODY_LIMIT,
    reply_window=STANDARD_WINDOW,
    ids_are_phone_numbers=True,
    window_closed_codes=frozenset({"131047"}),
)
