"""Play the evaluation set through the real turn code, turn by turn, with the clock fixed, and judge each reply.

A customer's message is stored as a webhook stores it; with Celery eager, its turn runs at commit in
this process, through `agents.tasks.answer_message` and so `answer_inbound_message`, exactly as a
worker runs it, on the real model. Nothing goes over HTTP: the businesses talk on their playground
(console) connection.
"""

from __future__ import annotations

import copy
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from django.utils import timezone

from agents.interchange import import_document
from agents.models import AgentRun
from business.models import Booking, Business, Customer, Order
from channels.playground.connection import playground_connection
from config.celery import app as celery_app
from conversations.events import Attachment, CustomerMessage, Kind
from conversations.inbound import store_customer_message
from conversations.models import ChannelConnection, Contact, Message
from conversations.models import Conversation as StoredConversation
from judging.business_facts import facts_of
from judging.facts import KnownFacts
from judging.verdict import Expectation, Verdict, expected_language, judge_bookings, judge_handoff, judge_reply

from .dataset import BusinessFile, Conversation, Turn

# What is measured is the agent's answer, not the machine's load that day: a turn slowed down by
# other processes must not time out into the fallback.
TIME_BUDGET_SECONDS = 300.0


def agent_settings(reply_tokens: int) -> dict[str, Any]:
    """The agent section every business gets for a run: deterministic, short replies, time to finish."""
    return {"max_reply_tokens": reply_tokens, "temperature": 0.0, "time_budget_seconds": TIME_BUDGET_SECONDS}


@dataclass(kw_only=True)
class TurnResult(Verdict):
    said: str
    expected: Expectation
    reply: str | None
    reply_source: str = ""
    elapsed_ms: int | None = None


@dataclass
class ConversationResult:
    conversation: Conversation
    turns: list[TurnResult]

    @property
    def passed(self) -> bool:
        return all(turn.passed for turn in self.turns)


def import_businesses(businesses: Iterable[BusinessFile], overrides: dict[str, Any] | None = None) -> None:
    """Each business file into the database, with `overrides` over its agent section."""
    for business_file in businesses:
        document = copy.deepcopy(business_file.document)
        document["agent"] = {**document.get("agent", {}), **(overrides or {})}
        business = import_document(document)
        playground_connection(business)


@contextmanager
def turns_in_this_process() -> Iterator[None]:
    """Run each stored message's Celery task here, at commit, as the `chat` command does."""
    eager, celery_app.conf.task_always_eager = celery_app.conf.task_always_eager, True
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = eager


def play_all(
    conversations: Iterable[Conversation],
    businesses: dict[str, BusinessFile],
    on_result: Callable[[ConversationResult], None] | None = None,
) -> list[ConversationResult]:
    """The results of the conversations played, in order: all of them unless interrupted."""
    results = []
    facts = {slug: facts_of(Business.objects.get(slug=slug)) for slug in businesses}
    with turns_in_this_process():
        try:
            for conversation in conversations:
                result = play(conversation, businesses[conversation.business], facts[conversation.business])
                results.append(result)
                if on_result is not None:
                    on_result(result)
        except KeyboardInterrupt:
            # Ctrl-C: the conversations played so far are judged and reported; the one under way is not.
            pass
    return results


def play(conversation: Conversation, business_file: BusinessFile, facts: KnownFacts) -> ConversationResult:
    business = Business.objects.get(slug=conversation.business)
    connection = playground_connection(business)
    customer = (
        Customer.objects.get(business=business, reference=conversation.customer) if conversation.customer else None
    )
    contact = Contact.objects.create(
        connection=connection,
        platform_user_id=f"eval-{conversation.id}-{uuid.uuid4().hex[:8]}",
        display_name="Eval customer",
        customer=customer,
    )
    statuses = set(Order.objects.filter(customer=customer).values_list("status", flat=True)) if customer else set()
    results: list[TurnResult] = []
    said: list[str] = []
    with time_machine.travel(conversation.now.replace(tzinfo=ZoneInfo(business.timezone)), tick=True):
        for turn in conversation.turns:
            said.append(turn.text)
            result = _play_turn(connection, contact, turn)
            _judge(result, conversation, business_file, facts, " ".join(said), statuses)
            results.append(result)
    return ConversationResult(conversation=conversation, turns=results)


def _play_turn(connection: ChannelConnection, contact: Contact, turn: Turn) -> TurnResult:
    business = connection.business
    last_booking = Booking.objects.filter(business=business).order_by("-pk").values_list("pk", flat=True).first()
    open_conversation = StoredConversation.objects.filter(contact=contact).order_by("-pk").first()
    was_bot = open_conversation is None or open_conversation.status == StoredConversation.Status.BOT
    started = time.perf_counter()
    inbound = store_customer_message(connection, _event(contact, turn))  # its turn runs at commit
    wall_ms = round((time.perf_counter() - started) * 1000)
    assert inbound is not None, "a fresh platform message id is always stored"
    reply = Message.objects.filter(reply_to=inbound).first()
    run = AgentRun.objects.filter(inbound_message=inbound).first()
    sources = [step.get("source", "") for step in (run.trace if run else []) if step.get("type") == "reply"]
    status = StoredConversation.objects.values_list("status", flat=True).get(pk=inbound.conversation_id)
    result = TurnResult(
        said=turn.text or f"[{turn.attachment or 'reaction ' + turn.reaction}]",
        expected=turn.expect,
        reply=None if reply is None else reply.text,
        reply_source=sources[-1] if sources else ("guard" if run and run.outcome == AgentRun.Outcome.GUARDED else ""),
        elapsed_ms=run.total_ms if run else (wall_ms if reply else None),
    )
    judge_handoff(result, turn.expect, handed_over=was_bot and status == StoredConversation.Status.NEEDS_HUMAN)
    written = list(Booking.objects.filter(business=business, pk__gt=last_booking or 0))
    judge_bookings(result, turn.expect, business.timezone, written)
    return result


def _event(contact: Contact, turn: Turn) -> CustomerMessage:
    common: dict[str, Any] = {
        "platform_message_id": f"eval-{uuid.uuid4()}",
        "sender_id": contact.platform_user_id,
        "sent_at": timezone.now(),
    }
    if turn.reaction:
        return CustomerMessage(**common, kind=Kind.REACTION, details={"reaction": turn.reaction})
    if turn.attachment:
        return CustomerMessage(
            **common, text=turn.text, kind=Kind.MEDIA, attachments=(Attachment(type=turn.attachment),)
        )
    return CustomerMessage(**common, text=turn.text)


def _judge(
    result: TurnResult,
    conversation: Conversation,
    business_file: BusinessFile,
    facts: KnownFacts,
    customer_said: str,
    customer_statuses: set[str],
) -> None:
    judge_reply(
        result,
        result.expected,
        result.reply,
        language=expected_language(result.expected, conversation.language, business_file.languages),
        names=business_file.names,
        facts=facts,
        customer_said=customer_said,
        customer_statuses=customer_statuses,
    )
