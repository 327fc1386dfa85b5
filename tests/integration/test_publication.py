"""The publication rule (``routing.reports.publication``) and the operations
centre's decision (``routing.workflow.report_publication_decide``): the state a
report starts in for each citizen choice, approving with a masked and edited text
and chosen photos, withholding, deciding again, the timeline event of each
decision, and who may decide."""

from __future__ import annotations

import io
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from PIL import Image

from routing.intake.photos import CheckedPhoto, photos_check
from routing.models import (
    Category,
    Report,
    ReportEvent,
    ReportPhoto,
    StaffProfile,
)
from routing.reports import publication
from routing.reports.redaction import PHONE
from routing.reports.roles import Role
from routing.workflow import (
    WorkflowConflict,
    WorkflowError,
    WorkflowForbidden,
    report_publication_decide,
)
from tests.factories import report_create, report_force

pytestmark = pytest.mark.django_db

P = Report.Publication
DESCRIPTION = "Rác ứ đọng cạnh chợ, liên hệ 0912 345 678 hoặc an@example.vn."


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def photos(count: int = 2) -> tuple[CheckedPhoto, ...]:
    files = []
    for index in range(count):
        out = io.BytesIO()
        Image.new("RGB", (40, 30), (10 * index, 120, 30)).save(out, "JPEG")
        files.append((f"anh-{index}.jpg", out.getvalue()))
    return tuple(photos_check(files))


def user(role: str, **profile):
    made = get_user_model().objects.create_user(f"{role}-{uuid.uuid4().hex[:8]}")
    StaffProfile.objects.create(user=made, role=role, **profile)
    return made


def named(category: str = "VSMT", **fields) -> Report:
    fields.setdefault("reporter_phone", "0912345678")
    return report_create(category=category, description=DESCRIPTION, **fields)


def anonymous(category: str = "VSMT", **fields) -> Report:
    return report_create(
        category=category, description=DESCRIPTION, anonymous=True, **fields
    )


# The rule table --------------------------------------------------------------------

# (anonymous, category, the citizen's choice) → the state the report starts in
RULE = [
    (False, "VSMT", None, P.PENDING),
    (False, "VSMT", True, P.PENDING),
    (False, "VSMT", False, P.PRIVATE),
    (True, "VSMT", None, P.PRIVATE),
    (True, "VSMT", True, P.PENDING),
    (True, "VSMT", False, P.PRIVATE),
    (False, "ANTT", None, P.PRIVATE),
    (False, "ANTT", True, P.PRIVATE),
    (False, "ANTT", False, P.PRIVATE),
    (True, "ANTT", None, P.PRIVATE),
    (True, "ANTT", True, P.PRIVATE),
    (True, "ANTT", False, P.PRIVATE),
]


@pytest.mark.parametrize(("is_anonymous", "category", "choice", "expected"), RULE)
def test_the_state_a_report_starts_in(is_anonymous, category, choice, expected):
    """Named reports are offered for publication by default, anonymous ones only
    when the citizen opts in, sensitive categories never; nothing is public yet."""
    make = anonymous if is_anonymous else named
    report = make(category, public=choice)
    assert report.publication == expected
    assert Category.objects.get(code="ANTT").sensitive
    assert publication.description_public(report) == ""
    assert report.public_description == ""


def test_only_security_is_sensitive_in_the_fixtures():
    """Potholes, power, water, trees and health are not secrets: only ANTT."""
    assert list(
        Category.objects.filter(sensitive=True).values_list("code", flat=True)
    ) == ["ANTT"]


# Deciding --------------------------------------------------------------------------


def test_approval_masks_the_description_and_shows_every_citizen_photo():
    """By default the public text is the description masked and every photo the
    citizen sent is shown; the decision and its decider are kept, and an internal
    event names them."""
    report = named(photos=photos(2))
    operator = user(Role.IOC_OPERATOR)
    report = report_publication_decide(report=report, actor=operator, approve=True)
    assert report.publication == P.APPROVED
    assert report.public_description == (
        f"Rác ứ đọng cạnh chợ, liên hệ {PHONE} hoặc [email đã ẩn]."
    )
    assert report.publication_decided_by == operator
    assert report.publication_decided_at is not None
    assert publication.description_public(report) == report.public_description
    assert len(publication.photos_public(report)) == 2
    event = report.events.get(kind=ReportEvent.Kind.PUBLICATION)
    assert event.public is False
    assert event.actor == operator
    assert event.actor_role == Role.IOC_OPERATOR
    assert event.data["publication"] == P.APPROVED
    assert event.data["before"] == P.PENDING


def test_the_approver_edits_the_text_and_chooses_photos():
    report = named(photos=photos(3))
    first, second, third = report.photos.order_by("id")
    report = report_publication_decide(
        report=report,
        actor=user(Role.ADMIN),
        approve=True,
        text="  Rác ứ đọng cạnh chợ.  ",
        photo_ids=[second.pk],
        note="Ảnh 1 và 3 có mặt người.",
    )
    assert report.public_description == "Rác ứ đọng cạnh chợ."
    assert [p.pk for p in publication.photos_public(report)] == [second.pk]
    event = report.events.get(kind=ReportEvent.Kind.PUBLICATION)
    assert event.note == "Ảnh 1 và 3 có mặt người."
    assert event.data["photos"] == [second.pk]
    assert not ReportPhoto.objects.get(pk=first.pk).public
    assert not ReportPhoto.objects.get(pk=third.pk).public


