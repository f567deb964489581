from ..meta.graph import GRAPH_API_BASE
from ..platform import PlatformSpec
from .sender import send_text
from .views import messenger_webhook

MESSENGER = PlatformSpec(
    name="messenger",
    label="Facebook Messenger",
    send_text=send_text,
    webhook_view=messenger_webhook,
    default_api_base=GRAPH_API_BASE,
    credential_keys=("page_id", "access_token", "app_secret", "verify_token"),
    secret_keys=("access_token", "app_secret"),
)
