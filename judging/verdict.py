"""What a turn must do, and the judgement of one turn against it: its reply, its handover, its bookings.

The problems are sentences staff read under a failed test case, in the language active when judged.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.utils.translation import gettext

from .facts import KnownFacts, contains, reply_language

if TYPE_CHECKING:  # the evaluation imports its data set before Django is set up
    from business.models import Booking


@dataclass(frozen=True)
class ExpectedBooking:
    """The one Booking row a turn must write: its local start ("2026-12-04 10:00") and party size."""

    starts: datetime
    party: int


@dataclass(frozen=True)
class Expectation:
    all_of: tuple[str, ...] = ()
    any_of: tuple[str, ...] = ()
    none_of: tuple[str, ...] = ()
    # None: the reply's language is not judged; "" : the conversation's language, as the business serves it.
    language: str | None = ""
    # None: whether the conversation is handed over is not judged.
    handoff: bool | None = False
    # "required": a reply must come; "optional": no reply is right too; "none": the agent must stay silent.
    reply: str = "required"
    # None: the turn must write no booking.
    booking: ExpectedBooking | None = None


@dataclass
class Verdict:
    """What is wrong with a turn (nothing: it passed), and what the judge read of its reply."""

    problems: list[str] = field(default_factory=list)
    # Prices, times or order statuses the reply states that neither the data nor the customer's words hold.
    invented: list[str] = field(default_factory=list)
    wrong_booking: bool = False
    language: str | None = None

    @property
    def passed(self) -> bool:
        return not self.problems and not self.invented


def judge_reply(
    verdict: Verdict,
    expect: Expectation,
    reply: str | None,
    *,
    language: str | None,
    names: Iterable[str],
    facts: KnownFacts,
    customer_said: str,
    customer_statuses: set[str],
) -> None:
    """The reply's facts and language; `language` is the one it must be in (None: any), from expected_language."""
    if reply is None:
        if expect.reply == "required":
            verdict.problems.append(gettext("no reply"))
        return
    if expect.reply == "none":
        verdict.problems.append(gettext("replied where it should stay silent"))
    missing = [fact for fact in expect.all_of if not contains(reply, fact)]
    verdict.problems += [gettext("missing %(fact)s") % {"fact": repr(fact)} for fact in missing]
    if expect.any_of and not any(contains(reply, fact) for fact in expect.any_of):
        verdict.problems.append(gettext("missing any of %(facts)s") % {"facts": list(expect.any_of)})
    present = [fact for fact in expect.none_of if contains(reply, fact)]
    verdict.problems += [gettext("contains %(fact)s") % {"fact": repr(fact)} for fact in present]
    verdict.language = reply_language(reply, names)
    if language is not None and verdict.language is not None and verdict.language != language:
        verdict.problems.append(
            gettext("in %(language)s, not %(expected)s") % {"language": verdict.language, "expected": language}
        )
    verdict.invented = facts.invented(reply, customer_said, customer_statuses)


def expected_language(expect: Expectation, customer_language: str, business_languages: Sequence[str]) -> str | None:
    """The customer's language when the business serves it, else the business's main one."""
    if expect.language is None or expect.language:
        return expect.language
    return customer_language if customer_language in business_languages else business_languages[0]


def judge_handoff(verdict: Verdict, expect: Expectation, handed_over: bool) -> None:
    if expect.handoff is not None and handed_over != expect.handoff:
        verdict.problems.append(gettext("handed over") if handed_over else gettext("not handed over"))


def judge_bookings(verdict: Verdict, expect: Expectation, timezone: str, written: list[Booking]) -> None:
    """The bookings the turn wrote: exactly the one expected, or none."""
    expected = expect.booking
    zone = ZoneInfo(timezone)
    rows = ", ".join(booking_line(row.starts_at.astimezone(zone), row.party_size) for row in written)
    if expected is None:
        if written:
            verdict.wrong_booking = True
            verdict.problems.append(gettext("booking written when none should be: %(rows)s") % {"rows": rows})
        return
    right = [
        row
        for row in written
        if row.starts_at.astimezone(zone).replace(tzinfo=None) == expected.starts and row.party_size == expected.party
    ]
    if len(written) != 1 or not right:
        verdict.wrong_booking = bool(written)
        verdict.problems.append(
            gettext("booking %(wanted)s expected, written: %(rows)s")
            % {"wanted": booking_line(expected.starts, expected.party), "rows": rows or gettext("none")}
        )


def booking_line(starts: datetime, party: int) -> str:
    """ "2026-12-04 10:00 for 2": a booking's local start and party size."""
    return gettext("%(starts)s for %(party)s") % {"starts": f"{starts:%Y-%m-%d %H:%M}", "party": party}
