"""Run tests: the business's test cases against its draft and its live agent, and the page that compares them.

The run is a Celery job on the `llm` queue (tasks.py); its page reloads its progress every second until it ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import zip_longest
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from business.drafts import draft_of

from .access import staff_business_or_404
from .drafts import PublishForm
from .models import ComparedCase, Comparison
from .reply_diff import word_diff
from .views import operator

RUN_COMPARISON = "console.tasks.run_comparison"


@dataclass(frozen=True)
class ComparedTurn:
    customer: str
    live: SafeString
    draft: SafeString
    live_ms: int | None
    draft_ms: int | None
    live_trace: list[Any]
    draft_trace: list[Any]

    @property
    def changed(self) -> bool:
        return "<ins>" in self.draft or "<del>" in self.live


@dataclass(frozen=True)
class CaseRow:
    name: str
    live_passed: bool | None
    draft_passed: bool | None
    live_failures: list[str]
    draft_failures: list[str]
    turns: list[ComparedTurn]

    @property
    def change(self) -> str:
        """ "better", "worse" or "" (the same on both sides, or a side not run)."""
        if self.live_passed is False and self.draft_passed:
            return "better"
        if self.live_passed and self.draft_passed is False:
            return "worse"
        return ""


def case_row(case: ComparedCase) -> CaseRow:
    live_turns: list[dict[str, Any]] = case.live.get("turns", [])
    draft_turns: list[dict[str, Any]] = case.draft.get("turns", [])
    turns = []
    nothing: dict[str, Any] = {}  # a side that played fewer turns
    for live, draft in zip_longest(live_turns, draft_turns, fillvalue=nothing):
        before, after = word_diff(live.get("reply") or "", draft.get("reply") or "")
        turns.append(
            ComparedTurn(
                customer=live.get("customer") or draft.get("customer") or "",
                live=before,
                draft=after,
                live_ms=live.get("ms"),
                draft_ms=draft.get("ms"),
                live_trace=live.get("trace") or [],
                draft_trace=draft.get("trace") or [],
            )
        )
    return CaseRow(
        name=case.name,
        live_passed=case.live.get("passed"),
        draft_passed=case.draft.get("passed"),
        live_failures=case.live.get("failures", []),
        draft_failures=case.draft.get("failures", []),
        turns=turns,
    )


@login_required
@require_POST
def start(request: HttpRequest, slug: str) -> HttpResponse:
    business = staff_business_or_404(request, slug)
    if draft_of(business) is None:
        messages.error(request, _("Open a draft first: the tests compare it with the live agent."))
        return redirect("console:draft", slug)
    comparison = Comparison.objects.create(business=business, started_by=operator(request))
    transaction.on_commit(lambda: comparison.enqueue_or_fail(RUN_COMPARISON))
    return redirect("console:comparison", slug, comparison.pk)


@login_required
def page(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    business = staff_business_or_404(request, slug)
    comparison = get_object_or_404(Comparison, pk=pk, business=business)
    rows = [case_row(case) for case in comparison.cases.all()]
    context = {
        "business": business,
        "comparison": comparison,
        "rows": rows,
        "better": [row for row in rows if row.change == "better"],
        "worse": [row for row in rows if row.change == "worse"],
        "passed": {
            "live": sum(1 for row in rows if row.live_passed),
            "draft": sum(1 for row in rows if row.draft_passed),
        },
        "has_draft": draft_of(business) is not None,
        "publish_form": PublishForm(),
    }
    return render(request, "console/comparison.html", context)
