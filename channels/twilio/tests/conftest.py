"""A Twilio connection, a fake Twilio REST API, and signed form posts to the connection's webhook."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from channels.twilio.signature import SIGNATURE_HEADER, sign
from conversations.models import ChannelConnection
from tests.fake_platform import FakePlatformServer
from tests.support import load_fixture

from .harness import HARNESS, form_fields, message_created

PROXY_HOST = "parley-web:8000"


def raw(name: str) -> str:
    return load_fixture(__file__, name)["raw_body"]


@pytest.fixture
def twilio_api() -> Iterator[FakePlatformServer]:
    server = FakePlatformServer(default=message_created)
    yield server
    server.close()


@pytest.fixture
def twilio_connection(business: Any, twilio_api: FakePlatformServer) -> ChannelConnection:
    return HARNESS.connect(business, twilio_api.url)


@pytest.fixture
def post_twilio(client: Any) -> Callable[..., Any]:
    """POST a form body to the connection's webhook, signed for its public URL unless told otherwise."""

    def post(connection: ChannelConnection, body: str, signature: str | None = "valid", **headers: str) -> Any:
        if signature == "valid":
            signature = sign(connection.credential("auth_token"), connection.webhook_url(), form_fields(body))
        if signature is not None:
            headers["HTTP_" + SIGNATURE_HEADER.upper().replace("-", "_")] = signature
        return client.post(
            connection.webhook_path(), data=body, content_type="application/x-www-form-urlencoded", **headers
        )

    return post


@pytest.fixture
def public_base_url(settings: Any) -> str:
    """A deployment behind a proxy: Twilio calls this public URL, the proxy passes on its own Host."""
    settings.PUBLIC_BASE_URL = "https://agent.example.com"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, PROXY_HOST.partition(":")[0]]
    return settings.PUBLIC_BASE_URL
