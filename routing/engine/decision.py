"""The routing engine: a pure decision from candidates to a department, with reasons.

No database here. ``routing.engine.candidates`` loads what the engine needs for one
point (the covering unit, the zones in force around it) and ``decide`` picks:

1. **zone**: among the zones that cover the point for the category, the most
   specific: higher ``priority``, then smaller area, then the lower zone id (the
   older zone), which makes the order total and stable;
2. **unit_default**: else the covering unit's default department (its People's
   Committee);
3. **triage**: else the operations centre's triage desk.

The same order is written once in SQL (``routing.zones.sql``) for what routes many
reports at once (``routing.zones.bulk``, the synthetic generator in ``demo``); tests
hold each of them to this function's answers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

RULE_ZONE = "zone"
RULE_UNIT_DEFAULT = "unit_default"
RULE_TRIAGE = "triage"


@dataclass(frozen=True)
class DepartmentRef:
    id: int
    code: str
    name_vi: str
    name_en: str


@dataclass(frozen=True)
class UnitCandidate:
    """The unit covering the point (or the nearest one, within the shore tolerance)."""

    id: int
    code: str
    name: str
    level: str
    boundary_set_id: int
    boundary_set_slug: str
    jurisdiction_code: str  # the province key of the unit's boundary set
    chain: tuple[str, ...]  # names from the unit up to the province
    matched: str  # "covers" or "nearest"
    outside_m: float  # 0 when covered
    edge_distance_m: float  # to the unit's own boundary
    default_department: DepartmentRef | None


@dataclass(frozen=True)
class ZoneCandidate:
    """A zone in force for the category near the point (covering it or not)."""

    id: int
    name: str
    department: DepartmentRef
    priority: int
    area_m2: float
    covers: bool
    edge_distance_m: float  # to the zone's boundary (inside or out)


@dataclass(frozen=True)
class Decision:
    unit: UnitCandidate
    department: DepartmentRef
    zone: ZoneCandidate | None
    rule: str
    candidates: tuple[ZoneCandidate, ...]  # covering zones, most specific first
    near_edge: bool
    edge_distance_m: float
    reason_vi: str
    reason_en: str

    def candidates_json(self) -> list[dict]:
        return [
            {
                "zone": c.id,
                "name": c.name,
                "department": c.department.code,
                "priority": c.priority,
                "area_m2": round(c.area_m2, 1),
                "edge_distance_m": round(c.edge_distance_m, 1),
                "chosen": self.zone is not None and c.id == self.zone.id,
            }
            for c in self.candidates
        ]

    def as_dict(self) -> dict:
        data = asdict(self)
        data["candidates"] = self.candidates_json()
        return data


def specificity(zone: ZoneCandidate) -> tuple[int, float, int]:
    """Sort key: most specific first (priority desc, area asc, id asc)."""
    return (-zone.priority, zone.area_m2, zone.id)


def decide(
    *,
    unit: UnitCandidate,
    zones: Sequence[ZoneCandidate],
    triage: DepartmentRef,
    category_vi: str,
    category_en: str,
    near_edge_m: float,
) -> Decision:
    """Pick the department for a point; say which rule decided and why."""
    covering = tuple(sorted((z for z in zones if z.covers), key=specificity))
    edge = min([unit.edge_distance_m, *(z.edge_distance_m for z in zones)])
    near_edge = edge <= near_edge_m
    if covering:
        zone, rule, department = covering[0], RULE_ZONE, covering[0].department
    elif unit.default_department is not None:
        zone, rule, department = None, RULE_UNIT_DEFAULT, unit.default_department
    else:
        zone, rule, department = None, RULE_TRIAGE, triage
    vi, en = _reason(
        unit=unit,
        zone=zone,
        rule=rule,
        department=department,
        others=len(covering) - 1 if covering else 0,
        category=(category_vi, category_en),
        edge=edge if near_edge else None,
    )
    return Decision(
        unit=unit,
        department=department,
        zone=zone,
        rule=rule,
        candidates=covering,
        near_edge=near_edge,
        edge_distance_m=round(edge, 1),
        reason_vi=vi,
        reason_en=en,
    )


def _km2(area_m2: float) -> tuple[str, str]:
    km2 = area_m2 / 1e6
    english = f"{km2:,.2f}"
    # Vietnamese writes 1.234,56: swap the separators.
    vietnamese = english.replace(",", "_").replace(".", ",").replace("_", ".")
    return vietnamese, english


def _reason(
    *,
    unit: UnitCandidate,
    zone: ZoneCandidate | None,
    rule: str,
    department: DepartmentRef,
    others: int,
    category: tuple[str, str],
    edge: float | None,
) -> tuple[str, str]:
    cat_vi, cat_en = category
    place_vi = f"Điểm thuộc {unit.name} ({unit.code})"
    place_en = f"The point is in {unit.name} ({unit.code})"
    if unit.matched == "nearest":
        place_vi = (
            f"Điểm nằm ngoài ranh giới, cách {unit.name} ({unit.code}) "
            f"{unit.outside_m:.0f} m, nên được gán cho đơn vị gần nhất"
        )
        place_en = (
            f"The point lies outside every unit, {unit.outside_m:.0f} m from "
            f"{unit.name} ({unit.code}), so the nearest unit was taken"
        )
    if rule == RULE_ZONE:
        assert zone is not None
        area_vi, area_en = _km2(zone.area_m2)
        why_vi = (
            f"lĩnh vực «{cat_vi}» trong vùng «{zone.name}» (ưu tiên {zone.priority}, "
            f"{area_vi} km²) do {department.name_vi} xử lý"
        )
        why_en = (
            f"'{cat_en}' reports in zone '{zone.name}' (priority {zone.priority}, "
            f"{area_en} km²) go to {department.name_en}"
        )
        if others:
            why_vi += f"; {others} vùng khác cũng bao phủ điểm nhưng kém cụ thể hơn"
            why_en += (
                f"; {others} other zone(s) also cover the point but are less specific"
            )
    elif rule == RULE_UNIT_DEFAULT:
        why_vi = (
            f"không có vùng trách nhiệm nào cho lĩnh vực «{cat_vi}» tại đây, nên "
            f"{department.name_vi} (mặc định của đơn vị) xử lý"
        )
        why_en = (
            f"no responsibility zone covers '{cat_en}' here, so the unit's default, "
            f"{department.name_en}, handles it"
        )
    else:
        why_vi = (
            f"không có vùng trách nhiệm cho «{cat_vi}» và đơn vị chưa có cơ quan mặc "
            f"định, nên chuyển {department.name_vi} phân loại"
        )
        why_en = (
            f"no zone covers '{cat_en}' and the unit has no default department, so "
            f"{department.name_en} triages it"
        )
    vi = f"{place_vi}; {why_vi}."
    en = f"{place_en}; {why_en}."
    if edge is not None:
        vi += f" Điểm cách ranh giới {edge:.0f} m: người điều phối nên kiểm tra."
        en += f" The point is {edge:.0f} m from a boundary: an operator should check."
    return vi, en
