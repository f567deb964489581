"""An Instagram connection pointed at a fake Graph API (the Send API answers as for Messenger)."""

from __future__ import annotations

import json

import pytest

from business.models import Business
from conversations.models import ChannelConnection
from tests.fake_platform import FakePlatformServer
from tests.support import load_fixture

from .harness import HARNESS

ACCOUNT_ID = HARNESS.account_id
CUSTOMER = "1153982671234567"


def raw(name: str) -> str:
    return load_fixture(__file__, name)["raw_body"]


def parsed_body(name: str) -> dict:
    return json.loads(raw(name))


@pytest.fixture
def instagram_connection(business: Business, fake_platform: FakePlatformServer) -> ChannelConnection:
    return HARNESS.connect(business, fake_platform.url)
