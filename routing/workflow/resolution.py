"""Proof of resolution: what resolving a report needs, and what it stores.

A report is resolved only with a public result note: the staff's words telling the
citizen and the public what was done (``Report.result_note``, shown on the tracking
page of every resolved or closed report, even when the citizen's own words are
private). The note is checked here (not blank, at most ``MAX_RESULT_NOTE``
characters, no control characters) and stored *masked*
(``routing.reports.redaction``): a phone number, e-mail address or ID number an
officer copies into it never reaches the database, the timeline, the notifications
or the public. A category with ``requires_after_photo`` also needs at least one
photo of the fix (``ReportPhoto.of_resolution``), uploaded with the resolve action
or before it.

``routing.workflow.status`` calls these checks for every step into ``resolved``,
whichever edge (API, officers' page) asked for it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from django.conf import settings

from routing.intake.photo_files import PhotoFiles, photo_store
from routing.intake.photos import CheckedPhoto
from routing.models import Report, ReportPhoto
from routing.reports.redaction import text_mask
from routing.workflow.errors import WorkflowError

MAX_RESULT_NOTE = 2000


def result_note_check(note: str | None) -> str:
    """The result note to store: trimmed, NFC, masked; a bilingual 400 when it is
    blank, too long or holds control characters (a line break or tab is fine)."""
    text = unicodedata.normalize("NFC", (note or "").replace("\r\n", "\n")).strip()
    if not text:
        raise WorkflowError(
            "result_note_required",
            "Cần ghi kết quả xử lý (công khai): đã làm gì để khắc phục.",
            "Write the result (public): what was done to fix the problem.",
            field="note",
        )
    if len(text) > MAX_RESULT_NOTE:
        raise WorkflowError(
            "result_note_too_long",
            f"Kết quả xử lý dài {len(text)} ký tự; tối đa {MAX_RESULT_NOTE}.",
            f"The result note has {len(text)} characters; at most {MAX_RESULT_NOTE}.",
            field="note",
        )
    if any(ch not in "\n\t" and unicodedata.category(ch) == "Cc" for ch in text):
        raise WorkflowError(
            "result_note_control_characters",
            "Kết quả xử lý chứa ký tự điều khiển không hợp lệ.",
            "The result note contains control characters.",
            field="note",
        )
    return text_mask(text)


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
    if to_status != Report.Status.RESOLVED or not report.category.requires_after_photo:
        return
    if photos or ReportPhoto.objects.filter(report=report, of_resolution=True).exists():
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
