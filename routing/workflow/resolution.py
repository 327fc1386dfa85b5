"""Proof of resolution: what resolving a report needs, and what it stores.

A report is resolved only with a public result note: the staff's words telling the
citizen and the public what was done (``Report.result_note``, shown on the tracking
page of every resolved or closed report, even when the citizen's own words are
private). The note is cleaned and checked by the intake's one text check
(``routing.intake.inputs.text_check``: NFC, Unix newlines, control characters
dropped, HTML tags refused), must not be blank, and is stored *masked*
(``routing.reports.redaction``): a phone number, e-mail address or ID number an
officer copies into it never reaches the database, the timeline, the notifications
or the public; the length (at most ``MAX_RESULT_NOTE`` characters) is checked again
after masking, which may lengthen it. A category with ``requires_after_photo`` also needs at least one
photo of the fix (``ReportPhoto.of_resolution``), uploaded with the resolve action
or before it.

``routing.workflow.status`` calls these checks for every step into ``resolved``,
whichever edge (API, officers' page) asked for it.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings

from routing.intake.errors import IntakeError
from routing.intake.inputs import text_check
from routing.intake.photo_files import PhotoFiles, photo_store
from routing.intake.photos import CheckedPhoto
from routing.models import Report, ReportPhoto
from routing.reports.redaction import text_mask
from routing.workflow.errors import WorkflowError

MAX_RESULT_NOTE = 2000


def _too_long(length: int, *, masked: bool = False) -> WorkflowError:
    vi = " (sau khi ẩn số điện thoại, e-mail, số giấy tờ)" if masked else ""
    en = " (once phone numbers, e-mails and ID numbers are masked)" if masked else ""
    return WorkflowError(
        "result_note_too_long",
        f"Kết quả xử lý dài {length} ký tự{vi}; tối đa {MAX_RESULT_NOTE}.",
        f"The result note has {length} characters{en}; at most {MAX_RESULT_NOTE}.",
        field="note",
        extra={"length": length, "max_length": MAX_RESULT_NOTE},
    )


def after_photo_missing(report: Report) -> bool:
    """Whether resolving ``report`` still needs a photo of the fix: its category
    requires one and none was uploaded (reads a prefetched ``photos`` when there
    is one)."""
    if not report.category.requires_after_photo:
        return False
    return not any(photo.of_resolution for photo in report.photos.all())


def result_note_check(note: str | None) -> str:
    """The result note to store: cleaned by the intake's text check, masked, and
    at most ``MAX_RESULT_NOTE`` characters once masked; a bilingual 400 (field
    ``note``) when it is blank, too long or holds HTML tags."""
    try:
        text = text_check(
            note,
            field_name="note",
            label_vi="Kết quả xử lý",
            max_length=MAX_RESULT_NOTE,
        )
    except IntakeError as refused:
        if refused.code == "too_long":
            raise _too_long(refused.extra["length"]) from None
        raise WorkflowError(
            f"result_note_{refused.code}", refused.vi, refused.en, field="note"
        ) from None
    if not text:
        raise WorkflowError(
            "result_note_required",
            "Cần ghi kết quả xử lý (công khai): đã làm gì để khắc phục.",
            "Write the result (public): what was done to fix the problem.",
            field="note",
        )
    masked = text_mask(text)
    if len(masked) > MAX_RESULT_NOTE:
        raise _too_long(len(masked), masked=True)
    return masked


def after_photos_check(
    report: Report, to_status: str, photos: Sequence[CheckedPhoto]
) -> None:
    """Photos of the fix come only with the step into ``resolved``, at most
    ``REPORT_MAX_PHOTOS``; a category that requires one refuses the step without
    any (sent now or uploaded before)."""
    if photos and to_status != Report.Status.RESOLVED:
        raise WorkflowError(
            "after_photo_only_when_resolving",
            "Chỉ gửi ảnh sau khi khắc phục khi chuyển sang «Đã xử lý».",
            "Photos of the fix are sent only when resolving the report.",
            field="photos",
        )
    limit = settings.REPORT_MAX_PHOTOS
    if len(photos) > limit:
        raise WorkflowError(
            "too_many_after_photos",
            f"Tối đa {limit} ảnh sau khi khắc phục mỗi lần.",
            f"At most {limit} photos of the fix at a time.",
            field="photos",
        )
    if to_status != Report.Status.RESOLVED or photos:
        return
    if not after_photo_missing(report):
        return
    raise WorkflowError(
        "after_photo_required",
        f"Lĩnh vực «{report.category.name_vi}» cần ít nhất một ảnh sau khi khắc phục "
        "để chuyển sang «Đã xử lý».",
        f"Reports of “{report.category.name_en}” need at least one photo of the fix "
        "to be resolved.",
        field="photos",
    )


def after_photos_store(
    report: Report, photos: Sequence[CheckedPhoto], files: PhotoFiles
) -> list[ReportPhoto]:
    """Store the photos of the fix (public unless the category is sensitive, by
    the publication rule)."""
    first = report.photos.count()
    return [
        photo_store(report, first + index, photo, files, of_resolution=True)
        for index, photo in enumerate(photos)
    ]
