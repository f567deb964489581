"""A business's usage figures over a period, from its stored conversations and agent runs."""

from __future__ import annotations

import re
import zoneinfo
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import cast

from django.db.models import Avg, BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q
from django.db.models.functions import ExtractHour, TruncDate
from django.utils import timezone

from agents.models import AgentRun
from business.models import Business
from channels.playground.platform import PLAYGROUND
from console.models import Handover
from conversations.models import Conversation, Message
from conversations.platforms import platform

# A turn with one of these outcomes put the conversation in staff's hands.
HANDED_OVER = [AgentRun.Outcome.FALLBACK, AgentRun.Outcome.HANDOFF, AgentRun.Outcome.FAILED]
UNANSWERED_SHOWN = 15


@dataclass(frozen=True)
class Question:
    text: str
    times: int
    run_id: int  # the latest turn that could not answer it, whose reply a correction can be made on
    faq_entry_id: int | None  # the FAQ draft already made from that correction


@dataclass(frozen=True)
class Ratings:
    """The satisfaction survey's answers on one channel, from conversations the agent alone answered or
    those a person had a hand in (handed over, taken over or answered by an operator)."""

    channel: str
    with_a_person: bool
    asked: int
    rated: int
    average: float | None  # out of 3
    good: int
    ok: int
    poor: int


@dataclass(frozen=True)
class UsageFigures:
    days: list[date]
    conversations_per_day: list[int]
    messages_per_day: list[int]
    conversations: int
    answered_without_human: float | None
    handoff_rate: float | None
    median_reply_seconds: float | None
    p90_reply_seconds: float | None
    messages_per_hour: list[int]
    unanswered: list[Question]
    ratings: list[Ratings]


def usage_figures(business: Business, days: int) -> UsageFigures:
    tz = zoneinfo.ZoneInfo(business.timezone)
    today = timezone.now().astimezone(tz).date()
    first_day = today - timedelta(days=days - 1)
    since = datetime.combine(first_day, time.min, tzinfo=tz)
    # Staff's own tries (the playground, the chat command) are no customer's: they count nowhere here.
    conversations = Conversation.objects.filter(business=business, created_at__gte=since).exclude(
        connection__platform=PLAYGROUND.name
    )
    messages = Message.objects.filter(conversation__business=business, created_at__gte=since).exclude(
        connection__platform=PLAYGROUND.name
    )
    day_list = [first_day + timedelta(days=offset) for offset in range(days)]

    total = conversations.count()
    handed_over = conversations.filter(
        Q(status__in=[Conversation.Status.NEEDS_HUMAN, Conversation.Status.HUMAN])
        | Q(agent_runs__outcome__in=HANDED_OVER)
        | Q(messages__author=Message.Author.OPERATOR)
    ).distinct()
    answered_alone = (
        conversations.filter(messages__author=Message.Author.AGENT).exclude(pk__in=handed_over.values("pk")).distinct()
    )
    reply_seconds = sorted(
        # Sent: the query leaves out replies without a sending time.
        (cast(datetime, sent_at) - asked_at).total_seconds()
        for sent_at, asked_at in messages.filter(
            author=Message.Author.AGENT, sent_at__isnull=False, reply_to__isnull=False
        ).values_list("sent_at", "reply_to__created_at")
    )
    return UsageFigures(
        days=day_list,
        conversations_per_day=_per_day(conversations, tz, day_list),
        messages_per_day=_per_day(messages, tz, day_list),
        conversations=total,
        answered_without_human=answered_alone.count() / total if total else None,
        handoff_rate=handed_over.count() / total if total else None,
        median_reply_seconds=_percentile(reply_seconds, 50),
        p90_reply_seconds=_percentile(reply_seconds, 90),
        messages_per_hour=_per_hour(messages.filter(direction=Message.Direction.INBOUND), tz),
        unanswered=_unanswered(business, since),
        ratings=_ratings(conversations, handed_over),
    )


def _ratings(conversations, handed_over) -> list[Ratings]:
    """Per channel, agent only then with a person: how many were asked, how many rated, and how."""
    rows = (
        conversations.filter(satisfaction_asked_at__isnull=False)
        .annotate(
            # Taken over and handed back without a word counts too: a person looked after it.
            with_a_person=ExpressionWrapper(
                Q(pk__in=handed_over.values("pk")) | Q(Exists(Handover.objects.filter(conversation=OuterRef("pk")))),
                output_field=BooleanField(),
            )
        )
        .values("connection__platform", "with_a_person")
        .annotate(
            asked=Count("id"),
            rated=Count("rating"),
            average=Avg("rating"),
            good=Count("id", filter=Q(rating=Conversation.Rating.GOOD)),
            ok=Count("id", filter=Q(rating=Conversation.Rating.OK)),
            poor=Count("id", filter=Q(rating=Conversation.Rating.POOR)),
        )
        .order_by("connection__platform", "with_a_person")
    )
    return [
        Ratings(
            channel=platform(row["connection__platform"]).label,
            with_a_person=row["with_a_person"],
            asked=row["asked"],
            rated=row["rated"],
            average=row["average"],
            good=row["good"],
            ok=row["ok"],
            poor=row["poor"],
        )
        for row in rows
    ]


def _per_day(rows, tz: zoneinfo.ZoneInfo, day_list: list[date]) -> list[int]:
    counts = dict(
        rows.annotate(day=TruncDate("created_at", tzinfo=tz))
        .values("day")
        .annotate(n=Count("id"))
        .values_list("day", "n")
    )
    return [counts.get(day, 0) for day in day_list]


def _per_hour(rows, tz: zoneinfo.ZoneInfo) -> list[int]:
    counts = dict(
        rows.annotate(hour=ExtractHour("created_at", tzinfo=tz))
        .values("hour")
        .annotate(n=Count("id"))
        .values_list("hour", "n")
    )
    return [counts.get(hour, 0) for hour in range(24)]


def _percentile(sorted_values: list[float], percent: int) -> float | None:
    """Nearest-rank percentile: a value that occurred, not an interpolation."""
    if not sorted_values:
        return None
    rank = max(1, -(-percent * len(sorted_values) // 100))
    return sorted_values[rank - 1]


def _unanswered(business: Business, since: datetime) -> list[Question]:
    """The customers' words the agent had no answer to, the same question however it was cased or punctuated."""
    asked = (
        AgentRun.objects.filter(
            conversation__business=business, outcome=AgentRun.Outcome.FALLBACK, created_at__gte=since
        )
        .exclude(conversation__connection__platform=PLAYGROUND.name)
        .order_by("-created_at", "-id")
        .values_list("inbound_message__text", "id", "reply__annotation__faq_entry_id")
    )
    counts: Counter[str] = Counter()
    latest: dict[str, Question] = {}
    for text, run_id, faq_entry_id in asked:
        key = _question_key(text)
        if key:
            counts[key] += 1
            latest.setdefault(key, Question(text.strip(), 0, run_id, faq_entry_id))
    return [replace(latest[key], times=times) for key, times in counts.most_common(UNANSWERED_SHOWN)]


def _question_key(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())
