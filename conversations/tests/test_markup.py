"""Markdown-ish replies read into spans, rendered in each platform's own format, and cut without breaking a mark."""

from html.parser import HTMLParser

import pytest
from hypothesis import given
from hypothesis import strategies as st

from channels.telegram.formatting import render as telegram
from channels.whatsapp.formatting import render as whatsapp
from conversations.markup import plain, read, split_spans
from conversations.text_split import utf16_length

REPLY = (
    "**Your table** is booked for *Friday* at 19:30.\n"
    "- Menu: [our menu](https://bistro.example/menu?a=1&b=2)\n"
    "- Bring `REF-42` & ask for <Anna>"
)


@pytest.mark.parametrize(
    "render, expected",
    [
        (
            plain,
            "Your table is booked for Friday at 19:30.\n• Menu: our menu (https://bistro.example/menu?a=1&b=2)\n"
            "• Bring REF-42 & ask for <Anna>",
        ),
        (
            whatsapp,
            "*Your table* is booked for _Friday_ at 19:30.\n• Menu: our menu (https://bistro.example/menu?a=1&b=2)\n"
            "• Bring `REF-42` & ask for <Anna>",
        ),
        (
            telegram,
            "<b>Your table</b> is booked for <i>Friday</i> at 19:30.\n"
            '• Menu: <a href="https://bistro.example/menu?a=1&amp;b=2">our menu</a>\n'
            "• Bring <code>REF-42</code> &amp; ask for &lt;Anna&gt;",
        ),
    ],
    ids=["plain", "whatsapp", "telegram"],
)
def test_a_reply_reaches_each_platform_in_its_own_format(render, expected):
    assert render(read(REPLY)) == expected


def test_marks_inside_marks_are_closed_in_order():
    spans = read("**bold _both_ bold** then")
    assert whatsapp(spans) == "*bold _both_ bold* then"
    assert telegram(spans) == "<b>bold <i>both</i> bold</b> then"


@pytest.mark.parametrize("text", ["2 * 3 * 4 = 24", "snake_case_name", "a ** b", "price: 5*", "_ alone _"])
def test_stray_marks_stay_as_they_were_written(text):
    assert plain(read(text)) == text


def test_a_link_to_anything_but_the_web_mail_or_a_phone_is_only_its_text():
    spans = read('[click](javascript:alert("x")) and [write](mailto:a@b.example)')
    assert telegram(spans) == 'click and <a href="mailto:a@b.example">write</a>'


def test_a_part_never_ends_inside_a_mark_a_tag_or_an_entity():
    text = "**" + " ".join(["caffè & crème"] * 40) + "**"
    parts = split_spans(text, 100, utf16_length, telegram)
    assert len(parts) > 1
    assert all(part.startswith("<b>") and part.endswith("</b>") and len(part) <= 100 for part in parts)
    whatsapp_parts = split_spans(text, 100, utf16_length, whatsapp)
    assert all(part.startswith("*") and part.endswith("*") for part in whatsapp_parts)


class Balanced(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.open.append(tag)

    def handle_endtag(self, tag):
        assert self.open.pop() == tag

    def handle_data(self, data):
        self.text.append(data)


words = st.sampled_from(
    ["a", "**b**", "*c*", "_d_", "`e`", "<f>", "&g;", "[h](https://x.example/?i&j)", "\n- k", "l**"]
)


@given(st.lists(words, min_size=1, max_size=60), st.integers(min_value=60, max_value=200))
def test_every_telegram_part_is_balanced_html_within_the_limit(pieces, limit):
    parts = split_spans(" ".join(pieces), limit, utf16_length, telegram)
    for part in parts:
        parser = Balanced()
        parser.feed(part)
        parser.close()
        assert parser.open == [] and utf16_length(part) <= limit
