"""The agent's tools, each bound on the server side to one turn's business and customer.

The model only ever supplies the arguments in a tool's schema (a query, an order reference); which
business and which customer a tool reads is fixed by the turn before the model runs, so no message
can reach another tenant's data or another customer's orders.

Every tool answers with a ToolResult: what the model reads (`content`), the facts a reply built on
it must carry exactly (`facts`), and a reply made only of those facts (`answer`) for when the
model's own wording cannot be trusted.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time
from functools import partial
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils.translation import gettext
from langchain_core.tools import BaseTool, StructuredTool
from langchain_core.tools.base import FILTERED_ARGS, create_schema_from_function
from langchain_core.utils.pydantic import TypeBaseModel
from pydantic import Field

from business import search
from business.hours import DAY_NAMES, WEEKDAYS, is_open_at, spans
from business.locale_format import clock, full_date, short_moment, weekday_name
from business.models import Booking, Business, CatalogueItem, Customer, Document, FaqEntry, Lead, Order
from conversations.models import Contact
from conversations.platforms import platform

from .custom_tools import custom_http_tools
from .customer_language import TurnLanguage

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

    def link_customer_by_phone(self) -> None:
        """On platforms where the customer's id is their phone number, find their customer record."""
        if self.contact.customer_id is not None or not platform(self.contact.connection.platform).ids_are_phone_numbers:
            return
        digits = re.sub(r"\D", "", self.contact.platform_user_id)
        if len(digits) < 8:
            return
        for customer in Customer.objects.filter(business=self.business).exclude(phone=""):
            if re.sub(r"\D", "", customer.phone) == digits:
                self.contact.customer = customer
                self.contact.save(update_fields=["customer"])
                return

    def customer(self) -> Customer:
        """The contact's customer record at this business, created on first need."""
        customer = self.contact.customer
        if customer is None:
            with transaction.atomic():
                customer = Customer.objects.create(business=self.business, name=self.contact.display_name)
                self.contact.customer = customer
                self.contact.save(update_fields=["customer"])
        return customer


@dataclass(frozen=True)
class ToolResult:
    content: str
    facts: tuple[str, ...] = ()
    answer: str = ""
    found: bool = True

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> ToolResult:
        data = json.loads(text)
        return cls(content=data["content"], facts=tuple(data["facts"]), answer=data["answer"], found=data["found"])


NOTHING_FOUND = ToolResult(content="Nothing found.", found=False)


# The built-in tools by name, in the order the model sees them: what the admin offers and build_tools binds.
BUILTIN_TOOLS: dict[str, Callable[..., str]] = {}


def builtin_tool(function: Callable[..., str]) -> Callable[..., str]:
    """Registers a built-in tool; its first argument is the turn's context, bound by build_tools."""
    BUILTIN_TOOLS[function.__name__] = function
    return function


@builtin_tool
def search_knowledge(context: TurnContext, query: str) -> str:
    """Search the business's FAQ and documents for what the customer asks about."""
    business = context.business
    entries = search.search_objects(business, FaqEntry, query, limit=2)
    documents = search.search_objects(business, Document, query, limit=1)
    if not entries and not documents:
        return NOTHING_FOUND.to_json()
    lines = [f"Q: {entry.question}\nA: {entry.answer}" for entry in entries]
    lines += [f"{document.title}: {_excerpt(document.body, query)}" for document in documents]
    best = entries[0].answer if entries else _excerpt(documents[0].body, query)
    return ToolResult(content="\n".join(lines), facts=(best,), answer=best).to_json()


@builtin_tool
def business_info(context: TurnContext, topic: Topic = "hours", day: Day = "") -> str:
    """Opening hours (of a weekday, "today" or "tomorrow" if asked), whether open now, address and
    contact details; topic is what the customer asks about: hours, address or contact."""
    business = context.business
    now = datetime.now(ZoneInfo(business.timezone))
    asked = _weekday(day, now)
    is_open = is_open_at(business.opening_hours or {}, now)
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
    lines += [
        label % {"value": value}
        for label, value in (
            (gettext("Address: %(value)s."), business.address),
            (gettext("Phone: %(value)s."), business.phone),
            (gettext("Email: %(value)s."), business.email),
        )
        if value
    ]
    answer, facts = _info_answer(business, topic, asked, now, is_open)
    return ToolResult(content="\n".join(lines), facts=facts, answer=answer).to_json()


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
    business = context.business
    items = search.search_objects(business, CatalogueItem, query, limit=3)
    if not items:
        return NOTHING_FOUND.to_json()
    lines = [_item_line(item) for item in items]
    # A reply about a sold-out item must say so: its price alone reads as "we have it".
    fact = items[0].price_label() if items[0].available else gettext("sold out")
    return ToolResult(content="\n".join(lines), facts=(fact,), answer=lines[0]).to_json()


@builtin_tool
def order_status(context: TurnContext, reference: str) -> str:
    """The status of one of this customer's orders, by its reference (e.g. A-1042)."""
    business = context.business
    wanted = reference.strip().lstrip("#").upper()
    orders = Order.objects.filter(business=business, customer__contacts=context.contact)
    # "HB1042", "hb 1042" and "HB-1042" are one reference: customers drop the punctuation.
    order = orders.filter(reference__iexact=wanted).first() or next(
        (order for order in orders if _bare(order.reference) == _bare(wanted)), None
    )
    if order is None:
        return ToolResult(
            content=f"No order {wanted} found for this customer.",
            answer=gettext("I can't find an order %(reference)s under your name. Could you check the reference?")
            % {"reference": wanted},
            found=False,
        ).to_json()
    status = str(order.get_status_display())
    updated = short_moment(order.updated_at.astimezone(ZoneInfo(business.timezone)))
    line = gettext("Order %(reference)s is %(status)s (updated %(updated)s).") % {
        "reference": order.reference,
        "status": status.lower(),
        "updated": updated,
    }
    # The status is the answer; a reply naming only the reference ("You've collected A-1042") is not one.
    return ToolResult(content=line, facts=(status.lower(),), answer=line).to_json()


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
    if not is_open_at(business.opening_hours or {}, starts):
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
    line = gettext("I've asked a colleague to take over; they will reply here soon.")
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


def _bare(reference: str) -> str:
    return re.sub(r"[\W_]", "", reference).upper()


def _item_line(item: CatalogueItem) -> str:
    line = gettext("%(name)s: %(price)s (available).") if item.available else gettext("%(name)s: %(price)s (sold out).")
    return line % {"name": item.name, "price": item.price_label()}


def _excerpt(body: str, query: str, size: int = 400) -> str:
    """The paragraph of a document that shares most words with the query."""
    words = set(search.query_words(query))
    paragraphs = [paragraph.strip() for paragraph in body.split("\n\n") if paragraph.strip()] or [body]
    best = max(paragraphs, key=lambda paragraph: len(words & set(search.query_words(paragraph))))
    return best[:size]


def tool_result(content: Any) -> ToolResult:
    """A tool's answer as a ToolResult, also for custom tools that return plain text."""
    try:
        return ToolResult.from_json(str(content))
    except (ValueError, KeyError, TypeError):
        return ToolResult(content=str(content))
