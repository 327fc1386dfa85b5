"""One set of definitions (``analytics.definitions``): for the same whole months of
one world (``tests.scorecard_world``: a rejection, a duplicate, a former unit the
2025 reform merged into today's), the public scorecards (over the monthly outcomes)
and the planners' evaluation (over the reports) give the same received, rejected,
resolved, on-time rate, satisfaction and reopen rate per unit, per department and
in total; the scorecards' median, read from histograms, within its stated bound."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from analytics import grid
from analytics.evaluation import figures as ev_figures
from analytics.evaluation.report import FORMER, evaluation_make
from analytics.scorecards import MIN_COUNT, Period, period_parse, scorecards
from boundaries.models import AdminUnit, BoundarySet, UnitSuccession
from geo.errors import InvalidInput
from tests.scorecard_world import world_make

pytestmark = pytest.mark.django_db

PERIODS = [
    Period(dt.date(2026, 1, 1), dt.date(2026, 3, 1)),
    Period(dt.date(2025, 5, 1), dt.date(2026, 4, 1)),
]


def _days(period: Period) -> ev_figures.Period:
    return ev_figures.Period(period.first, period.after - dt.timedelta(days=1))


def _rate(value: float | None, whole: int) -> float | None:
    """The evaluation's rate as the scorecards round and withhold it."""
    return None if value is None or whole < MIN_COUNT else round(value, 4)


def _same(card: dict, f: ev_figures.Figures) -> None:
    assert card["received"] == f.reports
    assert card["rejected"] == f.rejected
    assert card["resolved"] == f.resolved
    on_time = card["on_time"]
    assert (on_time["late"], on_time["with_deadline"]) == (f.late, f.with_due)
    assert on_time["rate"] == _rate(f.on_time_rate, f.with_due)
    assert card["satisfaction"]["rated"] == f.rated
    assert card["satisfaction"]["satisfied"] == _rate(f.satisfaction, f.rated)
    reopen = card["reopen"]
    assert (reopen["reopened"], reopen["resolved_once"]) == (
        f.reopened,
        f.resolved_once,
    )
    assert reopen["rate"] == _rate(f.reopen_rate, f.resolved_once)
    if card["median_hours"] is not None:
        assert f.median_hours is not None
        bound = grid.BUCKET_ERROR * f.median_hours + 0.005
        assert abs(card["median_hours"] - f.median_hours) <= bound


@pytest.mark.parametrize("period", PERIODS, ids=["q1", "may-april"])
def test_scorecards_and_evaluation_agree(period):
    world = world_make()
    figures = ev_figures.period_figures(_days(period))
    for level, groups in (("unit", figures.units), ("department", figures.departments)):
        got = scorecards(period=period, level=level)
        cards = {card["id"]: card for card in got["rows"]}
        assert set(cards) == set(groups), level
        for key, card in cards.items():
            _same(card, groups[key])
        _same(got["total"], figures.total)
    # The former unit (merged whole into unit A) has no row of its own in either.
    assert world.old_unit not in figures.units
    assert figures.total.rejected == 1
    assert figures.units[world.unit_a].reports >= 9  # the rejection is received


def test_a_split_unit_keeps_its_row_marked_former():
    """Once the former unit also has a second successor (split), its May 2025 report
    stays under it in both, and the evaluation names it as a former unit (the
    scorecards' ``current: false``)."""
    world = world_make()
    merged = UnitSuccession.objects.get(from_unit_id=world.old_unit)
    UnitSuccession.objects.create(
        from_set=merged.from_set,
        from_code=merged.from_code,
        from_name=merged.from_name,
        from_unit_id=world.old_unit,
        to_unit_id=world.unit_b,
        kind=UnitSuccession.Kind.SPLIT,
    )
    period = PERIODS[1]
    ev = evaluation_make(_days(period), _days(PERIODS[0]))
    assert ev.now.units[world.old_unit].reports == 1
    assert ev.unit_names[world.old_unit].endswith(FORMER)
    assert not ev.unit_names[world.unit_a].endswith(FORMER)
    cards = {c["id"]: c for c in scorecards(period=period, level="unit")["rows"]}
    assert cards[world.old_unit]["current"] is False
    _same(cards[world.old_unit], ev.now.units[world.old_unit])
    _same(cards[world.unit_a], ev.now.units[world.unit_a])


def _later_set(world, *, status: str, since: dt.date) -> int:
    """A boundary set of a later reform holding a copy of today's ``unit_a``, its
    single successor in the crosswalk; returns the copy's id."""
    current = AdminUnit.objects.get(pk=world.unit_a)
    later = BoundarySet.objects.create(
        slug=f"later-{status}",
        name="A later reform",
        jurisdiction_code=current.boundary_set.jurisdiction_code,
        valid_from=since,
        status=status,
    )
    copy = AdminUnit.objects.create(
        boundary_set=later,
        code="L-" + current.code,
        name=current.name + " (later)",
        level=current.level,
        geom=current.geom,
        area_m2=current.area_m2,
    )
    UnitSuccession.objects.create(
        from_set=current.boundary_set,
        from_code=current.code,
        from_name=current.name,
        from_unit_id=current.pk,
        to_unit_id=copy.pk,
        kind=UnitSuccession.Kind.RENAMED,
    )
    return copy.pk


def test_a_draft_sets_crosswalk_moves_nothing():
    """A crosswalk loaded for a draft set (not in force) leaves today's figures on
    today's units: the former unit still counts as unit_a, not as the draft's."""
    world = world_make()
    draft = _later_set(
        world, status=BoundarySet.Status.DRAFT, since=dt.date(2027, 1, 1)
    )
    period = PERIODS[1]
    cards = {c["id"]: c for c in scorecards(period=period, level="unit")["rows"]}
    assert draft not in cards
    ev = evaluation_make(_days(period), _days(PERIODS[0]))
    assert draft not in ev.now.units
    _same(cards[world.unit_a], ev.now.units[world.unit_a])


def test_a_chain_of_reforms_is_followed_to_the_unit_in_force_today():
    """After a second reform in force today, the former unit's and unit_a's reports
    both count as the later unit's, in both surfaces."""
    world = world_make()
    before = {c["id"]: c for c in scorecards(period=PERIODS[1], level="unit")["rows"]}
    today = timezone.localdate()
    BoundarySet.objects.filter(
        units__pk=world.unit_a
    ).update(valid_to=today - dt.timedelta(days=1))  # fmt: skip
    later = _later_set(world, status=BoundarySet.Status.ACTIVE, since=today)
    cards = {c["id"]: c for c in scorecards(period=PERIODS[1], level="unit")["rows"]}
    assert world.unit_a not in cards
    assert world.old_unit not in cards
    assert cards[later]["received"] == before[world.unit_a]["received"]
    ev = evaluation_make(_days(PERIODS[1]), _days(PERIODS[0]))
    _same(cards[later], ev.now.units[later])


def test_a_month_past_next_year_is_refused():
    """``to=9999-12`` is a bilingual refusal, not an overflow."""
    with pytest.raises(InvalidInput):
        period_parse("2026-01", "9999-12")
    with pytest.raises(InvalidInput):
        period_parse("1999-12", None)
