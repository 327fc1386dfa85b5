"""The evaluation's outputs are safe and self-contained: a name typed by staff is a
literal in the workbook (never a formula), the PDF embeds DejaVu Sans and WeasyPrint
may fetch the font files only, WeasyPrint is not imported until a PDF is drawn, and
a nonsense minutes-per-action setting is refused when the settings load."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import get_template
from openpyxl import load_workbook

from analytics.evaluation.document import FONT_DIR, TEMPLATE, font_allowed, font_dir
from analytics.evaluation.figures import Period
from analytics.evaluation.pdf import evaluation_pdf, font_fetcher
from analytics.evaluation.report import evaluation_make
from analytics.evaluation.workbook import evaluation_xlsx
from config.settings.portal import minutes_per_action_parse

Q1 = Period(dt.date(2026, 1, 1), dt.date(2026, 3, 31))
Q4 = Period(dt.date(2025, 10, 1), dt.date(2025, 12, 31))
FORMULA = '=HYPERLINK("http://x","y")'


@pytest.mark.django_db
def test_a_zone_name_is_never_a_formula():
    ev = evaluation_make(Q1, Q4)
    ev.now.zones = [(1, FORMULA, 3), (2, "+1-2", 1), (3, "@SUM(A1)", 1)]
    ev.unit_names[0] = "-cmd|' /C calc'!A0"
    body = evaluation_xlsx(ev)
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert sheets
        for name in sheets:
            assert b"<f>" not in archive.read(name), name
    zones = load_workbook(io.BytesIO(body))["zones"]
    cells = [(r[0].value, r[0].data_type, r[1].value) for r in zones.iter_rows(2)]
    assert cells == [(FORMULA, "s", 3), ("+1-2", "s", 1), ("@SUM(A1)", "s", 1)]


def _inflated(pdf: bytes) -> bytes:
    """The PDF with its compressed streams (object streams included) inflated."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n", pdf):
        try:
            parts.append(zlib.decompressobj().decompress(pdf[match.end() :]))
        except zlib.error:
            continue
    return b"".join(parts)


@pytest.mark.django_db
def test_pdf_embeds_dejavu_sans():
    body = evaluation_pdf(evaluation_make(Q1, Q4))
    assert body.startswith(b"%PDF")
    text = _inflated(body)
    # WeasyPrint 70 names an embedded font after its family: "HT Sans" is our
    # @font-face, i.e. DejaVuSans.ttf and DejaVuSans-Bold.ttf read through the
    # restricted fetcher (refused, the family would be missing); the SVG charts
    # use DejaVu Sans from fontconfig. Both are subsets (XXXXXX+), embedded.
    assert re.search(rb"/FontName\s*/[A-Z]{6}\+HT-Sans\b", text)
    assert re.search(rb"/FontName\s*/[A-Z]{6}\+HT-Sans-Bold\b", text)
    assert re.search(rb"/FontName\s*/[A-Z]{6}\+DejaVu-?Sans", text)
    assert b"/FontFile2" in text  # embedded, not merely named


def test_weasyprint_may_fetch_the_fonts_only(tmp_path):
    folder = Path(FONT_DIR)
    font = (folder / "DejaVuSans.ttf").as_uri()
    assert font_allowed(font, folder)
    for url in (
        "file:///etc/passwd",
        f"{folder.as_uri()}/../../../../etc/passwd",
        folder.as_uri(),
        "http://example.com/DejaVuSans.ttf",
        "https://169.254.169.254/latest/meta-data/",
        "file://remote-host/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "data:text/plain,hello",
    ):
        assert not font_allowed(url, folder), url
    fetcher = font_fetcher(folder)
    with pytest.raises(ValueError, match="refused"):
        fetcher.fetch("file:///etc/passwd")
    with pytest.raises(ValueError, match="refused"):
        fetcher.fetch("http://example.com/")
    response = fetcher.fetch(font)
    assert response.read(4) == b"\x00\x01\x00\x00"  # a TrueType file
    response.close()


def test_a_missing_font_folder_is_logged(settings, tmp_path, caplog):
    settings.EVALUATION_PDF_FONT_DIR = str(tmp_path / "none")
    assert font_dir() == tmp_path / "none"
    assert "DejaVuSans.ttf is missing" in caplog.text


def test_weasyprint_is_not_imported_with_the_urls():
    """A host without pango serves every page but the PDF."""
    code = (
        "import sys, django; django.setup(); "
        "from django.urls import resolve; resolve('/plan/evaluation/'); "
        "import web.plan.evaluation, analytics.tasks; "
        "print('weasyprint' in sys.modules)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
        timeout=120,
    )
    assert out.stdout.strip().splitlines()[-1] == "False"


def test_minutes_per_action_refused_unless_a_sane_number():
    assert minutes_per_action_parse("3") == 3.0
    assert minutes_per_action_parse("2.5") == 2.5
    assert minutes_per_action_parse("0") == 0.0
    for raw in ("nan", "NaN", "-1", "inf", "-inf", "1e9", "", "ba"):
        with pytest.raises(ImproperlyConfigured, match="EVALUATION_MINUTES_PER_ACTION"):
            minutes_per_action_parse(raw)


def test_the_document_template_is_analytics_own():
    """The monthly task renders it without the web app (analytics → web is not
    allowed: the template lives in analytics/templates)."""
    origin = Path(get_template(TEMPLATE).origin.name)
    assert origin.is_relative_to(Path(settings.BASE_DIR) / "analytics" / "templates")
    assert not (
        Path(settings.BASE_DIR)
        / "web"
        / "templates"
        / "web"
        / "plan"
        / "evaluation.html"
    ).exists()
