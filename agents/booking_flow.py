"""Bookings and leads taken over as many turns as it takes, read back, and written only on a yes.

A turn whose plan asks for a booking or a lead (or whose model, under the `model` tool strategy, calls
create_booking or capture_lead), or whose conversation has a PendingRequest, is answered here:
the day, time and party size come from the customer's words (booking_request.py), what is missing is
asked for, a time that has passed or when the business is closed gets the nearest open times, and
the complete request is read back for a yes (confirmation.py). Only then is the tool called, with
exactly what was read back. A model's arguments only fill what the words left out, once checked.

A pending request is dropped when a message carries none of its fields nor a yes or no (the
customer moved on to another subject: that message gets an ordinary turn), and when it has not been
touched for PENDING_REQUEST_TTL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

from babel.lists import format_list
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from business.hours import Exceptions, intervals_on, is_open_at, open_days_nearby, same_time_nearby, spans
from business.locale_format import clock, weekday_date

from . import reply_choices, tools
from .booking_request import MAX_PARTY_SIZE, BookingRequest, lone_number, read_booking_request
from .confirmation import Answer, read_answer
from .lexicon_files import language_of
from .models import PendingRequest
from .router import PlannedCall
from .tools import ToolResult, TurnContext

PENDING_REQUEST_TTL = timedelta(hours=2)
REQUEST_TOOLS = {"create_booking": PendingRequest.Kind.BOOKING, "capture_lead": PendingRequest.Kind.LEAD}
Asked = PendingRequest.Field
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"\+?\d[\d\s().-]{6,}\d")


@dataclass
class RequestTurn:
    """One turn of the conversation's booking or lead, if it has or starts one."""

    context: TurnContext
    text: str
    trace: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        business = self.context.business
        # The customer's words are read in their language; the flow answers in the turn's reply language.
        language = self.context.language
        self.language = language_of(language.customer if language else business.language)
        self.reply_language = language.reply if language else business.language
        self.now = timezone.now().astimezone(ZoneInfo(business.timezone))

    def answer(self, calls: list[PlannedCall]) -> ToolResult | None:
        """The reply when this turn is about a booking or a lead; None when it is about something else."""
        wanted = next((call for call in calls if call.tool in REQUEST_TOOLS), None)
        pending = self._pending()
        if wanted is not None and (pending is None or pending.kind != REQUEST_TOOLS[wanted.tool]):
            if pending is not None:
                pending.delete()  # a lead asked for in the middle of a booking replaces it, and the reverse
            pending = PendingRequest(conversation_id=self.context.conversation_id, kind=REQUEST_TOOLS[wanted.tool])
        if pending is None:
            return None
        with translation.override(self.reply_language):
            if pending.kind == PendingRequest.Kind.BOOKING:
                reply = self._booking(pending, wanted)
            else:
                reply = self._lead(pending, wanted is not None)
        if reply is None:
            self.trace = {"type": "request", "kind": pending.kind, "dropped": True}
            return None
        self.trace = {"type": "request", "kind": pending.kind, "asked": pending.asked}
        return ToolResult(content=f"{pending.kind}: {pending.asked or 'written'}", answer=reply)

    @property
    def reads_back(self) -> bool:
        """Whether this turn's reply reads the request back for a yes (it then offers Yes and Change)."""
        return self.trace.get("asked") == Asked.CONFIRMATION

    def _read_answer(self) -> Answer:
        # A button under the read-back means yes or no whatever the language of its title.
        return reply_choices.read_back_answer(self.context.chosen) or read_answer(self.text, self.language)

    def _pending(self) -> PendingRequest | None:
        pending = PendingRequest.objects.filter(conversation_id=self.context.conversation_id).first()
        if pending is not None and timezone.now() - pending.updated_at > PENDING_REQUEST_TTL:
            pending.delete()
            return None
        return pending

    # Bookings

    def _booking(self, pending: PendingRequest, wanted: PlannedCall | None) -> str | None:
        words = read_booking_request(self.text, self.language, self.now)
        answer = self._read_answer()
        number = lone_number(self.text, self.language)
        if pending.pk and wanted is None and words.is_empty() and answer is Answer.NEITHER and number is None:
            pending.delete()
            return None
        if pending.asked == Asked.CONFIRMATION and answer is Answer.YES and words.is_empty():
            return self._write_booking(pending)
        if pending.pk and answer is Answer.CANCEL and words.is_empty() and number is None:
            return self._cancel(pending)
        if answer is Answer.NO and words.is_empty() and number is None:
            return self._ask(
                pending, Asked.CHANGE, _("What would you like to change: the day, the time or the number of people?")
            )
        _take_words(pending, words, number)
        if wanted is not None and wanted.args:
            _take_model_arguments(pending, wanted.args)
        return self._next_booking_step(pending)

    def _next_booking_step(self, pending: PendingRequest) -> str:
        if pending.day is None:
            question = _("Which day would you like?") if pending.time else _("Which day and time would you like?")
            return self._ask(pending, Asked.DAY, question)
        if pending.day < self.now.date():
            past, pending.day = pending.day, None
            return self._offer(pending, Asked.DAY, _("That day has already passed."), max(past, self.now.date()))
        intervals = self._intervals(pending.day)
        if not intervals:
            closed, pending.day = pending.day, None
            label = self.special[closed].label if closed in self.special else ""
            problem = (
                _("We are closed on %(day)s (%(label)s).") % {"day": self._day(closed), "label": label}
                if label
                else _("We are closed on %(day)s.") % {"day": self._day(closed)}
            )
            return self._offer(pending, Asked.DAY, problem, closed)
        if pending.time is None:
            question = _("At what time on %(day)s? We are open %(hours)s.") % {
                "day": self._day(pending.day),
                "hours": spans(intervals),
            }
            return self._ask(pending, Asked.TIME, question)
        problem = self._check_time(pending)
        if problem:
            return problem
        if pending.needs_party_size and pending.party_size is None:
            return self._ask(pending, Asked.PARTY_SIZE, _("For how many people?"))
        return self._ask(
            pending, Asked.CONFIRMATION, _("A booking %(what)s. Shall I book it?") % {"what": self._what(pending)}
        )

    def _check_time(self, pending: PendingRequest) -> str:
        """Settles an hour said without am/pm; a sentence offering other times when the time cannot be booked."""
        assert pending.day is not None and pending.time is not None
        starts = self._starts(pending)
        if starts <= self.now:
            problem = _("That time has already passed.")
        elif not is_open_at(self.context.business.opening_hours or {}, starts, self.special):
            problem = _("We are closed at that time.")
        else:
            pending.time, pending.twelve_hour = starts.time(), False
            return ""
        pending.time = None
        hours = _("On %(day)s we are open %(hours)s.") % {
            "day": self._day(pending.day),
            "hours": spans(self._intervals(pending.day)),
        }
        return self._offer(pending, Asked.TIME, f"{problem} {hours}", pending.day, starts)

    def _starts(self, pending: PendingRequest) -> datetime:
        assert pending.day is not None and pending.time is not None
        said = datetime.combine(pending.day, pending.time, self.now.tzinfo)
        if not pending.twelve_hour:
            return said
        # "at 8": the reading that can be booked, morning first.
        hours = self.context.business.opening_hours or {}
        readings = (said, said + timedelta(hours=12))
        return next(
            (moment for moment in readings if moment > self.now and is_open_at(hours, moment, self.special)), said
        )

    def _write_booking(self, pending: PendingRequest) -> str:
        problem = self._check_time(pending)
        if problem:
            return problem
        assert pending.day is not None and pending.time is not None
        what = self._what(pending)
        result = tools.ToolResult.from_json(
            tools.create_booking(
                self.context,
                day=pending.day.isoformat(),
                hour=pending.time.strftime("%H:%M"),
                party_size=pending.party_size or 1,
            )
        )
        if not result.found:
            return self._ask(
                pending,
                Asked.DAY,
                _("Sorry, that time can no longer be booked. Which other day and time would you like?"),
            )
        pending.delete()
        pending.asked = Asked.NOTHING
        return _("Thank you: your booking %(what)s is requested. We will confirm it shortly.") % {"what": what}

    def _offer(self, pending: PendingRequest, asked: str, problem: str, day: date, said: datetime | None = None) -> str:
        """The problem, then the customer's time on the nearest days open then, or else the nearest open days
        with their hours: every time offered is the customer's own or the business's opening hours."""
        hours = self.context.business.opening_hours or {}
        if said is None and pending.time is not None:
            said = datetime.combine(day, pending.time, self.now.tzinfo)
        times = same_time_nearby(hours, said, self.now, special=self.special) if said is not None else []
        if times:
            offers = format_list([self._when(moment) for moment in times], style="or", locale=self._locale())
            offer = _("We could offer %(times)s. Which would suit you?") % {"times": offers}
        else:
            days = open_days_nearby(hours, day, self.now.date(), special=self.special)
            if not days:
                return self._ask(pending, asked, problem)
            named = [f"{self._day(open_day)} ({spans(self._intervals(open_day))})" for open_day in days]
            offer = _("We are open %(days)s. Which day and time would suit you?") % {
                "days": format_list(named, style="or", locale=self._locale())
            }
        return self._ask(pending, asked, f"{problem} {offer}")

    def _what(self, pending: PendingRequest) -> str:
        assert pending.day is not None and pending.time is not None
        when = self._when(datetime.combine(pending.day, pending.time, self.now.tzinfo))
        if pending.party_size is None:
            return _("on %(when)s") % {"when": when}
        count = pending.party_size
        return ngettext("for %(count)d person on %(when)s", "for %(count)d people on %(when)s", count) % {
            "count": count,
            "when": when,
        }

    # Leads

    def _lead(self, pending: PendingRequest, asked_for: bool) -> str | None:
        contact = _contact_detail(self.text)
        answer = self._read_answer()
        if not pending.pk:
            # The message that asks for a follow-up says what it is about.
            pending.interest, pending.contact_detail = _without(self.text, contact), contact
        elif contact:
            pending.contact_detail = contact
        elif pending.asked == Asked.CONFIRMATION and answer is Answer.YES:
            return self._write_lead(pending)
        elif pending.pk and answer is Answer.CANCEL:
            return self._cancel(pending)
        elif answer is Answer.NO:
            return self._ask(pending, Asked.CHANGE, _("What should I change: your request, or how to reach you?"))
        elif pending.asked in (Asked.INTEREST, Asked.CHANGE):
            pending.interest = _without(self.text, "")
        elif not asked_for:
            pending.delete()
            return None
        if not pending.interest:
            return self._ask(pending, Asked.INTEREST, _("What would you like a colleague to get back to you about?"))
        if not pending.contact_detail:
            return self._ask(pending, Asked.CONTACT, _("How can we reach you: an email address or a phone number?"))
        readback = _(
            "I will pass this on to a colleague: “%(interest)s”; they will reach you at %(contact)s. Shall I send it?"
        )
        return self._ask(
            pending, Asked.CONFIRMATION, readback % {"interest": pending.interest, "contact": pending.contact_detail}
        )

    def _write_lead(self, pending: PendingRequest) -> str:
        tools.capture_lead(self.context, interest=pending.interest, contact_detail=pending.contact_detail)
        pending.delete()
        pending.asked = Asked.NOTHING
        return _("Thank you: a colleague will get back to you at %(contact)s.") % {"contact": pending.contact_detail}

    # Shared

    def _cancel(self, pending: PendingRequest) -> str:
        pending.delete()
        pending.asked = Asked.NOTHING
        return _("All right, I have dropped that request. Can I help you with anything else?")

    def _ask(self, pending: PendingRequest, asked: str, question: str) -> str:
        pending.asked = asked
        pending.save()
        return question

    def _locale(self) -> str:
        return translation.to_locale(translation.get_language() or self.reply_language)

    def _day(self, day: date) -> str:
        return weekday_date(day)

    def _intervals(self, day: date) -> list[list[str]]:
        return intervals_on(self.context.business.opening_hours or {}, day, self.special)

    @cached_property
    def special(self) -> Exceptions:
        """The special days around the weeks a booking is offered in (holidays, closures), by date."""
        return self.context.business.special_hours(self.now.date() - timedelta(days=7), days=400)

    def _when(self, moment: datetime) -> str:
        return _("%(day)s at %(time)s") % {"day": self._day(moment.date()), "time": clock(moment.time())}


