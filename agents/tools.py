"""The agent's tools, each bound on the server side to one turn's business and customer.

The model only ever supplies the arguments in a tool's schema (a query, an order reference); which
business and which customer a tool reads is fixed by the turn before the model runs, so no message
can reach another tenant's data or another customer's orders.

Every tool answers with a ToolResult: what the model reads (`content`), the facts a reply built on
it must carry exactly (`facts`, one of them; with `parts`, one of each part's), and a reply made only
of those facts (`answer`) for when the model's own wording cannot be trusted.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils.translation import gettext
from langchain_core.tools import BaseTool, StructuredTool
from langchain_core.tools.base import FILTERED_ARGS, create_schema_from_function
from langchain_core.utils.pydantic import TypeBaseModel
from pydantic import Field

from business import passages, search
from business.hours import (
    DAY_NAMES,
    WEEKDAYS,
    SpecialHours,
    is_open_at,
    spans,
    special_day_sentence,
    special_days_text,
)
from business.locale_format import clock, full_date, weekday_date, weekday_name
from business.models import Booking, Business, Customer, Lead, Order, Passage
from conversations.models import Contact
from conversations.platforms import platform

from . import follow_ups, retrieval_answers
from .custom_tools import custom_http_tools
from .customer_language import TurnLanguage
from .handoff_reply import handoff_reply

# Argument types narrow enough that the grammar keeps even a tiny model's arguments short and
# well-formed. llama-cpp-python's schema converter crashes on `pattern` and ignores numeric
# bounds, so formats are bounded by length here and checked by the tools themselves.
Topic = Literal["hours", "address", "contact"]
Day = Literal["", "today", "tomorrow", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
IsoDay = Annotated[str, Field(max_length=10, description="YYYY-MM-DD")]
Clock = Annotated[str, Field(max_length=5, description="HH:MM")]
ShortText = Annotated[str, Field(max_length=80)]
MAX_PARTY_SIZE = 50


@dataclass
class TurnContext:
    """What the server knows about the turn; never taken from the model."""

    business: Business
    contact: Contact
    conversation_id: int
    handoff_reason: str = ""
    # When the turn's time is up (a time.monotonic() value): custom tools' calls end by then.
    deadline: float | None = None
    records: list[str] = field(default_factory=list)
    # The customer's and the reply's language; settled by the turn from the customer's words when None.
    language: TurnLanguage | None = None
    # The subject this turn's message leans on ("how much?" after "Do you sell helmets?"): follow_ups.py.
    follow_up: str = ""
    # What it asks of what it names, when it asks nothing itself ("and the croissant?" after a price).
    follow_up_asks: str = ""
    # The choice the turn's message picked among those the last reply offered (agents/reply_choices.py).
    chosen: str = ""

    @property
    def people_business(self) -> Business:
        """Whose customers and orders the turn reads: a draft (being tested) has none and reads its live one's."""
        return self.business.draft_of or self.business

    def link_customer_by_phone(self) -> None:
        """On platforms where the customer's id is their phone number, find their customer record."""
        if self.contact.customer_id is not None or not platform(self.contact.connection.platform).ids_are_phone_numbers:
            return
        digits = re.sub(r"\D", "", self.contact.platform_user_id)
        if len(digits) < 8:
            return
        for customer in Customer.objects.filter(business=self.people_business).exclude(phone=""):
            if re.sub(r"\D", "", customer.phone) == digits:
                self.contact.customer = customer
                self.contact.save(update_fields=["customer"])
                return

    def customer(self) -> Customer:
        """The contact's customer record at this business, created on first need."""
        customer = self.contact.customer
        if customer is None:
            with transaction.atomic():
                customer = Customer.objects.create(business=self.people_business, name=self.contact.display_name)
                self.contact.customer = customer
                self.contact.save(update_fields=["customer"])
        return customer


