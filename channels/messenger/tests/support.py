"""Pytest fixtures for a Messenger connection and Meta-signed posts, used across the suite: the store, the worker
and the console are mostly tested through Messenger (conftest.py registers this module as a plugin)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from business.models import Business
from channels.meta.signature import sign
from conversations.models import ChannelConnection
from tests.fake_platform import FakePlatformServer

from .harness import HARNESS


@pytest.fixture
def messenger_connection(business: Business, fake_platform: FakePlatformServer) -> ChannelConnection:
    return HARNESS.connect(business, fake_platform.url)


@pytest.fixture
def post_signed(client: Any) -> Callable[..., Any]:
    """POST raw bytes to a Meta webhook, signed with the connection's app secret unless told otherwise."""

    def post(connection: ChannelConnection, body: bytes | str, signature: str | None = "valid") -> Any:
        raw = body.encode() if isinstance(body, str) else body
        headers = {}
        if signature == "valid":
            headers["HTTP_X_HUB_SIGNATURE_256"] = sign(connection.credential("app_secret"), raw)
        elif signature is not None:
            headers["HTTP_X_HUB_SIGNATURE_256"] = signature
        return client.post(connection.webhook_path(), data=raw, content_type="application/json", **headers)

    return post
