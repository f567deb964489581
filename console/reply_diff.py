"""Two replies side by side, the words that differ marked: what a change to the agent did to an answer."""

from __future__ import annotations

import difflib
import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# A word with the spaces after it: a changed run of words is marked as one, spaces and all.
WORDS = re.compile(r"\s+|\S+\s*")


def word_diff(before: str, after: str) -> tuple[SafeString, SafeString]:
    """`before` with its removed words in <del>, `after` with its added words in <ins>, both HTML-escaped."""
    old, new = WORDS.findall(before or ""), WORDS.findall(after or "")
    left: list[str] = []
    right: list[str] = []
    for operation, old_start, old_end, new_start, new_end in difflib.SequenceMatcher(
        a=old, b=new, autojunk=False
    ).get_opcodes():
        removed, added = escape("".join(old[old_start:old_end])), escape("".join(new[new_start:new_end]))
        if operation == "equal":
            left.append(removed)
            right.append(added)
            continue
        if removed:
            left.append(f"<del>{removed}</del>")
        if added:
            right.append(f"<ins>{added}</ins>")
    # Safe: every piece of text was escaped above; only the <del> and <ins> tags are ours.
    return mark_safe("".join(left)), mark_safe("".join(right))
