from django.utils.translation import gettext_lazy as _

from conversations.models import ChannelConnection
from conversations.text_split import utf8_length

from ..credential_fields import CredentialField, numeric_id
from ..messenger.sender import MAX_QUICK_REPLIES
from ..meta.fields import APP_ID, APP_SECRET, PAGE_ACCESS_TOKEN, PAGE_ID, REGISTER_LABEL, SETUP_HELP, VERIFY_TOKEN
from ..meta.graph import GRAPH_API_BASE, HUMAN_AGENT_WINDOW, STANDARD_WINDOW
from ..meta.media import fetch_attachment
from ..meta.subscriptions import subscription_report
from ..platform import PlatformSpec
from ..webhook_setup import WebhookReport
from .sender import send_choices, send_human_agent_text, send_text, send_typing
from .views import instagram_webhook

ACCOUNT_ID = CredentialField(
    "account_id",
    _("Instagram account ID"),
    _("The professional account's id: in the Meta app, Instagram > API setup, next to the account."),
    check=numeric_id,
)


def check_webhook(connection: ChannelConnection) -> WebhookReport:
    return subscription_report(connection, "instagram", ("messages",))


INSTAGRAM = PlatformSpec(
    name="instagram",
    label="Instagram Direct",
    send_text=send_text,
    webhook_view=instagram_webhook,
    default_api_base=GRAPH_API_BASE,
    # account_id: the Instagram professional account's id, which deliveries name in entry.id (with
    # Facebook Login, page_id is the Facebook Page's id, which they do not).
    credential_keys=("page_id", "account_id", "access_token", "app_secret", "verify_token", "app_id"),
    fields=(PAGE_ID, ACCOUNT_ID, PAGE_ACCESS_TOKEN, APP_SECRET, VERIFY_TOKEN, APP_ID),
    register_webhook=check_webhook,
    register_label=REGISTER_LABEL,
    setup_help=SETUP_HELP,
    secret_keys=("access_token", "app_secret"),
    # Instagram counts its text limit in UTF-8 bytes, not characters.
    text_limit=1000,
    measure=utf8_length,
    send_typing=send_typing,
    fetch_media=fetch_attachment,
    reply_window=STANDARD_WINDOW,
    human_agent_window=HUMAN_AGENT_WINDOW,
    send_human_agent_text=send_human_agent_text,
    send_choices=send_choices,
    max_choices=MAX_QUICK_REPLIES,
)
