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
import logging
from dataclasses import dataclass, field
from typing import Any

from django.contrib.gis.geos import Point
from django.core.files.base import ContentFile

from routing.citizens.email_links import email_verify_request
from routing.engine.decision import Decision
from routing.engine.record import assignment_first_record
from routing.intake.duplicates import DuplicateSuggestion
from routing.intake.photos import CheckedPhoto
from routing.intake.submission import Submission
from routing.metrics import report_submitted_count
from routing.models import Report, ReportEvent, ReportPhoto
from routing.notifications.outbox import notify_assignment
from routing.reports import roles
from routing.reports.events import event_record
from routing.reports.publication import publication_initial
from routing.reports.receipt import receipt_new
from routing.reports.roles import acting_user, role_of
from routing.reports.tracking import tracking_code_new
from routing.workflow.deadlines import due_at

log = logging.getLogger(__name__)


@dataclass
class PhotoFiles:
    """The files written for one attempt, to delete if its transaction fails."""

    saved: list[tuple[Any, str]] = field(default_factory=list)

    def delete(self) -> None:
        """Delete every file written; a file that cannot be deleted is logged, not
        raised, so the submission's own error still reaches the citizen. Any
        storage's failure counts (OSError from the filesystem, botocore's errors
        from object storage)."""
        for storage, name in self.saved:
            try:
                storage.delete(name)
            except Exception as exc:
                log.warning(
                    "could not delete photo %s after a failed submit: %s", name, exc
                )
        self.saved.clear()


def _photo_store(
    report: Report, index: int, photo: CheckedPhoto, files: PhotoFiles
) -> ReportPhoto:
    stem = f"{index + 1}-{photo.sha256[:12]}"
    row = ReportPhoto(
        report=report,
        content_type=photo.content_type,
        width=photo.width,
        height=photo.height,
        size_bytes=photo.size_bytes,
        sha256=photo.sha256,
        gps_lon=photo.gps[0] if photo.gps else None,
        gps_lat=photo.gps[1] if photo.gps else None,
    )
    row.image.save(f"{stem}.{photo.extension}", ContentFile(photo.image), save=False)
    files.saved.append((row.image.storage, row.image.name))
    row.thumbnail.save(f"{stem}-thumb.jpg", ContentFile(photo.thumbnail), save=False)
    files.saved.append((row.thumbnail.storage, row.thumbnail.name))
    row.save()
    return row


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
        _photo_store(report, index, photo, files)
    notify_assignment(report=report, assignment=assignment)
    email_verify_request(report)
    report_submitted_count(channel=report.channel)
    return report
