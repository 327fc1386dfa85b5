"""A repeated submission answered with the report it already made, writing nothing.

A client that lost the answer to its POST (a phone going through a tunnel) sends
the same ``idempotency_key`` again and gets the same report back, ``created=False``,
with the duplicate suggestions it was given the first time. Keys are scoped to the
client that chose them (:class:`~routing.models.IdempotencyKey`): an Open311 API
key, the hotline desk's staff user, or the citizen channel (web, app). A key holds
for ``IDEMPOTENCY_TTL_HOURS``; after that it is forgotten and may make a new report.

The key reused for a *different* report is refused, as the IETF Idempotency-Key
draft advises, without naming the report it made (it may be someone else's). What a
report says is kept for that comparison as a keyed digest (the fingerprint) in its
``submitted`` event: an HMAC with a server key, so whoever reads events cannot test
guesses of the phone number behind an anonymous report.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection
from django.utils import timezone
from django.utils.crypto import salted_hmac

from routing.intake import errors
from routing.intake.duplicates import DuplicateSuggestion, duplicates_near
from routing.intake.submission import Submission, SubmitResult
from routing.models import IdempotencyKey, Report, ReportEvent

FINGERPRINT_SALT = "hientruong.intake.fingerprint"


@dataclass(frozen=True)
class ClientKey:
    """An Idempotency-Key within the scope of the client that sent it."""

    scope: str
    key: str


def client_scope(*, channel: str, actor: Any = None, client: str = "") -> str:
    """The scope of a client's keys: ``client`` when the edge names one (Open311's
    ``open311:<key id>``), else the staff user entering the report, else the public
    channel."""
    if client:
        return client
    staff_id = getattr(actor, "pk", None)
    if staff_id is not None:
        return f"staff:{staff_id}"
    return f"citizen:{channel}"


def ttl() -> dt.timedelta:
    return dt.timedelta(hours=settings.IDEMPOTENCY_TTL_HOURS)


def submission_fingerprint(submission: Submission) -> str:
    """A keyed digest of what the report says, to recognise a key reused for
    another one. Changing its fields or their encoding (or the server key) makes
    replays of reports sent before the change look like reuse, for at most a day."""
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
    return salted_hmac(FINGERPRINT_SALT, canonical, algorithm="sha256").hexdigest()


def report_by_key(client_key: ClientKey) -> Report | None:
    """The report a key made in its scope within the ``ttl``, if any. Almost every
    key is new: one narrow indexed read answers that, and only a replay loads the
    report (with what its receipt shows)."""
    report_id = (
        IdempotencyKey.objects.filter(
            scope=client_key.scope,
            key=client_key.key,
            created_at__gte=timezone.now() - ttl(),
        )
        .values_list("report_id", flat=True)
        .first()
    )
    if report_id is None:
        return None
    return Report.objects.select_related("category", "unit", "department").get(
        pk=report_id
    )


# Insert the key, or take over its row when it has expired; a live row of the same
# key (committed by a concurrent request, which this INSERT waited for) is left as
# it is and no row comes back. One statement instead of an UPDATE and an INSERT.
_CLAIM = f"""
    INSERT INTO {IdempotencyKey._meta.db_table} AS k (scope, key, report_id, created_at)
    VALUES (%(scope)s, %(key)s, %(report)s, %(now)s)
    ON CONFLICT (scope, key) DO UPDATE
       SET report_id = EXCLUDED.report_id, created_at = EXCLUDED.created_at
     WHERE k.created_at < %(expired)s
    RETURNING k.id
"""


def key_claim(*, client_key: ClientKey, report: Report, now: dt.datetime) -> None:
    """Record that ``client_key`` made ``report``: take over the row of an expired
    key, else insert one. Inside the caller's transaction; a concurrent claim of
    the same key raises IntegrityError (the caller answers with the winner)."""
    with connection.cursor() as cursor:
        cursor.execute(
            _CLAIM,
            {
                "scope": client_key.scope,
                "key": client_key.key,
                "report": report.pk,
                "now": now,
                "expired": now - ttl(),
            },
        )
        claimed = cursor.fetchone()
    if claimed is None:
        raise IntegrityError(
            f"Idempotency key {client_key.key!r} of {client_key.scope} is held by "
            "another report."
        )


def idempotency_keys_purge(*, now: dt.datetime | None = None) -> int:
    """Delete the keys older than the time they hold for. Returns how many."""
    cutoff = (now or timezone.now()) - ttl()
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def report_replay(report: Report, fingerprint: str) -> SubmitResult:
    """The report a key already made, with the suggestions given back then; refused
    when the key made a report that said something else."""
    submitted = report.events.filter(kind=ReportEvent.Kind.SUBMITTED).first()
    data = submitted.data if submitted else {}
    if data.get("fingerprint") not in (None, fingerprint):
        raise errors.idempotency_key_reused()
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
