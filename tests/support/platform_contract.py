"""What every platform's tests supply so that the webhook contract (tests/test_platform_contract.py) and the
hostile-input tests run against it: Zulip's `WebhookTestCase`, written once.

A platform's `tests/harness.py` holds a `HARNESS`: how to connect a test business to the platform, how the
platform's servers (or the visitor's browser) deliver a body and sign it, and which of its real-format
fixtures show each part of the contract. Adding a platform to channels/registry.py without one fails
`test_every_platform_customers_reach_has_a_harness_fixtures_and_a_doc_page`.
"""

from __future__ import annotations

import importlib
import json
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, NamedTuple

from django.test import Client

from business.models import Business
from channels.registry import PLATFORMS
from conversations.models import ChannelConnection
from tests.fake_platform import Answer, RecordedRequest
from tests.support import ROOT


@dataclass(frozen=True)
class Delivery:
    """One request as the platform's servers (or a browser) send it to Parley."""

    body: bytes
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


class RefusedSend(NamedTuple):
    """How the platform's API refuses a send, and what Parley records of it."""

    answer: Answer
    # The error code kept on the reply; the pause the platform asked for (Retry-After), if any.
    code: str
    retry_after: int | None = None
    # A part of the platform's reason that the reply's error detail keeps.
    detail: str = ""


# What any server in front of a platform's API may answer: never the platform's fault for long.
SERVER_ERROR = RefusedSend(Answer(503, b"upstream unavailable", {"Content-Type": "text/plain"}), "503")


class Location(NamedTuple):
    """A fixture holding a shared location, and where in its body the latitude is."""

    fixture: str
    path: tuple[str | int, ...]
    latitude: str


class PlatformHarness(ABC):
    platform: ClassVar[str]
    # A customer's text message: stored, answered once, redelivered without effect.
    text_message: ClassVar[str] = "text_message"
    # Messages other than text that start a turn (media, locations, buttons...) and the kind each is stored as.
    answered_kinds: ClassVar[dict[str, str]] = {}
    # Deliveries about our own messages (receipts, echoes, statuses): nothing stored, nothing answered.
    receipts: ClassVar[tuple[str, ...]] = ()
    # Messages kept for staff but not answered (reactions, edits, kinds the platform cannot show us).
    not_answered: ClassVar[tuple[str, ...]] = ()
    # One delivery holding several customers' messages.
    batched: ClassVar[str | None] = None
    # Authentic bodies that will never parse, and what the platform is answered for them: a 400, except
    # where the platform would repeat anything but a 200 (Telegram).
    unreadable_bodies: ClassVar[tuple[bytes, ...]] = (b"{not json", b"\xff\xfe", b'["a list"]', b"{}")
    unreadable_status: ClassVar[int] = 400
    accepted_statuses: ClassVar[tuple[int, ...]] = (200,)
    # A method the endpoint refuses with a 405.
    refused_method: ClassVar[str] = "PUT"
    # Status callbacks about our reply, the one with the platform's id `our_reply_id` sent at `our_reply_sent_at`
    # (Unix time): read, then a delivered arriving late; and a status saying the reply came after the platform's
    # customer-service window closed, with the platform's error code.
    our_reply_id: ClassVar[str] = ""
    our_reply_sent_at: ClassVar[int | None] = None
    read_receipt: ClassVar[str | None] = None
    delivered_receipt: ClassVar[str | None] = None
    window_closed_status: ClassVar[tuple[str, str] | None] = None
    # Where the platform shares locations; whether its bodies are JSON, whose numbers can be out of range.
    location: ClassVar[Location | None] = None
    posts_json: ClassVar[bool] = True

    @property
    def fixtures(self) -> Path:
        return ROOT / "channels" / self.platform / "tests" / "fixtures"

    def fixture(self, name: str) -> dict[str, Any]:
        return json.loads((self.fixtures / f"{name}.json").read_text())

    def raw(self, name: str) -> bytes:
        """The fixture's body exactly as the platform sends it."""
        return self.fixture(name)["raw_body"].encode()

    def texts(self, name: str) -> list[str]:
        """The customers' texts the fixture holds, in order."""
        return self.fixture(name)["expect"]["texts"]

    connection_name: ClassVar[str] = ""

    @abstractmethod
    def credentials(self) -> dict[str, str]:
        """A connection's credentials whose ids and secrets match the fixtures."""

    def connect(self, business: Business, api_base: str) -> ChannelConnection:
        """A connection with those credentials, sending to `api_base`."""
        return ChannelConnection.objects.create(
            business=business,
            platform=self.platform,
            name=self.connection_name,
            credentials=self.credentials(),
            api_base=api_base,
        )

    def endpoint(self, connection: ChannelConnection) -> str:
        return connection.webhook_path()

    @abstractmethod
    def deliver(self, connection: ChannelConnection, body: bytes) -> Delivery:
        """The body as the platform sends it, signed with the connection's secret."""

    @abstractmethod
    def forgeries(self, connection: ChannelConnection, body: bytes) -> list[Delivery]:
        """The body sent by someone without the connection's secret: unsigned, or signed wrongly."""

    def from_json(self, body: bytes) -> bytes:
        """A JSON body as this platform would carry it (Twilio posts forms)."""
        return body

    def api_answer(self, request: RecordedRequest, count: int) -> Answer:
        """What the platform's API answers a request that succeeds (the fake platform's default)."""
        raise NotImplementedError(f"{self.platform} has no API Parley sends to")

    def sent_text(self, request: RecordedRequest) -> str | None:
        """The text a request to the platform's API sends the customer; None for typing, read marks and such."""
        raise NotImplementedError(f"{self.platform} has no API Parley sends to")

    def sent_choices(self, request: RecordedRequest) -> list[tuple[str, str]] | None:
        """The (payload, title) of each button a request shows the customer; None when the platform has
        no buttons and the choices go as numbered lines of the text."""
        return None

    def pick(self, payload: str, title: str, number: int) -> bytes:
        """The customer picking a choice, as the platform delivers it: a tap on the button with this
        payload and title, or where there are no buttons the choice's number typed."""
        raise NotImplementedError(f"{self.platform} has no choices to pick")

    def temporary_refusals(self) -> dict[str, RefusedSend]:
        """The API's answers that mean "not now": the reply stays pending and is sent again."""
        return {"server error": SERVER_ERROR}

    def permanent_refusals(self) -> dict[str, RefusedSend]:
        """The API's answers that mean "never": the reply fails with the platform's code, not sent again."""
        return {}

    def post(self, client: Client, connection: ChannelConnection, delivery: Delivery) -> Any:
        return client.generic(
            "POST", self.endpoint(connection), delivery.body, content_type=delivery.content_type, **delivery.headers
        )


def harness_for(platform: str) -> PlatformHarness:
    return importlib.import_module(f"channels.{platform}.tests.harness").HARNESS


def sends_through_an_api(platform: str) -> bool:
    """Whether Parley sends the platform's replies to its API (the web chat's visitors fetch theirs)."""
    return type(harness_for(platform)).api_answer is not PlatformHarness.api_answer


def platforms_customers_reach() -> list[str]:
    """Every registered platform with a server (or a browser) sending to Parley: all but the staff's playground."""
    return [name for name, spec in PLATFORMS.items() if spec.webhook_view is not None or spec.urls]
