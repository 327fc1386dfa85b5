"""The zones API: GeoJSON reads, drafts, validation, preview, publish, history, rights."""

import math

import pytest
from django.contrib.auth.models import Group, User

from routing.models import (
    Category,
    Department,
    ResponsibilityZone,
    StaffProfile,
    ZoneHistory,
)
from tests.factories import report_create, report_force
from tests.points import DONG_PHU

pytestmark = pytest.mark.django_db

ZONES = "/api/v1/zones/"
EXPLAIN = "/api/v1/routing/explain"
WARD = "ubnd-18880-phuong-dong-hoi"
# About 770 m × 660 m around the Đồng Phú point, inside Phường Đồng Hới.
SIDE = 0.007
WEST, SOUTH = DONG_PHU[0] - SIDE / 2, DONG_PHU[1] - SIDE / 2


def ring(west=WEST, south=SOUTH, side=SIDE):
    east, north = west + side, south + side
    return [[west, south], [east, south], [east, north], [west, north], [west, south]]


def polygon(coordinates=None):
    return {"type": "Polygon", "coordinates": [coordinates or ring()]}


BOW_TIE = polygon(
    [
        [WEST, SOUTH],
        [WEST + SIDE, SOUTH + SIDE],
        [WEST + SIDE, SOUTH],
        [WEST, SOUTH + SIDE],
        [WEST, SOUTH],
    ]
)


def draft_body(**overrides):
    return {
        "name": "Trật tự đô thị khu Đồng Phú (thí điểm)",
        "department": "dh-qldt",
        "categories": ["TTDT"],
        "priority": 50,
        "geometry": polygon(),
        **overrides,
    }


@pytest.fixture
def officer(client):
    user = User.objects.create_user("officer", is_staff=True)
    StaffProfile.objects.create(user=user, role="routing_officer")
    client.force_login(user)
    return user


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def patch(client, url, body):
    return client.patch(url, body, content_type="application/json")


def explain(client, category="TTDT", point=DONG_PHU):
    response = client.get(
        EXPLAIN, {"lon": point[0], "lat": point[1], "category": category}
    )
    assert response.status_code == 200
    return response.json()


def create_draft(client, **overrides):
    response = post(client, ZONES, draft_body(**overrides))
    assert response.status_code == 201, response.json()
    return response.json()


# Reads


def test_default_list_is_the_zones_in_force_now_and_the_drafts(client, officer):
    """Without filters: the seven zones in force now plus every draft, as GeoJSON."""
    draft = create_draft(client)
    client.logout()
    body = client.get(ZONES).json()
    assert body["type"] == "FeatureCollection"
    statuses = [f["properties"]["status"] for f in body["features"]]
    assert statuses.count("published") == 7
    assert [f["id"] for f in body["features"] if f["properties"]["status"] == "draft"]
    assert draft["id"] in [f["id"] for f in body["features"]]
    feature = body["features"][0]
    assert feature["geometry"]["type"] == "MultiPolygon"
    lon = feature["geometry"]["coordinates"][0][0][0][0]
    assert round(lon, 6) == lon


def test_list_filters_by_category_department_status_bbox_and_moment(client, officer):
    """Each filter narrows the list; 'at' gives the zones in force then."""
    create_draft(client)

    def names(**params):
        response = client.get(ZONES, params)
        assert response.status_code == 200, response.json()
        return [f["properties"] for f in response.json()["features"]]

    vsmt = names(category="VSMT")
    assert len(vsmt) == 1
    assert "VSMT" in vsmt[0]["categories"]
    assert {z["department"] for z in names(department="dh-qldt")} == {"dh-qldt"}
    assert [z["status"] for z in names(status="draft")] == ["draft"]
    assert {z["status"] for z in names(status="published")} == {"published"}
    assert len(names(status="published")) == 7
    old = names(at="2022-05-01")
    assert len(old) == 8
    assert all(z["valid_to"].startswith("2025-07-01") for z in old)
    around = [z["name"] for z in names(bbox="106.61,17.46,106.62,17.47")]
    assert len(around) == 7  # every zone in force but the beach, and the draft
    assert not [name for name in around if name.startswith("Bãi biển")]
    assert names(bbox="105.80,21.00,105.90,21.10") == []
    assert len(names(category="TTDT", bbox="106.61,17.46,106.62,17.47")) == 1


