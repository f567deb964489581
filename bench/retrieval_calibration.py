"""`python -m bench.retrieval_calibration [--json]`: the search's precision and recall by threshold, and its latency.

On the database of DATABASE_URL (PostgreSQL, or SQLite when it names a file), migrated here: the
labelled questions of business/tests/retrieval_set.yaml are searched for and judged at each
threshold; then a business of a few hundred passages is searched, and the time a search takes is
measured. Everything written is rolled back. The figures go to bench/results.md by hand.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from dataclasses import asdict
from decimal import Decimal

THRESHOLDS = (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7)
LATENCY_QUESTIONS = (
    "How much is product 17?",
    "Do you sell helmets?",
    "what are your opning hours",
    "Are you open on Saturday?",
    "Where is the shop?",
    "How long does delivery to topic 42 take and how much is it?",
    "Do you have electric bikes?",
    "is product 120 in stock",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    arguments = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    figures = measure()
    if arguments.json:
        print(json.dumps(figures))
    else:
        print(report(figures))


def measure() -> dict:
    from django.db import connection, transaction

    from business import search
    from business.tests import retrieval_set

    with transaction.atomic():
        businesses, questions = retrieval_set.load()
        judged = retrieval_set.judge(businesses, questions)
        measures = [asdict(retrieval_set.measure(judged, threshold)) for threshold in THRESHOLDS]
        chosen = asdict(retrieval_set.measure(judged, search.RELEVANCE_THRESHOLD))
        wrong = [
            {"question": j.question.text, "found": j.found, "score": j.score, "expected": j.question.expected}
            for j in judged
            if (j.score >= search.RELEVANCE_THRESHOLD) != (j.question.expected != "none")
            or (j.question.expected != "none" and not retrieval_set.is_expected(j.found, j.question.expected))
        ]
        passages, timings = _latency()
        transaction.set_rollback(True)
    return {
        "backend": connection.vendor,
        "questions": len(questions),
        "threshold": search.RELEVANCE_THRESHOLD,
        "chosen": chosen,
        "by_threshold": measures,
        "wrong": wrong,
        "latency_passages": passages,
        "latency_ms": {
            "median": statistics.median(timings),
            "p95": sorted(timings)[int(len(timings) * 0.95) - 1],
            "max": max(timings),
        },
    }


def _latency() -> tuple[int, list[float]]:
    """A business of a few hundred passages, and how long each search of a question takes, in ms."""
    from business import search
    from business.models import Business, CatalogueItem, Document, FaqEntry, Passage

    business = Business.objects.create(
        name="Big Shop",
        slug="big-shop-latency",
        address="1 High Street",
        phone="+44 20 0000 0000",
        opening_hours={"mon": [["09:00", "18:00"]], "sat": [["10:00", "16:00"]]},
    )
    for number in range(150):
        FaqEntry.objects.create(
            business=business,
            question=f"How long does delivery to topic {number} take?",
            answer=f"Delivery to topic {number} takes {number % 5 + 1} days. It costs {number % 7 + 2} pounds.",
        )
    for number in range(150):
        CatalogueItem.objects.create(
            business=business,
            name=f"Product {number}",
            price=Decimal(number) + Decimal("0.99"),
            currency="GBP",
            description=f"A product of range {number % 11}, made of material {number % 13}.",
        )
    for number in range(5):
        Document.objects.create(
            business=business,
            title=f"Policy {number}",
            body="\n\n".join(f"Paragraph {paragraph} of policy {number} about returns." for paragraph in range(6)),
        )
    timings = []
    for _ in range(5):
        for question in LATENCY_QUESTIONS:
            started = time.perf_counter()
            search.answer(business, question)
            timings.append((time.perf_counter() - started) * 1000)
    return Passage.objects.filter(business=business).count(), timings


def report(figures: dict) -> str:
    chosen = figures["chosen"]
    lines = [
        f"Backend {figures['backend']}, {figures['questions']} labelled questions; threshold {figures['threshold']}: "
        f"precision {chosen['precision']:.2f}, recall {chosen['recall']:.2f}, "
        f"unanswerable questions answered {chosen['unanswerable_answered']}.",
        "",
        "| threshold | precision | recall | unanswerable answered |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {m['threshold']} | {m['precision']:.2f} | {m['recall']:.2f} | {m['unanswerable_answered']} |"
        for m in figures["by_threshold"]
    ]
    latency = figures["latency_ms"]
    lines += [
        "",
        f"Search latency on a business of {figures['latency_passages']} passages: median {latency['median']:.1f} ms, "
        f"p95 {latency['p95']:.1f} ms, max {latency['max']:.1f} ms.",
    ]
    lines += [f"- wrong: {wrong}" for wrong in figures["wrong"]]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
