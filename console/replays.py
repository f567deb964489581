"""Replay: real conversations' customer messages played again against the draft, beside what they were answered.

Staff pick conversations with the inbox's filters; the replay is a Celery job on the `llm` queue (tasks.py) that
sends nothing to anyone and leaves no booking, lead or handoff behind.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from business.drafts import draft_of

from .access import staff_business_or_404
from .comparisons import ComparedTurn
from .inbox import InboxFilter, conversations
from .models import Replay, ReplayedConversation
from .reply_diff import word_diff
from .views import operator

RUN_REPLAY = "console.tasks.run_replay"
# A replay runs the model once per customer message: a page of recent conversations is enough to see a change.
MAX_CONVERSATIONS = 20


def replayed_turns(replayed: ReplayedConversation) -> list[ComparedTurn]:
    turns = []
    for turn in replayed.turns:
        then, now = word_diff(turn.get("original") or "", turn.get("reply") or "")
        turns.append(
            ComparedTurn(
                customer=turn.get("customer", ""),
                live=then,
                draft=now,
                live_ms=None,
                draft_ms=turn.get("ms"),
                live_trace=[],
                draft_trace=turn.get("trace") or [],
            )
        )
    return turns


@login_required
def choose(request: HttpRequest, slug: str) -> HttpResponse:
    """The inbox's filters, and its matching conversations to tick; ticking none replays them all."""
    business = staff_business_or_404(request, slug)
    filters = InboxFilter(request.GET)
    if request.method == "POST":
        return _start(request, slug, business, filters)
    context = {
        "business": business,
        "filters": filters,
        "matching": conversations(business, filters)[:MAX_CONVERSATIONS],
        "has_draft": draft_of(business) is not None,
        "max_conversations": MAX_CONVERSATIONS,
    }
    return render(request, "console/replay_choose.html", context)


def _start(request: HttpRequest, slug: str, business, filters: InboxFilter) -> HttpResponse:
    if draft_of(business) is None:
        messages.error(request, _("Open a draft first: replays show what it would answer."))
        return redirect("console:draft", slug)
    matching = conversations(business, filters)
    ticked = [int(pk) for pk in request.POST.getlist("conversation") if pk.isdigit()]
    if ticked:
        matching = matching.filter(pk__in=ticked)
    # The inbox's own business filter keeps another tenant's ids out, whatever was ticked.
    chosen = list(matching.values_list("pk", flat=True)[:MAX_CONVERSATIONS])
    if not chosen:
        messages.error(request, _("No conversation matches: change the filters."))
        return redirect(request.get_full_path())
    with transaction.atomic():
        replay = Replay.objects.create(business=business, started_by=operator(request), total=len(chosen))
        ReplayedConversation.objects.bulk_create(
            ReplayedConversation(replay=replay, conversation_id=pk) for pk in chosen
        )
        transaction.on_commit(lambda: replay.enqueue_or_fail(RUN_REPLAY))
    return redirect("console:replay", slug, replay.pk)


@login_required
def page(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    business = staff_business_or_404(request, slug)
    replay = get_object_or_404(Replay, pk=pk, business=business)
    replayed = [(item, replayed_turns(item)) for item in replay.conversations.select_related("conversation__contact")]
    changed = sum(1 for _item, turns in replayed for turn in turns if turn.changed)
    context = {"business": business, "replay": replay, "replayed": replayed, "changed": changed}
    return render(request, "console/replay.html", context)