@pytest.mark.parametrize(
    ("params", "code", "field"),
    [
        ({"status": "gone"}, "bad_status", "status"),
        ({"category": "NOPE"}, "unknown_category", "category"),
        ({"department": "nope"}, "unknown_department", "department"),
        ({"bbox": "1,2,3"}, "bad_bbox", "bbox"),
        ({"at": "soon"}, "bad_datetime", "at"),
    ],
)
def test_bad_list_filters_get_a_bilingual_400(client, params, code, field):
    """An unknown status, category or department, a bad bbox or moment is a 400."""
    response = client.get(ZONES, params)
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["field"]) == (code, field)
    assert body["messages"]["vi"]
    assert body["messages"]["en"]


def test_detail_of_an_unknown_zone_is_404(client):
    """A zone id that does not exist is a bilingual 404."""
    response = client.get(f"{ZONES}999999")
    assert response.status_code == 404
    assert response.json()["code"] == "zone_not_found"


# The draft → preview → publish flow


def test_a_draft_is_not_live_until_published_then_takes_the_reports(client, officer):
    """A draft changes nothing; preview counts the reports that would move; publish
    makes explain answer the new zone and re-routes the open report."""
    ttdt = Category.objects.get(code="TTDT")
    open_report = report_create(category=ttdt)
    report_force(report_create(category=ttdt), status="resolved")
    assert open_report.department.code == WARD

    draft = create_draft(client)
    assert draft["properties"]["status"] == "draft"
    assert draft["properties"]["categories"] == ["TTDT"]
    assert draft["properties"]["area_m2"] > 400_000
    before = explain(client)
    assert (before["rule"], before["department"]["code"]) == ("unit_default", WARD)

    preview = post(client, f"{ZONES}preview", {"drafts": [draft["id"]]})
    assert preview.status_code == 200, preview.json()
    impact = preview.json()["impact"]
    assert impact["open"] == {"changed": 1, "total": 1}
    assert impact["past"] == {"changed": 1, "total": 1}
    assert {"open": True, "from": WARD, "to": "dh-qldt", "reports": 1} in impact[
        "moves"
    ]
    assert preview.json()["topology"]["ok"] is True
    assert ResponsibilityZone.objects.get(pk=draft["id"]).status == "draft"

    published = post(client, f"{ZONES}publish", {"drafts": [draft["id"]]})
    assert published.status_code == 200, published.json()
    result = published.json()
    assert result["published"] == [draft["id"]]
    assert result["superseded"] == result["retired"] == []
    assert result["rerouted"]["open"]["changed"] == 1

    after = explain(client)
    assert after["rule"] == "zone"
    assert after["department"]["code"] == "dh-qldt"
    assert after["zone"]["id"] == draft["id"]
    open_report.refresh_from_db()
    assert open_report.department.code == "dh-qldt"

    history = client.get(f"{ZONES}{draft['id']}/history").json()
    assert [h["action"] for h in history] == ["published", "created"]
    # The role, never the user name (routing.reports.actors).
    assert {h["actor"] for h in history} == {"Cán bộ điều phối vùng (routing officer)"}


def test_publishing_a_published_zone_is_a_conflict(client, officer):
    """Preview and publish refuse zones that are not drafts (409) and unknown ids (400)."""
    zone = ResponsibilityZone.objects.published().first()
    response = post(client, f"{ZONES}publish", {"drafts": [zone.pk]})
    assert response.status_code == 409
    assert response.json()["code"] == "not_a_draft"
    response = post(client, f"{ZONES}preview", {"drafts": [999999]})
    assert response.status_code == 400
    assert response.json()["code"] == "unknown_drafts"
    response = post(client, f"{ZONES}preview", {"drafts": []})
    assert response.status_code == 400
    assert response.json()["field"] == "drafts"


def test_retiring_a_zone_removes_it_from_explain_after_publish(client, officer):
    """A retire draft ends the waste zone when published; explain then falls back to
    the ward's People's Committee."""
    zone = explain(client, category="VSMT")["zone"]
    assert zone is not None
    started = post(client, f"{ZONES}{zone['id']}/draft", {"retire": True})
    assert started.status_code == 201
    draft = started.json()
    assert draft["properties"]["replaces"] == zone["id"]
    assert draft["properties"]["retires"] is True
    assert explain(client, category="VSMT")["rule"] == "zone"

    result = post(client, f"{ZONES}publish", {"drafts": [draft["id"]]}).json()
    assert result["retired"] == [zone["id"]]
    assert result["published"] == []
    after = explain(client, category="VSMT")
    assert (after["rule"], after["department"]["code"]) == ("unit_default", WARD)
    actions = [h["action"] for h in client.get(f"{ZONES}{zone['id']}/history").json()]
    assert actions[0] == "retired"


