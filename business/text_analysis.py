"""Words as the search compares them: folded, stemmed per language, without the words that name no subject.

The same analysis runs on what is indexed and on what customers write, on PostgreSQL and on SQLite
alike, so a score means the same on both backends and one relevance threshold serves them.
Per-language data (words without a subject, joining words, ordinals, the words customers use for
opening hours, an address, a price...) lives in lexicon/<lang>.txt.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

import snowballstemmer

LEXICON_DIR = Path(__file__).with_name("lexicon")
SNOWBALL_NAMES = {
    "da": "danish", "de": "german", "en": "english", "es": "spanish", "fi": "finnish", "fr": "french",
    "hu": "hungarian", "it": "italian", "nl": "dutch", "no": "norwegian", "pt": "portuguese",
    "ro": "romanian", "ru": "russian", "sv": "swedish", "tr": "turkish",
}  # fmt: skip
# A word, with the words hyphenated to it: "e-bikes" is not "bikes".
_WORD = re.compile(r"\w+(?:-\w+)*", re.UNICODE)


@dataclass(frozen=True)
class Lexicon:
    """One language's words without a subject, its joining words ("and"), its ordinals ("second": 2)
    and, per topic (hours, address, contact, item, order), the words customers ask about it with."""

    stop_words: frozenset[str] = frozenset()
    joining_words: frozenset[str] = frozenset()
    ordinals: dict[str, int] = field(default_factory=dict)
    topics: dict[str, str] = field(default_factory=dict)
    # Each word of a group of words that ask the same ("much", "cost", "price"): the whole group.
    same: dict[str, frozenset[str]] = field(default_factory=dict)


def base_language(code: str) -> str:
    return code.split("-")[0].split("_")[0].lower()


def fold(text: str) -> str:
    """Lower case without accents: "Crème Brûlée" -> "creme brulee"."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(character for character in decomposed if not unicodedata.combining(character))


def words(text: str) -> list[str]:
    """The folded words of a text, hyphenated ones apart, without one-letter words that are not digits."""
    return [word for token in _WORD.findall(fold(text)) for word in _kept(token.split("-"))]


def index_words(text: str) -> list[str]:
    """The words a passage is found by: hyphenated ones joined and apart, since "gluten free" asks
    for "gluten-free" but "e-bikes" does not ask for bikes."""
    found = []
    for token in _WORD.findall(fold(text)):
        found += [token.replace("-", ""), *token.split("-")] if "-" in token else [token]
    return _kept(found)


def _kept(found: list[str]) -> list[str]:
    return [word for word in found if len(word) > 1 or word.isdigit()]


@cache
def lexicon(language: str) -> Lexicon:
    path = LEXICON_DIR / f"{base_language(language)}.txt"
    if not path.is_file():
        return Lexicon()
    stop: set[str] = set()
    joining: set[str] = set()
    ordinals: dict[str, int] = {}
    topics: dict[str, str] = {}
    same: dict[str, frozenset[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        if line.startswith("@and "):
            joining.update(fold(word) for word in line.split()[1:])
        elif line.startswith("@ordinal "):
            for pair in line.split()[1:]:
                word, _, number = pair.partition("=")
                ordinals[fold(word)] = int(number)
        elif line.startswith("@topic "):
            _, topic, vocabulary = line.split(maxsplit=2)
            topics[topic] = vocabulary
        elif line.startswith("@same "):
            group = frozenset(words(line[len("@same ") :]))
            same.update(dict.fromkeys(group, group))
        else:
            stop.update(words(line))
    return Lexicon(frozenset(stop), frozenset(joining), ordinals, topics, same)


@cache
def _stemmer(language: str) -> snowballstemmer.stemmer | None:
    name = SNOWBALL_NAMES.get(base_language(language))
    return snowballstemmer.stemmer(name) if name else None


@lru_cache(maxsize=65536)
def stems(word: str, languages: tuple[str, ...]) -> frozenset[str]:
    """A folded word's stems in each language: the business's languages' stemmers all apply."""
    found = {word}
    for language in languages:
        stemmer = _stemmer(language)
        if stemmer is not None:
            found.add(fold(stemmer.stemWord(word)))
    return frozenset(found)


def topic_words(topic: str, languages: tuple[str, ...]) -> str:
    """What customers call a topic in any of these languages: searched, never shown."""
    return " ".join(lexicon(language).topics.get(topic, "") for language in languages)


def asked_words(word: str, languages: tuple[str, ...]) -> frozenset[str]:
    """A question's word, the words that ask the same, and its translations (glossary.txt)."""
    group = {word}.union(*(lexicon(language).same.get(word, frozenset()) for language in languages))
    return frozenset(group | glossary().get(word, frozenset()))


def asked_stems(word: str, languages: tuple[str, ...]) -> frozenset[str]:
    """The stems a question's word finds: those of its asked words."""
    return frozenset().union(*(stems(member, languages) for member in asked_words(word, languages)))


@cache
def glossary() -> dict[str, frozenset[str]]:
    """Each word of lexicon/glossary.txt: the words that name the same thing in the other languages."""
    groups: dict[str, frozenset[str]] = {}
    for line in (LEXICON_DIR / "glossary.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            group = frozenset(words(line))
            groups.update(dict.fromkeys(group, group))
    return groups


def is_stop_word(word: str, languages: tuple[str, ...]) -> bool:
    return any(word in lexicon(language).stop_words for language in languages)


def content_words(text: str, languages: tuple[str, ...]) -> list[str]:
    """The folded words of a text that can name a subject, each once, in order. A hyphenated word is
    one word ("e-bikes", "gluten-free") unless it joins words without a subject ("êtes-vous")."""
    seen: dict[str, None] = {}
    for token in _WORD.findall(fold(text)):
        parts = token.split("-")
        if len(parts) > 1 and not any(is_stop_word(part, languages) for part in parts):
            parts = ["".join(parts)]
        for word in _kept(parts):
            if not is_stop_word(word, languages):
                seen.setdefault(word)
    return list(seen)


def terms(text: str, languages: tuple[str, ...]) -> set[str]:
    """Every stem of every word of a text: what the index holds."""
    return {stem for word in index_words(text) for stem in stems(word, languages)}


def is_near(typed: str, known: str) -> bool:
    """A typo of a known word: a letter left out, added or swapped with the next ("helmt", "opning");
    in words of 7 letters or more also a wrong letter, and in words of 10 or more two mistakes.
    Short words differing by a letter are often other words ("feries", "fermes"), not typos."""
    if typed == known or min(len(typed), len(known)) < 4:
        return False
    allowed = 2 if len(known) >= 10 else 1
    if abs(len(typed) - len(known)) > allowed or _edit_distance(typed, known, allowed) > allowed:
        return False
    return len(known) >= 7 or len(typed) != len(known) or sorted(typed) == sorted(known)


def _edit_distance(a: str, b: str, bound: int) -> int:
    """Damerau-Levenshtein distance (optimal string alignment), stopping once it exceeds `bound`."""
    previous_previous: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous_previous[j - 2] + 1)
        if min(current) > bound:
            return bound + 1
        previous_previous, previous = previous, current
    return previous[-1]
