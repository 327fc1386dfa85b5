"""Every request gets an id: the proxy's, when well-formed, or a new one.

nginx sets ``X-Request-ID`` to its own ``$request_id`` (deploy/nginx), so the id in
nginx's log, gunicorn's access log and every application log line is the same. A
client can send the header too, so only a short token of safe characters is
accepted (it is written into logs and a response header); anything else is
replaced. The id goes back on the response, for the citizen or partner quoting it
to the operations centre.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

from config.logs import META_KEY, request_id

HEADER = "X-Request-ID"
# Letters, digits and - _ . : up to 128 characters: UUIDs, nginx's 32 hex digits,
# AWS and Cloudflare trace ids; no spaces, quotes or control characters.
WELL_FORMED = re.compile(r"[A-Za-z0-9._:-]{8,128}")


def request_id_of(request: HttpRequest) -> str:
    """The incoming id when it is well-formed, else a new random one (32 hex)."""
    offered = request.META.get(META_KEY, "")
    if WELL_FORMED.fullmatch(offered):
        return offered
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Binds the request's id to the logs for the request's duration and returns it
    in ``X-Request-ID``. First in MIDDLEWARE, so every other middleware's lines
    carry it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        rid = request_id_of(request)
        request.META[META_KEY] = rid  # gunicorn's access log reads it from here
        token = request_id.set(rid)
        try:
            response = self.get_response(request)
        finally:
            request_id.reset(token)
        response[HEADER] = rid
        return response
