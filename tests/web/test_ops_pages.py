"""The officers' pages as HTML (Django's test client): who may open them, which
reports each role sees, the queue's order and filters, dates in Hà Nội time, the
report page's routing reasons and actions, and personal data kept from the officers
who may not see it."""

from __future__ import annotations

import datetime as dt
import json
import re
from itertools import count
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from routing.models import Department, Report, StaffProfile
from routing.reports import lifecycle, roles
from routing.workflow import report_move_pin, report_transition
from tests.factories import report_create
from tests.points import DONG_PHU

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
DONG_THUAN = (106.5894, 17.4954)
ENVIRONMENT = "qb-moitruong"  # collects waste (VSMT) in both wards
_names = count()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def staff(role: str, *, department: str | None = None, unit_code: str = ""):
    user = get_user_model().objects.create_user(
        username=f"ops-{role}-{next(_names)}", password="x"
    )
    if role == "admin":
        user.is_superuser = True
        user.save()
        return user
    StaffProfile.objects.create(
        user=user,
        role=role,
        department=Department.objects.get(code=department) if department else None,
        unit_code=unit_code,
    )
    return user


def submit(
    point=DONG_PHU,
    category: str = "VSMT",
    description: str = "Rác tồn đọng ở chợ.",
    **fields,
) -> Report:
    fields.setdefault("reporter_name", "Nguyễn Văn An")
    fields.setdefault("reporter_phone", f"09123456{next(_names) % 100:02d}")
    return report_create(
        lon=point[0], lat=point[1], category=category, description=description, **fields
    )


def set_due(report: Report, delta: dt.timedelta) -> Report:
    Report.objects.filter(pk=report.pk).update(due_at=timezone.now() + delta)
    report.refresh_from_db()
    return report


def codes(response) -> list[str]:
    """The tracking codes of the queue's rows, in order."""
    return re.findall(r'<tr class="ops-row[^"]*" data-code="([^"]+)"', response.text)


@pytest.fixture
def ioc(client):
    user = staff(roles.IOC_OPERATOR)
    client.force_login(user)
    return user


# Who may open the pages ------------------------------------------------------------


