"""Cutting replies into parts a platform accepts (conversations/markup.py's split_spans) as plain text."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conversations.markup import plain, split_spans
from conversations.text_split import clusters, utf8_length, utf16_length

# Characters that are Markdown marks in some position: the plain-text properties hold for the others.
MARKS = "*_`[]()#-+\\"


def split_text(text: str, limit: int, measure=utf16_length) -> list[str]:
    return split_spans(text, limit, measure, plain)


def test_a_short_reply_is_one_part():
    assert split_text("  Hello there!  ", 2000) == ["Hello there!"]


def test_a_long_reply_is_cut_on_word_boundaries():
    words = [f"word{index:03d}" for index in range(300)]
    parts = split_text(" ".join(words), 100)
    assert all(utf16_length(part) <= 100 for part in parts)
    assert " ".join(parts).split() == words


def test_an_emoji_is_never_cut():
    text = "🇨🇦" * 30 + "👩‍👩‍👧‍👦" * 10
    parts = split_text(text, 15)
    assert "".join(parts) == text
    assert all(utf16_length(part) <= 15 for part in parts)
    assert all(part.encode("utf-16-le").decode("utf-16-le") == part for part in parts)
    assert all(part.startswith(("🇨🇦", "👩")) for part in parts)


def test_flags_pair_their_regional_indicators():
    assert list(clusters("🇨🇦🇫🇷a")) == ["🇨🇦", "🇫🇷", "a"]


def test_limits_can_be_counted_in_utf8_bytes():
    parts = split_text("é" * 1500, 1000, utf8_length)
    assert [utf8_length(part) for part in parts] == [1000, 1000, 1000]


@pytest.mark.parametrize("limit", [5, 40, 2000])
@given(
    text=st.text(
        alphabet=st.characters(blacklist_characters=MARKS, blacklist_categories=("Cs",)), min_size=1, max_size=400
    )
)
def test_no_text_is_lost_or_over_the_limit(limit, text):
    parts = split_text(text, limit)
    assert all(0 < utf16_length(part) <= limit for part in parts)
    assert "".join("".join(part.split()) for part in parts) == "".join(text.split())


def test_a_character_longer_than_the_limit_is_still_sent_whole_in_pieces():
    text = "a" + "\u0301" * 12
    parts = split_text(text, 5)
    assert "".join(parts) == text and all(utf16_length(part) <= 5 for part in parts)
