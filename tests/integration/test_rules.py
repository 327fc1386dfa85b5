"""Each rule's SQL fragment and its other spellings (ORM querysets, selectors) agree."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from boundaries import sql as bsql
from boundaries.bulk import valid_set_ids
from boundaries.models import BoundarySet
from routing.engine.route import route_decide
from routing.models import Category, Department, ResponsibilityZone
from routing.workflow.sla import triage_desks
from routing.zones import sql as zsql
from tests.factories import BoundarySetFactory, active_set_with, square
from tests.points import DONG_PHU

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
# 1.65 km off the Bảo Ninh shore: outside every unit, within the shore tolerance.
NEAR_SHORE = (106.66, 17.47)


def _rows(statement: str, params: dict) -> set[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return set(cursor.fetchall())


# --- the boundary set in force on a day ------------------------------------------


@pytest.fixture
def dated_sets() -> list[BoundarySet]:
    """Sets with every kind of end: closed, open, draft and retired; and an active
    set of another layer over the same years (never named for the administrative)."""
    BoundarySetFactory(
        jurisdiction_code="91",
        status="active",
        layer="service_district",
        valid_from=dt.date(2029, 1, 1),
    )
    return [
        BoundarySetFactory(
            jurisdiction_code="91",
            status="active",
            valid_from=dt.date(2030, 1, 1),
            valid_to=dt.date(2030, 12, 31),
        ),
        BoundarySetFactory(
            jurisdiction_code="91", status="active", valid_from=dt.date(2031, 1, 1)
        ),
        BoundarySetFactory(
            jurisdiction_code="92", status="draft", valid_from=dt.date(2030, 1, 1)
        ),
        BoundarySetFactory(
            jurisdiction_code="93",
            status="retired",
            valid_from=dt.date(2029, 1, 1),
            valid_to=dt.date(2031, 6, 30),
        ),
    ]


EDGE_DAYS = [
    dt.date(2012, 12, 31),
    dt.date(2013, 1, 1),  # the first day of the oldest fixture set
    dt.date(2025, 6, 30),  # the last day of qb-2020
    dt.date(2025, 7, 1),  # the first day of qt-2025
    dt.date(2029, 12, 31),
    dt.date(2030, 1, 1),  # first day of a closed set
    dt.date(2030, 12, 31),  # its last day
    dt.date(2031, 1, 1),  # first day of an open set
    dt.date(2031, 6, 30),  # last day of a retired set
    dt.date(2099, 12, 31),  # far along the open end
]


def test_the_orm_queryset_names_the_sets_the_sql_fragment_names(dated_sets):
    """``active().in_layer().valid_on(day)``, ``valid_set_ids`` and ``set_in_force``
    (with a placeholder, and with a column as the generator uses it) agree on first
    and last days, open ends, drafts, retired sets and other layers."""
    by_column = _rows(
        f"SELECT d.day, s.id FROM unnest(%(days)s::date[]) AS d(day) "
        f"JOIN boundaries_boundaryset s ON {bsql.set_in_force('s', 'd.day')}",
        {"days": EDGE_DAYS},
    )
    for day in EDGE_DAYS:
        orm = set(
            BoundarySet.objects.active()
            .in_layer()
            .valid_on(day)
            .values_list("id", flat=True)
        )
        by_param = {row[0] for row in _rows(bsql.sets_in_force(), {"day": day})}
        assert by_param == orm, day
        assert set(valid_set_ids(day)) == orm, day
        assert {s for d, s in by_column if d == day} == orm, day
    closed, open_, draft, retired = dated_sets
    assert set(valid_set_ids(dt.date(2030, 12, 31))) >= {closed.pk}
    assert open_.pk not in valid_set_ids(dt.date(2030, 12, 31))
    assert open_.pk in valid_set_ids(dt.date(2099, 12, 31))
    assert draft.pk not in valid_set_ids(dt.date(2030, 6, 1))
    assert retired.pk not in valid_set_ids(dt.date(2030, 6, 1))
    service = BoundarySet.objects.get(layer="service_district")
    assert service.pk not in valid_set_ids(dt.date(2030, 6, 1))
    assert valid_set_ids(dt.date(2030, 6, 1), layer="service_district") == [service.pk]


# --- the zone in force at an instant ------------------------------------------------


def test_the_orm_queryset_names_the_zones_the_sql_fragment_names():
    """``ResponsibilityZone.objects.valid_at(t)`` and ``zone_in_force`` agree at a
    zone's first instant, just before its end, at its end, on open ends and drafts."""
    t1 = dt.datetime(2030, 2, 1, 8, 0, tzinfo=HCM)
    t2 = dt.datetime(2030, 3, 1, 8, 0, tzinfo=HCM)
    tick = dt.timedelta(microseconds=1)
    department = Department.objects.order_by("id").first()
    for status, valid_from, valid_to in [
        ("published", t1, t2),
        ("published", t2, None),
        ("draft", None, None),
        ("draft", t1, None),
    ]:
        ResponsibilityZone.objects.create(
            name=f"{status} {valid_from}",
            department=department,
            geom=square(106.6, 17.4, 0.01),
            area_m2=1.0,
            status=status,
            valid_from=valid_from,
            valid_to=valid_to,
        )
    instants = [t1 - tick, t1, t2 - tick, t2, t2 + tick, t2 + dt.timedelta(days=9999)]
    instants += [dt.datetime(2025, 6, 30, 23, 59, tzinfo=HCM)]
    instants += [dt.datetime(2025, 7, 1, tzinfo=HCM)]  # the fixtures' change
    by_column = _rows(
        "SELECT a.at, z.id FROM unnest(%(at)s::timestamptz[]) AS a(at) "
        f"JOIN routing_responsibilityzone z ON {zsql.zone_in_force('z', 'a.at')}",
        {"at": instants},
    )
    for at in instants:
        orm = set(ResponsibilityZone.objects.valid_at(at).values_list("id", flat=True))
        by_param = _rows(
            "SELECT z.id FROM routing_responsibilityzone z "
            f"WHERE {zsql.zone_in_force('z')}",
            {"at": at},
        )
        assert {row[0] for row in by_param} == orm, at
        assert {z for a, z in by_column if a == at} == orm, at
        assert orm, at  # the fixtures' zones are in force at every instant here


