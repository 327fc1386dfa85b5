"""The evaluation as an A4 PDF, drawn by WeasyPrint from the page's own HTML (its
print stylesheet, DejaVu Sans embedded for the Vietnamese diacritics)."""

from __future__ import annotations

from weasyprint import HTML

from analytics.evaluation.document import evaluation_html
from analytics.evaluation.report import Evaluation


def evaluation_pdf(ev: Evaluation) -> bytes:
    html = evaluation_html(ev, pdf=True)
    pdf: bytes = HTML(string=html, base_url="file:///").write_pdf()
    return pdf
