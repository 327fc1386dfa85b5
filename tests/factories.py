"""factory_boy factories, geometry helpers and the reports factory for tests.

Reports are made the one way the service makes them: ``report_create`` builds a
typed ``Submission`` and calls ``routing.intake.submit.report_submit``, so a test's
report is routed, assigned, has its deadline, its events and its outbox rows, like a
citizen's. ``report_force`` is the test-only shortcut to another status or to
fields no citizen sets (deadlines, dates of a resolution).
"""

import datetime as dt
import uuid
from typing import Any

import factory
from django.contrib.auth import get_user_model
from django.contrib.gis.geos import MultiPolygon, Polygon

from boundaries.geometry import to_shapely
from boundaries.models import AdminUnit, BoundarySet
from boundaries.services import boundary_set_activate, unit_parts_rebuild
from geo.topology import area_m2
from routing.intake.inputs import phone_normalise
from routing.intake.submission import Submission
from routing.intake.submit import report_submit
from routing.models import Category, Report, StaffProfile
from routing.reports.roles import Role
from routing.workflow.publication import report_publication_decide
from tests.points import DONG_PHU

REPORT_DESCRIPTION = "Phản ánh dùng để kiểm thử."

# The JSON body of an anonymous citizen's submission at DONG_PHU.
ANONYMOUS_SUBMISSION = {
    "lon": DONG_PHU[0],
    "lat": DONG_PHU[1],
    "category": "VSMT",
    "description": "Rác thải đổ bừa bãi cạnh chợ.",
    "anonymous": True,
}


def square(min_lon: float, min_lat: float, size: float) -> MultiPolygon:
    """An axis-aligned square in EPSG:4326, as a MultiPolygon."""
    box = Polygon.from_bbox((min_lon, min_lat, min_lon + size, min_lat + size))
    return MultiPolygon(box, srid=4326)


class BoundarySetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BoundarySet

    slug = factory.Sequence(lambda n: f"test-set-{n}")
    name = factory.Sequence(lambda n: f"Test set {n}")
    # Not "44": the real fixture sets own that jurisdiction for 2013 onwards.
    jurisdiction_code = "98"
    valid_from = dt.date(2000, 1, 1)
    valid_to = None


class AdminUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdminUnit

    boundary_set = factory.SubFactory(BoundarySetFactory)
    code = factory.Sequence(lambda n: f"{90000 + n}")
    name = factory.Sequence(lambda n: f"Phường Thử {n}")
    name_ascii = factory.Sequence(lambda n: f"Phuong Thu {n}")
    level = "ward"
    geom = factory.LazyFunction(lambda: square(106.0, 17.0, 0.01))
    area_m2 = factory.LazyAttribute(lambda unit: area_m2(to_shapely(unit.geom)))


def active_set_with(units: list[dict], **set_fields) -> BoundarySet:
    """An active set holding the given units (dicts of AdminUnit fields), pieces built."""
    boundary_set = BoundarySetFactory(**set_fields)
    for fields in units:
        AdminUnitFactory(boundary_set=boundary_set, **fields)
    unit_parts_rebuild(boundary_set=boundary_set)
    return boundary_set_activate(boundary_set=boundary_set)


def report_create(
    *,
    lon: float = DONG_PHU[0],
    lat: float = DONG_PHU[1],
    category: Category | str = "VSMT",
    reported_at: dt.datetime | None = None,
    description: str = REPORT_DESCRIPTION,
    actor: Any = None,
    **fields: Any,
) -> Report:
    """A report submitted through the real intake (``report_submit``), assigned.

    ``fields`` are the other ``Submission`` fields (reporter_*, anonymous, channel,
    urgent, accuracy_m, idempotency_key, photos as ``CheckedPhoto``); a phone may be
    written as citizens do (stored as E.164); without a phone or an e-mail the
    report is anonymous, as Open311 makes it. The value is built here, not parsed
    from a request, so ``reported_at`` may lie further back than the 30 days a
    client may claim (the edge's rule); the deadline still runs from now, as for
    every report.
    """
    if isinstance(category, str):
        category = Category.objects.get(code=category)
    if "reporter_phone" in fields:  # the typed value holds E.164
        fields["reporter_phone"] = phone_normalise(fields["reporter_phone"])
    fields.setdefault(
        "anonymous",
        not (fields.get("reporter_phone") or fields.get("reporter_email")),
    )
    submission = Submission(
        lon=lon,
        lat=lat,
        category=category,
        description=description,
        reported_at=reported_at,
        **fields,
    )
    return report_submit(submission=submission, actor=actor).report


def report_force(report: Report, **fields: Any) -> Report:
    """TEST-ONLY: set ``fields`` of ``report`` (a status, dates, contact details…)
    with one UPDATE, bypassing the services: no workflow step check, no event, no
    outbox row, no resolved_at or closed_at unless given. For tests whose subject
    is not how the report got there; a test of the workflow moves a report with
    ``routing.workflow.report_transition``. Returns the report as stored."""
    Report.objects.filter(pk=report.pk).update(**fields)
    report.refresh_from_db()
    return report


def report_publish(
    report: Report, *, text: str | None = None, photo_ids: list[int] | None = None
) -> Report:
    """Approve ``report`` for publication through the real service, as an
    operations-centre operator (made here): ``text`` the public words (default the
    description masked), ``photo_ids`` the citizen's photos shown (default all)."""
    operator = get_user_model().objects.create_user(
        username=f"ioc-{uuid.uuid4().hex[:8]}"
    )
    StaffProfile.objects.create(user=operator, role=Role.IOC_OPERATOR)
    return report_publication_decide(
        report=report, actor=operator, approve=True, text=text, photo_ids=photo_ids
    )
