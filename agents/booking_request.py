"""A booking request's day, time and party size, read from the customer's words, never from a model.

The day comes from dateparser's search, in the customer's language, relative to the business's own
clock. dateparser reads a bare hour after a preposition as a day of the month ("on Saturday at 11"
became 3 November of the next year), misses "7.30pm", and knows no "ce soir" or "esta noche"; so the
hour, the party size and "this evening" are read first by rules made of per-language word lists
(agents/lexicons/booking/<language>.toml), their words are blanked out, and dateparser is left the
day alone. What else dateparser gets wrong, and the rule around it, is said where it is handled.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any

from dateparser.search import search_dates

from .lexicon_files import any_of, fold, language_of, lexicon

MAX_PARTY_SIZE = 50
# A reply of up to this many words with one number in it answers the question asked ("actually, 11").
SHORT_ANSWER_WORDS = 5


@dataclass(frozen=True)
class BookingRequest:
    day: date | None = None
    time: time | None = None
    # An hour said without am/pm that could be morning or evening ("at 8"): opening hours decide.
    twelve_hour: bool = False
    party_size: int | None = None
    # A table or people were mentioned: the party size matters and is asked for when missing.
    mentions_party: bool = False

    def is_empty(self) -> bool:
        return self.day is None and self.time is None and self.party_size is None


@dataclass(frozen=True)
class _Words:
    numbers: dict[str, int]
    party_before: re.Pattern[str]
    party_after: re.Pattern[str]
    party_phrases: re.Pattern[str]
    phrase_sizes: dict[str, int]
    hour: re.Pattern[str]
    am: re.Pattern[str]
    pm: re.Pattern[str]
    fixed_times: re.Pattern[str]
    time_of: dict[str, str]
    tonight: re.Pattern[str]
    evening: re.Pattern[str]
    minutes: dict[str, int]
    party_nouns: re.Pattern[str]
    lone_number: re.Pattern[str]
    day_of_month: re.Pattern[str]
    days_from_today: re.Pattern[str]
    day_counts: dict[str, int]
    next_week: re.Pattern[str]
    asks_whether: re.Pattern[str]


@cache
def _words(language: str) -> _Words:
    data: dict[str, Any] = lexicon("booking", language)
    numbers = {fold(word): value for word, value in data["numbers"].items()}
    number = rf"(?P<n>\d{{1,2}}|{any_of(list(numbers))})"
    # After "for", "pour", "para", a word for one is an article ("pour une coupe"), not a party of one.
    several = rf"(?P<n>\d{{1,2}}|{any_of([word for word, value in numbers.items() if value > 1])})"
    clock = any_of([*data["time_after"], *data["am"], *data["pm"]])
    periods = any_of([*data["am"], *data["pm"]])
    # "for 8pm", "pour 20h" and "für 19 Uhr" are times, not parties.
    not_a_time = rf"(?!\s*(?:[:.h]\s*\d|(?:{clock})\b))"
    # "(?!)" matches nothing: a language without such words.
    minutes_before = any_of(list(data["minutes_before"])) or "(?!)"
    minutes_after = any_of(list(data["minutes_after"])) or "(?!)"
    hour = (
        rf"(?:\b(?P<before>{any_of(data['time_before'])})\s+)?(?:\b(?P<prefix>{minutes_before})\s+)?"
        rf"(?<![\d:./,-])(?P<h>\d{{1,2}}|{any_of(list(numbers))})"
        rf"(?:\s*(?P<sep>[:.h])\s*(?P<m>[0-5]\d))?(?:\s*(?P<unit>{any_of(data['time_after'])}))?"
        rf"(?:\s+(?P<fraction>{minutes_after}))?(?:\s*(?P<period>{periods}))?(?![\d/]|\.\d)(?!\w)"
    )
    return _Words(
        numbers=numbers,
        party_before=re.compile(rf"\b(?:{any_of(data['party_before'])})\s+{several}\b{not_a_time}"),
        party_after=re.compile(rf"(?<![\d:.])\b{number}\s+(?:{any_of(data['party_after'])})\b"),
        party_phrases=re.compile(rf"\b(?:{any_of(list(data['party_phrases']))})\b"),
        phrase_sizes={fold(phrase): size for phrase, size in data["party_phrases"].items()},
        hour=re.compile(hour),
        am=re.compile(rf"^(?:{any_of(data['am'])})$"),
        pm=re.compile(rf"^(?:{any_of(data['pm'])})$"),
        fixed_times=re.compile(rf"\b(?:{any_of(list(data['times']))})\b"),
        time_of={fold(word): clock_time for word, clock_time in data["times"].items()},
        tonight=re.compile(rf"\b(?:{any_of(data['tonight'])})\b"),
        evening=re.compile(rf"\b(?:{any_of(data['evening'])})\b"),
        minutes={fold(words): count for words, count in (data["minutes_before"] | data["minutes_after"]).items()},
        party_nouns=re.compile(rf"\b(?:{any_of(data['party_nouns'])})\b"),
        lone_number=re.compile(rf"^\W*{number}\W*$"),
        day_of_month=re.compile(
            rf"\b(?:{any_of(data['day_of_month_before'])})\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th|er|e|o|º|\.)?(?![\w:.h])"
        ),
        days_from_today=re.compile(rf"\b(?:{any_of(list(data['days_from_today']))})\b"),
        day_counts={fold(words): count for words, count in data["days_from_today"].items()},
        next_week=re.compile(rf"\b(?:{any_of(data['next_week'])})\b"),
        asks_whether=re.compile(rf"(?<!\w)(?:{any_of(data['asks_whether'])})(?!\w)"),
    )


def read_booking_request(text: str, language: str, now: datetime) -> BookingRequest:
    """The day, time and party size in `text`; `now` is the business's local time (timezone-aware)."""
    words = _words(language)
    folded = fold(text)
    party_size, folded = _party_size(words, folded)
    tonight = words.tonight.search(folded)
    if tonight:
        folded = _blank(folded, tonight.span())
    evening = tonight is not None or words.evening.search(folded) is not None
    clock, twelve_hour, folded = _clock(words, folded, evening)
    day = _day(words, text, folded, language, now)
    if day is None and tonight:
        day = now.date()
    return BookingRequest(
        day=day,
        time=clock,
        twelve_hour=twelve_hour,
        party_size=party_size,
        mentions_party=party_size is not None or bool(words.party_nouns.search(fold(text))),
    )