def test_a_replacement_draft_supersedes_the_zone_on_publish(client, officer):
    """A draft started from a zone and moved elsewhere supersedes it when published."""
    zone = explain(client, category="VSMT")["zone"]
    draft = post(client, f"{ZONES}{zone['id']}/draft", {}).json()
    edited = patch(
        client,
        f"{ZONES}{draft['id']}",
        {"geometry": polygon(ring(106.50, 17.30, 0.01)), "department": "dh-qldt"},
    )
    assert edited.status_code == 200, edited.json()
    result = post(client, f"{ZONES}publish", {"drafts": [draft["id"]]}).json()
    assert result["superseded"] == [zone["id"]]
    assert explain(client, category="VSMT")["rule"] == "unit_default"


# Editing drafts


def test_patch_geometry_records_history_with_the_old_geometry(client, officer):
    """Editing a draft's polygon keeps the old polygon and the area change in history."""
    draft = create_draft(client)
    moved = polygon(ring(WEST + 0.001, SOUTH, SIDE))
    response = patch(
        client, f"{ZONES}{draft['id']}", {"geometry": moved, "priority": 60}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["properties"]["priority"] == 60
    assert response.json()["geometry"]["coordinates"][0][0][0][0] != pytest.approx(
        draft["geometry"]["coordinates"][0][0][0][0]
    )

    history = client.get(f"{ZONES}{draft['id']}/history").json()
    assert [h["action"] for h in history] == ["updated", "created"]
    update = history[0]
    assert update["actor"] == "Cán bộ điều phối vùng (routing officer)"
    assert update["at"]
    assert update["changes"]["priority"] == {"old": 50, "new": 60}
    assert update["old_geometry"]["type"] == "MultiPolygon"
    assert update["old_geometry"]["coordinates"] == draft["geometry"]["coordinates"]
    assert history[1]["old_geometry"] is None


def test_patch_with_nothing_to_change_is_refused(client, officer):
    """An empty PATCH is a 400, and no history row is written."""
    draft = create_draft(client)
    response = patch(client, f"{ZONES}{draft['id']}", {})
    assert response.status_code == 400
    assert response.json()["code"] == "nothing_to_change"
    assert ZoneHistory.objects.filter(zone_id=draft["id"]).count() == 1


def test_a_feature_body_is_accepted(client, officer):
    """A GeoJSON Feature with the fields in its properties creates a draft."""
    body = draft_body()
    geometry = body.pop("geometry")
    feature = {"type": "Feature", "geometry": geometry, "properties": body}
    response = post(client, ZONES, feature)
    assert response.status_code == 201, response.json()
    assert response.json()["properties"]["department"] == "dh-qldt"


def test_delete_removes_a_draft_but_not_a_published_zone(client, officer):
    """DELETE of a draft is 204 with a history row; of a published zone, 409."""
    draft = create_draft(client)
    assert client.delete(f"{ZONES}{draft['id']}").status_code == 204
    assert not ResponsibilityZone.objects.filter(pk=draft["id"]).exists()
    assert ZoneHistory.objects.filter(action="deleted", zone_name=draft_body()["name"])
    published = ResponsibilityZone.objects.published().first()
    response = client.delete(f"{ZONES}{published.pk}")
    assert response.status_code == 409
    assert response.json()["code"] == "not_a_draft"
    assert ResponsibilityZone.objects.filter(pk=published.pk).exists()


def test_patch_of_a_published_zone_is_a_conflict(client, officer):
    """A published zone is never edited in place: PATCH answers 409."""
    published = ResponsibilityZone.objects.published().first()
    response = patch(client, f"{ZONES}{published.pk}", {"priority": 99})
    assert response.status_code == 409
    assert response.json()["code"] == "not_a_draft"


# Geometry input


def test_bow_tie_is_refused_with_location_and_repair_then_accepted(client, officer):
    """A self-intersecting polygon is a 400 with the reason, location and repaired
    geometry; sent again with repair=true it is saved."""
    count = ResponsibilityZone.objects.count()
    response = post(client, ZONES, draft_body(geometry=BOW_TIE))
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_geometry"
    assert body["field"] == "geometry"
    assert "Self-intersection" in body["reason"]
    assert body["location"]["lon"] == pytest.approx(DONG_PHU[0], abs=1e-4)
    assert body["location"]["lat"] == pytest.approx(DONG_PHU[1], abs=1e-4)
    assert body["repaired"]["type"] == "MultiPolygon"
    assert ResponsibilityZone.objects.count() == count

    response = post(client, ZONES, draft_body(geometry=BOW_TIE, repair=True))
    assert response.status_code == 201, response.json()
    feature = response.json()
    assert len(feature["geometry"]["coordinates"]) == 2
    assert feature["properties"]["repairs"]


def _circle(vertices):
    points = [
        [
            DONG_PHU[0] + 0.003 * math.cos(2 * math.pi * i / vertices),
            DONG_PHU[1] + 0.003 * math.sin(2 * math.pi * i / vertices),
        ]
        for i in range(vertices)
    ]
    return polygon([*points, points[0]])


@pytest.mark.parametrize(
    ("geometry", "code"),
    [
        (polygon([*ring()[:-1], [WEST, SOUTH + 0.001]]), "unclosed_ring"),
        (polygon([[lat, lon] for lon, lat in ring()]), "outside_vietnam"),
        (
            {
                "type": "Feature",
                "crs": {"type": "name", "properties": {"name": "EPSG:32648"}},
                "geometry": polygon(),
                "properties": {},
            },
            "wrong_crs",
        ),
        (_circle(25_000), "too_many_vertices"),
        ({"type": "Polygon", "coordinates": []}, "empty_geometry"),
        ({"type": "Point", "coordinates": list(DONG_PHU)}, "not_polygonal"),
        (polygon([[WEST, SOUTH], [WEST + SIDE, SOUTH]]), "short_ring"),
    ],
    ids=["unclosed", "swapped", "utm-crs", "25k-vertices", "empty", "point", "short"],
)
def test_bad_geometry_is_a_400_with_its_code(client, officer, geometry, code):
    """Each kind of bad polygon is refused with its own code and nothing is saved."""
    count = ResponsibilityZone.objects.count()
    response = post(client, ZONES, draft_body(geometry=geometry))
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == code
    assert body["field"] == "geometry"
    assert body["messages"]["vi"]
    assert body["messages"]["en"]
    assert ResponsibilityZone.objects.count() == count


def test_swapped_coordinates_say_so(client, officer):
    """Latitude-first coordinates are named as swapped in the message."""
    swapped = polygon([[lat, lon] for lon, lat in ring()])
    body = post(client, ZONES, draft_body(geometry=swapped)).json()
    assert "swapped" in body["messages"]["en"]


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"name": ""}, "missing", "name"),
        ({"department": "nope"}, "unknown_department", "department"),
        ({"categories": ["NOPE"]}, "unknown_category", "categories"),
        ({"categories": []}, "missing", "categories"),
        ({"priority": "high"}, "invalid_input", "priority"),
    ],
)
def test_bad_fields_are_a_bilingual_400(client, officer, overrides, code, field):
    """A missing name, unknown department or category, or a non-numeric priority is
    a 400 naming the field."""
    response = post(client, ZONES, draft_body(**overrides))
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["field"]) == (code, field)


