"""Zone drafts, topology checks, impact preview and publishing with re-routing."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import shapely
from django.db import connection
from django.utils import timezone

from routing.engine.route import route_decide
from routing.models import (
    Assignment,
    Category,
    Department,
    Report,
    ResponsibilityZone,
    ZoneHistory,
)
from routing.zones.bulk import impact_preview
from routing.zones.services import (
    ZoneError,
    zone_draft_create,
    zone_draft_delete,
    zone_draft_start,
    zone_draft_update,
    zones_preview,
    zones_publish,
)
from routing.zones.state import ZoneState
from routing.zones.topology import zones_topology_check
from tests.factories import report_create, report_force
from tests.points import DONG_PHU

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
COMMITTEE = "ubnd-18880-phuong-dong-hoi"  # Phường Đồng Hới, qt-2025
# Around Đồng Phú (106.6155, 17.4689); all inside Phường Đồng Hới.
INSIDE = [(106.612, 17.462), (106.6155, 17.4689), (106.618, 17.466), (106.613, 17.468)]
OUTSIDE = [(106.625, 17.4689), (106.6155, 17.4789), (106.605, 17.4689)]
# Inside the larger square of a replacing draft, outside the original one.
WIDER = (106.6225, 17.4689)


def box(min_lon: float, min_lat: float, max_lon: float, max_lat: float):
    return shapely.MultiPolygon([shapely.box(min_lon, min_lat, max_lon, max_lat)])


SQUARE = box(106.61, 17.46, 106.62, 17.47)  # holds INSIDE, not OUTSIDE
BIGGER = box(106.61, 17.46, 106.63, 17.47)  # also holds WIDER


@pytest.fixture
def officer(django_user_model):
    return django_user_model.objects.create_user(username="officer", password="x")


@pytest.fixture
def yte() -> Category:
    return Category.objects.get(code="YTE")


@pytest.fixture
def health() -> Department:
    return Department.objects.create(
        code="test-yte",
        kind=Department.Kind.PROVINCIAL,
        name_vi="Sở Y tế (thử)",
        name_en="Health department (test)",
    )


@pytest.fixture
def draft(yte, health, officer) -> ResponsibilityZone:
    """A draft YTE zone over Đồng Phú, priority 5."""
    return zone_draft_create(
        name="Y tế Đồng Phú",
        department=health,
        categories=[yte],
        geometry=SQUARE,
        priority=5,
        actor=officer,
    )


def report(
    point,
    category: Category,
    status: str = "assigned",
    reported_at: dt.datetime | None = None,
) -> Report:
    made = report_create(
        lon=point[0], lat=point[1], category=category, reported_at=reported_at
    )
    return report_force(made, status=status) if status != made.status else made


def department_of(point, category: Category, at: dt.datetime | None = None) -> str:
    decision = route_decide(lon=point[0], lat=point[1], category=category, at=at)
    return decision.department.code


def published(
    draft: ResponsibilityZone, officer, at: dt.datetime
) -> ResponsibilityZone:
    zones_publish(drafts=[draft], actor=officer, at=at)
    draft.refresh_from_db()
    return draft


def snapshot() -> dict[str, object]:
    """What a refused publish must leave unchanged."""
    return {
        "zones": list(
            ResponsibilityZone.objects.order_by("id").values_list(
                "id", "status", "valid_from", "valid_to"
            )
        ),
        "history": ZoneHistory.objects.count(),
        "assignments": list(
            Assignment.objects.order_by("id").values_list("id", "is_current")
        ),
        "reports": list(
            Report.objects.order_by("id").values_list("id", "department_id")
        ),
    }


# --- drafts and publishing ---------------------------------------------------------


def test_a_draft_is_invisible_to_routing_until_published(draft, yte, officer):
    """Before publishing, the engine and the bulk SQL ignore the draft; after, both
    route to it."""
    stale = report(INSIDE[0], yte)
    assert department_of(DONG_PHU, yte) == COMMITTEE
    assert impact_preview(state=ZoneState(at=timezone.now())).open_changed == 0
    with_draft = impact_preview(state=ZoneState.with_drafts([draft], timezone.now()))
    assert with_draft.moves[0]["to"] == "test-yte"

    # The detailed preview (one routing pass into a temporary table) agrees, and can
    # run twice in one transaction.
    def counts(impact):
        return (impact.open_changed, impact.open_total, impact.past_total, impact.moves)

    for _ in range(2):
        detailed = impact_preview(
            state=ZoneState.with_drafts([draft], timezone.now()), details=True
        )
        assert counts(detailed) == counts(with_draft)
        assert [u["open"] for u in detailed.units] == [with_draft.open_changed]
        assert [r["code"] for r in detailed.sample] == [stale.tracking_code]
    assert stale.department.code == COMMITTEE

    result = zones_publish(drafts=[draft], actor=officer)

    assert result.published == [draft.pk]
    assert department_of(DONG_PHU, yte) == "test-yte"
    stale.refresh_from_db()
    assert stale.department.code == "test-yte"


def test_preview_impact_equals_what_publish_reroutes(draft, yte, officer):
    """The preview's open moves are exactly the publish's re-routes; past reports are
    counted in the preview and left where they were."""
    vsmt = Category.objects.get(code="VSMT")
    open_inside = [
        report(p, yte, status=s)
        for p, s in zip(
            INSIDE, ["received", "assigned", "in_progress", "reopened"], strict=True
        )
    ]
    open_inside.append(
        report(
            INSIDE[0],
            yte,
            reported_at=dt.datetime(2025, 9, 1, 10, 0, tzinfo=HCM),
        )
    )
    past_inside = [
        report(p, yte, status=s)
        for p, s in zip(INSIDE[:2], ["resolved", "closed"], strict=True)
    ]
    for p in OUTSIDE:
        report(p, yte)
    for p in INSIDE[:2]:
        report(p, vsmt)

    impact = zones_preview(drafts=[draft])["impact"]

    assert impact["open"] == {"changed": 5, "total": 10}
    assert impact["past"] == {"changed": 2, "total": 2}
    assert impact["moves"] == [
        {"open": True, "from": COMMITTEE, "to": "test-yte", "reports": 5},
        {"open": False, "from": COMMITTEE, "to": "test-yte", "reports": 2},
    ]

    result = zones_publish(drafts=[draft], actor=officer)

    assert result.rerouted.moves == [m for m in impact["moves"] if m["open"]]
    assert result.rerouted.open_changed == impact["open"]["changed"]
    assert result.rerouted.past_changed == 0
    for moved in open_inside:
        moved.refresh_from_db()
        assert moved.department.code == "test-yte"
    for kept in past_inside:
        kept.refresh_from_db()
        assert kept.department.code == COMMITTEE
        assert kept.assignments.count() == 1


def test_every_rerouted_report_has_one_current_zone_publish_assignment(
    draft, yte, officer
):
    """After a publish, each moved report has exactly one current Assignment, caused by
    the publish, naming the zone, the department and the officer; the submit one stays
    as history."""
    moved = [report(p, yte) for p in INSIDE]
    zones_publish(drafts=[draft], actor=officer)
    for item in moved:
        item.refresh_from_db()
        current = Assignment.objects.filter(report=item, is_current=True)
        assert current.count() == 1
        assignment = current.get()
        assert assignment.cause == Assignment.Cause.ZONE_PUBLISH
        assert assignment.rule == Assignment.Rule.ZONE
        assert assignment.zone_id == draft.pk
        assert assignment.department_id == item.department_id
        assert assignment.decided_by == officer
        assert "Sở Y tế (thử)" in assignment.reason_vi
        assert "Health department (test)" in assignment.reason_en
        assert item.assignments.filter(is_current=False, cause="submit").count() == 1


def test_a_manual_assignment_is_never_rerouted(draft, yte, health, officer):
    """A report an officer assigned by hand keeps it through preview and publish."""
    item = report(INSIDE[0], yte)
    police = Department.objects.get(code="qt-congan")
    Assignment.objects.filter(report=item, is_current=True).update(is_current=False)
    manual = Assignment.objects.create(
        report=item,
        boundary_set_id=item.assignments.get().boundary_set_id,
        unit=item.unit,
        department=police,
        rule=Assignment.Rule.MANUAL,
        cause=Assignment.Cause.MANUAL,
        reason_vi="Phân công thủ công.",
        reason_en="Assigned by hand.",
        decided_by=officer,
    )
    Report.objects.filter(pk=item.pk).update(department=police)

    impact = zones_preview(drafts=[draft])["impact"]
    assert impact["open"] == {"changed": 0, "total": 0}
    zones_publish(drafts=[draft], actor=officer)

    item.refresh_from_db()
    assert item.department == police
    assert item.assignments.get(is_current=True) == manual
    assert item.assignments.count() == 2


def test_publishing_a_replacement_closes_the_old_zone_at_the_same_instant(
    draft, yte, officer
):
    """The old zone ends and the new one starts at the publish instant; history holds
    SUPERSEDED and PUBLISHED rows with the officer; routing switches at that instant."""
    t0 = timezone.now() - dt.timedelta(days=2)
    t1 = timezone.now() - dt.timedelta(days=1)
    old = published(draft, officer, t0)
    new = zone_draft_start(zone=old, actor=officer)
    zone_draft_update(zone=new, geometry=BIGGER, actor=officer)

    result = zones_publish(drafts=[new], actor=officer, at=t1)

    old.refresh_from_db()
    new.refresh_from_db()
    assert result.superseded == [old.pk]
    assert result.published == [new.pk]
    assert old.valid_to == new.valid_from == t1
    assert new.status == ResponsibilityZone.Status.PUBLISHED
    assert new.replaces == old
    superseded = ZoneHistory.objects.get(zone=old, action="superseded")
    assert superseded.actor == officer
    assert superseded.changes["by"] == new.pk
    assert ZoneHistory.objects.get(zone=new, action="published").actor == officer
    before = t1 - dt.timedelta(microseconds=1)
    assert (
        route_decide(lon=WIDER[0], lat=WIDER[1], category=yte, at=before).zone is None
    )
    assert (
        route_decide(lon=WIDER[0], lat=WIDER[1], category=yte, at=t1).zone.id == new.pk
    )
    assert (
        route_decide(lon=DONG_PHU[0], lat=DONG_PHU[1], category=yte, at=before).zone.id
        == old.pk
    )


def test_a_retire_draft_ends_the_zone_and_reroutes_its_reports(draft, yte, officer):
    """Publishing a retire draft closes the zone, keeps no new zone, and sends its open
    reports back to the ward's committee."""
    zone = published(draft, officer, timezone.now() - dt.timedelta(days=1))
    item = report(INSIDE[0], yte)
    assert item.department.code == "test-yte"
    retire = zone_draft_start(zone=zone, actor=officer, retire=True)

    result = zones_publish(drafts=[retire], actor=officer)

    zone.refresh_from_db()
    item.refresh_from_db()
    assert result.retired == [zone.pk]
    assert result.published == []
    assert zone.valid_to == result.at
    assert not ResponsibilityZone.objects.filter(pk=retire.pk).exists()
    assert ZoneHistory.objects.get(zone=zone, action="retired").actor == officer
    assert department_of(DONG_PHU, yte) == COMMITTEE
    assert item.department.code == COMMITTEE
    assert item.assignments.get(is_current=True).rule == Assignment.Rule.UNIT_DEFAULT


