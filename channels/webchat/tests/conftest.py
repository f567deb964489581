import pytest

from business.models import Business
from conversations.models import ChannelConnection

from .harness import HARNESS


@pytest.fixture
def webchat_connection(business: Business) -> ChannelConnection:
    return HARNESS.connect(business, api_base="")
