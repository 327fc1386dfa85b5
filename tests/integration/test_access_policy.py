"""The access policy (``routing.reports.access``) as one table: for every role, the
staff API, the officers' queue, zone editing, analytics, the department filter, and
the reporter identity of a named and an anonymous report inside and outside the
user's scope."""

from __future__ import annotations

import io
from itertools import count

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from PIL import Image

from routing.intake.photos import CheckedPhoto, photos_check
from routing.models import Department, Report, StaffProfile
from routing.reports import access
from routing.reports.roles import ROUTING_OFFICER_GROUP, Role
from tests.factories import report_create
from tests.points import DONG_PHU

pytestmark = pytest.mark.django_db

DONG_THUAN = (106.5894, 17.4954)
ENVIRONMENT = "qb-moitruong"  # collects waste (VSMT) in both wards
OTHER_DEPARTMENT = "dh-qldt"
_names = count()

# Reports: a named and an anonymous one in Đồng Phú ("here"), and the same pair in
# Đồng Thuận ("there"); all four are the environment company's.
REPORTS = ("named_here", "anonymous_here", "named_there", "anonymous_there")
ALL, NONE = set(REPORTS), set()
NAMED_HERE = {"named_here"}
NAMED = {"named_here", "named_there"}

# actor: (staff API, queue, zones, analytics, department filter, identities seen)
POLICY = {
    "anonymous visitor": (False, False, False, False, False, NONE),
    "user without a role": (False, False, False, False, False, NONE),
    "user in the group without a role": (False, False, False, False, False, NONE),
    "operations-centre operator": (True, True, False, True, True, ALL),
    "officer of the department": (True, True, False, False, False, NAMED),
    "officer of another department": (True, True, False, False, False, NONE),
    "officer of the unit": (True, True, False, False, False, NAMED_HERE),
    "routing officer": (True, False, True, False, False, NONE),
    "planner": (True, False, False, True, False, NONE),
    "admin by role": (True, True, True, True, True, ALL),
    "superuser": (True, True, True, True, True, ALL),
    "deactivated operator": (False, False, False, False, False, NONE),
    "deactivated routing officer": (False, False, False, False, False, NONE),
}


# The reports each actor sees (anyone not named here: none).
VISIBLE = {
    "officer of the department": ALL,
    "officer of the unit": {"named_here", "anonymous_here"},
    "operations-centre operator": ALL,
    "admin by role": ALL,
    "superuser": ALL,
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def submit(point: tuple[float, float], *, anonymous: bool) -> Report:
    return report_create(
        lon=point[0],
        lat=point[1],
        category="VSMT",
        description="Rác tồn đọng.",
        anonymous=anonymous,
        reporter_name="" if anonymous else "Nguyễn Văn An",
        reporter_phone="" if anonymous else f"09123457{next(_names) % 100:02d}",
        photos=_photo(),
    )


def _photo() -> tuple[CheckedPhoto, ...]:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 30)).save(out, "JPEG")
    return tuple(photos_check([("cho.jpg", out.getvalue())]))


@pytest.fixture
def reports() -> dict[str, Report]:
    return {
        "named_here": submit(DONG_PHU, anonymous=False),
        "anonymous_here": submit(DONG_PHU, anonymous=True),
        "named_there": submit(DONG_THUAN, anonymous=False),
        "anonymous_there": submit(DONG_THUAN, anonymous=True),
    }


def user_with(role: str | None = None, *, active: bool = True, **profile):
    user = get_user_model().objects.create_user(
        f"policy-{next(_names)}", is_staff=True, is_active=active
    )
    if role:
        StaffProfile.objects.create(user=user, role=role, **profile)
    return user


def actor(name: str, reports: dict[str, Report]):
    department = Department.objects.get(code=ENVIRONMENT)
    assert reports["named_here"].department == department
    here = reports["named_here"].unit.code
    assert reports["named_there"].unit.code != here
    if name == "anonymous visitor":
        return AnonymousUser()
    if name == "user in the group without a role":
        user = user_with()
        user.groups.add(user.groups.model.objects.get(name=ROUTING_OFFICER_GROUP))
        return user
    if name == "superuser":
        return get_user_model().objects.create_superuser(f"root-{next(_names)}")
    other = Department.objects.get(code=OTHER_DEPARTMENT)
    return {
        "user without a role": lambda: user_with(),
        "operations-centre operator": lambda: user_with(Role.IOC_OPERATOR),
        "officer of the department": lambda: user_with(
            Role.DEPARTMENT_OFFICER, department=department
        ),
        "officer of another department": lambda: user_with(
            Role.DEPARTMENT_OFFICER, department=other
        ),
        "officer of the unit": lambda: user_with(Role.UNIT_OFFICER, unit_code=here),
        "routing officer": lambda: user_with(Role.ROUTING_OFFICER),
        "planner": lambda: user_with(Role.PLANNER),
        "admin by role": lambda: user_with(Role.ADMIN),
        "deactivated operator": lambda: user_with(Role.IOC_OPERATOR, active=False),
        "deactivated routing officer": lambda: user_with(
            Role.ROUTING_OFFICER, active=False
        ),
    }[name]()


@pytest.mark.parametrize("name", POLICY)
def test_the_policy_table(name, reports, django_assert_max_num_queries):
    """Each actor may do what its row says and sees the reporters its row names;
    the one-query rule for a page of reports agrees with the rule for one."""
    user = actor(name, reports)
    staff, queue, zones, analytics, department_filter, identities = POLICY[name]
    assert access.acts_as_staff(user) is staff
    assert access.may_work_queue(user) is queue
    assert access.may_edit_zones(user) is zones
    assert access.may_read_analytics(user) is analytics
    assert access.may_filter_department(user) is department_filter
    seen = {key for key, r in reports.items() if access.sees_personal_data(user, r)}
    assert seen == identities
    with django_assert_max_num_queries(1):
        ids = access.personal_data_ids(user=user, reports=reports.values())
    assert ids == {reports[key].pk for key in identities}


