"""The store's models moved from the channels app (label `channels_app`) to this one with their tables:
a database migrated from before the move keeps every row, and the permissions staff hold on them."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection as database
from django.db.migrations.executor import MigrationExecutor

from agents.models import AgentRun
from console.models import Annotation
from conversations.models import ChannelConnection, Contact, Conversation, Message

# The last migrations of every app before the move.
BEFORE_THE_MOVE = [
    ("business", "0005_faq_customer_words"),
    ("channels_app", "0005_webchat_public_key"),
    ("agents", "0006_finite_settings"),
    ("console", "0002_unpublish_customer_words"),
    ("operations", "0001_erasure_records"),
]


def migrate(targets: list[tuple[str, str | None]]) -> None:
    MigrationExecutor(database).migrate(targets)


def latest() -> list[tuple[str, str]]:
    return MigrationExecutor(database).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_the_move_keeps_its_connections_contacts_conversations_and_messages():
    migrate([*BEFORE_THE_MOVE, ("conversations", None)])  # None: none of the app's migrations
    try:
        old = MigrationExecutor(database).loader.project_state(BEFORE_THE_MOVE).apps
        business = old.get_model("business", "Business").objects.create(name="Crumb & Co.", slug="crumb")
        connection = old.get_model("channels_app", "ChannelConnection").objects.create(
            business=business, platform="messenger", credentials={"page_id": "1234"}, secrets={"app_secret": "s3"}
        )
        contact = old.get_model("channels_app", "Contact").objects.create(connection=connection, platform_user_id="677")
        conversation = old.get_model("channels_app", "Conversation").objects.create(
            business=business, connection=connection, contact=contact
        )
        messages = old.get_model("channels_app", "Message").objects
        question = messages.create(
            conversation=conversation,
            connection=connection,
            direction="in",
            author="customer",
            text="Open Sunday?",
            platform_message_id="m.1",
            status="received",
        )
        answer = messages.create(
            conversation=conversation,
            connection=connection,
            direction="out",
            author="agent",
            text="Yes, 8 to 13.",
            reply_to=question,
            status="sent",
        )
        run = old.get_model("agents", "AgentRun").objects.create(
            conversation=conversation, inbound_message=question, reply=answer, model="m.gguf", outcome="replied"
        )
        annotation = old.get_model("console", "Annotation").objects.create(reply=answer, correct_answer="Yes.")
        # As a database in use holds it (a test database may have been emptied of content types).
        message_type, _ = ContentType.objects.get_or_create(app_label="channels_app", model="message")
        migrate(latest())
    finally:
        migrate(latest())

    assert ChannelConnection.objects.get(pk=connection.pk).credential("app_secret") == "s3"
    assert Contact.objects.get(pk=contact.pk).platform_user_id == "677"
    assert Conversation.objects.get(pk=conversation.pk).contact_id == contact.pk
    assert Message.objects.get(pk=answer.pk).reply_to_id == question.pk
    assert list(Message.objects.filter(conversation_id=conversation.pk).values_list("text", flat=True)) == [
        "Open Sunday?",
        "Yes, 8 to 13.",
    ]
    assert AgentRun.objects.get(pk=run.pk).reply_id == answer.pk
    assert Annotation.objects.get(pk=annotation.pk).reply.text == "Yes, 8 to 13."
    ContentType.objects.clear_cache()
    assert ContentType.objects.get_for_model(Message).pk == message_type.pk
