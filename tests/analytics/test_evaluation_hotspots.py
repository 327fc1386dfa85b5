"""The evaluation's hot spots: the period's significant hot hexagons from
``analytics.hotspots`` (Gi*, FDR), strongest first, at most ten, each named by the
unit covering its centre (checked here with ST_Covers)."""

from __future__ import annotations

import datetime as dt

import h3
import pytest
from django.db import connection

from analytics.definitions import RECEIVED_STATUSES as COUNTED
from analytics.evaluation.figures import Period
from analytics.evaluation.report import hot_cells
from analytics.hotspots import hotspots_compute
from analytics.selection import ReportFilter

pytestmark = pytest.mark.django_db

PERIOD = Period(dt.date(2025, 7, 1), dt.date(2026, 2, 28))


def test_top_hot_cells(synthetic):
    cells, note = hot_cells(PERIOD)
    assert note == ""
    assert 0 < len(cells) <= 10
    result = hotspots_compute(
        selection=ReportFilter(
            day_from=PERIOD.first, day_to=PERIOD.last, statuses=COUNTED
        )
    )
    hot = [
        f["properties"] for f in result["features"] if f["properties"]["class"] == "hot"
    ]
    strongest = sorted(hot, key=lambda p: -p["z"])[: len(cells)]
    assert [c.h3 for c in cells] == [p["h3"] for p in strongest]
    assert [c.z for c in cells] == sorted((c.z for c in cells), reverse=True)
    for cell in cells:
        assert cell.p_fdr < 0.05
        assert cell.count > 0
        lat, lng = h3.cell_to_latlng(cell.h3)
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT u.name FROM boundaries_adminunit u
                JOIN boundaries_boundaryset s ON s.id = u.boundary_set_id
                WHERE s.slug = 'qt-2025' AND NOT EXISTS (
                    SELECT 1 FROM boundaries_adminunit c WHERE c.parent_id = u.id)
                  AND ST_Covers(u.geom, ST_SetSRID(ST_Point(%s, %s), 4326))
                """,
                [lng, lat],
            )
            names = [n for (n,) in cursor.fetchall()]
        assert cell.unit in (names or ["—"])


def test_no_boundary_set_is_a_note(db):
    cells, note = hot_cells(Period(dt.date(1990, 1, 1), dt.date(1990, 3, 31)))
    assert cells == []
    assert note
