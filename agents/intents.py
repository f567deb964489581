"""What a customer's message asks for, in each language the agent serves, from lexicon files.

Each language has a data file, agents/lexicons/intents/<code>.toml: per intent, the words and
phrases that signal it, and the words that name a day. Message and phrases are compared as
sequences of Snowball stems of accent-folded, lower-cased words, so "ouverts", "ouvert" and
"Ouvert" are one word and a phrase's inflections need not be listed. Phrases are matched longest
first and each word counts once, so "guten Morgen" is a greeting and not a day ("morgen").
Precision and recall per language on a labelled set (agents/tests/data/intent_messages.toml): bench/results.md.
"""

from __future__ import annotations

import re
import threading
import tomllib
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

import snowballstemmer

from business.text_analysis import is_near

LEXICON_DIR = Path(__file__).resolve().parent / "lexicons" / "intents"
STEMMER_NAMES = {
    "en": "english",
    "fr": "french",
    "es": "spanish",
    "de": "german",
    "it": "italian",
    "pt": "portuguese",
}
_WORD = re.compile(r"\w+")
# Greetings and thanks come with a word or two the lexicon does not know ("thanks a lot mate"); more
# unknown words carry a question of their own ("Hi! Do you ship to Canada?").
SMALL_TALK_UNKNOWN_WORDS = 2


class Intent(StrEnum):
    PERSON = "person"
    GREETING = "greeting"
    THANKS = "thanks"
    GOODBYE = "goodbye"
    ACKNOWLEDGEMENT = "acknowledgement"
    HOURS = "hours"
    ADDRESS = "address"
    CONTACT = "contact"
    PRICE = "price"
    AVAILABILITY = "availability"
    BOOKING = "booking"
    ORDER = "order"


# What needs no facts: a reply of its own, or none.
SMALL_TALK = frozenset({Intent.GREETING, Intent.THANKS, Intent.GOODBYE, Intent.ACKNOWLEDGEMENT})
# What closes an exchange: acknowledged briefly or not at all (AgentConfig.acknowledgements).
CLOSING = frozenset({Intent.THANKS, Intent.GOODBYE, Intent.ACKNOWLEDGEMENT})


@dataclass(frozen=True)
class Understanding:
    intents: frozenset[Intent]
    # A weekday key (mon..sun), "today", "tomorrow", or "" when no day is named.
    day: str
    # Words no phrase of the lexicon took.
    unknown_words: int

    @property
    def is_small_talk(self) -> bool:
        return bool(self.intents) and self.intents <= SMALL_TALK and self.unknown_words <= SMALL_TALK_UNKNOWN_WORDS

    @property
    def is_closing(self) -> bool:
        return bool(self.intents) and self.intents <= CLOSING and self.unknown_words <= SMALL_TALK_UNKNOWN_WORDS


@dataclass(frozen=True)
class Lexicon:
    language: str
    # (stems, label), longest phrase first; a label is an Intent or a day key.
    intent_phrases: tuple[tuple[tuple[str, ...], str], ...]
    day_phrases: tuple[tuple[tuple[str, ...], str], ...]
    # (folded word, day key) of the days named in one word: what a misspelt day is compared with.
    day_words: tuple[tuple[str, str], ...] = ()

    def stems(self, text: str) -> list[str]:
        stemmer = _stemmer(self.language)
        return [stemmer.stemWord(word) for word in _WORD.findall(fold(text))]


def fold(text: str) -> str:
    """Lower-cased, without accents: "Êtes" -> "etes"."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


# A Snowball stemmer keeps the word it works on in itself: turns running on threads each need their own.
_THREAD_STEMMERS = threading.local()


def _stemmer(language: str) -> snowballstemmer.stemmer:
    stemmers: dict[str, snowballstemmer.stemmer] = _THREAD_STEMMERS.__dict__.setdefault("by_language", {})
    if language not in stemmers:
        stemmers[language] = snowballstemmer.stemmer(STEMMER_NAMES[language])
    return stemmers[language]


@cache
def lexicon(language: str) -> Lexicon:
    """The language's lexicon, read and stemmed once per process."""
    with (LEXICON_DIR / f"{language}.toml").open("rb") as file:
        data = tomllib.load(file)
    empty = Lexicon(language, (), ())

    def phrases(table: dict[str, list[str]]) -> tuple[tuple[tuple[str, ...], str], ...]:
        stemmed = {(tuple(empty.stems(phrase)), label) for label, entries in table.items() for phrase in entries}
        return tuple(sorted((entry for entry in stemmed if entry[0]), key=lambda entry: (-len(entry[0]), entry)))

    unknown = set(data["intents"]) - set(Intent)
    if unknown:
        raise ValueError(f"{language}.toml: unknown intents {sorted(unknown)}")
    day_words = tuple(
        (fold(phrase), label)
        for label, entries in data["days"].items()
        for phrase in entries
        if _WORD.fullmatch(phrase)
    )
    return Lexicon(language, phrases(data["intents"]), phrases(data["days"]), day_words)


def understand(text: str, language: str) -> Understanding:
    """The intents and the day a message's words signal in `language`."""
    words = lexicon(language)
    stems = words.stems(text)
    owners = [""] * len(stems)
    intents = {Intent(label) for label in _match(stems, owners, words.intent_phrases)}
    # Words that greeted or thanked name no day ("guten Morgen"); the others may ("ouvert demain").
    free = ["" if owner not in SMALL_TALK else owner for owner in owners]
    days = _match(stems, free, words.day_phrases) or _misspelt_day(fold(text), owners, free, words.day_words)
    unknown = sum(1 for owner, day in zip(owners, free, strict=True) if not owner and not day)
    return Understanding(frozenset(intents), days[0] if days else "", unknown)


def _misspelt_day(folded: str, owners: list[str], free: list[str], day_words: tuple[tuple[str, str], ...]) -> list[str]:
    """The day a word no phrase took is a typo of ("samstg", "sabdo"): a day's hours are still what is asked."""
    for index, word in enumerate(_WORD.findall(folded)):
        if owners[index] or free[index]:
            continue
        days = {label for day, label in day_words if is_near(word, day)}
        if len(days) == 1:
            free[index] = days.pop()
            return [free[index]]
    return []


def coverage(text: str, language: str) -> float:
    """The share of a message's words that `language`'s lexicon knows: 1.0 for "merci" in French."""
    words = lexicon(language)
    stems = words.stems(text)
    owners = [""] * len(stems)
    _match(stems, owners, words.intent_phrases)
    _match(stems, owners, words.day_phrases)
    return sum(1 for owner in owners if owner) / len(stems) if stems else 0.0


def _match(stems: list[str], owners: list[str], phrases: tuple[tuple[tuple[str, ...], str], ...]) -> list[str]:
    """The labels of the phrases found in `stems`, longest first; `owners` records which label took each word."""
    found = []
    for phrase, label in phrases:
        size = len(phrase)
        for start in range(len(stems) - size + 1):
            if tuple(stems[start : start + size]) == phrase and not any(owners[start : start + size]):
                owners[start : start + size] = [label] * size
                found.append(label)
                break
    return found
