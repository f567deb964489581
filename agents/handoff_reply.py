"""What the agent tells a customer it hands to a person: when that person can answer, from the opening hours.

"They will reply here soon" at 03:00, with the shop closed until 09:00, is a promise nobody keeps.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils.translation import gettext

from business.hours import next_opening
from business.locale_format import clock, full_date, weekday_name
from business.models import Business


def handoff_reply(business: Business, now: datetime | None = None) -> str:
    """In the active language (the reply's, during a turn)."""
    now = (now or datetime.now(ZoneInfo(business.timezone))).astimezone(ZoneInfo(business.timezone))
    opens = next_opening(business.opening_hours or {}, now, business.special_hours(now.date(), days=8))
    if opens is None:
        return gettext("I've asked a colleague to take over; they will reply here soon.")
    return gettext(
        "I've asked a colleague to take over. We're closed now: they will reply here once we open, %(when)s."
    ) % {"when": when(opens, now)}


def when(opens: datetime, now: datetime) -> str:
    """ "today at 9:00 AM", "tomorrow at 9:00 AM", "on Monday at 9:00 AM" (the date, a week or more ahead)."""
    days = (opens.date() - now.date()).days
    at = {"time": clock(opens)}
    if days == 0:
        return gettext("today at %(time)s") % at
    if days == 1:
        return gettext("tomorrow at %(time)s") % at
    if days < 7:
        return gettext("on %(day)s at %(time)s") % {**at, "day": weekday_name(opens.weekday())}
    return gettext("on %(date)s at %(time)s") % {**at, "date": full_date(opens.date())}
