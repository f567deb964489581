"""Which language a customer writes in, and which one the agent answers in.

A message's language is detected by lingua (its models ship in its wheel) among the languages
Parley has catalogues for, so that a German question to a business serving English and French is
seen as German, and answered in the business's main language. A word or two says little: such a
message is in the language whose lexicon holds all its words ("merci"), else in the conversation's
language (its previous customer messages', kept on its agent runs), else in the main language.
Detection time and memory: bench/results.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder

from business.languages import SUPPORTED_LANGUAGES
from business.models import Business, CatalogueItem

from .intents import coverage

SHORT_MESSAGE_WORDS = 2
# Below this, a short message's detection is a guess ("ok": English 0.41, German 0.38).
SHORT_MESSAGE_CONFIDENCE = 0.9
# Added to a language's detection confidence per share of words its lexicon knows, and for staying in
# the conversation's language (bench/results.md).
LEXICON_WEIGHT = 1.0
STAYING = 0.1
# Shorter words of a product's name ("au", "de", "set") are the customer's own language's too.
NAME_WORD_LETTERS = 4
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class TurnLanguage:
    # The language the customer wrote in, as far as we can tell: one of SUPPORTED_LANGUAGES.
    customer: str
    # The language of the reply: the customer's when the business serves it, else its main one.
    reply: str


@cache
def detector(codes: frozenset[str]) -> LanguageDetector:
    """A detector for these languages, built once per set: building one loads its models (bench/results.md)."""
    languages = [Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in sorted(codes)]
    return LanguageDetectorBuilder.from_languages(*languages).with_preloaded_language_models().build()


def preload_detector() -> None:
    """The detector every turn uses, built ahead (config/celery.py): the worker's pool processes share it."""
    detector(frozenset(SUPPORTED_LANGUAGES))


def detect(text: str, codes: frozenset[str]) -> tuple[str, float] | None:
    """The most likely of `codes` for `text`, with its confidence (0..1); None for no words at all."""
    confidences = detector(codes).compute_language_confidence_values(text)
    if not confidences or confidences[0].value == 0:
        return None
    best = confidences[0]
    return best.language.iso_code_639_1.name.lower(), best.value


def turn_language(business: Business, words: str, conversation_language: str = "") -> TurnLanguage:
    """The customer's language for a turn whose own words are `words`."""
    served = [code for code in business.languages if code in SUPPORTED_LANGUAGES] or ["en"]
    customer = _customer_language(_without_names(business, words), served, conversation_language or served[0])
    return TurnLanguage(customer=customer, reply=customer if customer in served else served[0])


def in_language(text: str, code: str) -> bool:
    """Whether a text (a model's draft) is in this language, or too short to tell."""
    detected = detect(text, frozenset(SUPPORTED_LANGUAGES))
    return detected is None or detected[0] == code or len(text.split()) <= SHORT_MESSAGE_WORDS


def _without_names(business: Business, words: str) -> str:
    """The words without those of the business's product names, which are in no customer's language:
    "Und Pain au chocolat?" is German, and "and the croissant?" English."""
    named = {
        word
        for name in CatalogueItem.objects.filter(business=business).values_list("name", flat=True)
        for word in _WORD.findall(name.lower())
        if len(word) >= NAME_WORD_LETTERS
    }
    return _WORD.sub(lambda found: "" if found.group().lower() in named else found.group(), words)


def _customer_language(words: str, served: list[str], preferred: str) -> str:
    candidates = list(dict.fromkeys([*served, *SUPPORTED_LANGUAGES]))
    known = {code: coverage(words, code) for code in candidates}
    if len(words.split()) <= SHORT_MESSAGE_WORDS:
        knowing = [code for code in candidates if known[code] == 1.0]
        if knowing:
            return preferred if preferred in knowing else knowing[0]
    confidences = detector(frozenset(candidates)).compute_language_confidence_values(words)
    if not confidences or confidences[0].value == 0:
        return preferred
    if len(words.split()) <= SHORT_MESSAGE_WORDS:
        best = confidences[0]
        return best.language.iso_code_639_1.name.lower() if best.value >= SHORT_MESSAGE_CONFIDENCE else preferred
    # A few loan words mislead the detector ("How much is a croissant?": French 0.48, English 0.23); the
    # words a language's lexicon knows ("how much") and the conversation's language weigh in.
    scores = {confidence.language.iso_code_639_1.name.lower(): confidence.value for confidence in confidences}
    for code in candidates:
        scores[code] = scores.get(code, 0.0) + LEXICON_WEIGHT * known[code] + (STAYING if code == preferred else 0.0)
    return max(candidates, key=lambda code: scores[code])
