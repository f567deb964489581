"""Words as the search compares them: folded, stemmed per language, without the words that name no subject.

The same analysis runs on what is indexed and on what customers write, on PostgreSQL and on SQLite
alike, so a score means the same on both backends and one relevance threshold serves them.
Per-language data (words without a subject, joining words, ordinals, the words customers use for
opening hours, an address, a price...) lives in lexicon/<lang>.txt.
"""

from __future__ import annotations

import hashlib
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

import snowballstemmer

LEXICON_DIR = Path(__file__).with_name("lexicon")
TRANSLATIONS = LEXICON_DIR / "translations.txt"
# The shortest part of a compound word, and the letters that may join two parts.
MIN_COMPOUND_PART = 3
COMPOUND_LINKS = ("", "s", "n", "en", "es")
SNOWBALL_NAMES = {
    "da": "danish", "de": "german", "en": "english", "es": "spanish", "fi": "finnish", "fr": "french",
    "hu": "hungarian", "it": "italian", "nl": "dutch", "no": "norwegian", "pt": "portuguese",
    "ro": "romanian", "ru": "russian", "sv": "swedish", "tr": "turkish",
}  # fmt: skip
# A word, with the words hyphenated to it: "e-bikes" is not "bikes".
_WORD = re.compile(r"\w+(?:-\w+)*", re.UNICODE)


@cache
def fingerprint() -> str:
    """What the index depends on, the lexicons and this analysis, in 16 hex digits: a passage written under
    another fingerprint is written again after migrating (signals.py)."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for path in sorted(LEXICON_DIR.iterdir()):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class Lexicon:
    """One language's words without a subject, its joining words ("and"), its ordinals ("second": 2)
    and, per topic (hours, address, contact, item, order), the words customers ask about it with."""

    stop_words: frozenset[str] = frozenset()
    joining_words: frozenset[str] = frozenset()
    purpose_words: frozenset[str] = frozenset()
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
    purpose: set[str] = set()
    ordinals: dict[str, int] = {}
    topics: dict[str, str] = {}
    same: dict[str, frozenset[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        if line.startswith("@and "):
            joining.update(fold(word) for word in line.split()[1:])
        elif line.startswith("@for "):
            purpose.update(fold(word) for word in line.split()[1:])
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
    return Lexicon(frozenset(stop), frozenset(joining), frozenset(purpose), ordinals, topics, same)


# A Snowball stemmer keeps the word it works on in itself: turns running on threads each need their own.
_THREAD_STEMMERS = threading.local()


def _stemmer(language: str) -> snowballstemmer.stemmer | None:
    name = SNOWBALL_NAMES.get(base_language(language))
    if name is None:
        return None
    stemmers: dict[str, snowballstemmer.stemmer] = _THREAD_STEMMERS.__dict__.setdefault("by_name", {})
    if name not in stemmers:
        stemmers[name] = snowballstemmer.stemmer(name)
    return stemmers[name]


@lru_cache(maxsize=65536)
def stems(word: str, languages: tuple[str, ...]) -> frozenset[str]:
    """A folded word's stems in each language: the business's languages' stemmers all apply."""
    found = {word}
    for language in languages:
        stemmer = _stemmer(language)
        if stemmer is not None:
            found.add(fold(stemmer.stemWord(word)))
    return frozenset(found)


def topic_words(topic: str) -> str:
    """What customers call a topic in every language with a lexicon, the business's or not, since a
    customer may ask in another: searched, never shown."""
    # The languages' lexicons are named by their code; translations.txt is not one.
    return " ".join(lexicon(path.stem).topics.get(topic, "") for path in sorted(LEXICON_DIR.glob("??.txt")))


def asking_words(text: str, languages: tuple[str, ...]) -> list[str]:
    """The words of a text that ask about a topic (a price, stock, opening hours, an address...), not a subject:
    "how much is the baguette?" asks "much" of the baguette."""
    asking = _topic_stems(languages)
    return [word for word in content_words(text, languages) if stems(word, languages) & asking]


@cache
def _topic_stems(languages: tuple[str, ...]) -> frozenset[str]:
    # Not the holidays topic: "Christmas" names the day a follow-up asks about ("and at Christmas?").
    every_topic = " ".join(topic_words(topic) for topic in ("hours", "address", "contact", "item", "order"))
    return frozenset(stem for word in words(every_topic) for stem in stems(word, languages))


def asked_words(word: str, languages: tuple[str, ...]) -> frozenset[str]:
    """A question's word and the words that ask the same, in its language and, translated, in the others."""
    translations = _translations()
    return frozenset({word}).union(
        *(lexicon(language).same.get(word, frozenset()) for language in languages),
        *(translations.get((language, key), frozenset()) for language in languages for key in stems(word, (language,))),
    )