def test_a_body_that_is_not_a_json_object_is_refused(client, officer):
    """Malformed JSON or a JSON list is a bilingual 400, not DRF's bare detail."""
    for raw in ("{", "[1, 2]"):
        response = client.post(ZONES, raw, content_type="application/json")
        assert response.status_code == 400
        assert response.json()["code"] == "bad_body"
        assert response.json()["messages"]["en"]


def test_validate_answers_valid_or_the_reason_without_saving(client, officer):
    """Validate reports a valid polygon's area, or an invalid one's reason, location and
    repair, and saves nothing."""
    count = ResponsibilityZone.objects.count()
    good = post(client, f"{ZONES}validate", {"geometry": polygon()}).json()
    assert good["valid"] is True
    assert good["area_m2"] > 400_000
    assert good["repairs"] == []
    assert (good["polygons"], good["vertices"]) == (1, 4)  # a square's four corners
    bad = post(client, f"{ZONES}validate", {"geometry": BOW_TIE}).json()
    assert bad["valid"] is False
    assert bad["code"] == "invalid_geometry"
    assert bad["location"]
    assert bad["repaired"]["type"] == "MultiPolygon"
    accepted = post(client, f"{ZONES}validate?repair=true", BOW_TIE).json()
    assert accepted["valid"] is True
    assert accepted["polygons"] == 2
    assert accepted["repairs"]
    assert accepted["geometry"]["type"] == "MultiPolygon"
    assert ResponsibilityZone.objects.count() == count


# Rights


