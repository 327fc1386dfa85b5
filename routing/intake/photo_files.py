"""Photo files and rows: written to storage inside the caller's transaction, and
remembered (``PhotoFiles``) so the caller deletes them when that transaction fails.

Shared by the intake (the citizen's photos) and the resolution (staff's photos of
the fix, ``routing.workflow.resolution``); it imports no workflow module, so both
may use it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile

from routing.intake.photos import CheckedPhoto
from routing.models import Report, ReportPhoto

log = logging.getLogger(__name__)


@dataclass
class PhotoFiles:
    """The files written for one attempt, to delete if its transaction fails."""

    saved: list[tuple[Any, str]] = field(default_factory=list)

    def delete(self) -> None:
        """Delete every file written; a file that cannot be deleted is logged, not
        raised, so the submission's own error still reaches the citizen. Any
        storage's failure counts (OSError from the filesystem, botocore's errors
        from object storage)."""
        for storage, name in self.saved:
            try:
                storage.delete(name)
            except Exception as exc:
                log.warning(
                    "could not delete photo %s after a failed submit: %s", name, exc
                )
        self.saved.clear()


def photo_store(
    report: Report,
    index: int,
    photo: CheckedPhoto,
    files: PhotoFiles,
    *,
    of_resolution: bool = False,
) -> ReportPhoto:
    """Write one checked photo's image and thumbnail and its row (``of_resolution``:
    a photo of the fix, taken by staff)."""
    prefix = "fix-" if of_resolution else ""
    stem = f"{prefix}{index + 1}-{photo.sha256[:12]}"
    row = ReportPhoto(
        report=report,
        content_type=photo.content_type,
        width=photo.width,
        height=photo.height,
        size_bytes=photo.size_bytes,
        sha256=photo.sha256,
        gps_lon=photo.gps[0] if photo.gps else None,
        gps_lat=photo.gps[1] if photo.gps else None,
        of_resolution=of_resolution,
    )
    row.image.save(f"{stem}.{photo.extension}", ContentFile(photo.image), save=False)
    files.saved.append((row.image.storage, row.image.name))
    row.thumbnail.save(f"{stem}-thumb.jpg", ContentFile(photo.thumbnail), save=False)
    files.saved.append((row.thumbnail.storage, row.thumbnail.name))
    row.save()
    return row
