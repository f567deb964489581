import pytest

from channels_app.events import Attachment, CustomerMessage
from channels_app.inbound import store_customer_message
from channels_app.models import ChannelConnection


@pytest.mark.django_db
def test_nul_characters_are_removed_before_storing(business):
    connection = ChannelConnection.objects.create(business=business, platform="console")
    event = CustomerMessage(
        platform_message_id="id\x00-1",
        sender_id="user\x00",
        sender_name="Al\x00ex",
        text="hi\x00 there",
        details={"k\x00ey": ["v\x00"]},
        attachments=(Attachment("image", caption="a\x00b"),),
    )
    message = store_customer_message(connection, event)
    message.refresh_from_db()
    assert message.platform_message_id == "id-1" and message.text.startswith("hi there")
    assert message.metadata["key"] == ["v"] and message.metadata["attachments"][0]["caption"] == "ab"
    assert message.conversation.contact.platform_user_id == "user"
