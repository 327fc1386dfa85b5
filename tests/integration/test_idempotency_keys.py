"""Idempotency keys are scoped to the client that chose them and hold for a day;
fingerprints are keyed digests."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from api.models import ApiKey
from api.open311.keys import api_key_create
from api.open311.submit import Posted, open311_request_submit
from routing.intake import errors
from routing.intake.errors import IdempotencyKeyReused
from routing.intake.idempotency import submission_fingerprint
from routing.intake.submission import submission_parse
from routing.intake.submit import report_submit
from routing.models import Category, IdempotencyKey, Report, StaffProfile
from routing.reports import roles
from routing.tasks import idempotency_keys_purge_task
from tests.points import DONG_PHU

pytestmark = pytest.mark.django_db

KEY = "7d3f0c5e-same-key-everywhere"


def vsmt() -> Category:
    return Category.objects.get(code="VSMT")


def citizen(*, key: str = KEY, channel: str = "web", actor=None, **fields):
    values = {
        "lon": DONG_PHU[0],
        "lat": DONG_PHU[1],
        "category": vsmt(),
        "description": "Rác thải cạnh chợ.",
        "anonymous": True,
        "channel": channel,
        "idempotency_key": key,
        **fields,
    }
    return report_submit(submission=submission_parse(**values), actor=actor)


def partner(name: str) -> ApiKey:
    return api_key_create(name=name).key


def open311(api_key: ApiKey, key: str = KEY) -> Report:
    posted = Posted(
        category=vsmt(),
        lon=DONG_PHU[0],
        lat=DONG_PHU[1],
        description="Rác thải cạnh chợ.",
        idempotency_key=key,
    )
    return open311_request_submit(key=api_key, posted=posted)


def test_the_same_key_from_two_partners_makes_two_reports():
    """Each Open311 key has its own keys; each partner's retry finds its own."""
    first, second = partner("Đối tác A"), partner("Đối tác B")
    a, b = open311(first), open311(second)
    assert a.pk != b.pk
    assert open311(first).pk == a.pk
    assert open311(second).pk == b.pk
    scopes = set(IdempotencyKey.objects.filter(key=KEY).values_list("scope", flat=True))
    assert scopes == {f"open311:{first.pk}", f"open311:{second.pk}"}


def test_citizen_channels_partners_and_the_hotline_desk_are_independent():
    """The same key from the web form, the app, a partner and a hotline operator
    makes four reports, each replayed within its own scope."""
    operator = get_user_model().objects.create_user(username="hotline-1", password="x")
    StaffProfile.objects.create(user=operator, role=roles.IOC_OPERATOR)
    web = citizen().report
    app = citizen(channel="app").report
    desk = citizen(channel="hotline", actor=operator).report
    partner_report = open311(partner("Đối tác C"))
    assert len({web.pk, app.pk, desk.pk, partner_report.pk}) == 4
    again = citizen()
    assert (again.created, again.report.pk) == (False, web.pk)
    assert citizen(channel="hotline", actor=operator).report.pk == desk.pk
    assert IdempotencyKey.objects.get(report=desk).scope == f"staff:{operator.pk}"


def test_a_key_reused_for_another_report_names_no_report():
    """The refusal does not give the other report's tracking code away."""
    made = citizen(key="reuse-me").report
    with pytest.raises(IdempotencyKeyReused) as refused:
        citizen(key="reuse-me", description="Một việc khác hẳn.")
    assert made.tracking_code not in refused.value.vi + refused.value.en
    assert refused.value.code == errors.idempotency_key_reused().code


def test_a_key_older_than_a_day_makes_a_new_report_and_is_taken_over(settings):
    """After IDEMPOTENCY_TTL_HOURS the key is forgotten: the same key and content
    make a new report, and the key's one row now names it."""
    first = citizen(key="expiring").report
    IdempotencyKey.objects.filter(report=first).update(
        created_at=timezone.now()
        - dt.timedelta(hours=settings.IDEMPOTENCY_TTL_HOURS, minutes=1)
    )
    second = citizen(key="expiring")
    assert second.created
    assert second.report.pk != first.pk
    row = IdempotencyKey.objects.get(key="expiring")
    assert row.report_id == second.report.pk
    assert timezone.now() - row.created_at < dt.timedelta(minutes=1)
    assert citizen(key="expiring").report.pk == second.report.pk


def test_the_purge_task_deletes_expired_keys_only(settings):
    """The beat task removes the keys past their day and keeps the others (and the
    reports)."""
    old = citizen(key="old-key").report
    fresh = citizen(key="fresh-key").report
    IdempotencyKey.objects.filter(report=old).update(
        created_at=timezone.now() - dt.timedelta(hours=25)
    )
    assert idempotency_keys_purge_task() >= 1
    assert not IdempotencyKey.objects.filter(key="old-key").exists()
    assert IdempotencyKey.objects.filter(key="fresh-key", report=fresh).exists()
    assert Report.objects.filter(pk=old.pk).exists()
    schedule = settings.CELERY_BEAT_SCHEDULE["idempotency-keys-purge"]
    assert schedule["task"] == "routing.tasks.idempotency_keys_purge"


def test_the_fingerprint_is_keyed(settings):
    """The stored fingerprint is not a plain SHA-256 of what the report says (a
    reader of events could test phone numbers against that), and it changes with
    the server key."""
    result = citizen(key="fingerprinted", reporter_phone="0912345678", anonymous=True)
    submitted = result.report.events.get(kind="submitted")
    stored = submitted.data["fingerprint"]
    submission = submission_parse(
        lon=DONG_PHU[0],
        lat=DONG_PHU[1],
        category=vsmt(),
        description="Rác thải cạnh chợ.",
        reporter_phone="0912345678",
        anonymous=True,
    )
    assert stored == submission_fingerprint(submission)
    fields = {
        "lon": round(submission.lon, 7),
        "lat": round(submission.lat, 7),
        "accuracy_m": None,
        "category": "VSMT",
        "description": submission.description,
        "reporter_name": "",
        "reporter_phone": "+84912345678",
        "reporter_email": "",
        "anonymous": True,
        "channel": "web",
        "urgent": False,
        "photos": [],
    }
    canonical = json.dumps(fields, sort_keys=True, ensure_ascii=False, default=str)
    assert stored != hashlib.sha256(canonical.encode()).hexdigest()
    settings.SECRET_KEY = "another-server-key-for-this-test"
    assert submission_fingerprint(submission) != stored
