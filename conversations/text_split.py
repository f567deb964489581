"""Cutting a long reply into parts a platform accepts, on word boundaries, never inside a character.

Lengths are measured the way each platform counts (UTF-16 code units for most, UTF-8 bytes for
Instagram), and a cut never falls inside an emoji: not between a surrogate pair, a flag's two
regional indicators, a ZWJ sequence, or a character and its modifiers.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator

Measure = Callable[[str], int]

ZWJ = "\u200d"
_WHITESPACE = re.compile(r"(\s+)")


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


def split_text(text: str, limit: int, measure: Measure = utf16_length) -> list[str]:
    text = text.strip()
    if measure(text) <= limit:
        return [text] if text else []
    parts: list[str] = []
    current = ""
    for piece in _WHITESPACE.split(text):
        if measure(current + piece) <= limit:
            current += piece
            continue
        if current.strip():
            parts.append(current.strip())
        current = "" if piece.isspace() else piece
        while measure(current) > limit:
            # A single word longer than the limit (a URL, say): cut it between characters.
            head = ""
            for cluster in clusters(current):
                if measure(head + cluster) > limit:
                    break
                head += cluster
            if not head:
                # One "character" longer than the limit (a run of combining marks): cut inside it.
                head = next(c for c in _prefixes(current) if measure(c) <= limit)
            parts.append(head)
            current = current[len(head) :]
    if current.strip():
        parts.append(current.strip())
    return parts


def _prefixes(text: str) -> Iterator[str]:
    """Shorter and shorter prefixes, down to a single code point."""
    for end in range(len(text), 0, -1):
        yield text[:end]
