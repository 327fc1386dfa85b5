"""The routing engine's pure decision: specificity order, fallbacks, flags, reasons."""

from __future__ import annotations

import pytest

from routing.engine.decision import (
    RULE_TRIAGE,
    RULE_UNIT_DEFAULT,
    RULE_ZONE,
    Decision,
    DepartmentRef,
    UnitCandidate,
    ZoneCandidate,
    decide,
)

COMMITTEE = DepartmentRef(10, "ubnd-90001", "UBND Phường Thử", "People's Committee")
TRIAGE = DepartmentRef(99, "ioc-triage", "Bộ phận tiếp nhận IOC", "IOC triage desk")
NEAR_EDGE_M = 30.0


def unit(**changes) -> UnitCandidate:
    fields = {
        "id": 1,
        "code": "90001",
        "name": "Phường Thử",
        "level": "ward",
        "boundary_set_id": 7,
        "boundary_set_slug": "test-set",
        "jurisdiction_code": "90",
        "chain": ("Phường Thử", "Tỉnh Thử"),
        "matched": "covers",
        "outside_m": 0.0,
        "edge_distance_m": 800.0,
        "default_department": COMMITTEE,
    }
    return UnitCandidate(**(fields | changes))


def department(zone_id: int) -> DepartmentRef:
    return DepartmentRef(
        100 + zone_id, f"dept-{zone_id}", f"Phòng số {zone_id}", f"Office {zone_id}"
    )


def zone(
    zone_id: int,
    *,
    priority: int = 0,
    area_m2: float = 1_000_000.0,
    covers: bool = True,
    edge_m: float = 500.0,
) -> ZoneCandidate:
    return ZoneCandidate(
        id=zone_id,
        name=f"Vùng {zone_id}",
        department=department(zone_id),
        priority=priority,
        area_m2=area_m2,
        covers=covers,
        edge_distance_m=edge_m,
    )


def run(zones, *, near_edge_m: float = NEAR_EDGE_M, **unit_changes) -> Decision:
    return decide(
        unit=unit(**unit_changes),
        zones=zones,
        triage=TRIAGE,
        category_vi="Vệ sinh môi trường",
        category_en="Sanitation",
        near_edge_m=near_edge_m,
    )


def test_higher_priority_beats_smaller_area():
    """A covering zone of higher priority wins over a much smaller one of lower priority."""
    decision = run(
        [zone(1, priority=0, area_m2=1_000.0), zone(2, priority=10, area_m2=1e9)]
    )
    assert decision.rule == RULE_ZONE
    assert decision.zone.id == 2
    assert decision.department.code == "dept-2"
    assert [c.id for c in decision.candidates] == [2, 1]


def test_smaller_area_beats_lower_id_at_equal_priority():
    """At equal priority the smaller zone wins, even when it is the newer one."""
    decision = run([zone(3, area_m2=2e6), zone(8, area_m2=1e6)])
    assert decision.zone.id == 8
    assert [c.id for c in decision.candidates] == [8, 3]


@pytest.mark.parametrize("order", [(7, 3), (3, 7)])
def test_lower_id_breaks_an_exact_tie_whatever_the_input_order(order):
    """Equal priority and equal area: the lower (older) zone id wins, in any order."""
    decision = run([zone(i, priority=5, area_m2=1e6) for i in order])
    assert decision.zone.id == 3
    assert [c.id for c in decision.candidates] == [3, 7]


def test_non_covering_zone_never_wins_but_counts_for_near_edge():
    """A nearby zone that does not cover the point is no candidate; its edge flags."""
    decision = run(
        [
            zone(1, priority=100, area_m2=10.0, covers=False, edge_m=12.0),
            zone(2, priority=0, area_m2=1e8, edge_m=900.0),
        ]
    )
    assert decision.zone.id == 2
    assert [c.id for c in decision.candidates] == [2]
    assert decision.near_edge is True
    assert decision.edge_distance_m == 12.0


def test_only_non_covering_zones_fall_back_to_the_unit_default():
    """Zones near the point but not covering it leave the unit's default in charge."""
    decision = run([zone(1, covers=False, edge_m=200.0)])
    assert decision.rule == RULE_UNIT_DEFAULT
    assert decision.zone is None
    assert decision.candidates == ()


def test_unit_default_when_no_zone_applies():
    """No zone at all: the unit's default department (its People's Committee)."""
    decision = run([])
    assert decision.rule == RULE_UNIT_DEFAULT
    assert decision.department == COMMITTEE
    assert decision.zone is None
    assert decision.candidates_json() == []
    assert "mặc định của đơn vị" in decision.reason_vi
    assert "the unit's default" in decision.reason_en


def test_triage_when_the_unit_has_no_default():
    """No zone and no unit default: the operations centre's triage desk."""
    decision = run([], default_department=None)
    assert decision.rule == RULE_TRIAGE
    assert decision.department == TRIAGE
    assert TRIAGE.name_vi in decision.reason_vi
    assert TRIAGE.name_en in decision.reason_en


