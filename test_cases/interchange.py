"""A business file with its test cases: agents' document (business sections and `agent:`) plus `test_cases:`.

    test_cases:
      - name: Delivery price
        history: [{author: customer, text: "Hi"}, {author: agent, text: "Hello! How can I help?"}]
        turns:
          - say: Do you deliver?
            contains: ["3.50"]          # facts the answer must state
            not_contains: ["free"]
            handoff: false              # absent: either is right
            language: en                # absent: any
            booking: {in_days: 1, at: "10:00", party: 2}   # absent: the turn must book nothing
          - say: thanks
            judged: false               # played for what follows, its answer not judged

As with the business's other sections, a `test_cases` section present replaces the business's cases: those it
names (by name) are updated, the others deleted. Links to conversations and corrections stay in Parley.
"""

from __future__ import annotations

from datetime import time
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from agents.interchange import export_document as export_agent_document
from agents.interchange import import_document as import_agent_document
from business.interchange import BusinessFileError
from business.models import Business

from .models import Case, CaseTurn, lines

SECTION = "test_cases"
CASE_KEYS = {"name", "source", "history", "turns"}
TURN_KEYS = {"say", "judged", "contains", "not_contains", "handoff", "language", "booking"}
BOOKING_KEYS = {"in_days", "at", "party"}


@transaction.atomic
def import_document(document: dict[str, Any]) -> Business:
    business = import_agent_document({key: value for key, value in document.items() if key != SECTION})
    if SECTION in document:
        entries = document[SECTION]
        if not isinstance(entries, list):
            raise BusinessFileError(f"{SECTION}: expected a list")
        names = [_import_case(business, entry, f"{SECTION}[{index}]") for index, entry in enumerate(entries)]
        Case.objects.filter(business=business).exclude(name__in=names).delete()
    return business


def export_document(business: Business) -> dict[str, Any]:
    document = export_agent_document(business)
    document[SECTION] = [_case(case) for case in Case.objects.filter(business=business).prefetch_related("turns")]
    return document


def _import_case(business: Business, entry: Any, where: str) -> str:
    if not isinstance(entry, dict) or not set(entry) <= CASE_KEYS or "name" not in entry:
        raise BusinessFileError(f"{where}: expected a mapping with a name, of {', '.join(sorted(CASE_KEYS))}")
    turns = entry.get("turns")
    if not isinstance(turns, list) or not turns:
        raise BusinessFileError(f"{where}.turns: expected a list of at least one turn")
    case = Case.objects.filter(business=business, name=str(entry["name"])).first() or Case(business=business)
    case.name = str(entry["name"])
    case.history = entry.get("history", [])
    case.source = entry.get("source", Case.Source.WRITTEN)
    _validated(case, where, exclude=["business"])
    case.save()
    case.turns.all().delete()
    for position, turn in enumerate(turns, start=1):
        _validated(_turn(case, position, turn, f"{where}.turns[{position - 1}]"), where, exclude=["case"]).save()
    return case.name


def _turn(case: Case, position: int, entry: Any, where: str) -> CaseTurn:
    if not isinstance(entry, dict) or not set(entry) <= TURN_KEYS or not isinstance(entry.get("say"), str):
        raise BusinessFileError(f"{where}: expected a mapping with `say`, of {', '.join(sorted(TURN_KEYS))}")
    booking = entry.get("booking") or {}
    if not isinstance(booking, dict) or (booking and set(booking) != BOOKING_KEYS):
        raise BusinessFileError(f"{where}.booking: expected in_days, at (HH:MM) and party")
    try:
        at = time.fromisoformat(str(booking["at"])) if booking else None
    except ValueError as error:
        raise BusinessFileError(f"{where}.booking.at: expected HH:MM") from error
    return CaseTurn(
        case=case,
        position=position,
        text=entry["say"],
        judged=bool(entry.get("judged", True)),
        must_contain="\n".join(_strings(entry.get("contains"), f"{where}.contains")),
        must_not_contain="\n".join(_strings(entry.get("not_contains"), f"{where}.not_contains")),
        handoff=entry.get("handoff"),
        language=entry.get("language") or "",
        booking_in_days=booking.get("in_days"),
        booking_time=at,
        booking_party=booking.get("party"),
    )


def _strings(value: Any, where: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str | int | float) for item in value):
        raise BusinessFileError(f"{where}: expected a list of facts")
    return [str(item) for item in value]


def _validated(instance: Case | CaseTurn, where: str, exclude: list[str]) -> Case | CaseTurn:
    try:
        instance.full_clean(exclude=exclude, validate_unique=False)
    except ValidationError as error:
        raise BusinessFileError(f"{where}: {'; '.join(error.messages)}") from error
    return instance


def _case(case: Case) -> dict[str, Any]:
    document: dict[str, Any] = {"name": case.name, "source": case.source}
    if case.history:
        document["history"] = case.history
    document["turns"] = [_turn_document(turn) for turn in case.turns.all()]
    return document


def _turn_document(turn: CaseTurn) -> dict[str, Any]:
    document: dict[str, Any] = {"say": turn.text}
    if not turn.judged:
        document["judged"] = False
    if turn.must_contain:
        document["contains"] = list(lines(turn.must_contain))
    if turn.must_not_contain:
        document["not_contains"] = list(lines(turn.must_not_contain))
    if turn.handoff is not None:
        document["handoff"] = turn.handoff
    if turn.language:
        document["language"] = turn.language
    if turn.booking_time is not None:
        document["booking"] = {
            "in_days": turn.booking_in_days,
            "at": turn.booking_time.strftime("%H:%M"),
            "party": turn.booking_party,
        }
    return document