def _take_words(pending: PendingRequest, words: BookingRequest, number: int | None) -> None:
    """What the customer's message says, over what the request held; a number alone answers the question asked."""
    if words.day is not None:
        pending.day = words.day
    if words.time is not None:
        pending.time, pending.twelve_hour = words.time, words.twelve_hour
    if words.party_size is not None:
        pending.party_size = words.party_size
    pending.needs_party_size = pending.needs_party_size or words.mentions_party
    if number is None:
        return
    if pending.asked == Asked.PARTY_SIZE and 1 <= number <= MAX_PARTY_SIZE:
        pending.party_size = number
    elif 0 <= number <= 23 and (
        # A number alone after the read-back ("no, 12", "actually 11") changes the time, the usual change.
        pending.asked == Asked.TIME or (pending.asked in (Asked.CONFIRMATION, Asked.CHANGE) and words.is_empty())
    ):
        pending.time, pending.twelve_hour = time(number), 1 <= number <= 11


def _take_model_arguments(pending: PendingRequest, args: dict[str, Any]) -> None:
    """A model's create_booking arguments fill only what the customer's words left out, when well-formed."""
    try:
        day = date.fromisoformat(str(args.get("day", "")))
    except ValueError:
        day = None
    try:
        hour = time.fromisoformat(str(args.get("hour", "")))
    except ValueError:
        hour = None
    size = args.get("party_size")
    if pending.day is None and day is not None:
        pending.day = day
    if pending.time is None and hour is not None:
        pending.time, pending.twelve_hour = hour, False
    if pending.party_size is None and isinstance(size, int) and 1 <= size <= MAX_PARTY_SIZE:
        pending.party_size = size


def _contact_detail(text: str) -> str:
    match = EMAIL.search(text) or PHONE.search(text)
    return match.group().strip() if match else ""


def _without(text: str, contact: str) -> str:
    """What the customer wants, in their words, without how to reach them."""
    return " ".join((text.replace(contact, " ") if contact else text).split())[:500]
