"""One Meta app, several Pages: each entry of a delivery is stored under its own Page's connection."""

from __future__ import annotations

import json

import pytest

from business.models import Business
from conversations.models import ChannelConnection, Message
from tests.support import MESSENGER_SECRET, load_fixture

# Where each platform's sample deliveries are, and the credential holding the id its entries carry:
# Messenger names the Page, Instagram the professional account (not the Facebook Page, with Facebook Login).
PLATFORMS = {
    "messenger": ("channels/messenger/tests/test_webhook.py", "page_id"),
    "instagram": ("channels/instagram/tests/test_webhook.py", "account_id"),
}


@pytest.fixture(params=list(PLATFORMS))
def page_one(request, business: Business) -> ChannelConnection:
    return page_connection(business, request.param, "1001")


def page_connection(
    business: Business, platform: str, entry_id: str, app_secret: str = MESSENGER_SECRET
) -> ChannelConnection:
    """A connection whose deliveries' entries carry `entry_id`; on Instagram its Facebook Page is another id."""
    credentials = {"page_id": f"fb-page-{entry_id}", "access_token": "EAA-token", "app_secret": app_secret}
    return ChannelConnection.objects.create(
        business=business, platform=platform, api_base="http://127.0.0.1:9",
        credentials={**credentials, PLATFORMS[platform][1]: entry_id, "verify_token": "v"},
    )  # fmt: skip


def delivery_for(platform: str, entry_id: str) -> str:
    """The platform's sample text message, in an entry for that Page or account."""
    body = json.loads(load_fixture(PLATFORMS[platform][0], "text_message")["raw_body"])
    for entry in body["entry"]:
        entry["id"] = entry_id
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


@pytest.mark.parametrize("entry_id, app_secret", [("3003", MESSENGER_SECRET), ("2002", "another-app-secret")])
def test_an_entry_for_a_page_no_connection_of_the_app_holds_is_acknowledged_and_stored_nowhere(
    post_signed, page_one, entry_id, app_secret
):
    page_connection(page_one.business, page_one.platform, "2002", app_secret)
    assert post_signed(page_one, delivery_for(page_one.platform, entry_id)).status_code == 200
    assert not Message.objects.exists()


def without_its_id(connection: ChannelConnection) -> ChannelConnection:
    """As a connection sending as `me`, or an Instagram one set up before account_id, is."""
    connection.credentials.pop(PLATFORMS[connection.platform][1])
    connection.save()
    return connection


def test_a_connection_without_the_id_its_entries_carry_takes_no_other_pages_entry_while_it_shares_its_app(
    post_signed, page_one
):
    """It took every entry no connection claimed: another brand's Page of the same app, not connected
    (or switched off) in Parley, was stored under it and answered by its agent."""
    without_its_id(page_one)
    other_brand = Business.objects.create(name="Other Brand", slug="other-brand")
    page_two = page_connection(other_brand, page_one.platform, "2002")
    assert post_signed(page_one, delivery_for(page_one.platform, "3003")).status_code == 200
    assert post_signed(page_one, delivery_for(page_one.platform, "2002")).status_code == 200
    assert [message.connection for message in Message.objects.all()] == [page_two]


def test_a_connection_without_the_id_its_entries_carry_alone_in_its_app_still_takes_its_entries(post_signed, page_one):
    """A single-Page setup from before routing keeps working; another app's connection does not count."""
    without_its_id(page_one)
    page_connection(page_one.business, page_one.platform, "2002", app_secret="another-app-secret")
    assert post_signed(page_one, delivery_for(page_one.platform, "1001")).status_code == 200
    assert Message.objects.get().connection == page_one


def test_the_admin_warns_staff_of_a_connection_without_the_id_its_entries_carry(staff_client, page_one):
    change = f"/admin/conversations/channelconnection/{page_one.pk}/change/"
    # The credential as the form labels it.
    key = {"messenger": "Page ID", "instagram": "Instagram account ID"}[page_one.platform]
    assert f"This connection has no {key}" not in staff_client.get(change).content.decode()
    without_its_id(page_one)
    assert f"This connection has no {key}, which its platform" in staff_client.get(change).content.decode()
