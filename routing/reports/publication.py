"""Which of a report's words and photos the public may see: the publication rule.

Every surface a person without staff rights reaches (Open311 GET, the tracking API
and page, the photos API, the photo files) asks this module, so the rule has one
home:

- at intake the citizen chooses whether the report may be shown publicly: by
  default yes for a named report, no for an anonymous one (which may opt in);
  a sensitive category (public security) is never public, whatever was asked;
- a report the citizen wants public waits (``pending``) for the operations centre,
  which approves it, with a public text (the description with phone numbers,
  e-mail addresses and ID numbers masked by ``routing.reports.redaction``, then
  edited) and the photos it chooses, or withholds it; it may decide again;
- the public sees the approved text and the chosen photos of an approved report
  whose category is not sensitive and which was not rejected (a rejected report
  may be abusive, or a complaint the law keeps confidential); photos of the fix
  taken by staff are public whenever the category is not sensitive;
- a note the citizen wrote (a rating's comment) is their words too: public
  surfaces show the event, never that note.

Everything else is public anyway: category, status, unit, department, dates and
the place rounded to about ten metres (``routing.reports.public``).

The public results portal (``/ket-qua/``) lists ``Report.objects.publicly_listed()``
(``report_publicly_listed`` for one report) and shows these words and photos: the
citizen's "before" photos only when publishable, the staff's "after" photos of the
fix whenever the report is listed (staff's pictures of public works, as Open311 and
the tracking page already show them), and the staff's result note once the report
is resolved or closed (``result_note_public``), even when the citizen's words stay
private.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q
from django.utils import timezone

from routing.models import Category, Report, ReportEvent, ReportPhoto
from routing.models.reports import report_publicly_listed
from routing.reports.actors import actor_label
from routing.reports.photo_urls import media_path
from routing.reports.redaction import text_mask
from routing.reports.roles import CITIZEN

P = Report.Publication


def publication_initial(
    *, anonymous: bool, public: bool | None, category: Category
) -> str:
    """The publication state a new report starts in, from the citizen's choice
    (``public``; None: the default for named or anonymous reports)."""
    if category.sensitive:
        return P.PRIVATE
    wanted = (not anonymous) if public is None else public
    return P.PENDING if wanted else P.PRIVATE


def report_publishable(report: Report) -> bool:
    """Whether the report's approved words and photos may be shown now."""
    return (
        report.publication == P.APPROVED
        and not report.category.sensitive
        and report.status != Report.Status.REJECTED
    )


def description_public(report: Report) -> str:
    """The words the public reads: the approved public text, or nothing."""
    return report.public_description if report_publishable(report) else ""


def photo_public(photo: ReportPhoto, report: Report | None = None) -> bool:
    """Whether anyone may see ``photo`` (of ``report``, its own by default)."""
    report = report or photo.report
    if report.category.sensitive:
        return False
    if photo.of_resolution:
        return True
    return photo.public and report_publishable(report)


def photos_public(report: Report) -> list[ReportPhoto]:
    """The report's photos the public may see (no query when they are
    prefetched)."""
    return [photo for photo in report.photos.all() if photo_public(photo, report)]


def photo_public_q(prefix: str = "") -> Q:
    """``photo_public`` as a filter on photos (``prefix`` reaches them from another
    model, e.g. ``"photos__"``)."""
    r = f"{prefix}report__"
    shown = Q(**{f"{prefix}public": True, f"{r}publication": P.APPROVED}) & ~Q(
        **{f"{r}status": Report.Status.REJECTED}
    )
    return Q(**{f"{r}category__sensitive": False}) & (
        Q(**{f"{prefix}of_resolution": True}) | shown
    )


def citizen_photos(report: Report) -> list[ReportPhoto]:
    """The photos the citizen sent (not staff photos of the fix)."""
    return [photo for photo in report.photos.all() if not photo.of_resolution]


def event_note_public(event: ReportEvent) -> str:
    """An event's note as the public reads it: never words the citizen wrote, and
    a staff note with phone numbers, e-mail addresses and ID numbers masked (an
    officer may quote the reporter's number in a public note by mistake)."""
    return "" if event.actor_role == CITIZEN else note_public(event.note)


def note_public(note: str) -> str:
    """A staff note already chosen for the public (``public_notes_q``), masked."""
    return text_mask(note) if note else note


def public_notes_q() -> Q:
    """``event_note_public`` as a filter on public events with a note."""
    return Q(public=True) & ~Q(note="") & ~Q(actor_role=CITIZEN)


def publication_proposal(report: Report) -> str:
    """The public text offered to the approver: the approved one if there is one,
    else the description masked."""
    if report.publication == P.APPROVED and report.public_description:
        return report.public_description
    return text_mask(report.description)


def publication_state_json(
    report: Report, photos: Iterable[ReportPhoto], *, viewer: Any
) -> dict:
    """What a reviewer needs to decide, for the staff API and page (no personal
    data beyond what a reviewer, who sees every report, already reads; who decided
    as ``viewer`` may be told: the role, the user name for admins)."""
    decided_by: Any = report.publication_decided_by
    decided_at = report.publication_decided_at
    return {
        "publication": report.publication,
        "sensitive": report.category.sensitive,
        "anonymous": report.anonymous,
        "description": report.description,
        "proposed_description": publication_proposal(report),
        "public_description": report.public_description,
        "decided_at": timezone.localtime(decided_at).isoformat()
        if decided_at
        else None,
        "decided_by": actor_label(decided_by, viewer=viewer) if decided_by else None,
        "photos": [
            {
                "id": photo.pk,
                "url": media_path(photo.image),
                "thumbnail_url": media_path(photo.thumbnail),
                "public": photo_public(photo, report),
                "chosen": photo.public,
                "of_resolution": photo.of_resolution,
            }
            for photo in photos
        ],
    }


def result_note_public(report: Report) -> str:
    """What was done, as the public reads it once the report is resolved or
    closed: the staff's result note (never the citizen's words), masked like any
    public staff note; nothing before, nor for a report the portal does not list."""
    done = report.status in (Report.Status.RESOLVED, Report.Status.CLOSED)
    if not done or not report_publicly_listed(report):
        return ""
    return note_public(report.result_note)
