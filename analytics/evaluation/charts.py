"""Small bar charts as inline SVG for the evaluation page and its PDF (no
JavaScript, no chart library: WeasyPrint draws the same SVG)."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from analytics.evaluation.tables import INT, PCT, cell_text

WIDTH = 640
BAR_H = 14
GAP = 8
LABEL_W = 190
VALUE_W = 60
COLOURS = ("#1f5fa8", "#9bb8d9")


def bar_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    percent: bool = False,
) -> SafeString:
    """Horizontal bars, one group per label and one bar per series (at most two),
    with each value written at the bar's end and a legend."""
    values = [v or 0 for _, vs in series for v in vs]
    top = 1.0 if percent else max([*values, 1])
    plot_w = WIDTH - LABEL_W - VALUE_W
    group_h = len(series) * BAR_H + GAP
    height = 28 + len(labels) * group_h + 20
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'font-family="DejaVu Sans, sans-serif" font-size="11">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="14" font-weight="bold" font-size="12">{escape(title)}</text>',
    ]
    for i, label in enumerate(labels):
        y0 = 28 + i * group_h
        parts.append(
            f'<text x="{LABEL_W - 6}" y="{y0 + len(series) * BAR_H / 2 + 4:.1f}" '
            f'text-anchor="end">{escape(label)}</text>'
        )
        for j, (_, vs) in enumerate(series):
            value = vs[i]
            w = plot_w * (value or 0) / top
            y = y0 + j * BAR_H
            text = cell_text(value, PCT if percent else INT)
            parts.append(
                f'<rect x="{LABEL_W}" y="{y}" width="{w:.1f}" '
                f'height="{BAR_H - 2}" fill="{COLOURS[j % 2]}"/>'
                f'<text x="{LABEL_W + w + 4:.1f}" y="{y + BAR_H - 4}">{text}</text>'
            )
    legend_y = height - 6
    for j, (name, _) in enumerate(series):
        x = LABEL_W + j * 160
        parts.append(
            f'<rect x="{x}" y="{legend_y - 9}" width="10" height="10" '
            f'fill="{COLOURS[j % 2]}"/>'
            f'<text x="{x + 14}" y="{legend_y}">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text is escaped above
