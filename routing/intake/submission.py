"""What a citizen sent, parsed once at the edge into one typed value.

The edges (the reports API, Open311) turn their request into a ``Submission`` with
``submission_parse``, which runs every check of the intake in a fixed order (the
first refusal wins, so the order is part of the behaviour): the point, the
category, the channel, the texts, the contact details and the contact rule, the
number of photos and the description-or-photo rule, the key, the accuracy, the
time (for the desk's channels, the time of the call: at most
``DESK_CALL_MAX_AGE_HOURS`` back, since the deadline runs from it), then the
photos' content. Between the last two an ``admit`` hook sees the
checked value without its photos: the edges count the rate limits there
(``routing.intake.submit.report_admit``), so a client over its limit never makes
the server decode a photo (up to 50 megapixels each). ``report_submit`` trusts the value it is given, so
code that builds a ``Submission`` itself (the test factory, a back-dated import)
decides which of these rules it holds to.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.conf import settings
from django.utils import timezone

from geo.coords import check_lon_lat
from routing.intake import errors
from routing.intake.duplicates import DuplicateSuggestion
from routing.intake.inputs import (
    MAX_DESCRIPTION,
    MAX_NAME,
    accuracy_check,
    call_time_check,
    email_normalise,
    key_check,
    moment_check,
    phone_normalise,
    text_check,
)
from routing.intake.photos import CheckedPhoto, photos_check
from routing.models import Category, Report


@dataclass(frozen=True)
class Submission:
    """A checked report, ready to route and store.

    ``reporter_phone`` is E.164 ("" for none), ``reporter_email`` has its domain in
    lower case, texts are clean NFC. ``reported_at`` None means "when received".
    ``public`` is the citizen's choice to let the report be shown publicly (None:
    the default, ``routing.reports.publication.publication_initial``).
    ``contact_verified``: the edge saw the sender prove ``reporter_phone``
    (``submission_as_citizen``).
    """

    lon: float
    lat: float
    category: Category
    description: str = ""
    accuracy_m: float | None = None
    reporter_name: str = ""
    reporter_phone: str = ""
    reporter_email: str = ""
    anonymous: bool = False
    channel: str = Report.Channel.WEB
    urgent: bool = False
    reported_at: dt.datetime | None = None
    idempotency_key: str | None = None
    photos: tuple[CheckedPhoto, ...] = ()
    public: bool | None = None
    # The phone was proven by the sender's one-time code (a verified citizen's
    # session, ``routing.citizens``): set by the edge, never by the parse.
    contact_verified: bool = False


@dataclass
class SubmitResult:
    """The report, whether this call created it, and open reports nearby."""

    report: Report
    created: bool
    duplicates: list[DuplicateSuggestion] = field(default_factory=list)


def _contact_check(
    *, name: str | None, phone: str | None, email: str | None, anonymous: bool
) -> tuple[str, str, str]:
    """Name, phone (E.164) and e-mail; a report that is not anonymous needs a phone
    number or an e-mail address, so the department can ask about it."""
    name = text_check(
        name, field_name="reporter_name", label_vi="Họ tên", max_length=MAX_NAME
    )
    phone = phone_normalise(phone)
    email = email_normalise(email)
    if not anonymous and not (phone or email):
        raise errors.contact_required()
    return name, phone, email


def submission_parse(
    *,
    lon: float,
    lat: float,
    category: Category,
    description: str | None = "",
    photos: Sequence[Any] = (),
    accuracy_m: float | None = None,
    reporter_name: str | None = "",
    reporter_phone: str | None = "",
    reporter_email: str | None = "",
    anonymous: bool = False,
    channel: str = Report.Channel.WEB,
    urgent: bool = False,
    reported_at: dt.datetime | None = None,
    idempotency_key: str | None = None,
    public: bool | None = None,
    admit: Callable[[Submission], None] | None = None,
) -> Submission:
    """Check and normalise what a client sent (see the module docstring).

    ``photos`` are file objects (their ``.name`` is quoted in errors) or
    ``(name, file_or_bytes)`` pairs. Raises ``IntakeError`` or ``PhotoError``
    naming the field, or ``GeoInputError`` for a point out of range. ``admit``
    is called with the value before its photos are decoded and may refuse it.
    """
    point = check_lon_lat(float(lon), float(lat))
    if not category.active:
        raise errors.inactive_category(category.name_vi, category.name_en)
    if channel not in Report.Channel.values:
        raise errors.bad_channel(channel, list(Report.Channel.values))
    description = text_check(
        description,
        field_name="description",
        label_vi="Nội dung phản ánh",
        max_length=MAX_DESCRIPTION,
    )
    name, phone, email = _contact_check(
        name=reporter_name,
        phone=reporter_phone,
        email=reporter_email,
        anonymous=anonymous,
    )
    if len(photos) > settings.REPORT_MAX_PHOTOS:
        raise errors.too_many_photos(len(photos), settings.REPORT_MAX_PHOTOS)
    if not description and not photos:
        raise errors.description_or_photo()
    key = key_check(idempotency_key)
    accuracy = accuracy_check(accuracy_m)
    if reported_at is not None and channel in Report.DESK_CHANNELS:
        max_age = dt.timedelta(hours=settings.DESK_CALL_MAX_AGE_HOURS)
        reported_at = call_time_check(reported_at, timezone.now(), max_age)
    elif reported_at is not None:
        reported_at = moment_check(reported_at, timezone.now())
    checked = Submission(
        lon=point.lon,
        lat=point.lat,
        category=category,
        description=description,
        accuracy_m=accuracy,
        reporter_name=name,
        reporter_phone=phone,
        reporter_email=email,
        anonymous=bool(anonymous),
        channel=channel,
        urgent=bool(urgent),
        reported_at=reported_at,
        idempotency_key=key,
        public=None if public is None else bool(public),
    )
    if admit is not None:
        admit(checked)
    if not photos:
        return checked
    return replace(checked, photos=tuple(photos_check(list(photos))))


def submission_as_citizen(submission: Submission, *, phone: str) -> Submission:
    """``submission`` sent by a citizen who proved ``phone``: ``contact_verified``
    when the report gives that phone (the edge fills it in, before the parse's
    contact rule, when a named report gives none); another phone stays
    unverified."""
    if phone and submission.reporter_phone == phone:
        return replace(submission, contact_verified=True)
    return submission
