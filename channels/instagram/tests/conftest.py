"""An Instagram connection pointed at a fake Graph API (the Send API answers as for Messenger)."""

from __future__ import annotations

import json

import pytest

from business.models import Business
from conversations.models import ChannelConnection
from tests.fake_platform import FakePlatformServer
from tests.support import MESSENGER_SECRET, load_fixture

ACCOUNT_ID = "17841400123456789"
CUSTOMER = "1153982671234567"


def raw(name: str) -> str:
    return load_fixture(__file__, name)["raw_body"]


def parsed_body(name: str) -> dict:
    return json.loads(raw(name))


@pytest.fixture
def instagram_connection(business: Business, fake_platform: FakePlatformServer) -> ChannelConnection:
    return ChannelConnection.objects.create(
        business=business,
        platform="instagram",
        credentials={
            "page_id": ACCOUNT_ID,
            "access_token": "EAAinstagrampagetoken",
            "app_secret": MESSENGER_SECRET,
            "verify_token": "my-verify-token-7731",
        },
        api_base=fake_platform.url,
    )
