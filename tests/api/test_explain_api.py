"""The explain API: which department a report would go to, by which rule, and why."""

import pytest

from tests.points import DONG_PHU

pytestmark = pytest.mark.django_db

EXPLAIN = "/api/v1/routing/explain"
# At sea off Bảo Ninh: 1.6 km from the shore (within the tolerance) and 30 km out.
NEAR_SHORE = (106.66, 17.47)
FAR_OUT = (106.94, 17.47)


def explain(api, point=DONG_PHU, headers=None, **params):
    return api.get(
        EXPLAIN, {"lon": point[0], "lat": point[1], **params}, **(headers or {})
    )


@pytest.mark.parametrize(
    ("category", "at", "rule", "department", "unit", "boundary_set"),
    [
        ("VSMT", "2022-05-01", "zone", "qb-moitruong", "18856", "qb-2020"),
        (
            "VSMT",
            "2026-03-01T09:00:00+07:00",
            "zone",
            "qb-moitruong",
            "18880",
            "qt-2025",
        ),
        (
            "TTDT",
            "2022-05-01",
            "unit_default",
            "ubnd-18856-phuong-dong-phu",
            "18856",
            "qb-2020",
        ),
        (
            "TTDT",
            "2026-03-01",
            "unit_default",
            "ubnd-18880-phuong-dong-hoi",
            "18880",
            "qt-2025",
        ),
    ],
)
def test_explain_at_dong_phu_before_and_after_the_reform(
    api, category, at, rule, department, unit, boundary_set
):
    """Waste goes to the environment company's zone, urban order to the ward's People's
    Committee of the boundary set in force on the day."""
    response = explain(api, category=category, at=at)
    assert response.status_code == 200
    body = response.json()
    assert body["rule"] == rule
    assert body["department"]["code"] == department
    assert body["department"]["name_vi"]
    assert body["department"]["name_en"]
    assert body["unit"]["code"] == unit
    assert body["unit"]["boundary_set"] == boundary_set
    assert body["unit"]["level"] == "ward"
    assert body["matched"] == "covers"
    assert body["outside_m"] == 0
    assert body["category"]["code"] == category
    assert body["at"].startswith(at[:10])
    assert body["reason_vi"]
    assert body["reason_en"]
    if rule == "zone":
        assert body["zone"]["id"]
        assert body["zone"]["name"].startswith("Thu gom rác")
        assert body["candidates"][0]["zone"] == body["zone"]["id"]
        assert body["candidates"][0]["chosen"] is True
    else:
        assert body["zone"] is None
        assert body["candidates"] == []


def test_explain_defaults_to_now_and_follows_the_language(api):
    """Without 'at' the zones in force now apply; 'reason' is in the request language."""
    body = explain(api, category="vsmt", headers={"HTTP_ACCEPT_LANGUAGE": "en"}).json()
    assert body["unit"]["boundary_set"] == "qt-2025"
    assert body["category"]["code"] == "VSMT"
    assert body["reason"] == body["reason_en"]


def test_explain_an_unencoded_plus_in_the_offset_is_read_as_plus(api):
    """'…T09:00:00 07:00' (a '+' decoded as a space) is the +07:00 offset."""
    body = explain(api, category="VSMT", at="2022-05-01T09:00:00 07:00").json()
    assert body["at"] == "2022-05-01T09:00:00+07:00"


def test_explain_at_sea_near_the_shore_takes_the_nearest_unit(api):
    """1.6 km off the Bảo Ninh shore the nearest unit is matched and the distance said."""
    response = explain(api, point=NEAR_SHORE, category="TTDT", at="2026-03-01")
    assert response.status_code == 200
    body = response.json()
    assert body["matched"] == "nearest"
    assert 1000 < body["outside_m"] < 2000
    assert body["rule"] == "unit_default"
    assert "nearest unit" in body["reason_en"]


@pytest.mark.parametrize(
    ("params", "status", "code", "field"),
    [
        ({"category": "NOPE"}, 400, "unknown_category", "category"),
        ({"category": ""}, 400, "missing", "category"),
        ({"category": "VSMT", "at": "yesterday"}, 400, "bad_datetime", "at"),
        ({"category": "VSMT", "at": "2026-02-30"}, 400, "bad_datetime", "at"),
        ({"category": "VSMT", "lon": "x"}, 400, "not_a_number", "lon"),
        (
            {"category": "VSMT", "lon": DONG_PHU[1], "lat": DONG_PHU[0]},
            400,
            "swapped",
            "lat",
        ),
        (
            {"category": "VSMT", "lon": FAR_OUT[0], "lat": FAR_OUT[1]},
            404,
            "outside_all_units",
            "lon",
        ),
        ({"category": "VSMT", "at": "2005-01-01"}, 404, "no_boundary_set", "at"),
    ],
)
def test_bad_explain_requests_get_a_bilingual_4xx(api, params, status, code, field):
    """Bad input, a point 30 km out at sea or a date before every set is a 4xx with
    both languages, never a 500."""
    response = explain(api, **params)
    assert response.status_code == status
    body = response.json()
    assert body["code"] == code
    assert body["messages"]["vi"]
    assert body["messages"]["en"]
    assert body.get("field") == field


def test_an_inactive_category_is_refused(api):
    """A category no longer in use is a 400 naming it."""
    from routing.models import Category

    Category.objects.filter(code="TTDT").update(active=False)
    response = explain(api, category="TTDT")
    assert response.status_code == 400
    assert response.json()["code"] == "inactive_category"
