"""The rows of a new report, each written once: report, assignment, events, photos,
outbox.

Called by ``routing.intake.submit`` inside its transaction, after the routing
decision: the report row is inserted with its unit, department, jurisdiction and
deadline already known, so nothing updates it afterwards (an UPDATE would fire the
analytics triggers on ``routing_report`` a second time). Photo files are written to
storage before the transaction commits; ``PhotoFiles`` remembers them so the caller
deletes them when the transaction fails: no row and no file on failure.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.gis.geos import Point

from routing.citizens.email_links import email_verify_request
from routing.engine.decision import Decision
from routing.engine.record import assignment_first_record
from routing.intake.duplicates import DuplicateSuggestion
from routing.intake.photo_files import PhotoFiles, photo_store
from routing.intake.submission import Submission
from routing.metrics import report_submitted_count
from routing.models import Report, ReportEvent
from routing.notifications.outbox import notify_assignment
from routing.reports import roles
from routing.reports.events import event_record
from routing.reports.publication import publication_initial
from routing.reports.receipt import receipt_new
from routing.reports.roles import acting_user, role_of
from routing.reports.tracking import tracking_code_new
from routing.workflow.deadlines import due_at


def _report_insert(
    submission: Submission, decision: Decision, actor: Any, now: dt.datetime
) -> Report:
    """The report row, complete: status ``assigned``, routed, with its deadline
    and its receipt (``routing.reports.receipt``: the nonce and the secret's hash).

    The deadline runs from receipt, not from when an app says the report was
    written; on the desk's channels receipt *is* the call (the letter, the visit),
    which the operator records (``reported_at``, at most a day back), and the
    operator is recorded as ``received_by``."""
    s = submission
    desk = s.channel in Report.DESK_CHANNELS
    start = min(s.reported_at, now) if desk and s.reported_at else now
    code = tracking_code_new()
    receipt = receipt_new(tracking_code=code)
    return Report.objects.create(
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
        due_at=due_at(category=s.category, start=start, urgent=s.urgent),
        received_by=acting_user(actor) if desk else None,
        jurisdiction_code=decision.unit.jurisdiction_code,
        unit_id=decision.unit.id,
        department_id=decision.department.id,
    )


def report_store(
    *,
    submission: Submission,
    decision: Decision,
    duplicates: list[DuplicateSuggestion],
    fingerprint: str,
    actor: Any,
    now: dt.datetime,
    files: PhotoFiles,
) -> Report:
    """Write every row of the new report; the caller holds the transaction."""
    report = _report_insert(submission, decision, actor, now)
    assignment = assignment_first_record(report=report, decision=decision)
    event_record(
        report=report,
        kind=ReportEvent.Kind.SUBMITTED,
        actor=actor,
        role=role_of(actor) or roles.CITIZEN,
        to_status=Report.Status.RECEIVED,
        data={
            "channel": report.channel,
            "fingerprint": fingerprint,
            "duplicates": [d.as_dict() for d in duplicates],
        },
    )
    event_record(
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
    for index, photo in enumerate(submission.photos):
        photo_store(report, index, photo, files)
    notify_assignment(report=report, assignment=assignment)
    email_verify_request(report)
    report_submitted_count(channel=report.channel)
    return report
