"""Charts drawn on the server as SVG: no script, readable without colour (every bar is
labelled with its value) and described for screen readers (title, and a table beside).
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

from markupsafe import Markup

# Series colours: each at least 3:1 against the white page (WCAG 1.4.11, graphics).
PALETTE = ("#1f5f99", "#b4511e", "#2e7d32", "#7b3f99", "#8a6d00", "#a8324a")
CHANNEL_COLOURS = {"green": "#2e7d32", "yellow": "#8a6d00", "red": "#b3261e"}
TEXT = "#1b1b1b"
BAR = 22
GAP = 8
LABEL_WIDTH = 190
WIDTH = 640


def bars(
    values: Mapping[str, float], title: str, *, unit: str = "", colours: Mapping[str, str] = {}
) -> Markup:
    """Horizontal bars, one per label, each with its value written at its end."""
    top = max(values.values(), default=0) or 1
    span = WIDTH - LABEL_WIDTH - 90
    height = max(1, len(values)) * (BAR + GAP) + GAP
    parts = [_open(WIDTH, height, title)]
    for row, (label, value) in enumerate(values.items()):
        y = GAP + row * (BAR + GAP)
        length = max(1.0, span * value / top) if value else 0.0
        colour = colours.get(label, PALETTE[row % len(PALETTE)])
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + BAR * 0.7:.1f}" text-anchor="end" '
            f'fill="{TEXT}">{escape(label)}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" height="{BAR}" '
            f'fill="{colour}"/>'
            f'<text x="{LABEL_WIDTH + length + 6:.1f}" y="{y + BAR * 0.7:.1f}" '
            f'fill="{TEXT}">{_number(value)}{escape(unit)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def stacked_columns(
    columns: Mapping[str, Mapping[str, float]], title: str, legend: Mapping[str, str]
) -> Markup:
    """One column per key (a day), stacked by series, total written on top; the
    legend maps each series to its label."""
    series = list(legend)
    top = max((sum(c.values()) for c in columns.values()), default=0) or 1
    plot_height, base = 200, 230
    step = max(18.0, min(60.0, (WIDTH - 60) / max(1, len(columns))))
    width = int(60 + step * len(columns)) + 10
    legend_height = 22 * len(series) + 10
    parts = [_open(max(width, WIDTH), base + 40 + legend_height, title)]
    for index, (day, counts) in enumerate(columns.items()):
        x = 50 + index * step
        y = float(base)
        for position, name in enumerate(series):
            value = counts.get(name, 0)
            h = plot_height * value / top
            y -= h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{step * 0.7:.1f}" height="{h:.1f}" '
                f'fill="{PALETTE[position % len(PALETTE)]}"/>'
            )
        parts.append(
            f'<text x="{x + step * 0.35:.1f}" y="{y - 4:.1f}" text-anchor="middle" '
            f'fill="{TEXT}">{_number(sum(counts.values()))}</text>'
            f'<text x="{x + step * 0.35:.1f}" y="{base + 16}" text-anchor="middle" '
            f'fill="{TEXT}" font-size="11">{escape(day[5:])}</text>'
        )
    for position, name in enumerate(series):
        y = base + 36 + 22 * position
        parts.append(
            f'<rect x="50" y="{y}" width="14" height="14" '
            f'fill="{PALETTE[position % len(PALETTE)]}"/>'
            f'<text x="70" y="{y + 12}" fill="{TEXT}">{escape(legend[name])}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _open(width: int, height: int, title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" style="max-width:{width}px" font-family="sans-serif" font-size="13">'
        f"<title>{escape(title)}</title>"
    )


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
