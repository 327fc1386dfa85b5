"""Errors a person can read, in Vietnamese and English."""

from __future__ import annotations

from typing import Any


class BilingualError(Exception):
    """An error with a stable code, a Vietnamese and an English message.

    ``status`` is the HTTP status the API answers with; ``extra`` is added to the
    error body (for example the nearest unit when a point lies outside every unit).
    """

    status = 400

    def __init__(
        self,
        code: str,
        vi: str,
        en: str,
        field: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(en)
        self.code = code
        self.vi = vi
        self.en = en
        self.field = field
        self.extra = extra or {}


class GeoInputError(BilingualError, ValueError):
    """Bad spatial input: unparseable, out of range, swapped, not polygonal."""
