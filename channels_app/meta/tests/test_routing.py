"""One Meta app, several Pages: each entry of a delivery is stored under its own Page's connection."""
from __future__ import annotations

import json

import pytest

from business.models import Business
from channels_app.models import ChannelConnection, Message
from conftest import MESSENGER_SECRET, load_fixture

# A text message delivery of each platform, as the fixtures beside its tests hold it.
SAMPLES = {
    "messenger": "channels_app/messenger/tests/test_webhook.py",
    "instagram": "channels_app/instagram/tests/test_webhook.py",
}


@pytest.fixture(params=list(SAMPLES))
def page_one(request, business: Business) -> ChannelConnection:
    return page_connection(business, request.param, "1001")


def page_connection(
    business: Business, platform: str, page_id: str, app_secret: str = MESSENGER_SECRET
) -> ChannelConnection:
    return ChannelConnection.objects.create(
        business=business, platform=platform, api_base="http://127.0.0.1:9",
        credentials={"page_id": page_id, "access_token": "EAA-token", "app_secret": app_secret, "verify_token": "v"},
    )  # fmt: skip


def delivery_for(platform: str, page_id: str) -> str:
    """The platform's sample text message, in an entry for that Page."""
    body = json.loads(load_fixture(SAMPLES[platform], "text_message")["raw_body"])
    for entry in body["entry"]:
        entry["id"] = page_id
    return json.dumps(body)


def test_an_entry_for_another_page_of_the_app_is_stored_under_that_pages_connection(post_signed, page_one):
    # The usual agency setup: one Meta app, each brand's Page a connection of its own business.
    other_brand = Business.objects.create(name="Other Brand", slug="other-brand")
    page_two = page_connection(other_brand, page_one.platform, "2002")
    assert post_signed(page_one, delivery_for(page_one.platform, "2002")).status_code == 200
    message = Message.objects.get()
    assert (message.connection, message.conversation.business) == (page_two, other_brand)


def test_an_entry_for_this_connections_page_is_stored_under_it(post_signed, page_one):
    page_connection(page_one.business, page_one.platform, "2002")
    assert post_signed(page_one, delivery_for(page_one.platform, "1001")).status_code == 200
    assert Message.objects.get().connection == page_one


@pytest.mark.parametrize("page_id, app_secret", [("3003", MESSENGER_SECRET), ("2002", "another-app-secret")])
def test_an_entry_for_a_page_no_connection_of_the_app_holds_is_acknowledged_and_stored_nowhere(
    post_signed, page_one, page_id, app_secret
):
    page_connection(page_one.business, page_one.platform, "2002", app_secret)
    assert post_signed(page_one, delivery_for(page_one.platform, page_id)).status_code == 200
    assert not Message.objects.exists()


def test_a_connection_without_a_page_id_takes_the_entries_no_connection_of_its_app_claims(post_signed, page_one):
    page_one.credentials.pop("page_id")
    page_one.save()
    page_two = page_connection(page_one.business, page_one.platform, "2002")
    assert post_signed(page_one, delivery_for(page_one.platform, "3003")).status_code == 200
    assert post_signed(page_one, delivery_for(page_one.platform, "2002")).status_code == 200
    assert [message.connection for message in Message.objects.order_by("id")] == [page_one, page_two]
