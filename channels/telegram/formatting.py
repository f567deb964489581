"""Replies as Telegram HTML (sendMessage's parse_mode "HTML"): <b>, <i>, <code> and <a href>.

HTML rather than MarkdownV2: only <, > and & need escaping in text (and " in an address), where
MarkdownV2 needs eighteen characters escaped everywhere, and one missed fails the whole send.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from conversations.markup import Marks, Span, render_with

PARSE_MODE = "HTML"
MARKS = Marks(
    bold=("<b>", "</b>"),
    italic=("<i>", "</i>"),
    code=("<code>", "</code>"),
    escape=lambda text: escape(text, quote=False),
    link=lambda url: (f'<a href="{escape(url)}">', "</a>"),
)


def render(spans: Sequence[Span]) -> str:
    return render_with(MARKS, spans)