@dataclass(frozen=True)
class ToolResult:
    content: str
    facts: tuple[str, ...] = ()
    answer: str = ""
    found: bool = True
    # The facts of each part of a compound question's answer: a reply carries one of each.
    parts: tuple[tuple[str, ...], ...] = ()
    # What the answer asks the customer to choose from (several products, several orders), in order.
    options: tuple[str, ...] = ()

    @property
    def key_facts(self) -> tuple[tuple[str, ...], ...]:
        """The groups of facts a reply built on this result carries one of each of."""
        return self.parts or ((self.facts,) if self.facts else ())

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> ToolResult:
        data = json.loads(text)
        return cls(
            content=data["content"],
            facts=tuple(data["facts"]),
            answer=data["answer"],
            found=data["found"],
            parts=tuple(tuple(part) for part in data.get("parts", ())),
            options=tuple(data.get("options", ())),
        )


NOTHING_FOUND = ToolResult(content="Nothing found.", found=False)


# The built-in tools by name, in the order the model sees them: what the admin offers and build_tools binds.
BUILTIN_TOOLS: dict[str, Callable[..., str]] = {}


def builtin_tool(function: Callable[..., str]) -> Callable[..., str]:
    """Registers a built-in tool; its first argument is the turn's context, bound by build_tools."""
    BUILTIN_TOOLS[function.__name__] = function
    return function


@builtin_tool
def search_knowledge(context: TurnContext, query: str) -> str:
    """Search everything the business knows (FAQ, documents, products, hours, address, contact, the
    customer's orders) for what the customer asks about."""
    return _search(context, query, sources=None)


@builtin_tool
def business_info(context: TurnContext, topic: Topic = "hours", day: Day = "") -> str:
    """Opening hours (of a weekday, "today" or "tomorrow" if asked), whether open now, address and
    contact details; topic is what the customer asks about: hours, address or contact."""
    business = context.business
    now = datetime.now(ZoneInfo(business.timezone))
    asked = _weekday(day, now)
    # The coming weeks' holidays and closures: what the model reads, and the asked day's if it is one.
    special = business.special_hours(now.date(), days=SPECIAL_DAYS_AHEAD)
    is_open = is_open_at(business.opening_hours or {}, now, special)
    all_hours = "; ".join(business.opening_hours_lines())
    now_line = (
        gettext("It is now %(day)s %(time)s (%(timezone)s); we are open.")
        if is_open
        else gettext("It is now %(day)s %(time)s (%(timezone)s); we are closed.")
    )
    lines = [
        now_line % {"day": weekday_name(now.weekday()), "time": clock(now), "timezone": business.timezone},
        gettext("Opening hours: %(hours)s.") % {"hours": all_hours},
    ]
    if special:
        lines.append(gettext("Holidays and special days: %(days)s.") % {"days": special_days_text(special.values())})
    lines += [
        label % {"value": value}
        for label, value in (
            (gettext("Address: %(value)s."), business.address),
            (gettext("Phone: %(value)s."), business.phone),
            (gettext("Email: %(value)s."), business.email),
        )
        if value
    ]
    if topic == "hours" and asked and (exception := special.get(_next_date(asked, now))):
        answer, parts = special_day_answer(exception, today=exception.day == now.date(), is_open=is_open)
        return ToolResult(content="\n".join(lines), answer=answer, parts=parts).to_json()
    answer, facts = _info_answer(business, topic, asked, now, is_open)
    return ToolResult(content="\n".join(lines), facts=facts, answer=answer).to_json()


SPECIAL_DAYS_AHEAD = 31


def special_day_answer(day: SpecialHours, today: bool, is_open: bool) -> tuple[str, tuple[tuple[str, ...], ...]]:
    """The reply about a day that is a holiday or has special hours, and the facts it must carry: its date and
    its hours ("closed on Friday, December 25 (Christmas)")."""
    answer = special_day_sentence(day)
    if today:
        answer += " " + (gettext("We are open right now.") if is_open else gettext("We are closed right now."))
    return answer, ((weekday_date(day.day),), (spans(day.intervals),))


def _next_date(weekday: str, now: datetime) -> date:
    """The date of the asked weekday: today if it is today's, else the coming one."""
    return now.date() + timedelta(days=(WEEKDAYS.index(weekday) - now.weekday()) % 7)


