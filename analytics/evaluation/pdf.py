"""The evaluation as an A4 PDF, drawn by WeasyPrint from the page's own HTML (its
print stylesheet, DejaVu Sans embedded for the Vietnamese diacritics). WeasyPrint
may fetch the font files and nothing else (``document.font_allowed``): the HTML holds
only our own content, but a name typed by staff must never make it read a file or
call a server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from analytics.evaluation.document import evaluation_html, font_allowed, font_dir
from analytics.evaluation.report import Evaluation


def font_fetcher(folder: Path) -> Any:
    """A WeasyPrint URL fetcher that refuses every URL but the files of ``folder``."""
    from weasyprint.urls import URLFetcher  # here: see evaluation_pdf

    class FontFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            if not font_allowed(url, folder):
                raise ValueError(f"refused to fetch {url[:80]}")
            return super().fetch(url, headers)

    return FontFetcher(allowed_protocols=("file",))


def evaluation_pdf(ev: Evaluation) -> bytes:
    """The PDF's bytes. WeasyPrint (and pango under it) is imported here, not when
    the URLs load, so a host without pango fails this download only."""
    from weasyprint import HTML  # here, not at import: see the docstring

    html = evaluation_html(ev, pdf=True)
    folder = font_dir()
    document = HTML(
        string=html, base_url=folder.as_uri() + "/", url_fetcher=font_fetcher(folder)
    )
    pdf: bytes = document.write_pdf()
    return pdf
