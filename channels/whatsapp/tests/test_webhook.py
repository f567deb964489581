import pytest
from django.core.management import call_command

from conversations.models import ChannelConnection, Message

from .conftest import CUSTOMER, connect, raw


def test_a_message_is_stored_with_its_wamid_and_the_customers_profile_name(post_signed, whatsapp_connection):
    assert post_signed(whatsapp_connection, raw("text_message")).status_code == 200
    [message] = Message.objects.all()
    assert message.text == "Hi, is my table for 4 tonight still confirmed?"
    assert message.platform_message_id == "wamid.HBgMfacE3DNzZ6WWVU8qtMlYBllZ2ZjIvvTIW8L2oK9Ye1pWLE8AA="
    assert message.conversation.contact.platform_user_id == CUSTOMER
    assert message.conversation.contact.display_name == "Olivia Bennett"


def test_a_change_for_another_business_number_goes_to_that_numbers_connection(
    post_signed, whatsapp_connection, business, cloud_api
):
    other = connect(business, cloud_api.url, "224466880011357")
    assert post_signed(whatsapp_connection, raw("other_business_number")).status_code == 200
    message = Message.objects.get()
    assert (message.connection, message.text) == (other, "Is the terrace open?")


@pytest.mark.parametrize(
    "phone_number_id, app_secret",
    [("999999999999999", "f1c2d3e4a5b6978812345678abcdef90"), ("224466880011357", "another-app-secret")],
)
def test_a_change_for_a_number_we_cannot_trust_with_it_is_skipped(
    post_signed, whatsapp_connection, business, cloud_api, phone_number_id, app_secret
):
    connect(business, cloud_api.url, phone_number_id, app_secret)
    assert post_signed(whatsapp_connection, raw("other_business_number")).status_code == 200
    assert not Message.objects.exists()


def test_connect_channel_sets_up_a_whatsapp_number(business, capsys):
    call_command(
        "connect_channel", business.slug, "whatsapp",
        "--set", "phone_number_id=113355779900246", "--set", "access_token=EAAsecret", "--set", "app_secret=s3cret",
    )  # fmt: skip
    connection = ChannelConnection.objects.get(platform="whatsapp")
    assert connection.credential("phone_number_id") == "113355779900246" and connection.credential("verify_token")
    output = capsys.readouterr().out
    assert "access_token: (set)" in output and "EAAsecret" not in output
    assert output.strip().endswith(connection.webhook_path())
