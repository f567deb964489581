"""Opening hours: stored as {"mon": [["09:00", "17:00"]], ...}, a list of open intervals per weekday."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from .locale_format import clock, weekday_date, weekday_name

WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES: dict[str, str] = {
    "mon": "Monday",
    "tue": "Tuesday",
    "wed": "Wednesday",
    "thu": "Thursday",
    "fri": "Friday",
    "sat": "Saturday",
    "sun": "Sunday",
}
_CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")

OpeningHours = dict[str, list[list[str]]]


@dataclass(frozen=True)
class SpecialHours:
    """A dated exception to the weekly hours (business.SpecialDay): a holiday, a closure, special hours."""

    day: date
    intervals: list[list[str]]  # empty: closed all day
    label: str = ""


# The special days that matter to a question, by date: see Business.special_hours.
Exceptions = Mapping[date, SpecialHours]
NO_EXCEPTIONS: Exceptions = {}


def intervals_on(hours: OpeningHours, day: date, special: Exceptions = NO_EXCEPTIONS) -> list[list[str]]:
    """The open intervals of a given date: its special day's if it is one, else its weekday's."""
    if day in special:
        return special[day].intervals
    return hours.get(WEEKDAYS[day.weekday()]) or []


def validate_opening_hours(value: object) -> None:
    if not isinstance(value, dict):
        raise ValidationError("Opening hours must be an object keyed by weekday (mon ... sun).")
    for day, intervals in value.items():
        if day not in WEEKDAYS:
            raise ValidationError(f"Unknown weekday {day!r}; use one of {', '.join(WEEKDAYS)}.")
        if not isinstance(intervals, list):
            raise ValidationError(f"{day}: expected a list of [open, close] pairs.")
        for interval in intervals:
            if (
                not isinstance(interval, list)
                or len(interval) != 2
                or not all(isinstance(t, str) and _CLOCK.match(t) for t in interval)
            ):
                raise ValidationError(f'{day}: {interval!r} is not an ["HH:MM", "HH:MM"] pair.')
            if interval[0] >= interval[1]:
                raise ValidationError(f"{day}: {interval[0]} is not before {interval[1]}.")
        for first, second in zip(sorted(intervals), sorted(intervals)[1:], strict=False):
            if second[0] < first[1]:
                raise ValidationError(f"{day}: {first[0]}-{first[1]} and {second[0]}-{second[1]} overlap.")


def spans(intervals: list[list[str]]) -> str:
    """A day's open intervals in the active language: "7:00 AM–1:00 PM, 3:00 PM–7:00 PM", or "closed"."""
    texts = [
        gettext("%(opens)s–%(closes)s")
        % {"opens": clock(time.fromisoformat(start)), "closes": clock(time.fromisoformat(end))}
        for start, end in intervals
    ]
    return ", ".join(texts) or gettext("closed")


def special_day_sentence(day: SpecialHours) -> str:
    """ "On Friday, December 25 we are closed (Christmas)." in the active language."""
    values = {"date": weekday_date(day.day), "hours": spans(day.intervals), "label": day.label}
    if not day.intervals and day.label:
        sentence = gettext("On %(date)s we are closed (%(label)s).")
    elif not day.intervals:
        sentence = gettext("On %(date)s we are closed.")
    elif day.label:
        sentence = gettext("On %(date)s (%(label)s) we are open %(hours)s.")
    else:
        sentence = gettext("On %(date)s we are open %(hours)s.")
    return sentence % values


def special_days_text(days: Iterable[SpecialHours]) -> str:
    """ "Friday, December 25: closed (Christmas); Thursday, December 31: 9:00 AM–12:00 PM" in the active language."""
    return "; ".join(
        (gettext("%(date)s: %(hours)s (%(label)s)") if day.label else gettext("%(date)s: %(hours)s"))
        % {"date": weekday_date(day.day), "hours": spans(day.intervals), "label": day.label}
        for day in days
    )


def describe(hours: OpeningHours) -> list[str]:
    """One line per weekday in the active language, e.g. "Monday: 9:00 AM–5:00 PM" or "Sunday: closed"."""
    return [
        gettext("%(day)s: %(hours)s") % {"day": weekday_name(index), "hours": spans(hours.get(day) or [])}
        for index, day in enumerate(WEEKDAYS)
    ]


def is_open_at(hours: OpeningHours, moment: datetime, special: Exceptions = NO_EXCEPTIONS) -> bool:
    """Whether `moment` (already in the business's own timezone) falls in an open interval."""
    now = moment.time()
    intervals = intervals_on(hours, moment.date(), special)
    return any(time.fromisoformat(start) <= now < time.fromisoformat(end) for start, end in intervals)


def same_time_nearby(
    hours: OpeningHours, moment: datetime, after: datetime, count: int = 3, special: Exceptions = NO_EXCEPTIONS
) -> list[datetime]:
    """What to offer instead of `moment` when the business is closed then or it has passed: the same time of
    day on the `count` days nearest it that are open then and later than `after`, in time order. An offer
    holds the customer's own time, never one made up from the opening hours."""
    offers = [
        candidate
        for offset in range(-7, 8)
        if (candidate := datetime.combine(moment.date() + timedelta(days=offset), moment.time(), moment.tzinfo)) > after
        and is_open_at(hours, candidate, special)
    ]
    return sorted(sorted(offers, key=lambda offer: abs(offer - moment))[:count])


def open_days_nearby(
    hours: OpeningHours, day: date, first: date, count: int = 2, special: Exceptions = NO_EXCEPTIONS
) -> list[date]:
    """The `count` days nearest `day` (not before `first`) on which the business opens, in date order."""
    days = [
        candidate
        for offset in range(-7, 8)
        if (candidate := day + timedelta(days=offset)) >= first
        and candidate != day
        and intervals_on(hours, candidate, special)
    ]
    return sorted(sorted(days, key=lambda candidate: abs(candidate - day))[:count])


def next_opening(hours: OpeningHours, moment: datetime, special: Exceptions = NO_EXCEPTIONS) -> datetime | None:
    """When the business next opens after `moment` (in its own timezone), holidays skipped: None while it is
    open, or when nothing in the coming week opens."""
    if is_open_at(hours, moment, special):
        return None
    for offset in range(8):
        day = moment.date() + timedelta(days=offset)
        for start, _ in sorted(intervals_on(hours, day, special)):
            opens = datetime.combine(day, time.fromisoformat(start), moment.tzinfo)
            if opens > moment:
                return opens
    return None
