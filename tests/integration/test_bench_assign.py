"""The bulk assignment benchmark's own pieces, small, so its code cannot rot: the
plan check, the spread of the runs, the command run end to end."""

from __future__ import annotations

import pytest
from django.db import connection

from bench import assign, assign_command
from bench.sample import DAYS, dong_hoi_extent
from boundaries.bulk import assign_statement

pytestmark = pytest.mark.django_db

# The points searched from outside, each probing the pieces: the order the fixed
# plan rules out, to show the check can say no.
_POINTS_OUTSIDE = f"""
    SELECT pt.id, c.unit_id FROM {assign.POINTS} pt
    CROSS JOIN LATERAL (
        SELECT p.unit_id FROM boundaries_adminunitpart p
        WHERE ST_Covers(p.geom, pt.geom) AND p.boundary_set_id = ANY(%(sets)s::bigint[])
        OFFSET 0
    ) c
"""


def test_the_plan_check_finds_the_points_inside_and_only_there():
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE {assign.POINTS} (id bigint, geom geometry(Point, 4326))"
            " ON COMMIT DROP"
        )
        cursor.execute(f"CREATE INDEX ON {assign.POINTS} USING gist (geom)")
        cursor.execute(
            f"CREATE TEMP TABLE {assign.FLAGGED} "
            "(point_id bigint, unit_id bigint, ambiguous boolean) ON COMMIT DROP"
        )
    for ambiguous in (False, True):
        statement = assign_statement(
            table=assign.POINTS, into=assign.FLAGGED, ambiguous=ambiguous
        )
        assert assign.points_inner(statement, DAYS[-1])
    assert not assign.points_inner(_POINTS_OUTSIDE, DAYS[-1])


def test_rates_give_the_spread_of_the_runs():
    rates = assign.rates(1000, [0.5, 1.0, 0.25])
    assert rates == {"min": 1000, "median": 2000, "max": 4000, "spread": 4.0}


def test_the_command_runs_end_to_end_on_a_small_file():
    result = assign_command.run(dong_hoi_extent(), rows=300, day=DAYS[-1], fresh=False)
    assert result["written"] == 300
    assert result["rows_per_s"] > 0
    assert result["steps"].startswith("Seconds: load")
    assert "assigned" in result["assigned"]
