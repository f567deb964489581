"""What a reply says, read from its text alone, whatever built it: its facts, its language, what it invents.

Facts are compared without case or accents, with numbers and times in one canonical form, so that a
locale's way of writing them ("10:00", "10h00", "10 h", "10 Uhr", "10am"; "4,50 €", "€4.50") matches.
A price, time or order status in a reply that the business's data does not hold is an invented fact.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

import yaml
from babel.dates import get_day_names
from django.utils.translation import gettext
from lingua import Language, LanguageDetector, LanguageDetectorBuilder

from business.languages import SUPPORTED_LANGUAGES

# The languages replies are judged in: every language the agent serves.
LANGUAGES = tuple(SUPPORTED_LANGUAGES)
STATUS_WORDS_FILE = Path(__file__).resolve().parent / "order_statuses.yaml"
# Fewer words than this say too little for a language detector to be trusted; below this confidence
# ("Butter croissant: 1.40 EUR (available)." is 0.61 French) the reply is not judged either.
MIN_WORDS_TO_DETECT = 4
MIN_CONFIDENCE = 0.7

CURRENCY = r"(?:€|£|\$|eur|euros?|gbp|pounds?|usd)"
_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_AM_PM = re.compile(r"(?<![\d:])(\d{1,2})(?::(\d{2}))?\s*(a\.?m\.?|p\.?m\.?)(?![a-z])")
# "10:00", "10h00", "10 h 30", "10h", "10 Uhr", "10.30 Uhr".
_CLOCK = re.compile(r"(?<![\d.,:])(\d{1,2})\s*(?::\s*(\d{2})|h\s*(\d{2})?(?![a-z])|[.:]?(\d{2})?\s*uhr\b)")
# "10.00" is a time unless a currency is beside it (then it is a price).
_DOTTED = re.compile(r"(?<![\d.,])(\d{1,2})\.(00|15|30|45)(?![\d])")
_BESIDE_CURRENCY = re.compile(rf"{CURRENCY}\s?$|^\s?{CURRENCY}")
_DECIMAL_COMMA = re.compile(r"(?<=\d),(\d{1,2})(?!\d)")
_WHOLE = re.compile(r"(?<=\d)\.00(?!\d)")
_TIME = re.compile(r"(?<![\d:])(\d{2}):(\d{2})(?![\d:])")
_PRICE = re.compile(rf"{CURRENCY}\s?(\d+(?:\.\d{{1,2}})?)|(\d+(?:\.\d{{1,2}})?)\s?{CURRENCY}(?![a-z])")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_QUOTED = re.compile(r"«[^»]*»|“[^”]*”|„[^“”]*[“”]")
_BARE_AMOUNT = re.compile(r"\d+[.,]\d{2}")
ORDER_WORDS = ("order", "commande", "pedido", "bestellung", "ordine", "encomenda")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# How far before a time its day may be named: "Saturday, December 5 at 4:30 PM".
DAY_BEFORE_TIME = 40


def fold(text: str) -> str:
    """Lower case, without accents, apostrophes and spaces of one kind."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _SPACES.sub(" ", folded.replace("’", "'")).strip()


def canonical(text: str) -> str:
    """Folded text with every time as HH:MM and every amount with a decimal point and no ".00"."""
    text = fold(text)
    text = _AM_PM.sub(_am_pm_clock, text)
    text = _CLOCK.sub(_clock, text)
    text = _DOTTED.sub(_dotted_clock, text)
    return _decimal_point(text)


def _decimal_point(text: str) -> str:
    return _WHOLE.sub("", _DECIMAL_COMMA.sub(r".\1", text))


def contains(reply: str, fact: str) -> bool:
    # An expected "1.30" is an amount, written so in the reply ("1,30 €", "at 1.30"), not half past one ("1:30").
    if _BARE_AMOUNT.fullmatch(fact.strip()):
        wanted, text = _decimal_point(fold(fact)), _decimal_point(fold(reply))
    else:
        wanted, text = canonical(fact), canonical(reply)
    return re.search(rf"(?<![0-9a-z]){re.escape(wanted)}(?![0-9a-z])", text) is not None


def _hhmm(hour: int, minute: int) -> str:
    return f"{hour:02d}:{minute:02d}" if hour <= 24 and minute < 60 else f"{hour}:{minute:02d}"


def _clock(match: re.Match[str]) -> str:
    minute = match[2] or match[3] or match[4] or "0"
    if int(match[1]) >= 24:  # "24h", "48 h": a notice period, not a time of day
        return match[0]
    return _hhmm(int(match[1]), int(minute))


def _dotted_clock(match: re.Match[str]) -> str:
    before, after = match.string[max(0, match.start() - 6) : match.start()], match.string[match.end() : match.end() + 6]
    if _BESIDE_CURRENCY.search(before) or _BESIDE_CURRENCY.search(after):
        return match[0]
    return _hhmm(int(match[1]), int(match[2]))


def _am_pm_clock(match: re.Match[str]) -> str:
    hour = int(match[1]) % 12 + (12 if match[3].startswith("p") else 0)
    return _hhmm(hour, int(match[2] or 0))


@cache
def _detector() -> LanguageDetector:
    return LanguageDetectorBuilder.from_languages(
        Language.ENGLISH, Language.FRENCH, Language.SPANISH, Language.GERMAN, Language.ITALIAN, Language.PORTUGUESE
    ).build()


