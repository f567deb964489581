import pytest

from business.models import Business
from conversations.models import ChannelConnection

PUBLIC_KEY = "pk_cornershop_7Hq2xY9w"
SHOP_ORIGIN = "https://corner-shop.example"


@pytest.fixture
def webchat_connection(business: Business) -> ChannelConnection:
    return ChannelConnection.objects.create(
        business=business,
        platform="webchat",
        name="Corner Shop website",
        credentials={"public_key": PUBLIC_KEY, "allowed_origins": f"{SHOP_ORIGIN}, https://www.corner-shop.example"},
    )
