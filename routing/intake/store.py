"""The rows of a new report, each written once: report, assignment, events, photos,
outbox.

Called by ``routing.intake.submit`` inside its transaction, after the routing
decision and the intake's other reads (``routing.intake.context``: the duplicates,
the calendar, the ids of the report and its assignment): the report row is inserted
with its unit, department, jurisdiction and deadline already known, so nothing
updates it afterwards (an UPDATE would fire the analytics triggers on
``routing_report`` a second time). One INSERT per table: the report, its assignment,
its events (``submitted``, ``received → assigned`` and the edge's), its photos (one
each), its outbox rows; those of the report, its assignment, its events and its
outbox are sent together, in one round trip (``routing.intake.inserts``), the report
and its assignment first on their own when the edge's rows or photos come between.
Photo files are written to storage before the transaction commits; ``PhotoFiles``
remembers them so the caller deletes them when the transaction fails: no row and no
file on failure.

The report returned carries what was just written or read with the decision (its
unit and department as far as the decision knows them, its current assignment, its
photos), so the receipt the edge answers with costs no query.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib.gis.geos import Point
from django.db.models import Model

from boundaries.models import AdminUnit
from routing.citizens.email_links import email_verify_rows
from routing.engine.candidates import Contact
from routing.engine.decision import Decision
from routing.engine.record import assignment_first_new
from routing.intake.context import Context
from routing.intake.inserts import Inserts
from routing.intake.photo_files import PhotoFiles, photo_store
from routing.intake.submission import Submission
from routing.metrics import report_submitted_count
from routing.models import Assignment, Department, Report, ReportEvent, ReportPhoto
from routing.notifications.outbox import assignment_rows, outbox_written
from routing.reports import roles
from routing.reports.events import event_new
from routing.reports.publication import publication_initial
from routing.reports.receipt import receipt_new
from routing.reports.roles import acting_user, role_of
from routing.reports.tracking import tracking_code_new
from routing.workflow.deadlines import due_at


def _report_new(
    submission: Submission,
    decision: Decision,
    actor: Any,
    now: dt.datetime,
    context: Context,
) -> Report:
    """The report row (not written yet), complete, with the id drawn for it:
    status ``assigned``, routed, with its deadline and its receipt
    (``routing.reports.receipt``: the nonce and the secret's hash).

    The deadline runs from receipt, not from when an app says the report was
    written; on the desk's channels receipt *is* the call (the letter, the visit),
    which the operator records (``reported_at``, at most a day back), and the
    operator is recorded as ``received_by``."""
    s = submission
    desk = s.channel in Report.DESK_CHANNELS
    start = min(s.reported_at, now) if desk and s.reported_at else now
    code = tracking_code_new()
    receipt = receipt_new(tracking_code=code)
    return Report(
        pk=context.report_id,
        tracking_code=code,
        receipt_nonce=receipt.nonce,
        receipt_hash=receipt.hash,
        status=Report.Status.ASSIGNED,
        location=Point(s.lon, s.lat, srid=4326),
        accuracy_m=s.accuracy_m,
        category=s.category,
        description=s.description,
        channel=s.channel,
        urgent=s.urgent,
        reporter_name=s.reporter_name,
        reporter_phone=s.reporter_phone,
        reporter_email=s.reporter_email,
        contact_verified=s.contact_verified,
        anonymous=s.anonymous,
        publication=publication_initial(
            anonymous=s.anonymous, public=s.public, category=s.category
        ),
        reported_at=s.reported_at or now,
        due_at=due_at(
            category=s.category, start=start, urgent=s.urgent, calendar=context.calendar
        ),
        received_by=acting_user(actor) if desk else None,
        jurisdiction_code=decision.unit.jurisdiction_code,
        unit_id=decision.unit.id,
        department_id=decision.department.id,
    )


# An edge's own rows for a new report (Open311: the attribute answers), written in
# the report's transaction after its assignment; the events it returns (not yet
# written, ``routing.reports.events.event_new``) go into the report's one INSERT of
# events, after ``submitted`` and ``received → assigned``.
Extras = Callable[[Report], list[ReportEvent]]


def _loaded(model: type[Model], db: str | None, **values: Any) -> Any:
    """A ``model`` row as the database would give it with only ``values`` read:
    every other field is deferred (loaded on first access, as ``.only()`` does)."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(db, names, [values[name] for name in names])


def _related_known(
    report: Report, decision: Decision, contact: Contact, db: str
) -> None:
    """Give ``report`` its unit and department from the decision and the
    department's contact (read with it), so that neither the outbox rows nor the
    receipt asks for them again."""
    unit = decision.unit
    report.unit = _loaded(
        AdminUnit,
        db,
        id=unit.id,
        boundary_set_id=unit.boundary_set_id,
        code=unit.code,
        name=unit.name,
        level=unit.level,
    )
    department = decision.department
    report.department = _loaded(
        Department,
        db,
        id=department.id,
        code=department.code,
        name_vi=department.name_vi,
        name_en=department.name_en,
        email=contact.email,
        webhook_url=contact.webhook_url,
    )


def _written_known(
    report: Report, assignment: Assignment, photos: list[ReportPhoto]
) -> None:
    """Give ``report`` its current assignment and its photos as a prefetch would
    (``routing.reports.selectors.current_assignment``, ``report.photos.all()``):
    they are the rows this transaction wrote, and there are no others."""
    report.current_assignments = [assignment]  # type: ignore[attr-defined]
    # What prefetch_related stores for a reverse foreign key: a queryset with its
    # result cache filled.
    known = report.photos.get_queryset()
    known._result_cache = photos
    known._prefetch_done = True  # type: ignore[attr-defined]
    report._prefetched_objects_cache = {"photos": known}  # type: ignore[attr-defined]


def report_store(
    *,
    submission: Submission,
    decision: Decision,
    contact: Contact,
    context: Context,
    fingerprint: str,
    actor: Any,
    now: dt.datetime,
    files: PhotoFiles,
    extras: Extras | None = None,
) -> Report:
    """Write every row of the new report; the caller holds the transaction.
    ``contact`` is the decided department's (``route_decide_contact``), ``context``
    the intake's other reads (``intake_context``); ``extras`` the edge's own rows
    (see ``Extras``)."""
    inserts = Inserts()
    report = _report_new(submission, decision, actor, now, context)
    inserts.add([report])
    _related_known(report, decision, contact, inserts.using)
    assignment = assignment_first_new(
        report=report, decision=decision, pk=context.assignment_id
    )
    inserts.add([assignment])
    if extras is not None or submission.photos:
        inserts.run()  # the rows the edge's rows and the photos refer to
    submitted = event_new(
        report=report,
        kind=ReportEvent.Kind.SUBMITTED,
        actor=actor,
        role=role_of(actor) or roles.CITIZEN,
        to_status=Report.Status.RECEIVED,
        data={
            "channel": report.channel,
            "fingerprint": fingerprint,
            "duplicates": [d.as_dict() for d in context.duplicates],
        },
    )
    routed = event_new(
        report=report,
        kind=ReportEvent.Kind.STATUS,
        role=roles.SYSTEM,
        from_status=Report.Status.RECEIVED,
        to_status=Report.Status.ASSIGNED,
        data={
            "assignment": assignment.pk,
            "rule": assignment.rule,
            "department": decision.department.code,
        },
    )
    inserts.add([submitted, routed, *(extras(report) if extras else [])])
    photos = [
        photo_store(report, index, photo, files)
        for index, photo in enumerate(submission.photos)
    ]
    outbox = [
        *assignment_rows(report=report, assignment=assignment),
        *email_verify_rows(report),
    ]
    inserts.add(outbox)
    inserts.run()
    outbox_written(outbox)
    report_submitted_count(channel=report.channel)
    _written_known(report, assignment, photos)
    return report
