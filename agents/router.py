"""Which tools a customer's words call for, decided without the model.

A small model often picks the wrong tool and fills arguments with junk, while a search with the
customer's own words finds the right fact almost always (bench/results.md, "Measured while writing
the code"). So for small models the server plans the tool calls: what is unambiguous (an order
reference, asking for a person, whether the business is open now) is recognised from the language's
lexicon (intents.py), and the rest is searched. Only what needs understanding the model fills in:
a booking's day and hour.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext

from business import search
from business.hours import DAY_NAMES

from .booking_request import asks_whether_to_book
from .intents import Intent, Understanding, understand

# Letters then digits ("A-1042", "HB1042") or a long number; the same in every language.
ORDER_REFERENCE = re.compile(r"(?<![\w-])#?([A-Za-z]{1,5}-?\d{3,}|\d{4,})(?![\w-])")
# The business's details business_info gives, by the intent that asks for them.
DETAILS = ("address", "contact")
# A part asking about a product or an order is the search's alone ("do you deliver to my address?").
ASKS_FOR_AN_ITEM = frozenset({Intent.PRICE, Intent.AVAILABILITY, Intent.ORDER, Intent.BOOKING})
# Not a sentence: a thumbs-up reads the same in every language.
ACKNOWLEDGEMENT_REPLY = "👍"


@dataclass(frozen=True)
class PlannedCall:
    tool: str
    # None: the model fills the arguments, constrained to this tool's schema.
    args: dict[str, Any] | None = field(default=None)


def plan(text: str, available: set[str], language: str = "en") -> list[PlannedCall]:
    """The tool calls for this turn, the one most likely to answer it first; `language` is the customer's."""
    calls = _plan(text, understand(text, language), language)
    return [call for call in calls if call.tool in available]


def is_small_talk(text: str, language: str = "en") -> bool:
    return understand(text, language).is_small_talk


def small_talk_reply(text: str, language: str = "en") -> str:
    """A greeting's, thanks' or goodbye's reply, in the active language."""
    intents = understand(text, language).intents
    if Intent.THANKS in intents:
        return gettext("You're welcome! Anything else I can help with?")
    if Intent.GOODBYE in intents:
        return gettext("Goodbye, have a nice day!")
    if Intent.GREETING in intents:
        return gettext("Hello! How can I help you today?")
    return ACKNOWLEDGEMENT_REPLY


def _plan(text: str, understood: Understanding, language: str) -> list[PlannedCall]:
    intents = understood.intents
    if Intent.PERSON in intents:
        return [PlannedCall("handoff_to_human", {"reason": "the customer asked for a person"})]
    reference = ORDER_REFERENCE.search(text)
    if reference and (Intent.ORDER in intents or not reference.group(1).isdigit()):
        return [PlannedCall("order_status", {"reference": reference.group(1)})]
    if understood.is_small_talk:
        return []
    calls: list[PlannedCall] = []
    if Intent.BOOKING in intents and not asks_whether_to_book(text, language):
        calls.append(PlannedCall("create_booking"))
    calls += _answer_calls(text, language)
    if Intent.ORDER in intents:
        # "Has my order shipped yet?" names no reference and may share no word with the order: when
        # nothing else answers, it is about the customer's order in progress, if they have one.
        calls.append(PlannedCall("order_status", {"reference": ""}))
    return calls


def _answer_calls(text: str, language: str) -> list[PlannedCall]:
    """One search over everything the business knows, with business_info after it for each part of the question
    about the business's details: it knows them in every language, and which day "today" and "tomorrow" are."""
    parts = search.question_parts(text, (language,)) or [text]
    searched: list[str] = []
    first: list[PlannedCall] = []
    after: list[PlannedCall] = []
    for part in parts:
        understood = understand(part, language)
        intents = understood.intents
        if Intent.HOURS in intents and understood.day in ("today", "tomorrow"):
            # Only the clock knows which day that is: the search would answer with every day's hours.
            first.append(PlannedCall("business_info", {"topic": "hours", "day": understood.day}))
            continue
        searched.append(part)
        if Intent.HOURS in intents and understood.day:
            after.append(PlannedCall("business_info", {"topic": "hours", "day": _day_argument(understood.day)}))
        details = [topic for topic in DETAILS if Intent(topic) in intents]
        # Both in one part is rather one word read twice ("E-Mail-Adressen") than two questions.
        if len(details) == 1 and not intents & ASKS_FOR_AN_ITEM:
            after.append(PlannedCall("business_info", {"topic": details[0]}))
    query = text if len(searched) == len(parts) else "? ".join(searched)
    return first + ([PlannedCall("search_knowledge", {"query": query})] if searched else []) + after


def _day_argument(day: str) -> str:
    """The business_info tool's day: a weekday's English name (its schema's values)."""
    return DAY_NAMES[day].lower() if day in DAY_NAMES else day
