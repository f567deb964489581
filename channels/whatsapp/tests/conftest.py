"""WhatsApp connections pointed at a fake Cloud API that answers in its wire format."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from business.models import Business
from conversations.models import ChannelConnection
from tests.fake_platform import FakePlatformServer
from tests.support import MESSENGER_SECRET, load_fixture

from .harness import HARNESS, cloud_api_success

PHONE_NUMBER_ID = HARNESS.account_id
CUSTOMER = "447700900123"


def raw(name: str) -> str:
    return load_fixture(__file__, name)["raw_body"]


def parsed_body(name: str) -> dict:
    return json.loads(raw(name))


@pytest.fixture
def cloud_api() -> Iterator[FakePlatformServer]:
    server = FakePlatformServer(default=cloud_api_success)
    yield server
    server.close()


def connect(
    business: Business, api_base: str, phone_number_id: str, app_secret: str = MESSENGER_SECRET
) -> ChannelConnection:
    return ChannelConnection.objects.create(
        business=business,
        platform="whatsapp",
        credentials={
            "phone_number_id": phone_number_id,
            "access_token": "EAAwhatsappsystemusertoken",
            "app_secret": app_secret,
            "verify_token": "my-verify-token-7731",
        },
        api_base=api_base,
    )


@pytest.fixture
def whatsapp_connection(business: Business, cloud_api: FakePlatformServer) -> ChannelConnection:
    return HARNESS.connect(business, cloud_api.url)
