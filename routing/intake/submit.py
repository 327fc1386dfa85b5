"""A citizen's report comes in: route it, store it, tell the department.

``report_submit`` is the one way reports enter the system (web form, app, hotline desk,
Open311, and the tests' factory). It takes a ``Submission``, the report already
checked and normalised at the edge (``routing.intake.submission.submission_parse``),
and only orchestrates:

1. a repeated ``idempotency_key`` is answered with the report it already made,
   writing nothing (``created=False``); a key reused for a *different* report is
   refused (``routing.intake.idempotency``). Keys are scoped per client (an
   Open311 key, a hotline desk user, a citizen channel) and hold for a day;
2. the submission is counted against the hourly limits per client IP (IPv6 by /64),
   per phone and per e-mail (``routing.intake.ratelimits``); when the cache (Redis)
   cannot be reached the report is let through and a warning logged. Edges that
   take photos count them earlier, before a photo is decoded (``report_admit``
   from ``submission_parse``'s ``admit`` hook), and pass ``admitted=True``;
3. in one transaction: the point is routed (``routing.engine.route.route_decide``;
   outside every unit beyond the shore tolerance it is refused, naming the nearest
   unit), open reports nearby and the working calendar are read in one query
   (``routing.intake.context``), and the report is written once, complete, with
   its assignment, the events ``submitted`` and ``received → assigned`` (role
   ``system``), the photos and the outbox rows (``routing.intake.store``). Any failure leaves no row and no photo file.

Contact rule (checked by the parse): a report that is not anonymous needs a phone
number or an e-mail address, so the department can ask about it and the citizen hears
back. An anonymous report needs neither (the citizen follows it by tracking code);
contact details given with it are kept but shown only to the operations centre
(``routing.reports.roles``). A report needs a description or at least one photo.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from boundaries.lookup import NoBoundarySet
from routing.engine.candidates import Contact
from routing.engine.decision import Decision
from routing.engine.route import route_decide_contact
from routing.intake.context import intake_context
from routing.intake.duplicates import DuplicateSuggestion
from routing.intake.idempotency import (
    ClientKey,
    client_scope,
    key_claim,
    report_by_key,
    report_replay,
    submission_fingerprint,
)
from routing.intake.photo_files import PhotoFiles
from routing.intake.ratelimits import rate_hit
from routing.intake.store import Extras, report_store
from routing.intake.submission import Submission, SubmitResult
from routing.models import Report
from routing.zones.lock import zones_lock_shared

CODE_ATTEMPTS = 3  # a tracking-code clash is astronomically rare; retry it anyway


def _limits_hit(submission: Submission, client_ip: str | None) -> None:
    rate_hit(
        "ip",
        client_ip or "",
        settings.REPORT_RATE_PER_IP_HOUR,
        "địa chỉ mạng này",
        "this network address",
    )
    rate_hit(
        "phone",
        submission.reporter_phone,
        settings.REPORT_RATE_PER_PHONE_HOUR,
        "số điện thoại này",
        "this phone number",
    )
    rate_hit(
        "email",
        submission.reporter_email.lower(),
        settings.REPORT_RATE_PER_EMAIL_HOUR,
        "địa chỉ e-mail này",
        "this e-mail address",
    )


def _client_key(submission: Submission, actor: Any, client: str) -> ClientKey | None:
    """The submission's idempotency key in its client's scope, if it has one."""
    if submission.idempotency_key is None:
        return None
    scope = client_scope(channel=submission.channel, actor=actor, client=client)
    return ClientKey(scope=scope, key=submission.idempotency_key)


def report_admit(
    *,
    submission: Submission,
    client_ip: str | None,
    actor: Any = None,
    client: str = "",
) -> None:
    """Count the hourly limits for a submission whose plain fields are checked and
    whose photos are not decoded yet, so a client over its limit costs no photo
    work; a repeated idempotency key is a replay and is not counted. The caller
    then passes ``admitted=True`` to ``report_submit``."""
    key = _client_key(submission, actor, client)
    if key is not None and report_by_key(key) is not None:
        return
    _limits_hit(submission, client_ip)


def _route(submission: Submission, at: dt.datetime) -> tuple[Decision, Contact]:
    try:
        return route_decide_contact(
            lon=submission.lon, lat=submission.lat, category=submission.category, at=at
        )
    except NoBoundarySet as error:
        error.field = "reported_at"  # the moment predates every boundary set
        raise


def _create(
    submission: Submission,
    fingerprint: str,
    actor: Any,
    client_key: ClientKey | None,
    extras: Extras | None,
) -> tuple[Report, list[DuplicateSuggestion]]:
    """Route and write the report in one transaction; no row and no file on
    failure."""
    files = PhotoFiles()
    try:
        with transaction.atomic():
            zones_lock_shared()  # a zone publish in progress ends first
            now = timezone.now()
            at = submission.reported_at or now
            decision, contact = _route(submission, at)
            context = intake_context(
                lon=submission.lon,
                lat=submission.lat,
                category=submission.category,
                at=at,
            )
            report = report_store(
                submission=submission,
                decision=decision,
                contact=contact,
                context=context,
                fingerprint=fingerprint,
                actor=actor,
                now=now,
                files=files,
                extras=extras,
            )
            if client_key is not None:
                key_claim(client_key=client_key, report=report, now=now)
    except BaseException:
        files.delete()
        raise
    return report, context.duplicates


def report_submit(
    *,
    submission: Submission,
    client_ip: str | None = None,
    actor: Any = None,
    client: str = "",
    admitted: bool = False,
    extras: Extras | None = None,
) -> SubmitResult:
    """Route and store a checked report (see the module docstring).

    ``client_ip`` is counted against the per-address limit (None: not limited, as
    for the hotline desk and Open311). ``actor`` is the staff user entering it (the
    hotline desk), None for a citizen. ``client`` scopes the idempotency key when
    the edge knows its client (``open311:<key id>``); otherwise the actor or the
    channel does. ``admitted``: the limits were already counted by
    ``report_admit``. ``extras``: the edge's own rows for a new report, in the
    same transaction (``routing.intake.store.Extras``; not called on a replay).
    Returns the report, whether it was created now, and open reports nearby that
    may be the same problem. A new report comes with the rows its transaction wrote
    already attached (its unit and department as the decision knows them, its
    current assignment, its photos: ``routing.intake.store``), so the receipt costs
    no query; like any prefetched instance, re-read it (``refresh_from_db``) before
    reading its photos or assignment again after changing them.
    """
    fingerprint = submission_fingerprint(submission)
    key = _client_key(submission, actor, client)
    if key is not None and (existing := report_by_key(key)) is not None:
        return report_replay(existing, fingerprint)
    if not admitted:
        _limits_hit(submission, client_ip)
    for attempt in range(CODE_ATTEMPTS):
        try:
            report, duplicates = _create(submission, fingerprint, actor, key, extras)
        except IntegrityError:
            # The same key committed by a concurrent request: answer with its report.
            if key is not None and (winner := report_by_key(key)) is not None:
                return report_replay(winner, fingerprint)
            if attempt == CODE_ATTEMPTS - 1:
                raise
            continue  # a tracking-code clash: draw another code
        return SubmitResult(report=report, created=True, duplicates=duplicates)
    raise AssertionError("unreachable")  # pragma: no cover