def test_two_drafts_replacing_one_zone_are_refused_with_nothing_written(
    draft, yte, officer
):
    """Conflicting drafts: ZoneError 'conflicting_drafts', and no row changes."""
    zone = published(draft, officer, timezone.now() - dt.timedelta(days=1))
    report(INSIDE[0], yte)
    first = zone_draft_start(zone=zone, actor=officer)
    second = zone_draft_start(zone=zone, actor=officer, retire=True)
    zone_draft_update(zone=first, geometry=BIGGER, actor=officer)
    before = snapshot()

    with pytest.raises(ZoneError) as caught:
        zones_publish(drafts=[first, second], actor=officer)

    assert caught.value.code == "conflicting_drafts"
    assert snapshot() == before


def _make_invalid(zone: ResponsibilityZone) -> None:
    """A bow-tie ring written behind the services' back, like a legacy row."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE routing_responsibilityzone SET geom = ST_GeomFromText(
                'MULTIPOLYGON(((106.61 17.46, 106.62 17.47, 106.62 17.46,
                                106.61 17.47, 106.61 17.46)))', 4326)
            WHERE id = %s
            """,
            [zone.pk],
        )


def test_an_invalid_draft_geometry_refuses_the_publish_with_nothing_written(
    draft, yte, health, officer
):
    """A self-intersecting draft: ZoneError 'invalid_zones' naming it in
    topology.invalid; the valid draft published with it stays a draft."""
    report(INSIDE[0], yte)
    valid = zone_draft_create(
        name="Y tế phía đông",
        department=health,
        categories=[yte],
        geometry=box(106.63, 17.46, 106.64, 17.47),
        actor=officer,
    )
    _make_invalid(draft)
    preview = zones_preview(drafts=[draft, valid])
    assert [z["zone"] for z in preview["topology"]["invalid"]] == [draft.pk]
    assert preview["topology"]["ok"] is False
    before = snapshot()

    with pytest.raises(ZoneError) as caught:
        zones_publish(drafts=[draft, valid], actor=officer)

    assert caught.value.code == "invalid_zones"
    [invalid] = caught.value.extra["topology"]["invalid"]
    assert invalid["zone"] == draft.pk
    assert invalid["name"] == "Y tế Đồng Phú"
    assert "intersection" in invalid["reason"].lower()
    assert invalid["lon"] == pytest.approx(106.615)
    assert invalid["lat"] == pytest.approx(17.465)
    assert snapshot() == before


