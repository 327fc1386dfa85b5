"""File a service request posted over Open311: the web's intake, plus the extras.

The report is parsed by ``routing.intake.submission.submission_parse`` and goes
through ``routing.intake.submit.report_submit`` like every other report (same checks,
same routing, same outbox), with channel ``open311``. Around it, in
the same transaction, we keep the attribute answers and one internal event saying
which key sent it, what was answered, and the ``media_url`` (kept as text, never
fetched: the URL is a third party's, and fetching it would let any key holder make
the server call any address).

Mapping of the spec's arguments: ``last_name first_name`` is the reporter's name
(Vietnamese order, family name first); ``email`` and ``phone`` are the contact;
with neither the report is anonymous (tracked by its id, the name kept for the
operations centre only). ``device_id`` and ``account_id`` are kept in that internal
event's data, not in any note a department reads. The per-IP limit of the web form
does not apply (a partner's server posts for many citizens; the key's own limit
does), the per-phone limit does.

Location: ``lat`` and ``long`` when sent (an ``address_string`` beside them is kept
as given, in the internal event's data, and not geocoded); otherwise the
``address_string`` must name one place (``boundaries.geocode``), whose point becomes
the report's location, and the internal event records it under
``open311.location_from_address``: the text, the place's source key, ``place_name``
(not ``name``, which officers never see) and kind,
and the match score, so that staff can tell a pin placed by the citizen from one
placed by a name (the internal note says it too).

Retries: a partner may send an ``Idempotency-Key`` header (an extension of
GeoReport v2, as in the reports API). Keys are scoped to the API key, so two
partners can never collide, and a retried POST within a day answers with the request
it already made, writing nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from api.models import ApiKey, RequestAttributeValue
from api.open311.attributes import Answer
from boundaries.search import PlaceMatch
from routing.intake.submission import submission_parse
from routing.intake.submit import report_submit
from routing.models import Category, Report, ReportEvent
from routing.reports import roles
from routing.reports.events import event_new


@dataclass(frozen=True)
class Posted:
    """A checked POST to requests: what ``submission_parse`` does not check itself."""

    category: Category
    lon: float
    lat: float
    description: str = ""
    answers: list[Answer] = field(default_factory=list)
    media_url: str = ""
    email: str = ""
    phone: str = ""
    first_name: str = ""
    last_name: str = ""
    device_id: str = ""
    account_id: str = ""
    idempotency_key: str | None = None
    address_string: str = ""
    located_from: PlaceMatch | None = None  # the place address_string resolved to


def _note(key: ApiKey, posted: Posted) -> str:
    lines = [f"Gửi qua Open311 bằng khóa {key.prefix}… ({key.name})."]
    for answer in posted.answers:
        names = answer.attribute.value_names("vi")
        shown = ", ".join(names.get(v, v) for v in answer.values)
        lines.append(f"{answer.attribute.description}: {shown}")
    if posted.located_from is not None:
        place = posted.located_from.place
        lines.append(
            f"Vị trí lấy từ địa chỉ (address_string) '{posted.address_string}': "
            f"{place.name} ({place.kind}, {place.source}:{place.source_id})."
        )
    elif posted.address_string:
        lines.append(f"Địa chỉ (address_string, kèm tọa độ): {posted.address_string}")
    if posted.media_url:
        lines.append(f"Tệp đính kèm (media_url, chưa tải về): {posted.media_url}")
    return "\n".join(lines)


def _located(posted: Posted) -> dict | None:
    """What the location was taken from, when it was an address (else None)."""
    match = posted.located_from
    if match is None:
        return None
    place = match.place
    return {
        "address_string": posted.address_string,
        "source": place.source,
        "source_id": place.source_id,
        "place_name": place.name,  # not "name": a personal key (hidden from officers)
        "kind": place.kind,
        "score": match.score,
    }


def client_scope(key: ApiKey) -> str:
    """The scope of a partner's Idempotency-Keys: its API key, so two partners
    choosing the same key never meet (``routing.models.IdempotencyKey``)."""
    return f"open311:{key.pk}"


def open311_request_submit(*, key: ApiKey, posted: Posted) -> Report:
    """Check, route and store the request (the intake's errors pass through),
    then its answers and the audit event, in the intake's one transaction: all or
    nothing. A repeated Idempotency-Key returns the report it made before."""
    name = " ".join(p.strip() for p in (posted.last_name, posted.first_name) if p)
    submission = submission_parse(
        lon=posted.lon,
        lat=posted.lat,
        category=posted.category,
        description=posted.description,
        reporter_name=name,
        reporter_phone=posted.phone,
        reporter_email=posted.email,
        anonymous=not (posted.phone.strip() or posted.email.strip()),
        channel=Report.Channel.OPEN311,
        idempotency_key=posted.idempotency_key or None,
    )

    def extras(report: Report) -> list[ReportEvent]:
        RequestAttributeValue.objects.bulk_create(
            RequestAttributeValue(report=report, attribute=a.attribute, value=value)
            for a in posted.answers
            for value in a.values
        )
        return [
            event_new(
                report=report,
                kind=ReportEvent.Kind.COMMENT,
                role=roles.SYSTEM,
                public=False,
                note=_note(key, posted),
                data={
                    "open311": {
                        "api_key": key.pk,
                        "attributes": {
                            a.attribute.code: a.values for a in posted.answers
                        },
                        "media_url": posted.media_url,
                        "device_id": posted.device_id[:200],
                        "account_id": posted.account_id[:200],
                        "address_string": posted.address_string,
                        "location_from_address": _located(posted),
                    }
                },
            )
        ]

    result = report_submit(
        submission=submission, client_ip=None, client=client_scope(key), extras=extras
    )
    return result.report
