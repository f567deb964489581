"""An FAQ entry made from a customer's message is published only once the customer's words are gone from it."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection as database
from django.db.migrations.executor import MigrationExecutor

from business.models import FaqEntry
from console.operator_actions import add_to_knowledge, annotate
from conversations.models import ChannelConnection, Conversation, Message

pytestmark = pytest.mark.django_db

ASKED = "Is the lilac cake for Basile ready? Pick-up at 12 rue des Lilas."
REFUSED = "still holds the customer&#x27;s message word for word"


def add_to_faq(connection: ChannelConnection, words: str, correct_answer: str = "Cakes take a day.") -> FaqEntry:
    """A customer asks, the agent answers wrong, an operator corrects it and clicks "Add to FAQ"."""
    contact = connection.contacts.create(platform_user_id=f"PSID-{Message.objects.count()}")
    conversation = Conversation.objects.create(business=connection.business, connection=connection, contact=contact)
    asked = Message.objects.create(
        conversation=conversation, connection=connection, direction="in", author="customer", text=words,
        status="received",
    )  # fmt: skip
    reply = Message.objects.create(
        conversation=conversation, connection=connection, direction="out", author="agent", text="No idea.",
        reply_to=asked, status="sent",
    )  # fmt: skip
    return add_to_knowledge(annotate(reply, None, correct_answer))


@pytest.fixture
def draft(messenger_connection: ChannelConnection) -> FaqEntry:
    return add_to_faq(messenger_connection, ASKED)


def test_staff_cannot_publish_a_customers_words_from_the_faq_page_until_they_rewrite_them(staff_client, draft):
    change = f"/admin/business/faqentry/{draft.pk}/change/"
    fields = {"business": draft.business_id, "answer": draft.answer, "published": "on"}
    for kept in (ASKED, f"Customer asks: {ASKED}"):
        refused = staff_client.post(change, {**fields, "question": kept})
        assert refused.status_code == 200 and REFUSED in refused.content.decode()
        assert FaqEntry.objects.filter(published=True, question__contains="Basile").count() == 0

    assert staff_client.post(change, {**fields, "question": "When is a cake order ready?"}).status_code == 302
    assert FaqEntry.objects.get(pk=draft.pk).published


def page_data(page: Any) -> dict[str, Any]:
    """What the admin page's forms post back unchanged: its own form, then each inline's forms."""
    forms = [page.context["adminform"].form]
    for inline in page.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data: dict[str, Any] = {}
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is not None and value is not False:
                data[form.add_prefix(name)] = "on" if value is True else value
    return data


def test_staff_cannot_publish_a_customers_words_from_the_business_page(staff_client, draft):
    change = f"/admin/business/business/{draft.business_id}/change/"
    page = staff_client.get(change)
    data = page_data(page)
    [row] = [form for form in page.context["inline_admin_formsets"][0].formset.forms if form.instance.pk == draft.pk]
    refused = staff_client.post(change, {**data, row.add_prefix("published"): "on"})
    assert refused.status_code == 200 and REFUSED in refused.content.decode()
    assert not FaqEntry.objects.get(pk=draft.pk).published

    rewritten = {**data, row.add_prefix("published"): "on", row.add_prefix("question"): "When is a cake order ready?"}
    assert staff_client.post(change, rewritten).status_code == 302
    assert FaqEntry.objects.get(pk=draft.pk).published


def made_before_issue_14(apps: Any, connection: ChannelConnection, words: str, question: str, answer: str) -> Any:
    """A question, the agent's wrong reply, and the FAQ entry "Add to FAQ" made of them and published, written
    with the models as they were then (the conversation store's have grown columns since)."""
    Message = apps.get_model("channels_app", "Message")
    contact = apps.get_model("channels_app", "Contact").objects.create(
        connection_id=connection.pk, platform_user_id=f"PSID-{Message.objects.count()}"
    )
    conversation = apps.get_model("channels_app", "Conversation").objects.create(
        business_id=connection.business_id, connection_id=connection.pk, contact=contact
    )
    asked = Message.objects.create(
        conversation=conversation, connection_id=connection.pk, direction="in", author="customer", text=words,
        status="received",
    )  # fmt: skip
    reply = Message.objects.create(
        conversation=conversation, connection_id=connection.pk, direction="out", author="agent", text="No idea.",
        reply_to=asked, status="sent",
    )  # fmt: skip
    entry = apps.get_model("business", "FaqEntry").objects.create(
        business_id=connection.business_id, question=question, answer=answer, published=True
    )
    apps.get_model("console", "Annotation").objects.create(reply=reply, correct_answer=answer, faq_entry=entry)
    return entry


@pytest.mark.django_db(transaction=True)
def test_the_migration_takes_the_customers_words_that_add_to_faq_published_out_of_the_faq(messenger_connection):
    executor = MigrationExecutor(database)
    executor.migrate([("console", "0001_annotations")])
    try:
        # Before issue 14, "Add to FAQ" published what it made: the customer's words as the question.
        loader = MigrationExecutor(database).loader
        then = loader.project_state(list(loader.applied_migrations)).apps
        published_as_made = made_before_issue_14(then, messenger_connection, ASKED, ASKED, "Cakes take a day.")
        rewritten = made_before_issue_14(
            then, messenger_connection, "Do you deliver to Basile's school?", "Do you deliver?", "We deliver in town."
        )
        gluten = "Gluten? " * 60
        long_words = made_before_issue_14(
            then, messenger_connection, gluten, gluten[:300], "Only the rice bread is gluten free."
        )
        staff_written = then.get_model("business", "FaqEntry").objects.create(
            business_id=messenger_connection.business_id, question="Open on Sundays?", answer="Yes.", published=True
        )
        MigrationExecutor(database).migrate([("console", "0002_unpublish_customer_words")])
    finally:
        MigrationExecutor(database).migrate(MigrationExecutor(database).loader.graph.leaf_nodes())
    published = set(FaqEntry.objects.filter(published=True).values_list("pk", flat=True))
    assert {rewritten.pk, staff_written.pk} <= published
    assert not published & {published_as_made.pk, long_words.pk}