def test_a_published_zone_cannot_be_edited_in_place(draft, officer):
    """Updating or deleting a published zone is refused: start a draft instead."""
    zone = published(draft, officer, timezone.now())
    with pytest.raises(ZoneError) as caught:
        zone_draft_update(zone=zone, priority=9, actor=officer)
    assert caught.value.code == "not_a_draft"
    with pytest.raises(ZoneError):
        zone_draft_delete(zone=zone, actor=officer)
    with pytest.raises(ZoneError) as caught:
        zones_publish(drafts=[zone], actor=officer)
    assert caught.value.code == "not_a_draft"


# --- history ----------------------------------------------------------------------


def test_the_history_of_an_update_keeps_the_old_geometry(draft, officer):
    """A geometry change stores the geometry before it, the area diff and the actor."""
    zone_draft_update(
        zone=draft, geometry=BIGGER, priority=7, name="Y tế mở rộng", actor=officer
    )
    entry = ZoneHistory.objects.get(zone=draft, action="updated")
    assert entry.actor == officer
    assert shapely.from_wkb(bytes(entry.old_geom.wkb)).equals(SQUARE)
    assert entry.changes["priority"] == {"old": 5, "new": 7}
    assert entry.changes["name"] == {"old": "Y tế Đồng Phú", "new": "Y tế mở rộng"}
    old_area = entry.changes["area_m2"]["old"]
    assert entry.changes["area_m2"]["new"] == pytest.approx(2 * old_area, rel=1e-3)
    draft.refresh_from_db()
    assert shapely.from_wkb(bytes(draft.geom.wkb)).equals(BIGGER)


