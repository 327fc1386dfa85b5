"""The evaluation as one HTML document: the page planners print, and the source
of its PDF (the same template, with the fonts embedded). The template is
standalone (``web/plan/evaluation.html``, no site chrome), so the monthly task
renders it without a request."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from analytics.evaluation.charts import bar_chart
from analytics.evaluation.figures import CHANNELS, TOUCH_KINDS
from analytics.evaluation.report import DATE_FORMAT, Evaluation
from analytics.evaluation.tables import evaluation_tables
from routing.models import Report, ReportEvent

TEMPLATE = "web/plan/evaluation.html"
FONT_DIR = "/usr/share/fonts/truetype/dejavu"


def font_faces() -> SafeString:
    """``@font-face`` rules naming DejaVu Sans (Vietnamese glyphs) by file, so
    WeasyPrint embeds it whatever fontconfig would pick."""
    folder = getattr(settings, "EVALUATION_PDF_FONT_DIR", FONT_DIR)
    rules = [
        f'@font-face {{ font-family: "HT Sans"; font-weight: {weight}; '
        f'src: url("file://{folder}/{name}"); }}'
        for weight, name in ((400, "DejaVuSans.ttf"), (700, "DejaVuSans-Bold.ttf"))
    ]
    return mark_safe("\n".join(rules))  # our own path, no user text


def charts(ev: Evaluation) -> list[SafeString]:
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
    kinds = dict(ReportEvent.Kind.choices)
    return {
        "ev": ev,
        "pdf": pdf,
        "font_faces": font_faces() if pdf else "",
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
    return render_to_string(TEMPLATE, {**evaluation_context(ev, pdf=pdf), **extra})