def test_a_covering_zone_wins_even_without_a_unit_default():
    """The zone rule comes before both fallbacks."""
    decision = run([zone(4)], default_department=None)
    assert decision.rule == RULE_ZONE
    assert decision.department.code == "dept-4"


@pytest.mark.parametrize(
    ("edge_m", "near"),
    [(30.0, True), (30.01, False), (29.99, True), (0.0, True)],
)
def test_near_edge_threshold_is_inclusive(edge_m, near):
    """A point exactly at the threshold from an edge is near it; a hair further is not."""
    decision = run([], edge_distance_m=edge_m)
    assert decision.near_edge is near
    assert ("người điều phối nên kiểm tra" in decision.reason_vi) is near
    assert ("an operator should check" in decision.reason_en) is near


def test_near_edge_takes_the_closest_of_unit_and_zone_edges():
    """The distance reported is the smallest of the unit's and every zone's edge."""
    decision = run([zone(1, edge_m=40.0), zone(2, edge_m=17.26)], edge_distance_m=25)
    assert decision.edge_distance_m == 17.3
    assert "cách ranh giới 17 m" in decision.reason_vi
    assert "17 m from a boundary" in decision.reason_en


def test_near_edge_uses_the_configured_distance():
    """The threshold is a parameter: 50 m flags a point 40 m from an edge."""
    assert run([], edge_distance_m=40.0, near_edge_m=50.0).near_edge is True
    assert run([], edge_distance_m=40.0, near_edge_m=30.0).near_edge is False


def test_nearest_match_reason_mentions_the_distance():
    """A pin outside every unit, matched to the nearest one, says how far it lay."""
    decision = run([], matched="nearest", outside_m=1234.4)
    assert "ngoài ranh giới" in decision.reason_vi
    assert "1234 m" in decision.reason_vi
    assert "gần nhất" in decision.reason_vi
    assert "outside every unit, 1234 m from Phường Thử (90001)" in decision.reason_en
    assert "nearest unit" in decision.reason_en


def test_covered_point_reason_names_the_unit():
    """A covered point's reason starts with the unit it lies in."""
    decision = run([])
    assert decision.reason_vi.startswith("Điểm thuộc Phường Thử (90001)")
    assert decision.reason_en.startswith("The point is in Phường Thử (90001)")


def test_zone_reason_names_department_zone_category_and_priority_in_both_languages():
    """The reason says which zone, which department, which category, in vi and en."""
    decision = run([zone(2, priority=10), zone(5, priority=1), zone(6, priority=0)])
    assert "Phòng số 2" in decision.reason_vi
    assert "«Vùng 2»" in decision.reason_vi
    assert "«Vệ sinh môi trường»" in decision.reason_vi
    assert "ưu tiên 10" in decision.reason_vi
    assert "2 vùng khác" in decision.reason_vi
    assert "Office 2" in decision.reason_en
    assert "'Vùng 2'" in decision.reason_en
    assert "'Sanitation'" in decision.reason_en
    assert "priority 10" in decision.reason_en
    assert "2 other zone(s)" in decision.reason_en


def test_single_covering_zone_reason_mentions_no_other_zones():
    """With one candidate, the reason does not talk about less specific zones."""
    decision = run([zone(2)])
    assert "vùng khác" not in decision.reason_vi
    assert "other zone" not in decision.reason_en


def test_reason_writes_the_area_with_vietnamese_separators():
    """1 234 560 000 m² reads 1.234,56 km² in Vietnamese and 1,234.56 km² in English."""
    decision = run([zone(1, area_m2=1_234_560_000.0)])
    assert "1.234,56 km²" in decision.reason_vi
    assert "1,234.56 km²" in decision.reason_en


def test_small_areas_keep_two_decimals():
    """A 0.5 km² zone reads 0,50 km² and 0.50 km²."""
    decision = run([zone(1, area_m2=500_000.0)])
    assert "0,50 km²" in decision.reason_vi
    assert "0.50 km²" in decision.reason_en


def test_candidates_json_marks_the_chosen_zone_only():
    """The stored candidate list has every covering zone, most specific first, and
    exactly one marked chosen: the winner."""
    decision = run(
        [
            zone(1, priority=0, area_m2=123.456, edge_m=77.77),
            zone(2, priority=10),
            zone(3, covers=False),
        ]
    )
    rows = decision.candidates_json()
    assert [r["zone"] for r in rows] == [2, 1]
    assert [r["chosen"] for r in rows] == [True, False]
    assert rows[1] == {
        "zone": 1,
        "name": "Vùng 1",
        "department": "dept-1",
        "priority": 0,
        "area_m2": 123.5,
        "edge_distance_m": 77.8,
        "chosen": False,
    }


def test_as_dict_carries_the_candidates_json():
    """as_dict serialises the decision with the candidates as stored on Assignment."""
    decision = run([zone(2)])
    data = decision.as_dict()
    assert data["rule"] == RULE_ZONE
    assert data["department"]["code"] == "dept-2"
    assert data["candidates"] == decision.candidates_json()
    assert data["unit"]["code"] == "90001"