def _info_answer(
    business: Business, topic: str, asked: str, now: datetime, is_open: bool
) -> tuple[str, tuple[str, ...]]:
    """The reply to a question about hours, address or contact, and the facts it must carry."""
    details = tuple(value for value in (business.phone, business.email) if value)
    if topic == "address" and business.address:
        return gettext("We are at %(address)s.") % {"address": business.address}, (business.address,)
    if topic == "contact" and details:
        if len(details) == 2:
            answer = gettext("You can reach us at %(phone)s or %(email)s.") % {"phone": details[0], "email": details[1]}
        else:
            answer = gettext("You can reach us at %(detail)s.") % {"detail": details[0]}
        return answer, details
    if asked:
        intervals = business.opening_hours.get(asked) or []
        hours = spans(intervals)
        day_name = weekday_name(WEEKDAYS.index(asked))
        answer = (
            gettext("On %(day)s we are open %(hours)s.") % {"day": day_name, "hours": hours}
            if intervals
            else gettext("On %(day)s we are closed.") % {"day": day_name}
        )
        if asked == WEEKDAYS[now.weekday()]:
            answer += " " + (gettext("We are open right now.") if is_open else gettext("We are closed right now."))
        return answer, (hours,)
    all_hours = "; ".join(business.opening_hours_lines())
    answer = (
        gettext("We are open now. Our opening hours: %(hours)s.")
        if is_open
        else gettext("We are closed now. Our opening hours: %(hours)s.")
    ) % {"hours": all_hours}
    return answer, tuple(business.opening_hours_lines())


@builtin_tool
def search_catalogue(context: TurnContext, query: str) -> str:
    """Find products by name or description, with price, currency and availability."""
    return _search(context, query, sources=[Passage.Source.ITEM])


@builtin_tool
def order_status(context: TurnContext, reference: str = "") -> str:
    """The status of one of this customer's orders, by its reference (e.g. A-1042); without a
    reference, of their order in progress."""
    orders = _orders(context)
    wanted = passages.compact_reference(reference)
    order = retrieval_answers.order_named(orders, wanted) if wanted else None
    if wanted:
        reply = retrieval_answers.order_reply(order) if order else None
    else:
        reply = retrieval_answers.order_in_progress(orders)
    if reply is None:
        shown = reference.strip().lstrip("#").upper()
        answer = retrieval_answers.order_not_found(shown) if wanted else ""
        return ToolResult(content=f"No order {shown} found for this customer.", answer=answer, found=False).to_json()
    if reply.options:
        follow_ups.remember_options(context.conversation_id, reply.options)
    elif order is not None:
        follow_ups.remember_order(context.conversation_id, order)
    return ToolResult(content=reply.content, facts=reply.facts, answer=reply.answer, options=reply.options).to_json()


@builtin_tool
def create_booking(context: TurnContext, day: IsoDay, hour: Clock, party_size: int = 1, notes: ShortText = "") -> str:
    """Book a table or appointment: day as YYYY-MM-DD, hour as HH:MM, and how many people."""
    business = context.business
    try:
        starts = datetime.combine(date.fromisoformat(day), time.fromisoformat(hour), ZoneInfo(business.timezone))
    except ValueError:
        return ToolResult(
            content="Invalid day or hour.", answer=gettext("Which day and time would you like?"), found=False
        ).to_json()
    if starts <= datetime.now(starts.tzinfo):
        return ToolResult(
            content=f"{starts:%A %d %B %H:%M} has passed.",
            answer=gettext("Which day and time would you like?"),
            found=False,
        ).to_json()
    when = gettext("%(day)s at %(time)s") % {"day": full_date(starts), "time": clock(starts)}
    if not is_open_at(business.opening_hours or {}, starts, business.special_hours(starts.date(), days=1)):
        return ToolResult(
            content=f"We are closed on {when}.",
            answer=gettext("We're closed at that time (%(when)s). Our hours: %(hours)s.")
            % {"when": when, "hours": "; ".join(business.opening_hours_lines())},
            found=False,
        ).to_json()
    if not 1 <= party_size <= MAX_PARTY_SIZE:
        return ToolResult(content="Invalid party size.", answer=gettext("For how many people?"), found=False).to_json()
    booking = Booking.objects.create(
        business=business, customer=context.customer(), starts_at=starts, party_size=party_size, notes=notes
    )
    context.records.append(f"booking:{booking.pk}")
    line = gettext("Booking requested for %(party_size)s on %(when)s; staff will confirm it.") % {
        "party_size": booking.party_size,
        "when": when,
    }
    return ToolResult(content=line, facts=(when,), answer=line).to_json()


