"""The README's access-policy table is the policy's: each cell is computed here by
asking ``routing.reports.access`` about a user of that role and three reports, and
the table between the README's ``access-policy-table`` markers must equal it. When
the policy changes, the failure prints the table to paste."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from routing.models import Department, Report, StaffProfile
from routing.reports import access
from routing.reports.roles import Role
from tests.factories import report_create
from tests.points import DONG_PHU

pytestmark = pytest.mark.django_db

README = Path(settings.BASE_DIR) / "README.md"
MARKERS = ("<!-- access-policy-table -->", "<!-- /access-policy-table -->")
DONG_THUAN = (106.5894, 17.4954)
ENVIRONMENT, OTHER = "qb-moitruong", "dh-qldt"

COLUMNS = (
    "Role",
    "Reports it reads",
    "Reporter identity¹",
    "Queue `/ops/`",
    "Zones `/ops/zones/`",
    "Analytics `/plan/`²",
    "Admin `/admin/`",
)
SCOPES = {
    frozenset("ABC"): "all",
    frozenset("AB"): "its department's",
    frozenset("AC"): "its unit's (GSO code)",
    frozenset(): "none",
}


def _reports() -> dict[str, Report]:
    """A: the environment company's, here; B: the same company's, in another
    unit; C: another department's, here (the category is moved by hand)."""
    a = report_create(
        category="VSMT",
        lon=DONG_PHU[0],
        lat=DONG_PHU[1],
        reporter_name="Nguyễn Văn An",
        reporter_phone="0912345678",
    )
    assert not a.anonymous
    b = report_create(category="VSMT", lon=DONG_THUAN[0], lat=DONG_THUAN[1])
    c = report_create(category="VSMT", lon=DONG_PHU[0], lat=DONG_PHU[1])
    Report.objects.filter(pk=c.pk).update(department=Department.objects.get(code=OTHER))
    assert a.department.code == b.department.code == ENVIRONMENT
    assert a.unit.code != b.unit.code
    return {"A": a, "B": b, "C": Report.objects.get(pk=c.pk)}


def _anonymous_here() -> Report:
    return report_create(category="VSMT", anonymous=True)


def _user(role: str, unit_code: str):
    user = get_user_model().objects.create_user(f"readme-{role}")
    profile = {"role": role}
    if role == Role.DEPARTMENT_OFFICER:
        profile["department"] = Department.objects.get(code=ENVIRONMENT)
    if role == Role.UNIT_OFFICER:
        profile["unit_code"] = unit_code
    StaffProfile.objects.create(user=user, **profile)
    return user


def _identity(user, named: Report, anonymous: Report) -> str:
    seen = (
        access.sees_personal_data(user, named),
        access.sees_personal_data(user, anonymous),
    )
    return {
        (True, True): "every report's",
        (True, False): "named reports it reads",
        (False, False): "none",
    }[seen]


def _admin(user) -> str:
    if not access.may_use_admin(user):
        return "—"
    if access.admin_model_rights(user, "api.apikey") == access.ADMIN_RIGHTS:
        return "everything"
    report = access.admin_model_rights(user, "routing.report")
    assert report == {access.VIEW}
    return "reports, zones, boundaries, read-only"


def _yes(allowed: bool) -> str:
    return "yes" if allowed else "—"


def policy_table() -> str:
    reports = _reports()
    anonymous = _anonymous_here()
    users = [(f"`{role}`", _user(role, reports["A"].unit.code)) for role in Role]
    users.append(("anyone else³", AnonymousUser()))
    lines = [
        "| " + " | ".join(COLUMNS) + " |",
        "|" + "---|" * len(COLUMNS),
    ]
    for name, user in users:
        visible = {key for key, r in reports.items() if access.report_in_scope(user, r)}
        cells = (
            name,
            SCOPES[frozenset(visible)],
            _identity(user, reports["A"], anonymous),
            _yes(access.may_work_queue(user)),
            _yes(access.may_edit_zones(user)),
            _yes(access.may_read_analytics(user)),
            _admin(user),
        )
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def readme_table() -> str:
    text = README.read_text(encoding="utf-8")
    found = re.search(
        re.escape(MARKERS[0]) + r"\n(.*?)\n" + re.escape(MARKERS[1]), text, re.S
    )
    assert found, f"README.md has no table between {MARKERS}"
    return found.group(1).strip()


def test_the_readme_table_is_the_policy():
    """Every cell of the README's table is what the policy answers for that role."""
    expected = policy_table()
    assert readme_table() == expected, (
        "README.md's access-policy table differs from routing/reports/access.py; "
        f"the policy's table is:\n\n{expected}\n"
    )
