"""Staff user names stay with the admins: public surfaces (zone history, tracking,
Open311) never show one, other staff see the role instead, admins see both."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from routing import workflow
from routing.models import ResponsibilityZone, StaffProfile, ZoneHistory
from routing.reports import roles
from tests.factories import report_create

pytestmark = pytest.mark.django_db

NAME = "nguyenvana.ioc"
ROUTER = "tranthib.dieuphoi"


def staff(username: str, role: str):
    user = get_user_model().objects.create_user(username=username, is_staff=True)
    StaffProfile.objects.create(user=user, role=role)
    return user


@pytest.fixture
def admin():
    return get_user_model().objects.create_superuser("quantri", password=None)


@pytest.fixture
def acted():
    """A report an operator moved on with a public note and an internal one."""
    ioc = staff(NAME, roles.IOC_OPERATOR)
    report = report_create(category="VSMT")
    workflow.report_transition(
        report=report, to_status="in_progress", actor=ioc, note="Đang xử lý."
    )
    workflow.report_comment(report=report, actor=ioc, note="Đã gọi.", public=True)
    workflow.report_comment(report=report, actor=ioc, note="Nội bộ.", public=False)
    return report


def test_public_surfaces_never_show_a_user_name(client, acted):
    code = acted.tracking_code
    for url in (
        f"/api/v1/reports/track/{code}",
        f"/r/{code}",
        f"/open311/v2/requests/{code}.json",
        "/open311/v2/requests.json",
        f"/open311/v2/servicerequestupdates.json?service_request_id={code}",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert NAME not in response.content.decode(), url


def test_zone_history_names_the_role_except_for_admins(client, admin):
    """Zone history is public to read: anonymous readers and routing officers get
    the role; an admin gets the user name with it."""
    router = staff(ROUTER, roles.ROUTING_OFFICER)
    zone = ResponsibilityZone.objects.order_by("pk").first()
    ZoneHistory.objects.create(
        zone=zone, zone_name=zone.name, action=ZoneHistory.Action.UPDATED, actor=router
    )
    url = f"/api/v1/zones/{zone.pk}/history"
    label = "Cán bộ điều phối vùng (routing officer)"

    for viewer in (None, router):
        if viewer:
            client.force_login(viewer)
        actors = [row["actor"] for row in client.get(url).json()]
        assert actors[0] == label
        assert ROUTER not in client.get(url).content.decode()
    client.force_login(admin)
    assert client.get(url).json()[0]["actor"] == f"{ROUTER} · {label}"


def test_staff_see_the_role_and_admins_the_user_name(client, acted, admin):
    """Another operator reading the events and the report page sees the role; an
    admin sees the user name too."""
    code = acted.tracking_code
    colleague = staff("dongnghiep", roles.IOC_OPERATOR)
    client.force_login(colleague)
    events = client.get(f"/api/v1/reports/{code}/events").json()
    assert {e["actor"] for e in events if e["kind"] == "comment"} == {
        "Điều phối viên IOC (operations-centre operator)"
    }
    for url in (
        f"/api/v1/reports/{code}",
        f"/api/v1/reports/{code}/events",
        f"/ops/r/{code}",
    ):
        assert NAME not in client.get(url).content.decode(), url

    client.force_login(admin)
    events = client.get(f"/api/v1/reports/{code}/events").json()
    assert any(e["actor"].startswith(f"{NAME} · ") for e in events)
    assert NAME in client.get(f"/ops/r/{code}").content.decode()