def asked_stems(word: str, languages: tuple[str, ...]) -> frozenset[str]:
    """The stems a question's word finds: its own and those of the words that ask the same."""
    return frozenset().union(*(stems(member, languages) for member in asked_words(word, languages)))


@lru_cache(maxsize=8192)
def compound_parts(word: str) -> tuple[str, ...]:
    """The known words a compound is made of ("standardservice", "geburtstagstorte": geburtstag-s-torte),
    by the words of lexicon/translations.txt; (word,) when it is none."""
    vocabulary = _vocabulary()
    if word in vocabulary or len(word) < 2 * MIN_COMPOUND_PART:
        return (word,)
    for end in range(len(word) - MIN_COMPOUND_PART, MIN_COMPOUND_PART - 1, -1):
        head, tail = word[:end], word[end:]
        # German joins its compounds' parts with a letter or two: Geburtstag-s-torte, Zitrone-n-tarte.
        for link in COMPOUND_LINKS:
            base = head[: len(head) - len(link)]
            if head.endswith(link) and len(base) >= MIN_COMPOUND_PART and base in vocabulary:
                rest = compound_parts(tail)
                if all(part in vocabulary for part in rest):
                    return (base, *rest)
    return (word,)


@cache
def _vocabulary() -> frozenset[str]:
    return frozenset(word for _, word, _ in _translation_rows())


@cache
def _translations() -> dict[tuple[str, str], frozenset[str]]:
    """(language, word or its stem) -> every word of the rows of lexicon/translations.txt the word is in, in
    that language: one form of a word is enough ("Parkplätze" finds the row of "Parkplatz")."""
    found: dict[tuple[str, str], frozenset[str]] = {}
    for language, word, row in _translation_rows():
        for key in stems(word, (language,)):
            found[(language, key)] = found.get((language, key), frozenset()) | row
    return found


@cache
def _translation_rows() -> tuple[tuple[str, str, frozenset[str]], ...]:
    """(language, word, the words of its row) for each word of each row of lexicon/translations.txt."""
    rows: list[tuple[str, str, frozenset[str]]] = []
    columns: list[str] = []
    for line in TRANSLATIONS.read_text(encoding="utf-8").splitlines():
        if line.startswith("@languages "):
            columns = [code.strip() for code in line[len("@languages ") :].split("|")]
        elif line.strip() and not line.startswith("#"):
            if "|" in line:
                # "blow-dry" is found as a customer writes it, joined or apart.
                cells = [index_words(cell) for cell in line.split("|")]
            else:
                # A row without columns holds words that are the same in several languages or whose language
                # does not matter; "e-bike" stays one word, as content_words() keeps it.
                cells = [[word.replace("-", "") for word in fold(line).split()]] * len(columns)
            # A row's words are looked for in every language: "rendez-vous" must not find each "vous", nor
            # "thé" (tea) each English "the".
            cells = [[word for word in cell if not is_stop_word(word, tuple(columns))] for cell in cells]
            row = frozenset(word for cell in cells for word in cell)
            rows += [(language, word, row) for language, cell in zip(columns, cells, strict=True) for word in cell]
    return tuple(rows)


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


def purpose_split(text: str, languages: tuple[str, ...]) -> tuple[str, str]:
    """A question and what the thing it names is for: "lights for the bike" is ("lights", "the bike");
    (text, "") when it says no purpose or names nothing before it ("the price for a kids haircut")."""
    purpose = {word for language in languages for word in lexicon(language).purpose_words}
    tokens = fold(text).split()
    at = next((index for index, token in enumerate(tokens) if token.strip("¿?¡!.,;:") in purpose), None)
    if at is None:
        return text, ""
    head, tail = " ".join(tokens[:at]), " ".join(tokens[at + 1 :])
    named = set(content_words(head, languages)) - set(asking_words(head, languages))
    if not named or not content_words(tail, languages):
        return text, ""
    return head, tail


def hyphen_parts(text: str, languages: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """The words content_words() joins at their hyphens, with their parts: "Aero-Helm" is "aerohelm", and
    "aero" and "helm" where the data holds no "aerohelm"."""
    found: dict[str, tuple[str, ...]] = {}
    for token in _WORD.findall(fold(text)):
        parts = tuple(_kept(token.split("-")))
        if len(parts) > 1 and not any(is_stop_word(part, languages) for part in parts):
            found["".join(parts)] = parts
    return found


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
