"""Bar charts as inline SVG, drawn on the server: no script, no external library."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH, HEIGHT = 720, 200
MARGIN_LEFT, MARGIN_BOTTOM, MARGIN_TOP = 36, 22, 10


def bar_chart(labels: list[str], values: Sequence[float], title: str, label_every: int = 1) -> SafeString:
    """One bar per label, with its value on hover, the highest value on the axis and every nth label below."""
    plot_width, plot_height = WIDTH - MARGIN_LEFT, HEIGHT - MARGIN_BOTTOM - MARGIN_TOP
    highest = max(values, default=0) or 1
    slot = plot_width / max(len(values), 1)
    bars = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" class="bar"><title>{}: {}</title></rect>',
        (
            (
                _coordinate(MARGIN_LEFT + index * slot + slot * 0.1),
                _coordinate(MARGIN_TOP + plot_height * (1 - value / highest)),
                _coordinate(slot * 0.8),
                _coordinate(plot_height * value / highest),
                label,
                _number(value),
            )
            for index, (label, value) in enumerate(zip(labels, values, strict=True))
        ),
    )
    ticks = format_html_join(
        "",
        '<text x="{}" y="{}" class="tick">{}</text>',
        (
            (_coordinate(MARGIN_LEFT + index * slot + slot / 2), HEIGHT - 6, label)
            for index, label in enumerate(labels)
            if index % label_every == 0
        ),
    )
    return format_html(
        '<svg viewBox="0 0 {} {}" role="img" aria-label="{}" class="chart">'
        '<line x1="{}" y1="{}" x2="{}" y2="{}" class="axis"/>'
        '<text x="{}" y="{}" class="scale">{}</text>{}{}</svg>',
        WIDTH, HEIGHT, title,
        MARGIN_LEFT, HEIGHT - MARGIN_BOTTOM, WIDTH, HEIGHT - MARGIN_BOTTOM,
        MARGIN_LEFT - 4, MARGIN_TOP + 8, _number(highest if any(values) else 0),
        bars, ticks,
    )  # fmt: skip


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _coordinate(value: float) -> str:
    return f"{value:.1f}"
