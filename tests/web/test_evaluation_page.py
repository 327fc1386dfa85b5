"""``/plan/evaluation/``: who may open it, bad periods refused with a bilingual
400, the printable page, its PDF (rendered, parsed, its first page drawn to
``test-artifacts/evaluation-page1.png``) and its workbook (cells = figures)."""

from __future__ import annotations

import datetime as dt
import html
import io
from pathlib import Path

import pypdfium2
import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from analytics.evaluation.figures import period_figures
from tests.analytics.conftest import staff_client
from tests.analytics.evaluation_world import world_make
from tests.analytics.test_evaluation import Q1

pytestmark = pytest.mark.django_db

URL = "/plan/evaluation/"
Q1_QUERY = {"from": "01/01/2026", "to": "31/03/2026"}
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"


@pytest.mark.parametrize(
    ("role", "superuser", "status"),
    [
        ("planner", False, 200),
        ("ioc_operator", False, 200),
        ("admin", False, 200),
        ("department_officer", False, 403),
        ("unit_officer", False, 403),
        ("routing_officer", False, 403),
    ],
)
def test_access(db, role, superuser, status):
    """Every staff role (the matrix, tests/matrix/expected.py, covers the page and
    its workbook for every role too)."""
    response = staff_client(role, superuser=superuser).get(URL)
    assert response.status_code == status


def test_anonymous_goes_to_sign_in(db):
    response = Client().get(URL)
    assert response.status_code == 302
    assert "/ops/login" in response["Location"]


NEXT = timezone.localdate().year + 1
BAD = [
    ({"from": "2026-01-01"}, "Ngày «from» không hợp lệ", "'from' is not valid"),
    ({"from": "32/01/2026"}, "Ngày «from» không hợp lệ", "'from' is not valid"),
    (
        {"from": "01/04/2026", "to": "01/03/2026"},
        "ngày kết thúc trước ngày bắt đầu",
        "the end comes before the start",
    ),
    (
        {"from": "01/01/2022", "to": "31/03/2026"},
        "kỳ dài hơn 3 năm",
        "the period is over 3 years",
    ),
    ({"compare_to": "abc"}, "«compare_to» không hợp lệ", "'compare_to' is not valid"),
    ({"format": "docx"}, "phải là html, pdf hoặc xlsx", "must be html, pdf or xlsx"),
    (
        {"from": "01/01/0001"},
        f"«from» phải trong các năm 2000–{NEXT}",
        f"'from' must be in the years 2000–{NEXT}",
    ),
    (
        {"to": "01/01/0001"},
        f"«to» phải trong các năm 2000–{NEXT}",
        f"'to' must be in the years 2000–{NEXT}",
    ),
    (
        {"to": "31/12/9999"},
        f"«to» phải trong các năm 2000–{NEXT}",
        f"'to' must be in the years 2000–{NEXT}",
    ),
]


@pytest.mark.parametrize(("query", "vi", "en"), BAD)
def test_bad_input_is_400(db, query, vi, en):
    response = staff_client("planner").get(URL, query)
    assert response.status_code == 400
    text = html.unescape(response.content.decode())
    assert vi in text
    assert en in text


def test_from_alone_after_the_last_quarter_is_shown(db):
    today = timezone.localdate()
    first = today - dt.timedelta(days=5)
    response = staff_client("planner").get(URL, {"from": f"{first:%d/%m/%Y}"})
    assert response.status_code == 200
    assert f"{first:%d/%m/%Y} – {today:%d/%m/%Y}" in response.content.decode()


def test_page_shows_the_figures(db):
    world_make()
    response = staff_client("planner").get(URL, Q1_QUERY)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Báo cáo đánh giá thí điểm" in page
    assert "01/01/2026 – 31/03/2026" in page
    assert "03/10/2025 – 31/12/2025" in page
    assert "<svg" in page
    assert "<script" not in page
    assert "50,0\u00a0%" in page  # the on-time rate, written the Vietnamese way
    assert "25,0" in page  # the median hours
    assert "@media print" in page
    assert "size: A4" in page
    # No personal data nor staff user names.
    assert "ioc_operator-" not in page


def test_pdf_renders_with_a_first_page_png(db):
    world_make()
    response = staff_client("planner").get(URL, {**Q1_QUERY, "format": "pdf"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    body = response.content
    assert body.startswith(b"%PDF")
    pdf = pypdfium2.PdfDocument(body)
    assert len(pdf) >= 1
    page = pdf[0]
    text = page.get_textpage().get_text_range()
    assert "Báo cáo đánh giá thí điểm" in text  # diacritics survive
    ARTIFACTS.mkdir(exist_ok=True)
    image = page.render(scale=1.5).to_pil()
    image.save(ARTIFACTS / "evaluation-page1.png")
    for i in range(1, len(pdf)):  # the other pages, for a reader's eye
        pdf[i].render(scale=1.5).to_pil().save(
            ARTIFACTS / f"evaluation-page{i + 1}.png"
        )
    assert image.width > 800


def test_workbook_cells_equal_the_figures(db):
    world_make()
    response = staff_client("planner").get(URL, {**Q1_QUERY, "format": "xlsx"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert {
        "about",
        "totals",
        "channels",
        "units",
        "departments",
        "staff_time",
        "corrections",
        "zones",
        "hotspots",
    } <= set(book.sheetnames)
    totals = book["totals"]
    header = [c.value for c in totals[1]]
    assert header[0] == "Kỳ / Period"
    row = [c.value for c in totals[2]]
    t = period_figures(Q1).total
    assert row[1:4] == [7, 4, 0.5]
    assert row[1:4] == [t.reports, t.resolved, t.on_time_rate]
    assert row[4] == pytest.approx(25.0)
    assert row[8] == pytest.approx(5 / 7)
    staff = [c.value for c in book["staff_time"][2]]
    assert staff[1:] == [5, pytest.approx(5 / 7), 15, 0.25, pytest.approx(25 / 7)]
    assert totals["D2"].number_format == "0.0%"
    channels = {
        r[0].value.split(" (")[0]: r[1].value
        for r in book["channels"].iter_rows(min_row=2)
    }
    assert channels["Cổng thông tin"] == 4
    causes = {r[1].value: r[2].value for r in book["corrections"].iter_rows(min_row=2)}
    assert causes == {
        "Wrong zone": 0,
        "Wrong unit": 1,
        "Near an edge": 1,
        "Out of area": 0,
    }


def test_the_planning_map_links_to_it(db):
    html = staff_client("planner").get("/plan/").content.decode()
    assert f'href="{URL}"' in html
    assert "Báo cáo đánh giá thí điểm" in html
