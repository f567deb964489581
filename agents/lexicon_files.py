"""Per-language word lists kept as data (agents/lexicons/<kind>/<language>.toml), and the folding they are matched with.

Words are matched on folded text: lower case, without accents, with typographic apostrophes made plain,
so that "à 19h", "A 19H" and "a 19h" read alike. Folding keeps the text's length, so a span found in the
folded text is the same span in the customer's own words.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from functools import cache
from pathlib import Path
from typing import Any

LEXICONS = Path(__file__).resolve().parent / "lexicons"
LANGUAGES = ("en", "fr", "es", "de", "it", "pt")
DEFAULT_LANGUAGE = "en"


def language_of(code: str) -> str:
    """A language code ("fr", "pt-br", "de_AT") as one of the lexicons' languages; English when none fits."""
    base = code.lower().replace("_", "-").split("-")[0]
    return base if base in LANGUAGES else DEFAULT_LANGUAGE


@cache
def lexicon(kind: str, language: str) -> dict[str, Any]:
    with (LEXICONS / kind / f"{language_of(language)}.toml").open("rb") as file:
        return tomllib.load(file)


def fold(text: str) -> str:
    """Lower case without accents, one character for one character."""
    return "".join(_fold_character(character) for character in text)


@cache
def _fold_character(character: str) -> str:
    if character in "\u2019\u2018`\u00b4":
        return "'"
    base = unicodedata.normalize("NFKD", character)[0].lower()
    return base[0] if base else character


def any_of(words: list[str] | tuple[str, ...]) -> str:
    """A regular expression matching any of these folded phrases, longest first, spaces as any blank."""
    phrases = sorted({fold(word) for word in words}, key=len, reverse=True)
    return "|".join(r"\s+".join(re.escape(part) for part in phrase.split()) for phrase in phrases)
