from ..meta.graph import GRAPH_API_BASE, HUMAN_AGENT_WINDOW, STANDARD_WINDOW
from ..platform import PlatformSpec
from .sender import send_human_agent_text, send_text, send_typing
from .views import messenger_webhook

MESSENGER = PlatformSpec(
    name="messenger",
    label="Facebook Messenger",
    send_text=send_text,
    webhook_view=messenger_webhook,
    default_api_base=GRAPH_API_BASE,
    credential_keys=("page_id", "access_token", "app_secret", "verify_token"),
    secret_keys=("access_token", "app_secret"),
    text_limit=2000,
    send_typing=send_typing,
    reply_window=STANDARD_WINDOW,
    window_closed_codes=frozenset({"10/2018278"}),
    human_agent_window=HUMAN_AGENT_WINDOW,
    send_human_agent_text=send_human_agent_text,
)