def test_an_update_without_geometry_stores_no_old_geometry(draft, officer):
    """Renaming a draft records the name change and no geometry."""
    zone_draft_update(zone=draft, name="Y tế", actor=officer)
    entry = ZoneHistory.objects.get(zone=draft, action="updated")
    assert entry.old_geom is None
    assert set(entry.changes) == {"name"}


def test_deleting_a_draft_keeps_its_history_and_geometry(draft, officer):
    """A deleted draft leaves a DELETED row with its name and geometry."""
    zone_draft_delete(zone=draft, actor=officer)
    entry = ZoneHistory.objects.get(zone_name="Y tế Đồng Phú", action="deleted")
    assert entry.actor == officer
    assert shapely.from_wkb(bytes(entry.old_geom.wkb)).equals(SQUARE)
    assert not ResponsibilityZone.objects.filter(name="Y tế Đồng Phú").exists()


# --- topology ---------------------------------------------------------------------


def _province_minus(hole) -> shapely.MultiPolygon:
    """The qt-2025 province with a hole cut out, as one MultiPolygon."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT ST_AsBinary(ST_Multi(ST_Difference(u.geom, ST_GeomFromWKB(%s, 4326))))
            FROM boundaries_adminunit u
            JOIN boundaries_boundaryset s ON s.id = u.boundary_set_id
            WHERE s.slug = 'qt-2025' AND u.level = 'province'
            """,
            [shapely.to_wkb(hole)],
        )
        return shapely.from_wkb(bytes(cursor.fetchone()[0]))