def asks_whether_to_book(text: str, language: str) -> bool:
    """Whether booking words ask if one must book or may come without ("do I need to book?", "faut-il
    prendre rendez-vous ?"): a question for the business's data, not a booking."""
    return _words(language).asks_whether.search(fold(text)) is not None


def lone_number(text: str, language: str) -> int | None:
    """The number a short answer is made of: a number alone ("4", "four", "quatre"), or the one number in
    digits of a message of a few words ("no, 12", "11 instead", "3 please"); a word for one in a longer
    message is more often an article ("une heure plus tard")."""
    words = _words(language)
    folded = fold(text)
    match = words.lone_number.match(folded)
    if match:
        return _number(words, match.group("n"))
    numbers = re.findall(r"\d+", folded)
    if len(folded.split()) <= SHORT_ANSWER_WORDS and len(numbers) == 1 and len(numbers[0]) <= 2:
        return int(numbers[0])
    return None


def _party_size(words: _Words, folded: str) -> tuple[int | None, str]:
    for pattern in (words.party_before, words.party_after):
        match = pattern.search(folded)
        if match:
            size = _number(words, match.group("n"))
            if 1 <= size <= MAX_PARTY_SIZE:
                return size, _blank(folded, match.span())
    phrase = words.party_phrases.search(folded)
    if phrase:
        return words.phrase_sizes[re.sub(r"\s+", " ", phrase.group())], _blank(folded, phrase.span())
    return None, folded


def _clock(words: _Words, folded: str, evening: bool) -> tuple[time | None, bool, str]:
    """The time of day said, whether it could be either half of the day, and the text without it."""
    fixed = words.fixed_times.search(folded)
    if fixed:
        key = re.sub(r"\s+", " ", fixed.group())
        return time.fromisoformat(words.time_of[key]), False, _blank(folded, fixed.span())
    position = 0
    while match := words.hour.search(folded, position):
        position = match.start() + 1
        # A number alone ("2") is not a time: it needs a preposition, minutes or am/pm/o'clock.
        if not any(match.group(name) for name in ("before", "prefix", "m", "unit", "fraction", "period")):
            continue
        if match.group("sep") == "." and not match.group("before") and folded[match.end() : match.end() + 1] == ".":
            continue  # "am 12.12. um 19 Uhr": a German date, not 12:12
        reading = _hour(words, match, evening)
        if reading is not None:
            return reading[0], reading[1], _blank(folded, match.span())
    return None, False, folded


