"""The few Markdown marks replies use (**bold**, *italic*, `code`, [links](url), lists), read into spans.

Agents and operators write Markdown-ish text; each platform shows it in its own format (channels/<platform>/
formatting.py renders the spans). Splitting a long reply works on the spans, before rendering, so that a
part never ends inside a mark, an HTML tag or an entity: each part is rendered whole, its marks closed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import groupby

from .text_split import Measure, longest_head


@dataclass(frozen=True)
class Span:
    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False
    # Only web and contact addresses: a link to javascript: or data: is kept as its text alone.
    link: str = ""

    def style(self) -> tuple[bool, bool, bool, str]:
        return (self.bold, self.italic, self.code, self.link)


Render = Callable[[Sequence[Span]], str]

SAFE_LINK = re.compile(r"(?:https?://|mailto:|tel:)[^\s<>\"]+", re.IGNORECASE)
# Each mark opens where a word starts and closes where one ends, so "2 * 3 * 4" and snake_case stay text.
INLINE = re.compile(
    r"`(?P<code>[^`\n]+)`"
    r"|\[(?P<label>[^\]\n]+)\]\((?P<url>(?:[^()\s]|\([^()\s]*\))+)\)"
    r"|(?P<b>\*\*|__)(?=\S)(?P<bold>.+?)(?<=\S)(?P=b)"
    r"|(?<![\w*])\*(?=[^\s*])(?P<star>.+?)(?<=[^\s*])\*(?![\w*])"
    r"|(?<![\w_])_(?=[^\s_])(?P<under>.+?)(?<=[^\s_])_(?![\w_])"
)
BULLET = re.compile(r"^(\s*)[-*+]\s+")
HEADING = re.compile(r"^#{1,6}\s+(.*)$")


def read(text: str) -> list[Span]:
    """The text as spans; line breaks stay in the text, bullets become "•", headings bold lines."""
    spans: list[Span] = []
    for number, line in enumerate(text.split("\n")):
        if number:
            spans.append(Span("\n"))
        if heading := HEADING.match(line):
            spans.extend(replace(span, bold=True) for span in _inline(heading.group(1), Span("")))
            continue
        if bullet := BULLET.match(line):
            spans.append(Span(f"{bullet.group(1)}• "))
            line = line[bullet.end() :]
        spans.extend(_inline(line, Span("")))
    return _merged(spans)


def _inline(text: str, outer: Span) -> Iterator[Span]:
    position = 0
    for match in INLINE.finditer(text):
        if match.start() > position:
            yield replace(outer, text=text[position : match.start()])
        if match.group("code") is not None:
            yield replace(outer, text=match.group("code"), code=True)
        elif match.group("label") is not None:
            url = match.group("url")
            link = url if SAFE_LINK.fullmatch(url) else ""
            yield from _inline(match.group("label"), replace(outer, link=link or outer.link))
        elif match.group("bold") is not None:
            yield from _inline(match.group("bold"), replace(outer, bold=True))
        else:
            yield from _inline(match.group("star") or match.group("under"), replace(outer, italic=True))
        position = match.end()
    if position < len(text):
        yield replace(outer, text=text[position:])


def _merged(spans: Sequence[Span]) -> list[Span]:
    """Neighbours of one style as one span: a renderer opens and closes each mark once."""
    return [
        Span("".join(span.text for span in group), *style)
        for style, group in groupby((span for span in spans if span.text), key=Span.style)
    ]


def _links(spans: Sequence[Span]) -> Iterator[list[Span]]:
    for _, group in groupby(spans, key=lambda span: span.link):
        yield list(group)


@dataclass(frozen=True)
class Marks:
    """How a platform opens and closes each mark; `link` takes the address (None: links as plain text)."""

    bold: tuple[str, str]
    italic: tuple[str, str]
    code: tuple[str, str]
    escape: Callable[[str], str] = str
    link: Callable[[str], tuple[str, str]] | None = None


def render_with(marks: Marks, spans: Sequence[Span]) -> str:
    """The spans with the platform's marks, nested properly: a mark that ends closes the ones opened
    inside it, which open again if they go on ("*bold _both_ bold*", "<b>a <i>b</i></b>")."""
    if marks.link is not None:
        return _nested(marks, spans, with_link=True)
    # No link markup: a link's text, then its address as text.
    out = []
    for group in _links(spans):
        out.append(_nested(marks, group, with_link=False))
        link, visible = group[0].link, "".join(span.text for span in group)
        if link and visible.strip() != link:
            out.append(f" ({marks.escape(link)})")
    return "".join(out)


def _nested(marks: Marks, spans: Sequence[Span], with_link: bool) -> str:
    out: list[str] = []
    stack: list[tuple[str, str]] = []
    for span in spans:
        wanted = _marks_of(span, with_link)
        keep = 0
        while keep < len(stack) and keep < len(wanted) and stack[keep] == wanted[keep]:
            keep += 1
        out.extend(_close(marks, mark) for mark in reversed(stack[keep:]))
        out.extend(_open(marks, mark) for mark in wanted[keep:])
        stack = wanted
        out.append(marks.escape(span.text))
    out.extend(_close(marks, mark) for mark in reversed(stack))
    return "".join(out)


def _marks_of(span: Span, with_link: bool) -> list[tuple[str, str]]:
    names = [("link", span.link)] if with_link and span.link else []
    return names + [(name, "") for name in ("bold", "italic", "code") if getattr(span, name)]


def _open(marks: Marks, mark: tuple[str, str]) -> str:
    name, url = mark
    if name == "link":
        return marks.link(url)[0] if marks.link else ""
    return getattr(marks, name)[0]


def _close(marks: Marks, mark: tuple[str, str]) -> str:
    name, url = mark
    if name == "link":
        return marks.link(url)[1] if marks.link else ""
    return getattr(marks, name)[1]


def split_spans(text: str, limit: int, measure: Measure, render: Render, last_limit: int | None = None) -> list[str]:
    """The text read, cut into parts on whitespace, each rendered within `limit` as `measure` counts;
    the last within `last_limit` too (a message carrying buttons may hold less)."""
    parts = _pack([piece for span in read(text.strip()) for piece in _words(span)], limit, measure, render)
    if parts and last_limit is not None and measure(render(_merged(parts[-1]))) > last_limit:
        parts[-1:] = _pack(parts[-1], last_limit, measure, render)
    return [render(_merged(part)) for part in parts]


def _pack(pieces: list[Span], limit: int, measure: Measure, render: Render) -> list[list[Span]]:
    parts: list[list[Span]] = []
    current: list[Span] = []
    # The sum of pieces rendered alone bounds the part rendered whole (merging only drops marks): the
    # whole part is rendered only when the bound is over the limit.
    bound = 0
    for piece in pieces:
        size = measure(render([piece]))
        if bound + size <= limit or measure(render(_merged([*current, piece]))) <= limit:
            current.append(piece)
            bound += size
            continue
        if _trimmed(current):
            parts.append(_trimmed(current))
        current, bound = ([], 0) if piece.text.isspace() else ([piece], size)
        while current and measure(render(current)) > limit:
            head, rest = _cut(current[0], limit, measure, render)
            parts.append([head])
            current = [rest] if rest.text else []
            bound = measure(render(current))
    if _trimmed(current):
        parts.append(_trimmed(current))
    return parts


def _words(span: Span) -> Iterator[Span]:
    for word in re.split(r"(\s+)", span.text):
        if word:
            yield replace(span, text=word)


def _trimmed(part: list[Span]) -> list[Span]:
    start, end = 0, len(part)
    while start < end and part[start].text.isspace():
        start += 1
    while end > start and part[end - 1].text.isspace():
        end -= 1
    return part[start:end]


def _cut(word: Span, limit: int, measure: Measure, render: Render) -> tuple[Span, Span]:
    """A word too long for a part (a long URL), cut between characters."""
    head = longest_head(word.text, lambda text: measure(render([replace(word, text=text)])) <= limit)
    return replace(word, text=head), replace(word, text=word.text[len(head) :])


PLAIN = Marks(bold=("", ""), italic=("", ""), code=("", ""))


def plain(spans: Sequence[Span]) -> str:
    """No marks: for platforms that show text as it is (Messenger, Instagram, SMS). A link keeps its address."""
    return render_with(PLAIN, spans)
