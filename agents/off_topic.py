"""Requests that have nothing to do with the business: declined in a sentence, without a colleague.

A poem, the weather, a capital city, last night's match: asked of a business's assistant, these
deserve a polite word that it helps only with this business, not the "I don't know, let me get a
colleague" that emails staff for nothing. A question about the business that its data does not
answer ("are you hiring?", "do you do eyebrow waxing?") still gets a colleague. A message is off-topic
when it names a subject of a general assistant (agents/lexicons/off_topic/<lang>.toml) that the
business's own data never uses, and, apart from those words, asks nothing of the business: no price,
booking, order, contact, address or person (intents.py), nor its opening, payment, premises or jobs.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache, reduce
from operator import or_
from pathlib import Path

from django.db.models import Q
from django.utils.translation import gettext

from business import passages, text_analysis
from business.models import Business, Passage

from .intents import Intent, fold, lexicon, understand

LEXICON_DIR = Path(__file__).resolve().parent / "lexicons" / "off_topic"
# What a customer asks of the business itself; hours and availability are left out, their words are
# too common elsewhere ("a restaurant tonight", "do you have a joke?"): the lexicon's business words say it.
ABOUT_THE_BUSINESS = frozenset(
    {Intent.PERSON, Intent.PRICE, Intent.BOOKING, Intent.ORDER, Intent.CONTACT, Intent.ADDRESS}
)
# The business's own data, where a word is the business's subject ("poetry" at a bookshop).
OWN_DATA = (Passage.Source.FAQ, Passage.Source.DOCUMENT, Passage.Source.ITEM)
_WORD = re.compile(r"\w+")

Phrases = tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class OffTopicLexicon:
    # Stemmed phrases, longest first.
    subjects: Phrases
    # Words that make a sum of two numbers ("17 mal 23"): a subject only between numbers.
    operators: Phrases
    business: Phrases


@cache
def off_topic_lexicon(language: str) -> OffTopicLexicon:
    with (LEXICON_DIR / f"{language}.toml").open("rb") as file:
        data = tomllib.load(file)
    stemmer = lexicon(language)

    def stemmed(entries: list[str]) -> Phrases:
        phrases = {tuple(stemmer.stems(entry)) for entry in entries}
        return tuple(sorted((phrase for phrase in phrases if phrase), key=lambda phrase: (-len(phrase), phrase)))

    subjects = [entry for entries in data["off_topic"].values() for entry in entries]
    return OffTopicLexicon(
        stemmed(subjects), stemmed(data["arithmetic"]["operators"]), stemmed(data["business"]["words"])
    )


def is_off_topic(business: Business, text: str, language: str) -> bool:
    """Whether `text`, in `language`, asks for something other than this business's own business."""
    words = _WORD.findall(fold(text))
    stems = lexicon(language).stems(text)
    phrases = off_topic_lexicon(language)
    taken = [False] * len(stems)
    sums = _sums(stems, phrases.operators, taken)
    subjects = [words[start:end] for start, end in _spans(stems, phrases.subjects, taken)]
    if not subjects and not sums:
        return False
    if Intent.PERSON in understand(text, language).intents:
        # Asking for a person is about the business, whatever a subject word takes ("parler" stems as "parlement").
        return False
    rest = [stem for stem, was_taken in zip(stems, taken, strict=True) if not was_taken]
    if _spans(rest, phrases.business, [False] * len(rest)):
        return False
    rest_text = " ".join(word for word, was_taken in zip(words, taken, strict=True) if not was_taken)
    asked = understand(rest_text, language).intents
    if sums:
        asked -= {Intent.PRICE}  # "how much is 17 times 23?" asks for a sum, not a price
    if asked & ABOUT_THE_BUSINESS:
        return False
    # A sum is nobody's business, even where the data says "four times a day".
    return bool(sums) or any(not _business_uses(business, subject) for subject in subjects)


def reply(business: Business) -> str:
    """The polite word, in the active language."""
    return gettext(
        "Sorry, I can only help with questions about %(business)s, such as our opening hours, prices or bookings."
    ) % {"business": business.name}


def _spans(stems: list[str], phrases: Phrases, taken: list[bool]) -> list[tuple[int, int]]:
    """Where the phrases occur in `stems`, longest first, each word in one phrase at most; marks them taken."""
    found = []
    for phrase in phrases:
        size = len(phrase)
        for start in range(len(stems) - size + 1):
            if tuple(stems[start : start + size]) == phrase and not any(taken[start : start + size]):
                taken[start : start + size] = [True] * size
                found.append((start, start + size))
    return found


def _sums(stems: list[str], operators: Phrases, taken: list[bool]) -> list[tuple[int, int]]:
    """Where an operator stands between two numbers ("17 times 23"), marked taken."""
    found = []
    for phrase in operators:
        size = len(phrase)
        for start in range(1, len(stems) - size):
            end = start + size
            between_numbers = stems[start - 1].isdigit() and stems[end].isdigit()
            if between_numbers and tuple(stems[start:end]) == phrase and not any(taken[start:end]):
                taken[start:end] = [True] * size
                found.append((start, end))
    return found


def _business_uses(business: Business, words: list[str]) -> bool:
    """Whether the business's own data holds a word of the subject that names something ("poetry", not "who")."""
    languages = passages.business_languages(business)
    named = [word for word in words if not text_analysis.is_stop_word(word, languages)]
    stems = {stem for word in named for stem in text_analysis.stems(word, languages)}
    if not stems:
        return False
    holds = reduce(or_, (Q(terms__contains=f" {stem} ") for stem in stems))
    return Passage.objects.filter(business=business, source__in=OWN_DATA).filter(holds).exists()