def test_anonymous_writes_are_refused(client):
    """Without signing in, every write is a bilingual 403 and nothing is saved."""
    count = ResponsibilityZone.objects.count()
    zone = ResponsibilityZone.objects.published().first()
    for response in (
        post(client, ZONES, draft_body()),
        post(client, f"{ZONES}validate", {"geometry": polygon()}),
        post(client, f"{ZONES}preview", {"drafts": [zone.pk]}),
        post(client, f"{ZONES}publish", {"drafts": [zone.pk]}),
        post(client, f"{ZONES}{zone.pk}/draft", {}),
        patch(client, f"{ZONES}{zone.pk}", {"priority": 1}),
        client.delete(f"{ZONES}{zone.pk}"),
    ):
        assert response.status_code == 403
        body = response.json()
        assert body["code"] == "not_authenticated"
        assert body["messages"]["vi"]
        assert body["messages"]["en"]
    assert ResponsibilityZone.objects.count() == count


@pytest.mark.parametrize(
    ("role", "in_group"),
    [
        (None, False),
        (None, True),
        ("ioc_operator", False),
        ("department_officer", False),
        ("unit_officer", False),
        ("planner", False),
        ("planner", True),
    ],
)
def test_writes_need_a_routing_officer_or_an_admin(client, role, in_group):
    """Staff of another role, or a user without a role (even one in the routing
    officers' group), gets 403; reading stays open to them."""
    user = User.objects.create_user("clerk", is_staff=True)
    if role:
        StaffProfile.objects.create(
            user=user,
            role=role,
            department=Department.objects.get(code="dh-qldt")
            if role == "department_officer"
            else None,
            unit_code="18880" if role == "unit_officer" else "",
        )
    if in_group:
        user.groups.add(Group.objects.get(name="routing_officer"))
    client.force_login(user)
    response = post(client, ZONES, draft_body())
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert client.get(ZONES).status_code == 200


@pytest.mark.parametrize("is_staff", [True, False])
def test_the_routing_officer_role_is_enough(client, is_staff):
    """The role decides, not the group or the staff flag."""
    user = User.objects.create_user("dieu-phoi", is_staff=is_staff)
    StaffProfile.objects.create(user=user, role="routing_officer")
    client.force_login(user)
    assert post(client, ZONES, draft_body()).status_code == 201


def test_an_admin_by_role_may_write(client):
    """A staff user whose role is admin may write, as a superuser may."""
    user = User.objects.create_user("quan-tri", is_staff=True)
    StaffProfile.objects.create(user=user, role="admin")
    client.force_login(user)
    assert post(client, ZONES, draft_body()).status_code == 201


def test_a_superuser_may_write(client):
    """A superuser needs no group."""
    client.force_login(User.objects.create_superuser("root"))
    assert post(client, ZONES, draft_body()).status_code == 201


def test_the_officer_group_holds_the_zone_permissions():
    """The migration made the group with the zone permissions."""
    codenames = set(
        Group.objects.get(name="routing_officer").permissions.values_list(
            "codename", flat=True
        )
    )
    assert {
        "add_responsibilityzone",
        "change_responsibilityzone",
        "delete_responsibilityzone",
        "view_responsibilityzone",
        "view_zonehistory",
    } <= codenames


@pytest.mark.parametrize(
    ("params", "code", "field"),
    [
        # The first bad value in the order status, department, at, category, bbox.
        ({"bbox": "1", "department": "nope", "status": "gone"}, "bad_status", "status"),
        ({"at": "soon", "department": "nope"}, "unknown_department", "department"),
        ({"category": "NOPE", "at": "soon"}, "bad_datetime", "at"),
        ({"bbox": "1", "category": "NOPE"}, "unknown_category", "category"),
        ({"status": " draft"}, "bad_status", "status"),
    ],
)
def test_the_first_bad_list_filter_answers(client, params, code, field):
    """Several bad values: the one checked first is the error, as a bilingual 400."""
    response = client.get(ZONES, params)
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["field"]) == (code, field)
    assert set(body["messages"]) == {"vi", "en"}


def test_status_and_moment_choose_the_zones_together(client, officer):
    """status=draft lists the drafts whatever 'at' says; 'at' alone means the
    published zones in force then; blank values are the default list."""
    draft = create_draft(client)

    def ids(**params):
        response = client.get(ZONES, params)
        assert response.status_code == 200, response.json()
        return [f["id"] for f in response.json()["features"]]

    assert ids(status="draft", at="2022-05-01") == [draft["id"]]
    assert draft["id"] not in ids(at="2022-05-01")
    assert ids(status="published", at="2022-05-01") == ids(at="2022-05-01")
    assert ids(status="", at="", category="", bbox="") == ids()
    assert draft["id"] in ids()
