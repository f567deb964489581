"""Pytest fixtures for Telegram's tests: a connection, its signed webhook posts and a fake Bot API."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from business.models import Business
from conversations.models import ChannelConnection
from tests.fake_platform import FakePlatformServer
from tests.support import load_fixture

from .harness import HARNESS, SECRET_TOKEN, bot_api_success


def raw(name: str) -> str:
    return load_fixture(__file__, name)["raw_body"]


@pytest.fixture
def fake_platform() -> Iterator[FakePlatformServer]:
    server = FakePlatformServer(default=bot_api_success)
    yield server
    server.close()


@pytest.fixture
def telegram_connection(business: Business, fake_platform: FakePlatformServer) -> ChannelConnection:
    return HARNESS.connect(business, fake_platform.url)


@pytest.fixture
def post_update(client: Any) -> Callable[..., Any]:
    """POST raw bytes to the Telegram webhook with the connection's secret token unless told otherwise."""

    def post(connection: ChannelConnection, body: bytes | str, secret: str | None = SECRET_TOKEN) -> Any:
        headers = {} if secret is None else {"HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN": secret}
        raw_body = body.encode() if isinstance(body, str) else body
        return client.post(connection.webhook_path(), data=raw_body, content_type="application/json", **headers)

    return post
