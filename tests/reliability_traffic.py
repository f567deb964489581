"""Signed platform deliveries sent over real HTTP, and counts of what reached the customer."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import httpx

from channels.meta.signature import sign
from conversations.models import ChannelConnection, Message
from tests.fake_platform import FakePlatformServer, RecordedRequest

PAGE_ID = "104857361928374"


def messenger_text(sender: str, mid: str, text: str) -> bytes:
    """A Messenger delivery of one text message, in the platform's wire format."""
    event = {
        "sender": {"id": sender},
        "recipient": {"id": PAGE_ID},
        "timestamp": 1749812345000,
        "message": {"mid": mid, "text": text},
    }
    return json.dumps(
        {"object": "page", "entry": [{"id": PAGE_ID, "time": 1749812345210, "messaging": [event]}]}
    ).encode()


def deliver(base_url: str, connection: ChannelConnection, body: bytes) -> int:
    headers = {
        "Content-Type": "application/json",
        "X-Hub-Signature-256": sign(connection.credential("app_secret"), body),
    }
    return httpx.post(base_url + connection.webhook_path(), content=body, headers=headers, timeout=30).status_code


def deliver_concurrently(base_url: str, connection: ChannelConnection, body: bytes, times: int) -> list[int]:
    """The same delivery `times` times at once, as a platform retrying on a slow acknowledgement does."""
    with ThreadPoolExecutor(max_workers=times) as pool:
        return list(pool.map(lambda _: deliver(base_url, connection, body), range(times)))


def requests_to(fake_platform: FakePlatformServer, recipient: str) -> list[tuple[RecordedRequest, dict]]:
    """The Send API requests for this customer with their bodies, in the order the platform got them."""
    bodies = [(request, request.json()) for request in list(fake_platform.requests) if request.body]
    return [(request, body) for request, body in bodies if body.get("recipient", {}).get("id") == recipient]


def replies_sent_to(fake_platform: FakePlatformServer, recipient: str) -> list[str]:
    """The texts the platform was asked to send to this customer, in the order it was asked."""
    return [body["message"]["text"] for _, body in requests_to(fake_platform, recipient) if "message" in body]


def typing_for(fake_platform: FakePlatformServer, recipient: str) -> list[float]:
    """When each typing indicator for this customer reached the platform, in order."""
    return [
        request.received_at
        for request, body in requests_to(fake_platform, recipient)
        if body.get("sender_action") == "typing_on"
    ]


def sent_replies() -> list[Message]:
    return list(Message.objects.filter(direction=Message.Direction.OUTBOUND, status=Message.Status.SENT).order_by("id"))
