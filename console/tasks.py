"""The jobs staff start from the draft's pages, run by the `llm` workers: they play turns on the model.

Each job records its progress row by row as it goes, so that its page, reloading every second, shows it.
The runner (test_cases.running) plays every turn in a transaction it rolls back: nothing is sent, kept or
booked. A job that fails says why on its page instead of spinning forever.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from celery import shared_task
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from agents.tasks import OnLlmQueue
from business.drafts import draft_of
from conversations.models import Message

from .models import ComparedCase, Comparison, Job, Replay

logger = logging.getLogger(__name__)


@shared_task(base=OnLlmQueue)
def run_comparison(comparison_id: int) -> None:
    """Each of the business's test cases, played against live and against the draft."""
    # Imported here so that the web process, which only enqueues, never loads llama.cpp.
    from test_cases.models import Case
    from test_cases.running import run_case

    comparison = Comparison.objects.select_related("business").get(pk=comparison_id)
    cases = list(Case.objects.filter(business=comparison.business).order_by("name", "id"))

    def compare(draft: Any) -> None:
        for case in cases:
            live, drafted = run_case(case, comparison.business), run_case(case, draft)
            ComparedCase.objects.create(
                comparison=comparison, case=case, name=case.name, live=_side(live), draft=_side(drafted)
            )
            Comparison.objects.filter(pk=comparison.pk).update(done=F("done") + 1)

    _run(comparison, len(cases), compare)


@shared_task(base=OnLlmQueue)
def run_replay(replay_id: int) -> None:
    """Each chosen conversation's customer messages, answered again by the draft."""
    from test_cases.running import replay as replay_messages

    replay = Replay.objects.select_related("business").get(pk=replay_id)
    chosen = list(replay.conversations.all())

    def replay_all(draft: Any) -> None:
        for item in chosen:
            if item.conversation_id is None:  # deleted since it was chosen: nothing to replay
                Replay.objects.filter(pk=replay.pk).update(done=F("done") + 1)
                continue
            said = list(
                Message.objects.filter(conversation_id=item.conversation_id, author=Message.Author.CUSTOMER)
                .exclude(text="")
                .select_related("reply")
            )
            runs = replay_messages(
                draft, [message.text for message in said], key=f"conversation-{item.conversation_id}"
            )
            item.turns = [
                {
                    "customer": message.text,
                    "original": _reply_text(message),
                    "reply": run.reply or "",
                    "trace": run.trace,
                    "ms": run.elapsed_ms,
                }
                for message, run in zip(said, runs, strict=False)
            ]
            item.save(update_fields=["turns"])
            Replay.objects.filter(pk=replay.pk).update(done=F("done") + 1)

    _run(replay, len(chosen), replay_all)


def _run(job: Comparison | Replay, total: int, work: Callable[[Any], None]) -> None:
    model = type(job)
    rows = model.objects.filter(pk=job.pk)
    draft = draft_of(job.business)
    if draft is None:
        rows.update(
            status=Job.Status.FAILED,
            error=_("The draft was discarded before the run began."),
            finished_at=timezone.now(),
        )
        return
    rows.update(status=Job.Status.RUNNING, total=total)
    try:
        work(draft)
    except Exception as error:
        logger.exception("%s %s failed", model.__name__, job.pk)
        rows.update(status=Job.Status.FAILED, error=str(error)[:500], finished_at=timezone.now())
        return
    rows.update(status=Job.Status.DONE, finished_at=timezone.now())


def _side(result: Any) -> dict[str, Any]:
    """A runner's CaseResult as the comparison page reads it."""
    return {
        "passed": result.passed,
        "failures": list(result.reasons),
        "turns": [
            {"customer": turn.said, "reply": turn.reply or "", "trace": turn.trace, "ms": turn.elapsed_ms}
            for turn in result.turns
        ],
    }


def _reply_text(message: Message) -> str:
    """What the customer was answered: "" for a message answered together with the next one (a burst)."""
    reply = getattr(message, "reply", None)
    return reply.text if reply is not None else ""
