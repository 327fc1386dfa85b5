"""Uploads bounded while they stream, before anything reaches the disk.

Django's own handlers keep a file in memory up to ``FILE_UPLOAD_MAX_MEMORY_SIZE`` and
spool larger ones to a temporary file, whatever their size; only after the whole body
is read could a view refuse an oversized photo. :class:`BoundedUploadHandler` runs
first (``FILE_UPLOAD_HANDLERS``) and refuses the request as soon as the bound is
crossed:

- a request from the public (anyone not acting in a staff role) may carry at most
  ``REPORT_MAX_PHOTOS`` files of at most ``REPORT_MAX_PHOTO_BYTES`` each (the only
  upload the public makes is a report's photos), and a body whose Content-Length is
  beyond all of them plus ``DATA_UPLOAD_MAX_MEMORY_SIZE`` of fields is refused
  before a byte is read. Its files are held in memory, never on disk: an oversized
  one is refused one chunk past its bound;
- signed-in staff may upload files up to ``STAFF_UPLOAD_MAX_BYTES`` each (a
  province's boundary file in the admin), handed on to Django's handlers.

``DATA_UPLOAD_MAX_NUMBER_FILES`` caps the number of files for everyone. A refusal is
:class:`UploadRefused`: a bilingual 413 in the API, and a plain 400 from any other
view (it is a ``SuspiciousOperation`` too, which Django answers itself).
"""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopFutureHandlers
from django.http import HttpRequest
from rest_framework import status

from api.errors import ApiError
from routing.reports.access import acts_as_staff

MB = 1024 * 1024


class UploadRefused(ApiError, SuspiciousOperation):
    """An upload over its bounds, refused while it streams."""


def _too_large(name: str, limit: int) -> UploadRefused:
    shown = (name or "")[:80]
    return UploadRefused(
        "upload_too_large",
        f"Tệp '{shown}' vượt quá giới hạn {limit / MB:.0f} MB cho mỗi tệp.",
        f"The file '{shown}' is over the {limit / MB:.0f} MB limit per file.",
        field="photos",
        status_code=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        extra={"max_bytes": limit},
    )


def _too_many(limit: int) -> UploadRefused:
    return UploadRefused(
        "too_many_files",
        f"Tối đa {limit} tệp trong một yêu cầu.",
        f"At most {limit} files per request.",
        field="photos",
        status_code=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        extra={"max_files": limit},
    )


def _body_too_large(limit: int) -> UploadRefused:
    return UploadRefused(
        "body_too_large",
        f"Yêu cầu quá lớn: tối đa {limit / MB:.0f} MB.",
        f"The request is too large: at most {limit / MB:.0f} MB.",
        status_code=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        extra={"max_bytes": limit},
    )


class BoundedUploadHandler(FileUploadHandler):
    """Count files and bytes as they arrive; hold the public's files in memory."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.staff = False
        self.files = 0
        self.received = 0
        self.buffer: io.BytesIO | None = None

    def handle_raw_input(
        self,
        input_data: Any,
        META: dict[str, Any],
        content_length: int,
        boundary: str,
        encoding: str | None = None,
    ) -> None:
        self.staff = acts_as_staff(getattr(self.request, "user", None))
        if self.staff:
            return
        total = (
            settings.REPORT_MAX_PHOTOS * settings.REPORT_MAX_PHOTO_BYTES
            + settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        )
        if content_length > total:
            raise _body_too_large(total)

    @property
    def max_file_bytes(self) -> int:
        if self.staff:
            return int(settings.STAFF_UPLOAD_MAX_BYTES)
        return int(settings.REPORT_MAX_PHOTO_BYTES)

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.files += 1
        self.received = 0
        if not self.staff and self.files > settings.REPORT_MAX_PHOTOS:
            raise _too_many(settings.REPORT_MAX_PHOTOS)
        if not self.staff:
            self.buffer = io.BytesIO()
            raise StopFutureHandlers  # the public's files stay with us, in memory

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > self.max_file_bytes:
            self.buffer = None
            raise _too_large(self.file_name or "", self.max_file_bytes)
        if self.buffer is None:
            return raw_data  # staff: on to Django's handlers
        self.buffer.write(raw_data)
        return None

    def file_complete(self, file_size: int) -> InMemoryUploadedFile | None:
        if self.buffer is None:
            return None
        self.buffer.seek(0)
        uploaded = InMemoryUploadedFile(
            file=self.buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )
        self.buffer = None
        return uploaded
