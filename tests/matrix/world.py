"""The one data set the role × endpoint matrix runs against, made once per module.

A signed-in client for each staff role (an admin by role, not a superuser, so the
policy is what lets it in), clients without an account for the public roles, and
three reports of the environment company in Đồng Phú, each carrying distinctive
personal values that must appear only where the access policy allows:

- ``named``: a named web report with a photo whose GPS tags are set;
- ``anonymous``: an anonymous report whose citizen still left a name and contact
  (kept for the operations centre only);
- ``open311``: an anonymous Open311 request with a name, a device id and an
  account id (kept in its internal event).

Each report's ``submitted`` event holds its fingerprint, a digest of the contact:
personal too.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path
from urllib.parse import urlencode

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db.models import Model
from django.test import Client
from django.utils import timezone
from PIL import Image

from api.models import ApiKey, RequestAttributeValue, ServiceAttribute
from api.open311.keys import api_key_create
from boundaries.models import BoundaryImport, Jurisdiction, UnitSuccession
from routing.citizens.identity import SESSION_KEY as CITIZEN_SESSION_KEY
from routing.citizens.sessions import citizen_session_open
from routing.intake.photos import photos_check
from routing.models import (
    Category,
    DefaultDepartment,
    Department,
    Report,
    ReportEvent,
    ReportPhoto,
    ResponsibilityZone,
    StaffProfile,
)
from routing.reports.receipt import receipt_secret
from routing.reports.roles import ROUTING_OFFICER_GROUP, Role
from tests.factories import report_create
from tests.open311.forms import FORM, form

# Everyone the matrix asks about. ``citizen`` has no account: it is the named
# report's reporter, holding its receipt secret and a verified citizen's session
# for its phone;
# ``open311_key`` is a partner's server, with a key on Open311 and nothing elsewhere.
ANONYMOUS, CITIZEN, OPEN311_KEY = "anonymous", "citizen", "open311_key"
IOC, ADMIN = Role.IOC_OPERATOR.value, Role.ADMIN.value
OFFICER, OFFICER_OUT = Role.DEPARTMENT_OFFICER.value, "department_officer_out"
UNIT, ROUTING, PLANNER = (
    Role.UNIT_OFFICER.value,
    Role.ROUTING_OFFICER.value,
    Role.PLANNER.value,
)
PUBLIC = (ANONYMOUS, CITIZEN, OPEN311_KEY)
STAFF = (IOC, OFFICER, OFFICER_OUT, UNIT, ROUTING, PLANNER, ADMIN)
ROLES = (*PUBLIC, *STAFF)

ENVIRONMENT = "qb-moitruong"  # collects waste (VSMT) in Đồng Phú
OTHER_DEPARTMENT = "dh-qldt"

# Whose personal data each role may see (everyone else: nobody's).
PERSONAL_SEEN = {
    IOC: {"named", "anonymous", "open311"},
    ADMIN: {"named", "anonymous", "open311"},
    OFFICER: {"named"},
    UNIT: {"named"},
}
GPS = (106.6393939, 17.4939393)  # the named report's photo tags


@dataclass
class World:
    clients: dict[str, Client]
    # Values for the placeholders of the matrix's paths ({named}, {zone}, …).
    values: dict[str, str]
    # Each report's personal values, as they could appear in a response.
    personal: dict[str, list[str]]
    key: str
    # One object of each model with a ModelAdmin, by ``app_label.model``.
    admin_objects: dict[str, Model] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)

    def forbidden(self, role: str) -> list[str]:
        """The personal values ``role`` must never receive."""
        seen = PERSONAL_SEEN.get(role, set())
        return [
            value
            for report, values in self.personal.items()
            if report not in seen
            for value in values
        ]


def _photo() -> list:
    out = io.BytesIO()
    Image.new("RGB", (48, 36), (30, 120, 60)).save(out, "JPEG")
    return photos_check([("rac.jpg", out.getvalue())])


def _users() -> dict[str, Client]:
    environment = Department.objects.get(code=ENVIRONMENT)
    other = Department.objects.get(code=OTHER_DEPARTMENT)
    profiles = {
        IOC: {"role": IOC},
        OFFICER: {"role": OFFICER, "department": environment},
        OFFICER_OUT: {"role": OFFICER, "department": other},
        UNIT: {"role": UNIT, "unit_code": "18880"},
        ROUTING: {"role": ROUTING},
        PLANNER: {"role": PLANNER},
        ADMIN: {"role": ADMIN},
    }
    clients = {role: Client() for role in PUBLIC}
    for role, profile in profiles.items():
        # Every one is_staff, as staff_create made them before the policy: the
        # policy, not the flag, must keep the others out of the admin.
        user = get_user_model().objects.create_user(f"matrix-{role}", is_staff=True)
        StaffProfile.objects.create(user=user, **profile)
        clients[role] = Client()
        clients[role].force_login(user)
    return clients


def _open311_report(key: str) -> Report:
    body = form(
        key,
        email=None,
        phone=None,
        first_name="Kín Đáo",
        last_name="Lý",
        device_id="dev-7F3A9C-matrix",
        account_id="acct-55AA-matrix",
    )
    response = Client().post(
        "/open311/v2/requests.json", urlencode(body), content_type=FORM
    )
    assert response.status_code in (200, 201), response.content
    (answer,) = response.json()
    return Report.objects.get(tracking_code=answer["service_request_id"])


def _fingerprint(report: Report) -> str:
    event = report.events.get(kind=ReportEvent.Kind.SUBMITTED)
    return event.data["fingerprint"]


def world_build() -> World:
    """Make the data set (inside the caller's transaction)."""
    call_command("open311_load_fixtures", stdout=StringIO())
    clients = _users()
    key = api_key_create(name="Đối tác thử (matrix)").clear
    named = report_create(
        category="VSMT",
        reporter_name="Trần Thị Bí Mật",
        reporter_phone="0912000777",
        reporter_email="bimat.named@example.org",
        anonymous=False,
        photos=_photo(),
    )
    ReportPhoto.objects.filter(report=named).update(gps_lon=GPS[0], gps_lat=GPS[1])
    anonymous = report_create(
        category="VSMT",
        reporter_name="Hoàng Ẩn Danh",
        reporter_phone="0913000888",
        reporter_email="an.danh.hidden@example.org",
        anonymous=True,
    )
    open311 = _open311_report(key)
    assert {r.department.code for r in (named, anonymous, open311)} == {ENVIRONMENT}
    assert {r.unit.code for r in (named, anonymous, open311)} == {"18880"}
    photo = named.photos.get()
    personal = {
        "named": [
            "Trần Thị Bí Mật",
            "912000777",
            "bimat.named@example.org",
            repr(GPS[0]),
            repr(GPS[1]),
            _fingerprint(named),
        ],
        "anonymous": [
            "Hoàng Ẩn Danh",
            "913000888",
            "an.danh.hidden@example.org",
            _fingerprint(anonymous),
        ],
        "open311": [
            "Kín Đáo",
            "dev-7F3A9C-matrix",
            "acct-55AA-matrix",
            _fingerprint(open311),
        ],
    }
    zone = ResponsibilityZone.objects.published().first()
    assert zone is not None
    values = {
        "named": named.tracking_code,
        "anonymous": anonymous.tracking_code,
        "open311": open311.tracking_code,
        "zone": str(zone.pk),
        "unit": "18880",
        "photo": photo.image.name,
        "receipt": receipt_secret(named) or "",
        "planner_user": str(
            get_user_model().objects.get(username=f"matrix-{PLANNER}").pk
        ),
    }
    # The citizen is also a verified citizen: the named report's phone, proven.
    citizen_session, _token = citizen_session_open(phone="+84912000777")
    session = clients[CITIZEN].session
    session[CITIZEN_SESSION_KEY] = citizen_session.pk
    session.save()
    world = World(clients=clients, values=values, personal=personal, key=key)
    world.files = [Path(photo.image.path), Path(photo.thumbnail.path)]
    world.admin_objects = _admin_objects(named, zone)
    return world


def _admin_objects(named: Report, zone: ResponsibilityZone) -> dict[str, Model]:
    unit = named.unit
    boundary_import = BoundaryImport.objects.create(
        boundary_set=unit.boundary_set, source_name="matrix.geojson", sha256="0" * 64
    )
    objects: dict[str, Model | None] = {
        "routing.report": named,
        "routing.department": named.department,
        "routing.category": Category.objects.get(code="VSMT"),
        "routing.defaultdepartment": DefaultDepartment.objects.first(),
        "routing.responsibilityzone": zone,
        "boundaries.boundaryset": unit.boundary_set,
        "boundaries.adminunit": unit,
        "boundaries.unitsuccession": UnitSuccession.objects.first(),
        "boundaries.boundaryimport": boundary_import,
        "boundaries.jurisdiction": Jurisdiction.objects.filter(
            code=unit.boundary_set.jurisdiction_code
        ).first(),
        "api.apikey": ApiKey.objects.first(),
        "api.serviceattribute": ServiceAttribute.objects.first(),
        "api.requestattributevalue": RequestAttributeValue.objects.first(),
        **_signin_records(),
        "auth.user": get_user_model().objects.get(username=f"matrix-{PLANNER}"),
        "auth.group": Group.objects.get(name=ROUTING_OFFICER_GROUP),
    }
    missing = [label for label, obj in objects.items() if obj is None]
    assert not missing, f"no object to open in the admin for {missing}"
    return {label: obj for label, obj in objects.items() if obj is not None}


def _signin_records() -> dict[str, Model]:
    """One row of each of django-axes's sign-in records (a failure, a lockout
    count, a sign-in), for its admin pages."""
    seen = {
        "user_agent": "matrix",
        "ip_address": "192.0.2.7",
        "username": f"matrix-{PLANNER}",
        "http_accept": "text/html",
        "path_info": "/ops/login",
        "attempt_time": timezone.now(),
    }
    return {
        "axes.accessattempt": AccessAttempt.objects.create(
            **seen, get_data="", post_data="", failures_since_start=1
        ),
        "axes.accessfailurelog": AccessFailureLog.objects.create(**seen),
        "axes.accesslog": AccessLog.objects.create(**seen),
    }


def json_escaped(value: str) -> str:
    """How ``value`` reads inside JSON written with ASCII escapes."""
    return json.dumps(value)[1:-1]