def test_withholding_and_deciding_again():
    """An approval can be withdrawn (the text and photos leave the public at once)
    and given again; each decision is its own event."""
    report = named(photos=photos(1))
    operator = user(Role.IOC_OPERATOR)
    report_publication_decide(report=report, actor=operator, approve=True)
    report = report_publication_decide(
        report=report, actor=operator, approve=False, note="Có thông tin cá nhân."
    )
    assert report.publication == P.WITHHELD
    assert report.public_description == ""
    assert publication.description_public(report) == ""
    assert publication.photos_public(report) == []
    assert not report.photos.get().public
    report = report_publication_decide(
        report=report, actor=operator, approve=True, text="Rác cạnh chợ."
    )
    assert publication.description_public(report) == "Rác cạnh chợ."
    decisions = report.events.filter(kind=ReportEvent.Kind.PUBLICATION)
    assert [(e.data["before"], e.data["publication"]) for e in decisions] == [
        (P.PENDING, P.APPROVED),
        (P.APPROVED, P.WITHHELD),
        (P.WITHHELD, P.APPROVED),
    ]


@pytest.mark.parametrize(
    "role",
    [Role.DEPARTMENT_OFFICER, Role.UNIT_OFFICER, Role.ROUTING_OFFICER, Role.PLANNER],
)
def test_only_the_operations_centre_and_admins_decide(role):
    report = named()
    profile = {}
    if role == Role.DEPARTMENT_OFFICER:
        profile["department"] = report.department
    if role == Role.UNIT_OFFICER:
        profile["unit_code"] = report.unit.code
    with pytest.raises(WorkflowForbidden):
        report_publication_decide(
            report=report, actor=user(role, **profile), approve=True
        )
    with pytest.raises(WorkflowForbidden):
        report_publication_decide(report=report, actor=None, approve=False)
    report.refresh_from_db()
    assert report.publication == P.PENDING
    assert not report.events.filter(kind=ReportEvent.Kind.PUBLICATION).exists()


def test_a_report_the_citizen_kept_private_cannot_be_published():
    """Without the citizen's agreement neither approval nor withholding applies."""
    report = anonymous()
    for approve in (True, False):
        with pytest.raises(WorkflowConflict) as refused:
            report_publication_decide(
                report=report, actor=user(Role.IOC_OPERATOR), approve=approve
            )
        assert refused.value.code == "publication_not_requested"
    assert Report.objects.get(pk=report.pk).publication == P.PRIVATE


def test_a_sensitive_report_is_never_approved_and_stops_being_public():
    """A report moved to a sensitive category after approval disappears from the
    public at once; it can be withheld, never approved again."""
    report = named(photos=photos(1))
    operator = user(Role.IOC_OPERATOR)
    report = report_publication_decide(report=report, actor=operator, approve=True)
    report = report_force(report, category=Category.objects.get(code="ANTT"))
    assert publication.description_public(report) == ""
    assert publication.photos_public(report) == []
    with pytest.raises(WorkflowConflict) as refused:
        report_publication_decide(report=report, actor=operator, approve=True)
    assert refused.value.code == "publication_sensitive"
    report = report_publication_decide(
        report=report, actor=operator, approve=False, note="Có thông tin cá nhân."
    )
    assert report.publication == P.WITHHELD


def test_photos_that_are_not_the_citizens_are_refused():
    report = named(photos=photos(1))
    other = named(photos=photos(1)).photos.get()
    with pytest.raises(WorkflowError) as refused:
        report_publication_decide(
            report=report,
            actor=user(Role.IOC_OPERATOR),
            approve=True,
            photo_ids=[other.pk],
        )
    assert refused.value.field == "photos"
    assert not ReportPhoto.objects.filter(public=True).exists()


def test_a_rejected_report_shows_nothing_even_if_approved():
    report = named(photos=photos(1))
    report = report_publication_decide(
        report=report, actor=user(Role.IOC_OPERATOR), approve=True
    )
    report = report_force(report, status=Report.Status.REJECTED)
    assert publication.description_public(report) == ""
    assert publication.photos_public(report) == []


def test_photos_of_the_fix_are_public_unless_the_category_is_sensitive():
    """Staff photos of the fix need no approval; in a sensitive category they stay
    private like everything else."""
    report = anonymous()
    fix = ReportPhoto(
        report=report,
        content_type="image/jpeg",
        width=40,
        height=30,
        size_bytes=10,
        sha256="0" * 64,
        of_resolution=True,
    )
    fix.image.save("fix.jpg", ContentFile(b"x"), save=False)
    fix.thumbnail.save("fix-thumb.jpg", ContentFile(b"x"), save=False)
    fix.save()
    report.refresh_from_db()  # the submitted instance carries its photos as written
    assert publication.photos_public(report) == [fix]
    assert list(ReportPhoto.objects.filter(publication.photo_public_q())) == [fix]
    report_force(report, category=Category.objects.get(code="ANTT"))
    fix.refresh_from_db()
    assert not publication.photo_public(fix)
    assert not ReportPhoto.objects.filter(publication.photo_public_q()).exists()


def test_the_queryset_rule_matches_the_python_rule():
    """``photo_public_q`` selects exactly the photos ``photo_public`` allows."""
    operator = user(Role.IOC_OPERATOR)
    approved = named(photos=photos(2))
    report_publication_decide(
        report=approved,
        actor=operator,
        approve=True,
        photo_ids=[approved.photos.order_by("id").first().pk],
    )
    named(photos=photos(1))  # pending
    anonymous(photos=photos(1))  # private
    withheld = named(photos=photos(1))
    report_publication_decide(
        report=withheld, actor=operator, approve=False, note="Có thông tin cá nhân."
    )
    by_rule = {p.pk for p in ReportPhoto.objects.all() if publication.photo_public(p)}
    by_query = set(
        ReportPhoto.objects.filter(publication.photo_public_q()).values_list(
            "pk", flat=True
        )
    )
    assert by_rule == by_query
    assert len(by_rule) == 1
