"""Playing customer messages through the real turn code, and undoing everything the turns did.

    run_case(case, business) -> CaseResult
        Plays `case`'s turns against `business` (the case's own, or another row such as its draft) and judges
        each judged turn with judging/, the judge `make eval` uses.
    replay(business, messages, key) -> list[TurnRun]
        Plays customer messages, none judged: a real conversation's, to compare what the agent says now.

Each message is stored on a connection of its own, as a webhook stores one, and its turn is answered here by
agents.turns.answer_inbound_message, as a worker answers it, on the real model. Everything runs in one
transaction that is rolled back: no booking, lead, handover, contact or conversation is left, and what would
have run after commit (the reply's delivery, the turn's enqueuing, staff's email) never runs. Custom HTTP
tools are not called (agents.custom_tools.http_tools_dry_run). A turn is seeded by its platform message id,
`<key>-<n>`: the same messages with the same key draw the same replies, against live as against a draft.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from agents.custom_tools import http_tools_dry_run
from agents.models import AgentRun
from agents.turns import answer_inbound_message
from business.models import Booking, Business
from conversations.events import CustomerMessage
from conversations.inbound import store_customer_message
from conversations.models import ChannelConnection, Contact, Message
from conversations.models import Conversation as StoredConversation
from judging.business_facts import facts_of, names_of
from judging.verdict import Verdict, booking_line, judge_bookings, judge_handoff, judge_reply

from .models import Case


@dataclass
class TurnRun(Verdict):
    """One customer message played: what the agent did, and (when judged) what is wrong with it."""

    said: str = ""
    reply: str | None = None  # None: the agent stayed silent
    # The agent's steps (agents.models.AgentRun.trace): model calls, tool calls with their arguments, the reply.
    trace: list[dict[str, Any]] = field(default_factory=list)
    elapsed_ms: int | None = None
    outcome: str = ""  # AgentRun.Outcome; "" when no turn ran (the conversation was with staff)
    handed_over: bool = False
    # The bookings the turn wrote ("2026-12-04 10:00 for 2"), rolled back since.
    bookings: list[str] = field(default_factory=list)
    judged: bool = False


@dataclass
class CaseResult:
    case_id: int
    name: str
    business_id: int  # the business the case ran against: the case's own, or its draft
    turns: list[TurnRun]

    @property
    def passed(self) -> bool:
        return all(turn.passed for turn in self.turns)

    @property
    def reasons(self) -> list[str]:
        """Why it failed, each reason with its turn's number (1 is the first)."""
        return [
            gettext("turn %(number)d: %(reason)s") % {"number": number, "reason": reason}
            for number, turn in enumerate(self.turns, start=1)
            for reason in [*turn.problems, *(gettext("invented %(fact)s") % {"fact": fact} for fact in turn.invented)]
        ]


class _RolledBack(Exception):
    """Raised at the end of a run's transaction so that it is undone."""


@contextmanager
def _undone() -> Iterator[None]:
    """A transaction rolled back at the end whatever happens in it; nothing leaves Parley meanwhile."""
    try:
        with transaction.atomic(), http_tools_dry_run():
            yield
            raise _RolledBack
    except _RolledBack:
        pass


def run_case(case: Case, business: Business) -> CaseResult:
    """Play the case's turns against `business` and judge them; nothing the turns did is kept."""
    turns = list(case.turns.all())
    facts, names = facts_of(business), names_of(business)
    played: list[TurnRun] = []
    with _undone():
        player = _Player(business, f"case-{case.pk}", case.history)
        said = [line["text"] for line in case.history if line["author"] == "customer"]
        today = timezone.localdate(timezone=ZoneInfo(business.timezone))
        for turn in turns:
            said.append(turn.text)
            run, written = player.play(turn.text)
            if turn.judged:
                expect = turn.expectation(today)
                run.judged = True
                judge_handoff(run, expect, run.handed_over)
                judge_bookings(run, expect, business.timezone, written)
                judge_reply(
                    run,
                    expect,
                    run.reply,
                    language=expect.language,
                    names=names,
                    facts=facts,
                    customer_said=" ".join(said),
                    customer_statuses=set(),
                )
            played.append(run)
    return CaseResult(case_id=case.pk, name=case.name, business_id=business.pk, turns=played)


def replay(business: Business, messages: Sequence[str], key: str) -> list[TurnRun]:
    """Each message played in order against `business`, nothing judged and nothing kept. `key` names the
    replay (e.g. "conversation-42"): the same key and messages draw the same replies on any business."""
    with _undone():
        player = _Player(business, key, [])
        return [player.play(text)[0] for text in messages]


class _Player:
    """One customer's conversation with the business, on a connection made for the run (and rolled back)."""

    def __init__(self, business: Business, key: str, history: list[dict[str, str]]) -> None:
        self.business, self.key, self.count = business, key, 0
        self.connection = ChannelConnection.objects.create(business=business, platform="console", name="Test run")
        self.contact = Contact.objects.create(
            connection=self.connection, platform_user_id=f"test-{key}", display_name="Test customer"
        )
        for line in history:
            if line["author"] == "customer":
                self._store(line["text"])
            else:
                self._say_as_agent(line["text"])

    def _store(self, text: str) -> Message:
        self.count += 1
        event = CustomerMessage(
            platform_message_id=f"{self.key}-{self.count}",
            sender_id=self.contact.platform_user_id,
            text=text,
            sent_at=timezone.now(),
        )
        message = store_customer_message(self.connection, event)
        assert message is not None, "every id of a run is new on its new connection"
        return message

    def _say_as_agent(self, text: str) -> None:
        conversation = StoredConversation.objects.filter(contact=self.contact).order_by("-pk").first()
        if conversation is None:
            return  # the agent spoke first: nothing for the customer's first message to follow up
        Message.objects.create(
            conversation=conversation,
            connection=self.connection,
            direction=Message.Direction.OUTBOUND,
            author=Message.Author.AGENT,
            text=text,
            status=Message.Status.SENT,
        )

    def play(self, text: str) -> tuple[TurnRun, list[Booking]]:
        """The turn answering this message, and the Booking rows it wrote (for the judge, while they exist)."""
        bookings = Booking.objects.filter(business=self.business)
        before = bookings.order_by("-pk").values_list("pk", flat=True).first() or 0
        started = time.perf_counter()
        inbound = self._store(text)
        was_bot = inbound.conversation.status == StoredConversation.Status.BOT
        answer_inbound_message(inbound.pk, settle=False)
        wall_ms = round((time.perf_counter() - started) * 1000)
        reply = Message.objects.filter(reply_to=inbound).first()
        run = AgentRun.objects.filter(inbound_message=inbound).first()
        status = StoredConversation.objects.values_list("status", flat=True).get(pk=inbound.conversation_id)
        written = list(bookings.filter(pk__gt=before))
        zone = ZoneInfo(self.business.timezone)
        played = TurnRun(
            said=text,
            reply=None if reply is None else reply.text,
            trace=list(run.trace) if run else [],
            elapsed_ms=run.total_ms if run else wall_ms,
            outcome=run.outcome if run else "",
            handed_over=was_bot and status == StoredConversation.Status.NEEDS_HUMAN,
            bookings=[booking_line(row.starts_at.astimezone(zone), row.party_size) for row in written],
        )
        return played, written