def _geography_area(geometry) -> float:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_Area(ST_GeomFromWKB(%s, 4326)::geography)",
            [shapely.to_wkb(geometry)],
        )
        return cursor.fetchone()[0]


def test_topology_finds_the_gap_a_category_leaves_with_its_area_and_a_point_in_it(
    yte, health
):
    """A province-wide YTE draft with a hole: the gap is the hole, in m², with a point
    inside it; a category without zones is reported as such."""
    hole = box(106.60, 17.45, 106.61, 17.46)
    province = zone_draft_create(
        name="Y tế toàn tỉnh",
        department=health,
        categories=[yte],
        geometry=_province_minus(hole),
    )
    check = zones_preview(drafts=[province])["topology"]

    gaps = {g["category"]: g for g in check["gaps"]}
    gap = gaps["YTE"]
    assert gap["no_zones"] is False
    assert gap["parts"] == 1
    assert gap["area_m2"] == pytest.approx(_geography_area(hole), rel=1e-3)
    [largest] = gap["largest"]
    assert shapely.contains_xy(hole, largest["lon"], largest["lat"])
    assert largest["geometry"]
    assert gaps["TTDT"]["no_zones"] is True
    assert gaps["TTDT"]["largest"][0]["geometry"] is None
    # Without the draft, YTE has no zone at all.
    now = zones_topology_check(state=ZoneState(at=timezone.now()))
    assert {g["category"]: g for g in now["gaps"]}["YTE"]["no_zones"] is True


def test_topology_finds_equal_priority_overlaps_and_ignores_other_priorities(
    yte, health
):
    """Two priority-5 YTE drafts sharing a strip are an overlap (area and a point
    inside); a priority-6 zone over both and a DIEN zone are not."""
    west = box(106.60, 17.45, 106.62, 17.47)
    east = box(106.61, 17.45, 106.63, 17.47)
    strip = box(106.61, 17.45, 106.62, 17.47)

    def draft_of(name, geometry, priority, codes=("YTE",)):
        return zone_draft_create(
            name=name,
            department=health,
            categories=Category.objects.filter(code__in=codes),
            geometry=geometry,
            priority=priority,
        )

    drafts = [
        draft_of("west", west, 5),
        draft_of("east", east, 5),
        draft_of("over", box(106.605, 17.455, 106.625, 17.465), 6),
        draft_of("power", west, 5, codes=("DIEN",)),
    ]
    check = zones_topology_check(state=ZoneState.with_drafts(drafts, timezone.now()))

    [overlap] = check["overlaps"]
    assert overlap["zones"] == [drafts[0].pk, drafts[1].pk]
    assert overlap["names"] == ["west", "east"]
    assert overlap["priority"] == 5
    assert overlap["categories"] == ["YTE"]
    assert overlap["area_m2"] == pytest.approx(_geography_area(strip), rel=1e-3)
    assert shapely.contains_xy(strip, overlap["lon"], overlap["lat"])
    assert check["ok"] is True
