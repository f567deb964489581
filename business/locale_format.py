"""Days, dates, times and prices as the active language writes them, by Babel's locale data.

Replies are built under `translation.override(reply_language)`, so the active Django language is
the customer's: "Sunday, June 7, 2026" and "10:45 AM" in English, "dimanche 7 juin 2026" and "10:45" in French.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from decimal import Decimal

from babel import Locale
from babel.dates import format_date, format_datetime, format_time, get_day_names
from babel.numbers import format_currency
from django.conf import settings
from django.utils.translation import get_language, to_locale


def _plain(text: str) -> str:
    """CLDR's no-break spaces as plain ones: a draft that repeats a time or a price types a plain space,
    and grounding compares the two word for word."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def current_locale() -> Locale:
    return Locale.parse(to_locale(get_language() or settings.LANGUAGE_CODE))


def money(amount: Decimal, currency: str) -> str:
    """ "€5.20" in English, "5,20 €" in French."""
    return _plain(format_currency(amount, currency, locale=current_locale()))


def weekday_name(index: int) -> str:
    """A weekday (0 is Monday) as the language names it: "Monday", "lundi"."""
    return get_day_names("wide", locale=current_locale())[index]


def clock(moment: time | datetime) -> str:
    """ "7:00 AM" in English, "07:00" in French."""
    return _plain(format_time(moment, "short", locale=current_locale()))


def full_date(moment: date) -> str:
    """ "Sunday, June 7, 2026" / "dimanche 7 juin 2026": unambiguous, for a booking's day."""
    return _plain(format_date(moment, "full", locale=current_locale()))


def weekday_date(day: date) -> str:
    """ "Friday, December 25" / "vendredi 25 décembre": the locale's own weekday-day-month pattern, with the
    weekday's full name; a day this year or next, when the year goes without saying."""
    pattern = current_locale().datetime_skeletons["MMMMEd"].pattern
    return _plain(format_date(day, re.sub(r"E+", "EEEE", pattern), locale=current_locale()))


def short_moment(moment: datetime) -> str:
    """ "6/7/26, 10:45 AM" / "07/06/2026 10:45": when an order last changed."""
    return _plain(format_datetime(moment, "short", locale=current_locale()))
