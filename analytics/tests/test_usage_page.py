"""The usage page: a business's figures for its own staff, drawn as charts, and for nobody else."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from agents.models import AgentRun
from analytics.figures import usage_figures
from business.models import Business, FaqEntry, Membership
from console.models import Annotation, Handover
from conversations.models import ChannelConnection, Contact, Conversation, Message

pytestmark = pytest.mark.django_db


def turn(
    business: Business,
    words: str,
    outcome: str,
    reply_after: float | None,
    status: str = "bot",
    platform: str = "messenger",
) -> Conversation:
    connection, _ = ChannelConnection.objects.get_or_create(business=business, platform=platform)
    contact = Contact.objects.create(connection=connection, platform_user_id=f"c-{Contact.objects.count()}")
    conversation = Conversation.objects.create(business=business, connection=connection, contact=contact, status=status)
    asked = Message.objects.create(
        conversation=conversation,
        connection=connection,
        direction="in",
        author="customer",
        text=words,
        status="received",
    )
    reply = Message.objects.create(
        conversation=conversation, connection=connection, direction="out", author="agent", text="...", reply_to=asked,
        status="sent" if reply_after is not None else "pending",
        sent_at=None if reply_after is None else asked.created_at + timedelta(seconds=reply_after),
    )  # fmt: skip
    AgentRun.objects.create(conversation=conversation, inbound_message=asked, reply=reply, model="m", outcome=outcome)
    return conversation


@pytest.fixture
def month(business):
    for seconds in (1, 2, 3, 4, 10):
        turn(business, "Do you ship abroad?", "replied", seconds)
    turn(business, "Do you sell GIFT cards?", "fallback", 2, status="needs_human")
    turn(business, "do you sell gift cards", "fallback", 2, status="needs_human")
    turn(business, "Can I bring my dog?", "fallback", 2, status="human")
    turn(business, "I want a person", "handoff", 2, status="needs_human")
    turn(business, "Hello", "replied", 1, status="closed")
    # Staff trying the agent in the playground: no customer's, counted nowhere.
    turn(business, "Testing: do you sell gift cards?", "fallback", 30, status="needs_human", platform="console")
    turn(business, "Can staff see this?", "fallback", 30, status="needs_human", platform="console")
    return business


def test_the_figures_count_conversations_handoffs_reply_times_and_unanswered_questions(month):
    figures = usage_figures(month, 30)
    assert figures.conversations == 10
    assert figures.conversations_per_day[-1] == 10 and sum(figures.conversations_per_day) == 10
    assert sum(figures.messages_per_day) == 20
    assert figures.handoff_rate == pytest.approx(0.4)
    assert figures.answered_without_human == pytest.approx(0.6)
    assert figures.median_reply_seconds == pytest.approx(2)
    assert figures.p90_reply_seconds == pytest.approx(4)
    assert sum(figures.messages_per_hour) == 10
    assert [(question.text, question.times) for question in figures.unanswered] == [
        ("do you sell gift cards", 2),
        ("Can I bring my dog?", 1),
    ]


def test_old_conversations_fall_outside_the_period(month):
    Conversation.objects.update(created_at=timezone.now() - timedelta(days=10))
    Message.objects.update(created_at=timezone.now() - timedelta(days=10))
    AgentRun.objects.update(created_at=timezone.now() - timedelta(days=10))
    figures = usage_figures(month, 7)
    assert (figures.conversations, figures.unanswered, figures.median_reply_seconds) == (0, [], None)
    assert usage_figures(month, 30).conversations == 10


def member_of(business: Business, username: str) -> User:
    user = User.objects.create_user(username, password="pw-123456789")
    Membership.objects.create(user=user, business=business, role=Membership.Role.STAFF)
    return user


def test_a_member_sees_the_figures_and_charts_of_their_business(client, month):
    client.force_login(member_of(month, "camille"))
    response = client.get("/console/corner-shop/usage/?days=7")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<b>10</b>conversations" in page
    assert "<b>60%</b>answered without a human" in page
    assert "<b>40%</b>handed to staff" in page
    assert "<b>2.0 s</b>median reply time" in page
    assert page.count("<svg") == 3 and 'class="bar"' in page
    assert 'do you sell gift cards</td><td class="times">2' in page
    # A console page: its stylesheet, and the navigation that leads here.
    assert "console/console.css" in page and 'href="/console/corner-shop/usage/"' in page
    assert "Can staff see this?" not in page


def test_staff_of_another_business_get_not_found(client, month):
    other = Business.objects.create(name="Other", slug="other")
    client.force_login(member_of(other, "intruder"))
    assert client.get("/console/corner-shop/usage/").status_code == 404
    assert client.get("/console/other/usage/").status_code == 200


def test_a_superuser_sees_every_business_and_a_visitor_is_sent_to_log_in(client, month):
    assert client.get("/console/corner-shop/usage/").status_code == 302
    client.force_login(User.objects.create_superuser("root", "root@example.com", "pw-123456789"))
    assert client.get("/console/corner-shop/usage/").status_code == 200


def test_an_empty_business_shows_dashes_not_errors(client, business):
    client.force_login(member_of(business, "new-owner"))
    page = client.get("/console/corner-shop/usage/?days=oops").content.decode()
    assert "<b>0</b>conversations" in page and "<b>–</b>median reply time" in page
    assert "None in this period." in page


def test_a_question_the_agent_could_not_answer_becomes_an_faq_draft(client, month):
    client.force_login(member_of(month, "camille"))
    figures = usage_figures(month, 30)
    gift_cards = figures.unanswered[0]
    response = client.post(
        f"/console/corner-shop/usage/unanswered/{gift_cards.run_id}/to-faq/",
        {"answer": "Yes, from 10 to 100 EUR, in the shop.", "days": "7"},
    )
    assert response.status_code == 302 and response["Location"] == "/console/corner-shop/usage/?days=7"
    entry = FaqEntry.objects.get(business=month, published=False)
    assert (entry.question, entry.answer, entry.published) == (
        "do you sell gift cards",
        "Yes, from 10 to 100 EUR, in the shop.",
        False,
    )
    assert Annotation.objects.get(faq_entry=entry).reply.agent_run.pk == gift_cards.run_id
    assert usage_figures(month, 30).unanswered[0].faq_entry_id == entry.pk


def test_an_empty_answer_or_another_business_s_question_makes_no_draft(client, month):
    client.force_login(member_of(month, "camille"))
    run_id = usage_figures(month, 30).unanswered[0].run_id
    response = client.post(f"/console/corner-shop/usage/unanswered/{run_id}/to-faq/", {"answer": "  "}, follow=True)
    assert "Write the answer the agent should have given" in response.content.decode()
    other = Business.objects.create(name="Other", slug="other")
    client.force_login(member_of(other, "intruder"))
    assert client.post(f"/console/other/usage/unanswered/{run_id}/to-faq/", {"answer": "x"}).status_code == 404
    assert not FaqEntry.objects.filter(business=month, published=False).exists()


def test_ratings_are_counted_per_channel_agent_alone_or_with_a_person(client, month):
    asked = timezone.now()
    alone = Conversation.objects.filter(status="bot").order_by("pk")
    alone.filter(pk=alone[0].pk).update(satisfaction_asked_at=asked, rating=Conversation.Rating.GOOD)
    alone.filter(pk=alone[1].pk).update(satisfaction_asked_at=asked, rating=Conversation.Rating.POOR)
    alone.filter(pk=alone[2].pk).update(satisfaction_asked_at=asked)  # asked, never answered
    Conversation.objects.filter(status="human").update(satisfaction_asked_at=asked, rating=Conversation.Rating.OK)
    taken_back = turn(month, "Do you ship abroad?", "replied", 1, platform="telegram")
    Handover.objects.create(conversation=taken_back, action=Handover.Action.TAKE_OVER)
    Conversation.objects.filter(pk=taken_back.pk).update(satisfaction_asked_at=asked, rating=Conversation.Rating.OK)
    on_telegram = turn(month, "Do you ship abroad?", "replied", 1, platform="telegram")
    Conversation.objects.filter(pk=on_telegram.pk).update(satisfaction_asked_at=asked, rating=Conversation.Rating.GOOD)
    ratings = {(row.channel, row.with_a_person): row for row in usage_figures(month, 30).ratings}
    assert set(ratings) == {
        ("Facebook Messenger", False),
        ("Facebook Messenger", True),
        ("Telegram", False),
        ("Telegram", True),
    }
    agent_alone = ratings["Facebook Messenger", False]
    assert (agent_alone.asked, agent_alone.rated, agent_alone.average) == (3, 2, pytest.approx(2.0))
    assert (agent_alone.good, agent_alone.ok, agent_alone.poor) == (1, 0, 1)
    assert (ratings["Facebook Messenger", True].rated, ratings["Facebook Messenger", True].ok) == (1, 1)
    client.force_login(member_of(month, "camille"))
    page = client.get("/console/corner-shop/usage/").content.decode()
    assert 'data-ratings="Facebook Messenger with a person"' in page and 'data-ratings="Telegram"' in page
