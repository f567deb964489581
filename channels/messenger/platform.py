from conversations.models import ChannelConnection

from ..meta.fields import APP_ID, APP_SECRET, PAGE_ACCESS_TOKEN, PAGE_ID, REGISTER_LABEL, SETUP_HELP, VERIFY_TOKEN
from ..meta.graph import GRAPH_API_BASE, HUMAN_AGENT_WINDOW, STANDARD_WINDOW
from ..meta.media import fetch_attachment
from ..meta.subscriptions import subscription_report
from ..platform import PlatformSpec
from ..webhook_setup import WebhookReport
from .sender import (
    MAX_QUICK_REPLIES,
    send_choices,
    send_event_update_text,
    send_human_agent_text,
    send_text,
    send_typing,
)
from .views import messenger_webhook

# The webhook fields whose events Parley reads: messages and button presses.
FIELDS_READ = ("messages", "messaging_postbacks")


def check_webhook(connection: ChannelConnection) -> WebhookReport:
    return subscription_report(connection, "page", FIELDS_READ, page_fields=FIELDS_READ)


MESSENGER = PlatformSpec(
    name="messenger",
    label="Facebook Messenger",
    send_text=send_text,
    webhook_view=messenger_webhook,
    default_api_base=GRAPH_API_BASE,
    credential_keys=("page_id", "access_token", "app_secret", "verify_token", "app_id"),
    fields=(PAGE_ID, PAGE_ACCESS_TOKEN, APP_SECRET, VERIFY_TOKEN, APP_ID),
    register_webhook=check_webhook,
    register_label=REGISTER_LABEL,
    setup_help=SETUP_HELP,
    secret_keys=("access_token", "app_secret"),
    text_limit=2000,
    send_typing=send_typing,
    fetch_media=fetch_attachment,
    reply_window=STANDARD_WINDOW,
    window_closed_codes=frozenset({"10/2018278"}),
    human_agent_window=HUMAN_AGENT_WINDOW,
    send_human_agent_text=send_human_agent_text,
    send_event_update_text=send_event_update_text,
    send_choices=send_choices,
    max_choices=MAX_QUICK_REPLIES,
)
