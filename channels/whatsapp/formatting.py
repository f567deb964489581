"""WhatsApp's own text formatting: *bold*, _italic_, `code`; no link markup (WhatsApp links addresses itself)."""

from __future__ import annotations

from collections.abc import Sequence

from conversations.markup import Marks, Span, render_with

MARKS = Marks(bold=("*", "*"), italic=("_", "_"), code=("`", "`"))


def render(spans: Sequence[Span]) -> str:
    return render_with(MARKS, spans)