@builtin_tool
def capture_lead(context: TurnContext, interest: ShortText, contact_detail: ShortText = "") -> str:
    """Note what a prospective customer wants so that staff follow up."""
    business = context.business
    lead = Lead.objects.create(
        business=business, customer=context.customer(), interest=interest, contact_detail=contact_detail
    )
    context.records.append(f"lead:{lead.pk}")
    line = gettext("Thanks, I've passed your request on; a colleague will get back to you.")
    return ToolResult(content="Request noted for staff.", answer=line).to_json()


@builtin_tool
def handoff_to_human(context: TurnContext, reason: str) -> str:
    """Hand the conversation to a human colleague, for what the agent cannot or should not answer."""
    context.handoff_reason = reason or "the customer asked for a person"
    line = handoff_reply(context.business)
    return ToolResult(content="A colleague has been asked to take over.", answer=line).to_json()


BUILTIN_TOOL_NAMES = tuple(BUILTIN_TOOLS)


def build_tools(context: TurnContext, enabled: list[str] | None = None) -> list[BaseTool]:
    tools: list[BaseTool] = [_as_tool(function, context) for function in BUILTIN_TOOLS.values()]
    tools += custom_http_tools(context.business, context.deadline)
    return [tool for tool in tools if enabled is None or tool.name in enabled or tool.name == "handoff_to_human"]


# The arguments' model of each built-in tool, by name. Deriving one from a function's signature is
# slow; each turn binds the same functions to another context, so one derivation serves every turn.
_ARGUMENT_MODELS: dict[str, TypeBaseModel] = {}


def _as_tool(function: Callable[..., str], context: TurnContext) -> BaseTool:
    name = function.__name__
    if name not in _ARGUMENT_MODELS:
        _ARGUMENT_MODELS[name] = create_schema_from_function(name, function, filter_args=[*FILTERED_ARGS, "context"])
    return StructuredTool.from_function(
        partial(function, context), name=name, description=function.__doc__, args_schema=_ARGUMENT_MODELS[name]
    )


def _weekday(day: str, now: datetime) -> str:
    """ "sunday", "today" or "tomorrow" as a weekday key (mon..sun); "" when no day is meant."""
    day = day.strip().lower()
    if day == "today":
        return WEEKDAYS[now.weekday()]
    if day == "tomorrow":
        return WEEKDAYS[(now.weekday() + 1) % 7]
    return next((key for key, name in DAY_NAMES.items() if name.lower() == day or key == day[:3] and len(day) >= 3), "")


def _search(context: TurnContext, query: str, sources: list[str] | None) -> str:
    customer_id = context.contact.customer_id
    language = context.language.customer if context.language else ""
    groups = search.answer(
        context.business,
        query,
        customer_id=customer_id,
        context=context.follow_up,
        asks=context.follow_up_asks,
        sources=sources,
        language=language,
    )
    if not groups and context.follow_up:
        # A follow-up its own words do not answer ("is it rechargeable?") is asked of the subject itself.
        groups = search.answer(
            context.business,
            query,
            customer_id=customer_id,
            subject=context.follow_up,
            sources=sources,
            language=language,
        )
    if not groups:
        return NOTHING_FOUND.to_json()
    reply = retrieval_answers.from_matches(groups, _orders(context), query)
    follow_ups.remember(context, query, groups, reply.options)
    return ToolResult(
        content=reply.content, facts=reply.facts, answer=reply.answer, parts=reply.parts, options=reply.options
    ).to_json()


def _orders(context: TurnContext) -> list[Order]:
    """This customer's orders at this business, and no one else's."""
    return list(Order.objects.filter(business=context.people_business, customer__contacts=context.contact))


def tool_result(content: Any) -> ToolResult:
    """A tool's answer as a ToolResult, also for custom tools that return plain text."""
    try:
        return ToolResult.from_json(str(content))
    except (ValueError, KeyError, TypeError):
        return ToolResult(content=str(content))
