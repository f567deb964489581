"""Measuring text the way platforms count it, and cutting it never inside a character.

Lengths are measured the way each platform counts (UTF-16 code units for most, UTF-8 bytes for
Instagram), and a cut never falls inside an emoji: not between a surrogate pair, a flag's two
regional indicators, a ZWJ sequence, or a character and its modifiers. Replies are cut into parts on
word boundaries by conversations/markup.py, which uses these.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator

Measure = Callable[[str], int]

ZWJ = "\u200d"


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def utf8_length(text: str) -> int:
    return len(text.encode("utf-8"))


def _joins_previous(char: str, previous: str) -> bool:
    code = ord(char)
    return (
        previous == ZWJ
        or char == ZWJ
        or 0xFE00 <= code <= 0xFE0F  # variation selectors
        or 0x1F3FB <= code <= 0x1F3FF  # skin tone modifiers
        or 0xE0020 <= code <= 0xE007F  # tag sequences (subdivision flags)
        or unicodedata.combining(char) != 0
    )


def clusters(text: str) -> Iterator[str]:
    """User-perceived characters, closely enough for emoji and accents."""
    current = ""
    regional_run = 0
    for char in text:
        is_regional = 0x1F1E6 <= ord(char) <= 0x1F1FF
        if current and (_joins_previous(char, current[-1]) or (is_regional and regional_run % 2 == 1)):
            current += char
        else:
            if current:
                yield current
            current = char
        regional_run = regional_run + 1 if is_regional else 0
    if current:
        yield current


def longest_head(text: str, fits: Callable[[str], bool]) -> str:
    """The longest start of `text` that fits, cut between characters (between code points only when a
    single character does not fit: a run of combining marks); at least one code point."""
    head = ""
    for cluster in clusters(text):
        if not fits(head + cluster):
            break
        head += cluster
    return head or next((prefix for prefix in _prefixes(text) if fits(prefix)), text[:1])


def _prefixes(text: str) -> Iterator[str]:
    """Shorter and shorter prefixes, down to a single code point."""
    for end in range(len(text), 0, -1):
        yield text[:end]