def test_anonymous_goes_to_sign_in(client):
    """Anonymous visitors are sent to the sign-in page, then back."""
    report = submit()
    for url in ("/ops/", f"/ops/r/{report.tracking_code}"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/ops/login?next=/ops/")


@pytest.mark.parametrize("role", [roles.PLANNER, roles.ROUTING_OFFICER])
def test_roles_without_reports_are_refused_in_vietnamese(client, role):
    """Planners and routing officers get a 403 page that says why, in Vietnamese,
    for the queue and for a report."""
    report = submit()
    client.force_login(staff(role))
    for url in ("/ops/", f"/ops/r/{report.tracking_code}"):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 403
        assert response["Content-Language"] == "vi"
        assert "Không được phép" in response.text
        assert "Hàng đợi phản ánh dành cho điều phối viên IOC" in response.text
        assert report.description not in response.text


def test_user_without_role_is_refused(client):
    report = submit()
    client.force_login(get_user_model().objects.create_user(username="nobody"))
    assert client.get("/ops/").status_code == 403
    assert client.get(f"/ops/r/{report.tracking_code}").status_code == 403


# Scope -------------------------------------------------------------------------------


def test_each_role_sees_its_reports(client):
    """The operations centre and admins see every report; a department officer only
    their department's; a unit officer only their ward's."""
    waste = submit(DONG_PHU, "VSMT")  # environment company, Phường Đồng Hới
    order = submit(DONG_THUAN, "TTDT")  # Đồng Thuận's People's Committee
    both = {waste.tracking_code, order.tracking_code}
    for role in (roles.IOC_OPERATOR, "admin"):
        client.force_login(staff(role))
        assert set(codes(client.get("/ops/"))) == both
    client.force_login(staff(roles.DEPARTMENT_OFFICER, department=ENVIRONMENT))
    assert codes(client.get("/ops/")) == [waste.tracking_code]
    client.force_login(staff(roles.UNIT_OFFICER, unit_code=order.unit.code))
    assert codes(client.get("/ops/")) == [order.tracking_code]


def test_report_outside_scope_is_not_found(client):
    """Another department's report is a 404 page, as in the API, so codes cannot
    be probed; the header still offers the queue."""
    order = submit(DONG_THUAN, "TTDT")
    client.force_login(staff(roles.DEPARTMENT_OFFICER, department=ENVIRONMENT))
    response = client.get(f"/ops/r/{order.tracking_code}")
    assert response.status_code == 404
    assert "Không tìm thấy phản ánh" in response.text
    assert order.description not in response.text
    assert client.get("/ops/r/HT-ZZZZ-ZZZZ").status_code == 404


# Order, filters, pages -----------------------------------------------------------------


def test_overdue_first_then_by_deadline(client, ioc):
    """Open reports past their deadline come first, then the others by deadline,
    nearest first; resolved ones only with "all statuses", after the open ones."""
    later = set_due(submit(), dt.timedelta(days=3))
    overdue = set_due(submit(), dt.timedelta(hours=-2))
    sooner = set_due(submit(), dt.timedelta(hours=5))
    older_overdue = set_due(submit(), dt.timedelta(days=-1))
    done = submit()
    report_transition(report=done, to_status="in_progress", actor=ioc)
    report_transition(report=done, to_status="resolved", actor=ioc, note="Đã dọn.")
    set_due(done, dt.timedelta(days=-5))  # past, but no longer open

    response = client.get("/ops/")
    assert codes(response) == [
        older_overdue.tracking_code,
        overdue.tracking_code,
        sooner.tracking_code,
        later.tracking_code,
    ]
    assert response.text.count('class="badge badge-overdue"') == 2
    assert "2 quá hạn" in response.text
    everything = codes(client.get("/ops/", {"status": "all"}))
    assert everything[-1] == done.tracking_code
    assert codes(client.get("/ops/", {"status": "resolved"})) == [done.tracking_code]


def test_near_deadline_badge(client, ioc):
    """A report past SLA_DUE_SOON_SHARE of its allowed time is marked "due soon";
    one just received is not."""
    soon = submit()
    fresh = set_due(submit(), dt.timedelta(days=2))
    now = timezone.now()
    Report.objects.filter(pk=soon.pk).update(
        reported_at=now - dt.timedelta(hours=10), due_at=now + dt.timedelta(hours=1)
    )
    html = client.get("/ops/").text
    rows = dict(re.findall(r'data-code="([^"]+)">(.*?)</tr>', html, re.S))
    assert "Sắp đến hạn" in rows[soon.tracking_code]
    assert "Sắp đến hạn" not in rows[fresh.tracking_code]
    assert "Quá hạn" not in rows[fresh.tracking_code]


def test_queue_queries_do_not_grow_with_rows(
    client, ioc, django_assert_max_num_queries
):
    """A full page costs the same few queries as a short one (no query per row)."""
    for _ in range(3):
        submit(anonymous=True, reporter_name="", reporter_phone="")
    with django_assert_max_num_queries(14) as few:
        client.get("/ops/")
    for _ in range(25):
        submit(anonymous=True, reporter_name="", reporter_phone="")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/ops/")


def test_dates_in_ho_chi_minh_time(client, ioc):
    """Received and deadline read dd/mm/yyyy HH:mm in Asia/Ho_Chi_Minh."""
    report = submit()
    received = dt.datetime(2026, 11, 20, 23, 30, tzinfo=dt.UTC)  # 06:30 on the 21st
    due = dt.datetime(2026, 12, 1, 10, 0, tzinfo=HCM)
    Report.objects.filter(pk=report.pk).update(reported_at=received, due_at=due)
    html = client.get("/ops/").text
    assert "21/11/2026 06:30" in html
    assert "01/12/2026 10:00" in html


def test_filters(client, ioc):
    """Status, category, unit, department, overdue only and the free-text search
    (tracking code as typed, or words of the description) narrow the queue."""
    waste = submit(DONG_PHU, "VSMT", description="Rác tồn đọng ở chợ Đồng Hới.")
    order = submit(DONG_THUAN, "TTDT", description="Lấn chiếm vỉa hè.")
    late = set_due(
        submit(DONG_THUAN, "VSMT", description="Xác động vật."), -dt.timedelta(hours=1)
    )
    choices = client.get("/ops/").text
    assert choices.count(f'<option value="{order.unit.code}">') == 1  # the units
    assert f'<option value="{waste.unit.code}">Phường Đồng Hới</option>' in choices
    assert codes(client.get("/ops/", {"category": "TTDT"})) == [order.tracking_code]
    assert set(codes(client.get("/ops/", {"unit": order.unit.code}))) == {
        order.tracking_code,
        late.tracking_code,
    }
    assert set(codes(client.get("/ops/", {"department": ENVIRONMENT}))) == {
        waste.tracking_code,
        late.tracking_code,
    }
    assert codes(client.get("/ops/", {"overdue": "1"})) == [late.tracking_code]
    assert codes(client.get("/ops/", {"q": "vỉa hè"})) == [order.tracking_code]
    typed = waste.tracking_code.replace("-", "").lower()  # "ht7k3qx9mb"
    assert codes(client.get("/ops/", {"q": typed})) == [waste.tracking_code]
    assert codes(client.get("/ops/", {"q": waste.tracking_code[-4:]})) == [
        waste.tracking_code
    ]
    assert codes(client.get("/ops/", {"status": "closed"})) == []
    empty = client.get("/ops/", {"category": "NOPE", "status": "bogus"})
    assert empty.status_code == 200
    assert codes(empty) == []
    assert 'id="queue-empty"' in empty.text


def test_department_filter_only_for_the_operations_centre(client):
    """A department officer has no department filter, and naming another
    department in the URL does not widen their scope."""
    waste = submit(DONG_PHU, "VSMT")
    submit(DONG_THUAN, "TTDT")
    client.force_login(staff(roles.DEPARTMENT_OFFICER, department=ENVIRONMENT))
    response = client.get("/ops/", {"department": "ubnd-18859-phuong-dong-thuan"})
    assert 'name="department"' not in response.text
    assert codes(response) == [waste.tracking_code]


def test_pages(client, ioc):
    """25 reports a page, with links that keep the filters."""
    for _ in range(27):
        submit(anonymous=True, reporter_name="", reporter_phone="")
    first = client.get("/ops/", {"category": "VSMT"})
    assert len(codes(first)) == 25
    assert "category=VSMT&amp;page=2" in first.text
    second = client.get("/ops/", {"category": "VSMT", "page": 2})
    assert len(codes(second)) == 2
    assert not set(codes(first)) & set(codes(second))


def test_row_shows_category_style_and_names(client, ioc):
    """A row names the category with its group colour and icon, the status, the
    ward and the department, in Vietnamese."""
    submit(DONG_PHU, "VSMT")
    html = client.get("/ops/").text
    assert "Vệ sinh môi trường" in html
    assert "--group: #166534" in html  # the environment group's colour
    assert "Đã chuyển xử lý" in html
    assert "Phường Đồng Hới" in html
    assert "Công ty Cổ phần Môi trường và Phát triển đô thị Quảng Bình" in html


# The report page ----------------------------------------------------------------------


def test_report_page_for_the_operations_centre(client, ioc):
    """The operator sees the routing reasons (rule, zone, boundary version, distance
    to the edge), the reporter's contact, the steps open to their role and the
    routing actions; the map configuration carries the pin and the unit outline."""
    report = submit(DONG_PHU, "VSMT", reporter_phone="0912345678")
    response = client.get(f"/ops/r/{report.tracking_code}")
    html = response.text
    assert response.status_code == 200
    assert "Vùng trách nhiệm" in html
    assert "Thu gom rác, cây xanh khu vực Đồng Hới" in html
    assert "qt-2025" in html
    assert re.search(r"1[\s.,]?3\d\d m", html)  # ~1,325 m to the nearest edge
    assert "+84912345678" in html or "0912345678" in html
    targets = re.findall(r'data-to="([a-z_]+)"', html)
    # Every step the table gives the operator, the step forward first.
    assert targets == ["in_progress", "duplicate", "rejected"]
    assert set(targets) == set(lifecycle.next_statuses("assigned", roles.IOC_OPERATOR))
    assert 'id="reassign-form"' in html
    # Committees of today's wards, not of the rosters the 2025 reform replaced.
    assert 'value="ubnd-18859-phuong-dong-thuan"' in html
    assert 'value="ubnd-18856-phuong-dong-phu"' not in html
    assert 'value="dh-qldt"' in html
    assert f'value="{ENVIRONMENT}"' not in html  # it has the report already
    assert 'id="category-form"' in html
    config = json.loads(
        re.search(
            r'<script id="page-config" type="application/json">(.*?)</script>',
            html,
            re.S,
        )[1]
    )
    assert config["may_move"] is True
    assert config["map"]["pin"] == [
        pytest.approx(DONG_PHU[1]),
        pytest.approx(DONG_PHU[0]),
    ]
    assert config["unit_outline"]["type"] in {"Polygon", "MultiPolygon"}
    assert config["zone_outline"]["type"] in {"Polygon", "MultiPolygon"}


def test_report_page_for_a_department_officer(client):
    """The department officer may start handling and note, but not route by hand;
    an anonymous citizen's contact stays hidden from them."""
    report = submit(
        DONG_PHU,
        "VSMT",
        anonymous=True,
        reporter_name="Trần Thị Bình",
        reporter_phone="0987654321",
    )
    client.force_login(staff(roles.DEPARTMENT_OFFICER, department=ENVIRONMENT))
    html = client.get(f"/ops/r/{report.tracking_code}").text
    assert "Trần Thị Bình" not in html
    assert "987654321" not in html
    assert 'id="reporter-hidden"' in html
    assert re.findall(r'data-to="([a-z_]+)"', html) == ["in_progress", "duplicate"]
    assert 'id="comment-form"' in html
    assert 'id="reassign-form"' not in html
    assert '"may_move": false' in html


def test_named_reporter_visible_to_the_officer_in_charge(client):
    """A citizen who gave their name is visible to the officer handling it."""
    report = submit(DONG_PHU, "VSMT", reporter_name="Lê Văn Cường")
    client.force_login(staff(roles.DEPARTMENT_OFFICER, department=ENVIRONMENT))
    assert "Lê Văn Cường" in client.get(f"/ops/r/{report.tracking_code}").text


def test_unit_officer_reads_and_notes_only(client):
    """A ward officer sees their ward's report, may add notes, changes no status."""
    report = submit(DONG_PHU, "VSMT")
    client.force_login(staff(roles.UNIT_OFFICER, unit_code=report.unit.code))
    html = client.get(f"/ops/r/{report.tracking_code}").text
    assert "data-to=" not in html
    assert 'id="comment-form"' in html


def test_timeline_holds_internal_events(client, ioc):
    """The timeline shows internal notes (marked internal) and status changes with
    who made them."""
    report = submit()
    client.post(
        f"/api/v1/reports/{report.tracking_code}/comments",
        {"note": "Đã gọi điện cho đội thu gom.", "public": False},
        content_type="application/json",
    )
    html = client.get(f"/ops/r/{report.tracking_code}").text
    assert "Đã gọi điện cho đội thu gom." in html
    assert 'class="badge badge-internal"' in html
    assert ioc.username in html


def test_typed_code_redirects_to_its_page(client, ioc):
    report = submit()
    typed = report.tracking_code.replace("-", " ").lower()
    response = client.get(f"/ops/r/{typed}")
    assert response.status_code == 302
    assert response["Location"] == f"/ops/r/{report.tracking_code}"


def test_english_when_chosen(client, ioc):
    """With English chosen, the page and the routing reason are English."""
    report = submit()
    client.cookies["django_language"] = "en"
    html = client.get(f"/ops/r/{report.tracking_code}").text
    assert '<html lang="en">' in html
    assert "Why it went here" in html
    assert "Responsibility zone" in html


def test_moved_pin_event_reads_in_the_pages_language(client, ioc):
    """A moved pin's event keeps the Vietnamese reason as its note; the English page
    shows the English reason of the assignment the move made."""
    report = submit()
    report_move_pin(report=report, lon=106.5894, lat=17.4954, actor=ioc)
    assignment = report.assignments.get(is_current=True)
    vietnamese = client.get(f"/ops/r/{report.tracking_code}").text
    assert assignment.reason_vi.split(";")[0] in vietnamese
    client.cookies["django_language"] = "en"
    english = client.get(f"/ops/r/{report.tracking_code}").text
    assert assignment.reason_en.split(";")[0] in english
    assert assignment.reason_vi.split(";")[0] not in english
