import pytest
from django.db import connection as database

from conversations.events import Attachment, CustomerMessage, DeliveryState, StatusUpdate
from conversations.inbound import apply_status, store_customer_message
from conversations.models import ChannelConnection, Conversation, Message


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


@pytest.mark.django_db
def test_a_redelivered_message_id_is_not_stored_again_and_leaves_the_callers_transaction_usable(business):
    connection = ChannelConnection.objects.create(business=business, platform="console")
    first = store_customer_message(connection, CustomerMessage(platform_message_id="m-1", sender_id="u1", text="Hi"))
    assert (
        store_customer_message(connection, CustomerMessage(platform_message_id="m-1", sender_id="u1", text="Hi"))
        is None
    )
    assert list(Message.objects.values_list("pk", flat=True)) == [first.pk]


@pytest.mark.django_db
def test_a_redelivery_after_the_conversation_closed_opens_no_empty_conversation(business):
    connection = ChannelConnection.objects.create(business=business, platform="console")
    first = store_customer_message(connection, CustomerMessage(platform_message_id="m-1", sender_id="u1", text="Hi"))
    Conversation.objects.filter(pk=first.conversation_id).update(status=Conversation.Status.CLOSED)
    assert (
        store_customer_message(connection, CustomerMessage(platform_message_id="m-1", sender_id="u1", text="Hi"))
        is None
    )
    assert list(Conversation.objects.values_list("pk", flat=True)) == [first.conversation_id]


@pytest.mark.django_db
def test_a_known_customers_message_is_stored_with_one_statement_touching_their_conversation(
    business, django_assert_num_queries
):
    connection = ChannelConnection.objects.create(business=business, platform="console")
    first = store_customer_message(connection, CustomerMessage(platform_message_id="m-1", sender_id="u1", text="Hi"))
    first_inbound_at = Conversation.objects.get().last_inbound_at
    with django_assert_num_queries(1):
        second = store_customer_message(
            connection, CustomerMessage(platform_message_id="m-2", sender_id="u1", text="And?")
        )
    conversation = Conversation.objects.get()
    assert first.conversation == second.conversation == conversation
    assert conversation.last_message_at == conversation.last_inbound_at > first_inbound_at
    assert second.created_at == Message.objects.get(pk=second.pk).created_at


@pytest.mark.django_db
def test_a_new_customers_first_message_is_stored_with_their_contact_and_conversation_in_one_statement(
    business, django_assert_num_queries
):
    connection = ChannelConnection.objects.create(business=business, platform="console")
    event = CustomerMessage(platform_message_id="m-1", sender_id="u1", sender_name="Ana", text="Hi")
    with django_assert_num_queries(1):
        message = store_customer_message(connection, event)
    stored = Message.objects.select_related("conversation__contact").get()
    assert stored.pk == message.pk and stored.text == "Hi" and stored.status == Message.Status.RECEIVED
    assert stored.conversation.status == Conversation.Status.BOT and stored.conversation.business == business
    assert (stored.conversation.contact.platform_user_id, stored.conversation.contact.display_name) == ("u1", "Ana")


@pytest.mark.django_db
def test_a_customer_whose_conversation_closed_is_given_a_new_one(business):
    connection = ChannelConnection.objects.create(business=business, platform="console")
    first = store_customer_message(connection, CustomerMessage(platform_message_id="m-1", sender_id="u1", text="Hi"))
    Conversation.objects.filter(pk=first.conversation_id).update(status=Conversation.Status.CLOSED)
    second = store_customer_message(connection, CustomerMessage(platform_message_id="m-2", sender_id="u1", text="Hi"))
    assert second.conversation_id != first.conversation_id
    assert second.conversation.contact_id == first.conversation.contact_id
    assert Conversation.objects.get(pk=second.conversation_id).status == Conversation.Status.BOT


@pytest.mark.django_db
def test_a_redelivery_moves_no_conversation_times(business):
    connection = ChannelConnection.objects.create(business=business, platform="console")
    first = store_customer_message(connection, CustomerMessage(platform_message_id="m-1", sender_id="u1", text="Hi"))
    before = Conversation.objects.get().last_message_at
    assert store_customer_message(connection, CustomerMessage(platform_message_id="m-1", sender_id="u1")) is None
    assert Conversation.objects.get(pk=first.conversation_id).last_message_at == before


@pytest.mark.django_db
def test_a_failure_status_with_an_error_code_longer_than_its_column_is_recorded_cut_to_it(business):
    """Found by the hostile-input tests: WhatsApp's code, nested deep, failed the whole delivery with a 503."""
    connection = ChannelConnection.objects.create(business=business, platform="console")
    inbound = store_customer_message(connection, CustomerMessage(platform_message_id="m-1", sender_id="u1", text="Hi"))
    reply = Message.objects.create(
        conversation=inbound.conversation,
        connection=connection,
        direction=Message.Direction.OUTBOUND,
        author=Message.Author.AGENT,
        text="Yes.",
        platform_message_id="out-1",
        status=Message.Status.SENT,
    )
    code = "{" * 200
    moved = apply_status(connection, StatusUpdate(DeliveryState.FAILED, "out-1", error_code=code, error_detail="no"))
    reply.refresh_from_db()
    assert moved == 1 and (reply.status, reply.error_code) == (Message.Status.FAILED, code[:64])


@pytest.mark.django_db
def test_a_known_customers_store_is_prepared_on_the_server_once_it_repeats(business):
    """Django leaves psycopg's preparing off unless settings ask for it: the store statement must not be parsed
    again for every delivery."""
    connection = ChannelConnection.objects.create(business=business, platform="console")
    for number in range(6):
        store_customer_message(
            connection, CustomerMessage(platform_message_id=f"m-{number}", sender_id="u1", text="Hi")
        )
    with database.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [statement for (statement,) in cursor.fetchall()]
    assert any("WITH touched AS" in statement for statement in prepared)