# --- the triage desk ---------------------------------------------------------------


def test_escalation_picks_the_triage_desk_routing_picks():
    """The oldest active desk of the jurisdiction, for the engine and for escalation."""
    active_set_with(
        [{"code": "97001", "geom": square(120.0, 10.0, 0.01)}],
        jurisdiction_code="97",
    )
    desks = [
        Department.objects.create(
            code=f"triage-97-{n}",
            kind=Department.Kind.TRIAGE,
            jurisdiction_code="97",
            name_vi=f"Bộ phận tiếp nhận 97 số {n}",
            name_en=f"Triage desk 97 no. {n}",
        )
        for n in (1, 2)
    ]
    category = Category.objects.get(code="TTDT")

    def engine() -> int:
        return route_decide(lon=120.005, lat=10.005, category=category).department.id

    chosen = triage_desks(jurisdictions=["97", "44", "00"])
    assert set(chosen) == {"97", "44"}
    assert chosen["97"].pk == engine() == desks[0].pk
    assert chosen["44"].code == "ioc-triage"
    Department.objects.filter(pk=desks[0].pk).update(active=False)
    assert triage_desks(jurisdictions=["97"])["97"].pk == engine() == desks[1].pk


# --- one point, few round trips ----------------------------------------------------


def test_route_decide_costs_three_queries_for_a_covered_point(
    django_assert_num_queries,
):
    """The lookup (with the unit's edge and jurisdiction), the fallback departments,
    the zones: one query each."""
    category = Category.objects.get(code="VSMT")
    with django_assert_num_queries(3):
        decision = route_decide(lon=DONG_PHU[0], lat=DONG_PHU[1], category=category)
    assert decision.rule == "zone"
    assert decision.unit.jurisdiction_code == "44"


def test_route_decide_costs_two_more_for_a_point_at_sea(django_assert_num_queries):
    """Outside every unit: the nearest search and the chain of the nearest unit."""
    category = Category.objects.get(code="TTDT")
    with django_assert_num_queries(5):
        decision = route_decide(lon=NEAR_SHORE[0], lat=NEAR_SHORE[1], category=category)
    assert decision.unit.matched == "nearest"
    assert decision.edge_distance_m > 0


# --- fragments take names, never values ---------------------------------------------


@pytest.mark.parametrize("bad", ["s; DROP TABLE x", "s.id", "1s", "", "s--"])
def test_fragments_refuse_anything_but_plain_names(bad):
    """Aliases and parameter names are checked before any SQL is built."""
    with pytest.raises(ValueError, match="plain SQL name"):
        bsql.set_in_force(bad)
    with pytest.raises(ValueError, match="plain SQL name"):
        bsql.param(bad)
    with pytest.raises(ValueError, match="plain SQL name"):
        zsql.specificity_order(bad)