@pytest.mark.parametrize("name", POLICY)
def test_the_reports_each_actor_sees(name, reports):
    """Officers see their department's or unit's reports, anonymous or not; the
    operations centre and admins all; everyone else none. The identities one sees
    are always among the reports one sees."""
    user = actor(name, reports)
    visible = set(
        access.reports_visible_to(user)
        .filter(pk__in=[r.pk for r in reports.values()])
        .values_list("pk", flat=True)
    )
    seen_reports = {key for key, r in reports.items() if r.pk in visible}
    expected = VISIBLE.get(name, NONE)
    assert seen_reports == expected
    assert POLICY[name][-1] <= seen_reports
    for key, report in reports.items():
        assert access.report_in_scope(user, report) is (key in expected)


# --- the same table over HTTP: the report endpoints -------------------------------

REPORTS_URL = "/api/v1/reports/"
REFUSED = (401, 403)


def _shows_personal_data(response, reports: dict[str, Report]) -> bool:
    text = response.content.decode()
    named = [r for r in reports.values() if not r.anonymous]
    return any(r.reporter_name in text or r.reporter_phone in text for r in named)


def _personal_seen(properties: dict) -> bool:
    return properties["reporter"] is not None


@pytest.mark.parametrize("name", POLICY)
def test_the_staff_report_endpoints_for_each_actor(name, reports, client):
    """``GET reports/`` and ``GET reports/<code>``: the staff row of the table
    decides 200 or 401/403; staff get exactly the reports they see (another's is a
    404, as an unknown code) and reporter identity exactly where the table says."""
    user = actor(name, reports)
    if user.is_authenticated:
        client.force_login(user)
    staff, *_, identities = POLICY[name]
    visible = VISIBLE.get(name, NONE)
    listed = client.get(REPORTS_URL, {"page_size": 200})
    if not staff:
        assert listed.status_code in REFUSED
        assert not _shows_personal_data(listed, reports)
    else:
        assert listed.status_code == 200
        by_code = {
            f["properties"]["tracking_code"]: f["properties"]
            for f in listed.json()["features"]
        }
        codes = {key: r.tracking_code for key, r in reports.items()}
        assert {key for key, code in codes.items() if code in by_code} == visible
        seen = {key for key in visible if _personal_seen(by_code[codes[key]])}
        assert seen == identities
    for key, report in reports.items():
        detail = client.get(f"{REPORTS_URL}{report.tracking_code}")
        if not staff:
            assert detail.status_code in REFUSED, key
        elif key in visible:
            assert detail.status_code == 200, key
            properties = detail.json()["properties"]
            assert _personal_seen(properties) is (key in identities), key
        else:
            assert detail.status_code == 404, key
            assert detail.json()["code"] == "report_not_found"
        if staff and key in visible and key in identities:
            continue
        assert not _shows_personal_data(detail, {key: report}), key


@pytest.mark.parametrize("name", POLICY)
def test_the_public_report_endpoints_for_each_actor(name, reports, client):
    """Tracking (by path and by query), the nearby check, the photos and a new
    submission answer everyone the same way and never show a reporter; only staff
    who see a report get its photos' digests and GPS tags."""
    user = actor(name, reports)
    if user.is_authenticated:
        client.force_login(user)
    visible = VISIBLE.get(name, NONE)
    for key, report in reports.items():
        code = report.tracking_code
        for response in (
            client.get(f"{REPORTS_URL}track/{code}"),
            client.get(f"{REPORTS_URL}track", {"code": code}),
        ):
            assert response.status_code == 200, key
            assert not _shows_personal_data(response, reports), key
        photos = client.get(f"{REPORTS_URL}{code}/photos")
        assert photos.status_code == 200, key
        assert not _shows_personal_data(photos, reports), key
        for photo in photos.json()["photos"]:
            assert ("sha256" in photo) is (key in visible), key
    nearby = client.get(
        f"{REPORTS_URL}nearby",
        {"lon": DONG_PHU[0], "lat": DONG_PHU[1], "category": "VSMT"},
    )
    assert nearby.status_code == 200
    assert len(nearby.json()["duplicates"]) == 2
    assert not _shows_personal_data(nearby, reports)
    submitted = client.post(
        REPORTS_URL,
        {
            "lon": DONG_PHU[0],
            "lat": DONG_PHU[1],
            "category": "VSMT",
            "description": "Rác tồn đọng ở ngõ.",
            "reporter_name": "Phạm Thị Dung",
            "reporter_phone": "0987654321",
        },
        content_type="application/json",
    )
    assert submitted.status_code == 201
    text = submitted.content.decode()
    assert "Phạm Thị Dung" not in text
    assert "987654321" not in text


@pytest.mark.parametrize("path", ["track/{code}", "{code}", "{code}/photos"])
def test_a_huge_or_malformed_code_is_a_short_404(path, client):
    """A 10,000-character code is a bilingual 404 that echoes at most 40 of its
    characters, for a staff reader as for the public."""
    client.force_login(get_user_model().objects.create_superuser("root-huge"))
    code = "HT-" + "Z" * 10_000
    response = client.get(REPORTS_URL + path.format(code=code))
    assert response.status_code == 404
    body = response.json()
    assert body["code"] == "report_not_found"
    assert len(body["messages"]["en"]) < 200
