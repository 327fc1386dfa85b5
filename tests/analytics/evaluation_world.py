"""A small world with known answers for the evaluation report's tests: 13 reports
in two units over Q4 2025 and Q1 2026 (local days), made through the real intake
and workflow services, then dated with ``report_force``.

Q1 2026 (the period), in Phường Đồng Hới (DONG_PHU) unless said:
  a1 web     closed, resolved 10 h, due 48 h (on time), satisfied; 2 IOC comments
  a2 hotline resolved 72 h, due 48 h (late), dissatisfied; 1 IOC status event
  a3 web     closed 20 h, due 48 h (on time), not rated (auto-closed)
  a4 app     reopened once, not resolved now (Đồng Thuận)
  a5 web     resolved 30 h, due 24 h (late), acceptable (Đồng Thuận); its first
             assignment lay near an edge and the IOC reassigned it by hand
  a6 hotline in progress, reported in Đồng Hới, pin moved by the IOC to Đồng
             Thuận (a correction changing the unit)
  a7 web     duplicate (left out)
  a8 web     received, 31/03/2026 23:30 local (in); a9 01/04/2026 00:10 (out)
Q4 2025 (the comparison): b1 web closed 5 h on time satisfied; b2 hotline
resolved 40 h on time satisfied (Đồng Thuận); b3 web received (Đồng Thuận).
Before both: c1 (01/09/2025).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.contrib.auth import get_user_model

from routing.models import Assignment, Department, Report, ReportEvent, StaffProfile
from routing.workflow import report_comment, report_move_pin, report_reassign
from tests.factories import report_create, report_force
from tests.points import DONG_PHU

DONG_THUAN = (106.5894, 17.4954)
LOCAL = dt.timezone(dt.timedelta(hours=7))
H = dt.timedelta(hours=1)


def staff(role: str):
    user = get_user_model().objects.create_user(
        username=f"{role}-{uuid.uuid4().hex[:8]}"
    )
    StaffProfile.objects.create(user=user, role=role)
    return user


@dataclass
class World:
    reports: dict[str, Report]
    ioc: object


def _make(at: dt.datetime, channel: str, where=DONG_PHU) -> Report:
    report = report_create(lon=where[0], lat=where[1], reported_at=at, channel=channel)
    Assignment.objects.filter(report=report).update(
        near_edge=False, outside_unit_m=None
    )
    return report


def world_make() -> World:
    ioc, admin = staff("ioc_operator"), staff("admin")
    t = dt.datetime(2026, 1, 10, 9, 0, tzinfo=LOCAL)
    r: dict[str, Report] = {}
    r["a1"] = _make(t, "web")
    r["a2"] = _make(t + 24 * H, "hotline")
    r["a3"] = _make(t + 48 * H, "web")
    r["a4"] = _make(t + 72 * H, "app", DONG_THUAN)
    r["a5"] = _make(t + 96 * H, "web", DONG_THUAN)
    r["a6"] = _make(t + 120 * H, "hotline")
    r["a7"] = _make(t + 144 * H, "web")
    r["a8"] = _make(dt.datetime(2026, 3, 31, 23, 30, tzinfo=LOCAL), "web")
    r["a9"] = _make(dt.datetime(2026, 4, 1, 0, 10, tzinfo=LOCAL), "web")
    u = dt.datetime(2025, 11, 5, 8, 0, tzinfo=LOCAL)
    r["b1"] = _make(u, "web")
    r["b2"] = _make(u + 24 * H, "hotline", DONG_THUAN)
    r["b3"] = _make(u + 48 * H, "web", DONG_THUAN)
    r["c1"] = _make(dt.datetime(2025, 9, 1, 8, 0, tzinfo=LOCAL), "web")

    # Staff work while the reports are open.
    report_comment(report=r["a1"], actor=ioc, note="Đã gọi lại", public=False)
    report_comment(report=r["a1"], actor=ioc, note="Đã kiểm tra", public=True)
    report_comment(report=r["a1"], actor=admin, note="Admin ghi chú", public=False)
    Assignment.objects.filter(report=r["a5"]).update(near_edge=True)
    other = Department.objects.filter(active=True).exclude(pk=r["a5"].department_id)
    report_reassign(
        report=r["a5"], actor=ioc, department=other.order_by("id").first(), note="Sai"
    )
    report_move_pin(report=r["a6"], actor=ioc, lon=DONG_THUAN[0], lat=DONG_THUAN[1])
    ReportEvent.objects.create(
        report=r["a2"],
        kind="status",
        actor=ioc,
        actor_role="ioc_operator",
        from_status="assigned",
        to_status="in_progress",
        public=False,
    )
    # Filed at the desk by the IOC: not a routing touch.
    ReportEvent.objects.create(
        report=r["a3"], kind="submitted", actor=ioc, actor_role="ioc_operator"
    )

    def done(key: str, hours: float, due: float, status: str, rating: str = "") -> None:
        at = r[key].reported_at
        report_force(
            r[key],
            status=status,
            resolved_at=at + hours * H,
            due_at=at + due * H,
            rating=rating,
        )

    done("a1", 10, 48, "closed", "satisfied")
    done("a2", 72, 48, "resolved", "dissatisfied")
    done("a3", 20, 48, "closed")
    report_force(r["a4"], status="reopened", reopen_count=1, resolved_at=None)
    done("a5", 30, 24, "resolved", "acceptable")
    report_force(r["a6"], status="in_progress")
    report_force(r["a7"], status="duplicate", duplicate_of=r["a1"])
    done("b1", 5, 48, "closed", "satisfied")
    done("b2", 40, 48, "resolved", "satisfied")
    for key in r:
        r[key].refresh_from_db()
    return World(r, ioc)
