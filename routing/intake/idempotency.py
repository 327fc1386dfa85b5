"""A repeated submission answered with the report it already made, writing nothing.

A client that lost the answer to its POST (a phone going through a tunnel) sends
the same ``idempotency_key`` again and gets the same report back, ``created=False``,
with the duplicate suggestions it was given the first time. The key reused for a
*different* report is refused, as the IETF Idempotency-Key draft advises: what the
report says is kept as a digest (the fingerprint) in its ``submitted`` event.
"""

from __future__ import annotations

import hashlib
import json

from routing.intake import errors
from routing.intake.duplicates import DuplicateSuggestion, duplicates_near
from routing.intake.submission import Submission, SubmitResult
from routing.models import Report, ReportEvent


def submission_fingerprint(submission: Submission) -> str:
    """A digest of what the report says, to recognise a key reused for another one.

    Its fields and their encoding are those of the reports already stored: changing
    them would refuse the replays of reports sent before the change."""
    fields = {
        "lon": round(submission.lon, 7),
        "lat": round(submission.lat, 7),
        "accuracy_m": submission.accuracy_m,
        "category": submission.category.code,
        "description": submission.description,
        "reporter_name": submission.reporter_name,
        "reporter_phone": submission.reporter_phone,
        "reporter_email": submission.reporter_email,
        "anonymous": submission.anonymous,
        "channel": submission.channel,
        "urgent": submission.urgent,
        "photos": [p.sha256 for p in submission.photos],
    }
    canonical = json.dumps(fields, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def report_by_key(key: str) -> Report | None:
    """The report an idempotency key made, if any."""
    return (
        Report.objects.select_related("category", "unit", "department")
        .filter(idempotency_key=key)
        .first()
    )


def report_replay(report: Report, fingerprint: str) -> SubmitResult:
    """The report a key already made, with the suggestions given back then; refused
    when the key made a report that said something else."""
    submitted = report.events.filter(kind=ReportEvent.Kind.SUBMITTED).first()
    data = submitted.data if submitted else {}
    if data.get("fingerprint") not in (None, fingerprint):
        raise errors.idempotency_key_reused(report.tracking_code)
    if "duplicates" in data:
        duplicates = [DuplicateSuggestion.from_dict(d) for d in data["duplicates"]]
    else:
        duplicates = duplicates_near(
            lon=report.location.x,
            lat=report.location.y,
            category=report.category,
            at=report.reported_at,
            exclude_id=report.pk,
        )
    return SubmitResult(report=report, created=False, duplicates=duplicates)
