"""Which tools a customer's words call for, decided without the model.

A small model often picks the wrong tool and fills arguments with junk, while a search with the
customer's own words finds the right fact almost always (bench/results.md, "Measured while writing
the code"). So for small models the server plans the tool calls: what is unambiguous (an order
reference, asking for a person, whether the business is open now) is recognised by pattern, and the
rest is searched. Only what needs understanding the model fills in: a booking's day and hour.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

ASKS_FOR_PERSON = re.compile(
    r"\b(human|real person|a person|someone|somebody|colleague|operator|manager|staff member|customer service)\b"
    r"|\b(speak|talk|chat)\s+(to|with)\s+(a|an|the|someone|somebody|your)\b",
    re.IGNORECASE,
)
ORDER_REFERENCE = re.compile(r"(?<![\w-])#?([A-Za-z]{1,5}-?\d{3,}|\d{4,})(?![\w-])")
MENTIONS_ORDER = re.compile(r"\b(order|parcel|package|delivery|shipment|tracking|commande)\b", re.IGNORECASE)
ABOUT_HOURS = re.compile(
    r"\b(open|opening|close|closed|closing|hours|today|tonight|tomorrow|weekend|monday|tuesday|wednesday|"
    r"thursday|friday|saturday|sunday|address|where are you|located|location|find you|directions|phone|call you|"
    r"e-?mail|contact)\b",
    re.IGNORECASE,
)
ABOUT_NOW = re.compile(r"\b(now|today|tonight|tomorrow|at the moment|currently)\b", re.IGNORECASE)
WANTS_BOOKING = re.compile(r"\b(book|booking|reserve|reservation|table for|appointment)\b", re.IGNORECASE)
WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MENTIONED_DAY = re.compile(r"\b(" + "|".join(WEEKDAY_NAMES) + r"|today|tomorrow)\b", re.IGNORECASE)
SMALL_TALK = re.compile(
    r"^\W*(hi|hello|hey|good (morning|afternoon|evening)|thanks|thank you|cheers|bye|goodbye|ok|okay|great)\b"
    r"[\w\s!.,']{0,30}$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class PlannedCall:
    tool: str
    # None: the model fills the arguments, constrained to this tool's schema.
    args: dict[str, Any] | None = field(default=None)


def plan(text: str, available: set[str]) -> list[PlannedCall]:
    """The tool calls for this turn, the one most likely to answer it first."""
    calls = _plan(text)
    return [call for call in calls if call.tool in available]


def is_small_talk(text: str) -> bool:
    return bool(SMALL_TALK.match(text.strip()))


def small_talk_reply(text: str) -> str:
    lowered = text.lower()
    if "thank" in lowered or "cheers" in lowered:
        return "You're welcome! Anything else I can help with?"
    if "bye" in lowered:
        return "Goodbye, have a nice day!"
    return "Hello! How can I help you today?"


def _plan(text: str) -> list[PlannedCall]:
    if ASKS_FOR_PERSON.search(text):
        return [PlannedCall("handoff_to_human", {"reason": "the customer asked for a person"})]
    reference = ORDER_REFERENCE.search(text)
    if reference and (MENTIONS_ORDER.search(text) or not reference.group(1).isdigit()):
        return [PlannedCall("order_status", {"reference": reference.group(1)})]
    if is_small_talk(text):
        return []
    calls: list[PlannedCall] = []
    if WANTS_BOOKING.search(text):
        calls.append(PlannedCall("create_booking"))
    if ABOUT_HOURS.search(text) and ABOUT_NOW.search(text):
        # Whether the business is open now or today needs the clock, which only business_info reads.
        day = MENTIONED_DAY.search(text)
        calls.append(PlannedCall("business_info", {"topic": "hours", "day": day.group(1).lower() if day else ""}))
    # One search over everything the business knows, hours, address, contact and products included.
    calls.append(PlannedCall("search_knowledge", {"query": text}))
    return calls