def _hour(words: _Words, match: re.Match[str], evening: bool) -> tuple[time, bool] | None:
    hour, minute = _number(words, match.group("h")), int(match.group("m") or 0)
    said_in_words = match.group("prefix") or match.group("fraction")
    if said_in_words:
        # "half past seven", "halb acht", "huit heures moins le quart": minutes from the hour.
        hour, minute = divmod(hour * 60 + words.minutes[re.sub(r"\s+", " ", said_in_words)], 60)
    suffix = re.sub(r"\s+", " ", match.group("period") or "")
    afternoon = bool(words.pm.match(suffix)) or evening
    morning = bool(words.am.match(suffix))
    if hour > 24 or (hour > 12 and (morning or words.pm.match(suffix))):
        return None
    if afternoon and hour < 12:
        hour += 12
    elif morning and hour == 12:
        hour = 0
    twelve_hour = not (afternoon or morning) and 1 <= hour <= 11
    return time(hour % 24, minute), twelve_hour


def _number(words: _Words, token: str) -> int:
    return int(token) if token.isdigit() else words.numbers[token]


def _blank(text: str, span: tuple[int, int]) -> str:
    """The text without a span read already; a semicolon keeps dateparser from joining the words either
    side of it into one date ("a table for 4 on Sunday" left as "a on Sunday" read as 3 January)."""
    start, end = span
    return text[:start] + (" ;" + " " * (end - start))[: end - start] + text[end:]


def _unfolded(original: str, blanked: str) -> str:
    """The customer's own words (dateparser wants their accents) where the folded text was not blanked out."""
    return "".join(
        new if new != folded else old for old, folded, new in zip(original, fold(original), blanked, strict=True)
    )


def _day(words: _Words, text: str, folded: str, language: str, now: datetime) -> date | None:
    counted = words.days_from_today.search(folded)
    if counted:
        return now.date() + timedelta(days=words.day_counts[re.sub(r"\s+", " ", counted.group())])
    settings = {
        "RELATIVE_BASE": now.replace(tzinfo=None),
        "TIMEZONE": str(now.tzinfo),
        "RETURN_AS_TIMEZONE_AWARE": True,
        "PREFER_DATES_FROM": "future",
    }
    for phrase, moment in _search(_unfolded(text, folded), language, settings):
        if _says_a_day(phrase):
            return _corrected_day(words, phrase, moment.date(), folded, language_of(language), now)
    alone = words.day_of_month.search(folded)
    return _next_day_of_month(int(alone.group("d")), now.date()) if alone else None


def _search(text: str, language: str, settings: dict[str, Any]) -> list[tuple[str, datetime]]:
    found = search_dates(text, languages=[language_of(language)], settings=settings) or []
    if found and re.match(r"^[^\W\d_]{1,2}\s", found[0][0]):
        # dateparser reads an article before a day as a number: "a Sunday" became the 3rd of January.
        return _search(found[0][0].split(maxsplit=1)[1], language, settings) or found
    return found


def _says_a_day(phrase: str) -> bool:
    """dateparser reads stray words as dates ("je" as jeudi, "2" as a day): a day is a word of 3 letters
    or more, or a numeric date with a separator."""
    return bool(re.search(r"[^\W\d_]{3,}", phrase) or re.search(r"\d[./-]\d", phrase))


def _corrected_day(words: _Words, phrase: str, day: date, folded: str, language: str, now: datetime) -> date:
    today = now.date()
    numbers = re.findall(r"\d+", phrase)
    if len(numbers) == 1 and 1 <= int(numbers[0]) <= 31 and day.day != int(numbers[0]):
        # "on the 12th" alone came back as today's date a year ahead: the next 12th of a month.
        return _next_day_of_month(int(numbers[0]), today)
    if day == today + timedelta(days=7) and not words.next_week.search(folded):
        # With dates preferred from the future, today's weekday name comes back as next week's; said on a
        # Thursday, "on Thursday" means today (as dateparser reads it in the current period; "in a week"
        # stays a week ahead) and "next Thursday" next week (dateparser drops "prochain").
        current = search_dates(phrase, languages=[language], settings={"RELATIVE_BASE": now.replace(tzinfo=None)})
        if current and current[0][1].date() == today:
            return today
    return day


def _next_day_of_month(number: int, today: date) -> date:
    year, month = today.year, today.month
    for _ in range(13):
        try:
            candidate = date(year, month, number)
        except ValueError:
            candidate = None
        if candidate is not None and candidate >= today:
            return candidate
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return today
