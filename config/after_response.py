"""Work to run once a response has been sent, in the same process.

Django calls a response's closers when the WSGI server closes it, after the body
went out (the test client does the same at the end of each request). Used where
the time of an answer must not depend on a slow third party: the one-time code's
SMS (``routing.citizens.otp``) is sent after the 202, so a sent code and a
held-back one answer alike. A job logs its own failures (Django swallows them).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.http import HttpResponseBase

R = TypeVar("R", bound=HttpResponseBase)


def after_response(jobs: list[Callable[[], None]], response: R) -> R:
    """``response``, running ``jobs`` in order once the server has sent it."""
    response._resource_closers.extend(jobs)  # type: ignore[attr-defined]
    return response
