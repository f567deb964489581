from conversations.text_split import utf8_length

from ..meta.graph import GRAPH_API_BASE, HUMAN_AGENT_WINDOW, STANDARD_WINDOW
from ..platform import PlatformSpec
from .sender import send_human_agent_text, send_text, send_typing
from .views import instagram_webhook

INSTAGRAM = PlatformSpec(
    name="instagram",
    label="Instagram Direct",
    send_text=send_text,
    webhook_view=instagram_webhook,
    default_api_base=GRAPH_API_BASE,
    # account_id: the Instagram professional account's id, which deliveries name in entry.id (with
    # Facebook Login, page_id is the Facebook Page's id, which they do not).
    credential_keys=("page_id", "account_id", "access_token", "app_secret", "verify_token"),
    secret_keys=("access_token", "app_secret"),
    # Instagram counts its text limit in UTF-8 bytes, not characters.
    text_limit=1000,
    measure=utf8_length,
    send_typing=send_typing,
    reply_window=STANDARD_WINDOW,
    human_agent_window=HUMAN_AGENT_WINDOW,
    send_human_agent_text=send_human_agent_text,
)
