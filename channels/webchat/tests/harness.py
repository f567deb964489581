"""The web chat's harness for the webhook contract (tests/support/platform_contract.py).

The widget in a visitor's browser is the "platform": it posts JSON to the connection's public key, and
what authenticates it is that the page embedding it is on an allowed origin."""

import json

from conversations.models import ChannelConnection
from tests.support.platform_contract import Delivery, PlatformHarness

PUBLIC_KEY = "pk_cornershop_7Hq2xY9w"
SHOP_ORIGIN = "https://corner-shop.example"


class WebchatHarness(PlatformHarness):
    platform = "webchat"
    text_message = "visitor_message"
    unreadable_bodies = (
        *PlatformHarness.unreadable_bodies,
        b'"text"',
        b'{"text": "Hi", "sent_at": Infinity}',
        b'{"visitor_id": "visitor-42", "client_message_id": "5f0c2a8e-9b7d-4c3e-a1f2-6d5e4c3b2a19", "text": "Hi"}',
    )
    # The first post is created (201), a retry of it answered with the same message (200).
    accepted_statuses = (200, 201)
    connection_name = "Corner Shop website"

    def credentials(self) -> dict[str, str]:
        return {"public_key": PUBLIC_KEY, "allowed_origins": f"{SHOP_ORIGIN}, https://www.corner-shop.example"}

    def endpoint(self, connection: ChannelConnection) -> str:
        return f"/webchat/{connection.credential('public_key')}/messages"

    def raw(self, name: str) -> bytes:
        return json.dumps(self.fixture(name)).encode()

    def texts(self, name: str) -> list[str]:
        return [self.fixture(name)["text"]]

    def deliver(self, connection: ChannelConnection, body: bytes) -> Delivery:
        return Delivery(body, headers={"HTTP_ORIGIN": SHOP_ORIGIN})

    def forgeries(self, connection: ChannelConnection, body: bytes) -> list[Delivery]:
        origins = ["https://evil.example", "https://corner-shop.example.evil.example", "null"]
        return [Delivery(body), *(Delivery(body, headers={"HTTP_ORIGIN": origin}) for origin in origins)]


HARNESS = WebchatHarness()
