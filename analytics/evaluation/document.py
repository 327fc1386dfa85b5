"""The evaluation as one HTML document: the page planners print, and the source
of its PDF (the same template, with the fonts embedded). The template is
standalone and analytics' own (``analytics/evaluation.html``, no site chrome), so
the monthly task renders it without a request and without the web app."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from analytics.evaluation.charts import bar_chart
from analytics.evaluation.figures import CHANNELS, TOUCH_KINDS
from analytics.evaluation.report import DATE_FORMAT, Evaluation
from analytics.evaluation.tables import evaluation_tables
from routing.models import Report, ReportEvent

log = logging.getLogger(__name__)
TEMPLATE = "analytics/evaluation.html"
FONT_DIR = "/usr/share/fonts/truetype/dejavu"
FONTS = ((400, "DejaVuSans.ttf"), (700, "DejaVuSans-Bold.ttf"))


def font_dir() -> Path:
    """The folder of the DejaVu Sans files (``EVALUATION_PDF_FONT_DIR``, by default
    Debian's); a warning is logged for each file missing, since WeasyPrint would
    silently fall back to a font that may lack the Vietnamese glyphs."""
    folder = Path(getattr(settings, "EVALUATION_PDF_FONT_DIR", FONT_DIR))
    for _, name in FONTS:
        if not (folder / name).is_file():
            log.warning(
                "evaluation PDF font %s is missing: the PDF falls back to another "
                "font (install fonts-dejavu-core or set EVALUATION_PDF_FONT_DIR)",
                folder / name,
            )
    return folder


def font_allowed(url: str, folder: Path) -> bool:
    """Whether WeasyPrint may fetch ``url``: a ``file:`` URL of a file inside
    ``folder``, nothing else (no other file, no network)."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        return False
    path = os.path.abspath(url2pathname(unquote(parts.path)))
    root = os.path.abspath(folder)
    return os.path.commonpath([path, root]) == root and path != root


def font_faces(folder: Path) -> SafeString:
    """``@font-face`` rules naming DejaVu Sans (Vietnamese glyphs) by file, so
    WeasyPrint embeds it whatever fontconfig would pick."""
    rules = [
        f'@font-face {{ font-family: "HT Sans"; font-weight: {weight}; '
        f'src: url("{(folder / name).as_uri()}"); }}'
        for weight, name in FONTS
    ]
    return mark_safe("\n".join(rules))  # our own path, no user text


def charts(ev: Evaluation) -> list[SafeString]:
    """The page's two bar charts (volume by channel; on-time rate per unit), both
    periods side by side, as inline SVG."""
    now, before = ev.now.total, ev.before.total
    labels = dict(Report.Channel.choices)
    rows = ev.rows("unit")
    return [
        bar_chart(
            "Số phản ánh theo kênh (volume by channel)",
            [labels[c].split(" (")[0] for c in CHANNELS],
            [
                ("Kỳ này (this period)", [now.channels.get(c, 0) for c in CHANNELS]),
                ("Kỳ trước (previous)", [before.channels.get(c, 0) for c in CHANNELS]),
            ],
        ),
        bar_chart(
            "Tỷ lệ đúng hạn theo đơn vị (on-time rate per unit)",
            [name for name, _, _ in rows],
            [
                ("Kỳ này (this period)", [f.on_time_rate for _, f, _ in rows]),
                ("Kỳ trước (previous)", [f.on_time_rate for _, _, f in rows]),
            ],
            percent=True,
        ),
    ]


def evaluation_context(ev: Evaluation, *, pdf: bool = False) -> dict[str, Any]:
    """The template's context: the evaluation, its tables as text, its charts, the
    periods as dd/mm/yyyy and, for the PDF, the font rules."""
    kinds = dict(ReportEvent.Kind.choices)
    return {
        "ev": ev,
        "pdf": pdf,
        "font_faces": font_faces(font_dir()) if pdf else "",
        "period": _days(ev.now.period),
        "before": _days(ev.before.period),
        "tables": [(t, t.display()) for t in evaluation_tables(ev)],
        "charts": charts(ev),
        "touch_kinds": [kinds[k] for k in TOUCH_KINDS],
        "minutes": ev.minutes_per_action,
    }


def _days(period: Any) -> dict[str, str]:
    return {
        "first": period.first.strftime(DATE_FORMAT),
        "last": period.last.strftime(DATE_FORMAT),
    }


def evaluation_html(ev: Evaluation, *, pdf: bool = False, **extra: Any) -> str:
    """The whole document; ``extra`` adds the page's links (query, plan_url)."""
    return render_to_string(TEMPLATE, {**evaluation_context(ev, pdf=pdf), **extra})
