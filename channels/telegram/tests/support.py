"""Pytest fixtures for Telegram's tests: a connection, its signed webhook posts and a fake Bot API."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from business.models import Business
from conversations.models import ChannelConnection
from tests.fake_platform import Answer, FakePlatformServer, RecordedRequest
from tests.support import load_fixture

BOT_TOKEN = "7012345678:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
SECRET_TOKEN = "tg-webhook-Secret_42"
BOT = {"id": 7012345678, "is_bot": True, "first_name": "Acme Helper", "username": "acme_helper_bot"}


def raw(name: str) -> str:
    return load_fixture(__file__, name)["raw_body"]


def bot_api_success(request: RecordedRequest, count: int) -> Answer:
    """What the Bot API answers: the sent Message for sendMessage, `true` for sendChatAction."""
    body = request.json()
    if request.path.endswith("/sendMessage"):
        chat = {"id": body["chat_id"], "type": "private"}
        message = {"message_id": 5000 + count, "from": BOT, "chat": chat, "date": 1749813605, "text": body["text"]}
        return Answer(200, {"ok": True, "result": message})
    return Answer(200, {"ok": True, "result": True})


@pytest.fixture
def fake_platform() -> Iterator[FakePlatformServer]:
    server = FakePlatformServer(default=bot_api_success)
    yield server
    server.close()


@pytest.fixture
def telegram_connection(business: Business, fake_platform: FakePlatformServer) -> ChannelConnection:
    return ChannelConnection.objects.create(
        business=business,
        platform="telegram",
        credentials={"bot_token": BOT_TOKEN, "secret_token": SECRET_TOKEN},
        api_base=fake_platform.url,
    )


@pytest.fixture
def post_update(client: Any) -> Callable[..., Any]:
    """POST raw bytes to the Telegram webhook with the connection's secret token unless told otherwise."""

    def post(connection: ChannelConnection, body: bytes | str, secret: str | None = SECRET_TOKEN) -> Any:
        headers = {} if secret is None else {"HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN": secret}
        raw_body = body.encode() if isinstance(body, str) else body
        return client.post(connection.webhook_path(), data=raw_body, content_type="application/json", **headers)

    return post
