"""Errors a person can read, in Vietnamese and English, with a stable code.

Domain code raises these and knows nothing of HTTP. Each error says what kind of
refusal it is by its base class (bad input, missing, forbidden, conflicting,
too many, not configured, unavailable); the API answers each kind with its HTTP status in one
place (``api.errors.http_status``).
"""

from __future__ import annotations

from typing import Any


class BilingualError(Exception):
    """An error with a stable ``code``, a Vietnamese and an English message.

    ``field`` names the input to correct; ``extra`` is added to the error body (for
    example the nearest unit when a point lies outside every unit). Raised as is,
    it means bad input.
    """

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


class InvalidInput(BilingualError):
    """The input cannot be used as given; ``field`` says which."""


class NotFound(BilingualError):
    """What the input names does not exist (a unit, a set, a point's unit)."""


class Forbidden(BilingualError):
    """The actor's role or scope may not do this."""


class Conflict(BilingualError):
    """Not possible in the current state of what it acts on."""


class Mismatch(BilingualError):
    """Understood, but it contradicts what an earlier request with the same key
    said (an idempotency key reused for another report)."""


class TooMany(BilingualError):
    """Over a limit for now; ``extra["retry_after"]`` says how many seconds."""


class Misconfigured(BilingualError):
    """The service lacks set-up it needs (not the caller's fault)."""


class Unavailable(BilingualError):
    """The service cannot answer for now (its database cannot be reached); the same
    request may be sent again after ``extra["retry_after"]`` seconds."""


class GeoInputError(InvalidInput, ValueError):
    """Bad spatial input: unparseable, out of range, swapped, not polygonal."""