def reply_language(reply: str, names: Iterable[str] = ()) -> str | None:
    """The reply's language code, or None when it is too short or too mixed to tell. What the reply quotes
    («...», “...”, „...“) is the business's data as written, in its own language, not the reply's; so are the
    business's `names` (its address, its products' names: "27 cours de l'Intendance" in a Portuguese reply)."""
    reply = _QUOTED.sub(" ", reply)
    for name in sorted(names, key=len, reverse=True):
        reply = re.sub(re.escape(name), " ", reply, flags=re.IGNORECASE)
    words = re.findall(r"[^\W\d_]{2,}", reply)
    if len(words) < MIN_WORDS_TO_DETECT:
        return None
    best = _detector().compute_language_confidence_values(reply)[0]
    return best.language.iso_code_639_1.name.lower() if best.value >= MIN_CONFIDENCE else None


@dataclass(frozen=True)
class KnownFacts:
    """The prices, times and order statuses the business's data holds, canonical."""

    amounts: frozenset[Decimal]
    times: frozenset[str]
    order_statuses: dict[str, str]  # canonical reference without punctuation -> status
    # Weekday key (mon..sun) -> open intervals ("07:00", "19:00"): the times a booking may be offered at.
    opening_hours: dict[str, list[list[str]]] = field(default_factory=dict)

    def invented(self, reply: str, customer_said: str, customer_statuses: set[str]) -> list[str]:
        """What the reply states that neither the data nor the customer's own words hold."""
        text = canonical(reply)
        said = canonical(customer_said)
        allowed_amounts = self.amounts | _amounts(said)
        allowed_times = self.times | times_in(said) | _bare_hours(said)
        problems = [
            gettext("price %(amount)s") % {"amount": amount}
            for amount in _prices(text)
            if amount not in allowed_amounts
        ]
        offered = self._open_times_of_named_days(text)
        unheld = sorted(times_in(text) - allowed_times - offered)
        problems += [gettext("time %(time)s") % {"time": time} for time in unheld]
        problems += [
            gettext("order status %(status)s") % {"status": status}
            for status in self._statuses(text, customer_statuses)
        ]
        return problems

    def _open_times_of_named_days(self, text: str) -> set[str]:
        """Times named after a day the business is open at then ("Saturday, December 5 at 16:30" when it opens
        09:00-17:00): a booking's nearest open times, which the opening hours hold though not written out."""
        held = set()
        for match in _TIME.finditer(text):
            before = text[max(0, match.start() - DAY_BEFORE_TIME) : match.start()]
            named = [(found.end(), found[0]) for found in _day_name_pattern().finditer(before)]
            if not named:
                continue
            day = _day_names()[max(named)[1]]
            time = f"{match[1]}:{match[2]}"
            if any(start <= time < end for start, end in self.opening_hours.get(day) or []):
                held.add(time)
        return held

    def _statuses(self, text: str, customer_statuses: set[str]) -> list[str]:
        squeezed = re.sub(r"[^0-9a-z]", "", text)
        named = {status for reference, status in self.order_statuses.items() if reference in squeezed}
        if not named and not any(re.search(rf"\b{word}", text) for word in ORDER_WORDS):
            return []
        allowed = named or customer_statuses
        return sorted(status for status in statuses_in(text) if status not in allowed)


def known_facts(
    texts: list[str],
    times: set[str],
    order_statuses: dict[str, str],
    opening_hours: dict[str, list[list[str]]] | None = None,
) -> KnownFacts:
    """From the data's own text (FAQ, documents, catalogue, profile, orders) and its opening hours."""
    joined = canonical("\n".join(texts))
    return KnownFacts(
        amounts=frozenset(_amounts(joined)),
        times=frozenset({canonical(time) for time in times} | times_in(joined)),
        order_statuses={re.sub(r"[^0-9a-z]", "", fold(ref)): status for ref, status in order_statuses.items()},
        opening_hours=opening_hours or {},
    )


@cache
def _day_names() -> dict[str, str]:
    """Each weekday's name in the set's languages, folded ("samedi", "sabado", "samstag"), to its key (sat)."""
    return {
        fold(name): WEEKDAYS[index]
        for language in LANGUAGES
        for index, name in get_day_names("wide", locale=language).items()
    }


@cache
def _day_name_pattern() -> re.Pattern[str]:
    names = sorted(_day_names(), key=len, reverse=True)
    return re.compile(r"(?<![a-z])(?:" + "|".join(map(re.escape, names)) + r")(?![a-z])")


def times_in(canonical_text: str) -> set[str]:
    return {f"{match[1]}:{match[2]}" for match in _TIME.finditer(canonical_text)}


def statuses_in(canonical_text: str) -> set[str]:
    return {
        status
        for status, words in _status_words().items()
        if any(re.search(rf"(?<![a-z]){re.escape(word)}(?![a-z])", canonical_text) for word in words)
    }


def _bare_hours(canonical_text: str) -> set[str]:
    """ "tomorrow at 10", "à 15", "um 9", "at 9, for two": a customer's bare hour, morning or afternoon (a comma
    or a point ends it unless a digit follows: "4,50" and "4.50" are amounts)."""
    hours = {int(number) for number in re.findall(r"(?<![\d:.,])(\d{1,2})(?![\d:]|[.,]\d)", canonical_text)}
    return {_hhmm(hour + offset, 0) for hour in hours if 0 < hour <= 12 for offset in (0, 12)} | {
        _hhmm(hour, 0) for hour in hours if 12 < hour < 24
    }


def _amounts(canonical_text: str) -> set[Decimal]:
    return {_decimal(number) for number in _NUMBER.findall(canonical_text)}


def _prices(canonical_text: str) -> list[Decimal]:
    return [_decimal(match[1] or match[2]) for match in _PRICE.finditer(canonical_text)]


def _decimal(number: str) -> Decimal:
    try:
        return Decimal(number).normalize()
    except InvalidOperation:
        return Decimal(0)


@cache
def _status_words(path: Path = STATUS_WORDS_FILE) -> dict[str, tuple[str, ...]]:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {status: tuple(fold(word) for word in words) for status, words in document.items()}
