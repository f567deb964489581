"""The labelled questions of retrieval_set.yaml: their businesses put in the database, the search judged on them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import yaml

from business import search
from business.models import Business, CatalogueItem, Customer, Document, FaqEntry, Order, Passage

SET_PATH = Path(__file__).with_name("retrieval_set.yaml")


@dataclass(frozen=True)
class Question:
    business: str
    text: str
    # "none", a source alone ("address", "hours": any of its passages) or source:name.
    expected: str


def load() -> tuple[dict[str, Business], list[Question]]:
    """Write the set's businesses to the database; their questions."""
    data = yaml.safe_load(SET_PATH.read_text(encoding="utf-8"))
    businesses = {entry["slug"]: _create(entry) for entry in data["businesses"]}
    return businesses, [Question(*row) for row in data["questions"]]


def _create(entry: dict) -> Business:
    business = Business.objects.create(
        name=entry["name"],
        slug=entry["slug"],
        languages=entry["languages"],
        timezone=entry["timezone"],
        address=entry.get("address", ""),
        phone=entry.get("phone", ""),
        email=entry.get("email", ""),
        opening_hours=entry["hours"],
    )
    for question, answer in entry["faq"]:
        FaqEntry.objects.create(business=business, question=question, answer=answer)
    for title, body in entry["documents"]:
        Document.objects.create(business=business, title=title, body=body)
    for name, price, currency, available, description in entry["items"]:
        CatalogueItem.objects.create(
            business=business,
            name=name,
            price=Decimal(price),
            currency=currency,
            available=available,
            description=description,
        )
    customer = Customer.objects.create(business=business, name="Alex", reference="alex")
    for reference, status in entry["orders"]:
        Order.objects.create(
            business=business,
            customer=customer,
            reference=reference,
            status=status,
            updated_at=datetime(2026, 12, 1, 10, 0, tzinfo=UTC),
        )
    return business


def name_of(passage: Passage) -> str:
    """A passage as the set names it."""
    source = passage.source
    if source in (Passage.Source.ADDRESS, Passage.Source.CONTACT):
        return source
    if source == Passage.Source.HOURS:
        return f"hours:{passage.key}"
    if source == Passage.Source.DOCUMENT:
        return f"document:{Document.objects.get(pk=passage.object_id).title}"
    if source == Passage.Source.ORDER:
        return f"order:{Order.objects.get(pk=passage.object_id).reference}"
    return f"{source}:{passage.title}"


def is_expected(found: str, expected: str) -> bool:
    return found == expected or found.split(":")[0] == expected


@dataclass(frozen=True)
class Judged:
    question: Question
    # The best passage's name and score; "none" and 0 when nothing was found at all.
    found: str
    score: float


def judge(businesses: dict[str, Business], questions: list[Question]) -> list[Judged]:
    judged = []
    for question in questions:
        business = businesses[question.business]
        customer = Customer.objects.get(business=business, reference="alex")
        matches = search.find(business, question.text, customer_id=customer.pk, limit=1)
        best = matches[0] if matches else None
        judged.append(Judged(question, name_of(best.passage) if best else "none", best.score if best else 0.0))
    return judged


@dataclass(frozen=True)
class Measure:
    threshold: float
    precision: float
    recall: float
    # Questions the data does not answer that got a passage anyway.
    unanswerable_answered: int


def measure(judged: list[Judged], threshold: float) -> Measure:
    """Precision: of the passages given, the share that were right. Recall: of the questions the data
    answers, the share given the right passage."""
    given = [j for j in judged if j.score >= threshold and j.found != "none"]
    right = [j for j in given if is_expected(j.found, j.question.expected)]
    answerable = [j for j in judged if j.question.expected != "none"]
    unanswerable = sum(1 for j in given if j.question.expected == "none")
    return Measure(
        threshold,
        len(right) / len(given) if given else 1.0,
        len(right) / len(answerable) if answerable else 1.0,
        unanswerable,
    )
