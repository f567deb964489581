"""An operator saves a transcript's turn, the whole conversation, or a correction as a test case; never another
business's."""

from __future__ import annotations

import pytest
from django.urls import reverse

from agents.models import AgentRun
from business.models import Business
from console.models import Annotation
from conversations.models import ChannelConnection, Conversation, Message
from test_cases.models import Case

pytestmark = pytest.mark.django_db


@pytest.fixture
def console(client, operator):
    client.force_login(operator)
    return client


@pytest.fixture
def greeted(shop):
    """A conversation of the shop: a greeting and its answer, then a question answered wrong, in French."""
    connection = shop[ChannelConnection]
    contact = connection.contacts.create(platform_user_id="PSID-greeted", display_name="Lou")
    conversation = Conversation.objects.create(business=shop[Business], connection=connection, contact=contact)

    def say(author: str, text: str, reply_to: Message | None = None) -> Message:
        return Message.objects.create(
            conversation=conversation, connection=connection, direction="in" if author == "customer" else "out",
            author=author, text=text, reply_to=reply_to, status="received" if author == "customer" else "sent",
        )  # fmt: skip

    say("agent", "Hi! How can I help?", reply_to=say("customer", "Hello"))
    asked = say("customer", "Avez-vous du pain sans gluten ?")
    wrong = say("agent", "No idea.", reply_to=asked)
    AgentRun.objects.create(
        conversation=conversation, inbound_message=asked, reply=wrong, model="test.gguf", language="fr"
    )
    return wrong


def turn_url(reply: Message, name: str = "console:save-turn-case") -> str:
    return reverse(name, args=[reply.conversation.business.slug, reply.conversation_id, reply.pk])


def test_the_turn_form_is_prefilled_with_the_conversations_language_and_expects_nothing(console, greeted):
    page = console.get(turn_url(greeted))
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial["language"] == "fr" and "must_contain" not in form.initial
    assert "Avez-vous du pain sans gluten ?" in page.content.decode()


def test_a_turn_is_saved_with_what_was_said_before_it_as_history(console, shop, greeted, operator):
    page = console.post(
        turn_url(greeted),
        {
            "name": "Gluten",
            "must_contain": "gluten\n",
            "must_not_contain": "no idea",
            "handoff": "no",
            "language": "en",
        },
    )
    assert page.status_code == 302
    case = Case.objects.get(name="Gluten")
    assert (case.business, case.source, case.conversation, case.created_by) == (
        shop[Business], Case.Source.TRANSCRIPT, greeted.conversation, operator,
    )  # fmt: skip
    assert case.history == [
        {"author": "customer", "text": "Hello"},
        {"author": "agent", "text": "Hi! How can I help?"},
    ]
    [turn] = case.turns.all()
    assert (turn.text, turn.must_contain, turn.must_not_contain, turn.handoff, turn.language) == (
        "Avez-vous du pain sans gluten ?", "gluten", "no idea", False, "en",
    )  # fmt: skip


def test_the_whole_conversation_is_saved_turn_by_turn_judging_the_last(console, shop, greeted):
    url = reverse("console:save-case", args=[shop[Business].slug, greeted.conversation_id])
    page = console.post(url, {"name": "Whole", "must_contain": "gluten", "language": "fr"})
    assert page.status_code == 302
    case = Case.objects.get(name="Whole")
    assert case.history == []
    first, last = case.turns.all()
    assert (first.text, first.must_contain, first.language) == ("Hello", "", "fr")
    assert (last.text, last.must_contain, last.language) == ("Avez-vous du pain sans gluten ?", "gluten", "fr")


def test_a_correction_becomes_a_test_case_expecting_its_text_in_one_click(console, shop):
    annotation = shop[Annotation]
    page = console.post(turn_url(annotation.reply, "console:correction-to-case"))
    assert page.status_code == 302
    case = Case.objects.get(annotation=annotation)
    assert case.source == Case.Source.ANNOTATION
    [turn] = case.turns.all()
    assert turn.text == "Shop asks about gluten" and turn.must_contain == annotation.correct_answer
    transcript = console.get(reverse("console:transcript", args=[shop[Business].slug, shop[Conversation].pk]))
    assert "Test case saved" in transcript.content.decode()


def test_a_name_the_business_has_already_is_refused(console, shop, greeted):
    page = console.post(turn_url(greeted), {"name": shop[Case].name})
    assert page.status_code == 200 and "has this name already" in page.content.decode()
    assert not Case.objects.filter(conversation=greeted.conversation).exists()


def test_another_businesss_conversation_or_message_cannot_be_saved(console, shop, rival):
    for name in ("console:save-turn-case", "console:correction-to-case"):
        assert console.post(turn_url(rival[Annotation].reply, name), {"name": "Stolen"}).status_code == 404
        # The rival's message under our own conversation's address is not found either.
        rival_reply = rival[Conversation].messages.get(author="agent")
        ours = reverse(name, args=[shop[Business].slug, shop[Conversation].pk, rival_reply.pk])
        assert console.post(ours, {"name": "Stolen"}).status_code == 404
    whole = reverse("console:save-case", args=[shop[Business].slug, rival[Conversation].pk])
    assert console.post(whole, {"name": "Stolen"}).status_code == 404
    assert not Case.objects.filter(name="Stolen").exists()


def test_a_conversation_where_the_customer_said_nothing_is_not_saved(console, shop):
    connection = shop[ChannelConnection]
    contact = connection.contacts.create(platform_user_id="PSID-silent")
    silent = Conversation.objects.create(business=shop[Business], connection=connection, contact=contact)
    page = console.post(reverse("console:save-case", args=[shop[Business].slug, silent.pk]), {"name": "Silent"})
    assert page.status_code == 302 and not Case.objects.filter(name="Silent").exists()
