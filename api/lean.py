"""A lean path through DRF for the hottest public GET: the same answer, less work.

A point lookup's handler costs ~0.1 ms of SQL, but DRF wraps it in a ``Request``,
negotiates the content type, runs the authenticators, permissions and throttles,
and renders through a template response: about as much CPU again as the lookup.
For the plain request almost every client sends — ``GET``, no ``format``
parameter, ``Accept`` absent, ``*/*`` or ``application/json``, no session cookie,
no ``Authorization`` header — every one of those steps has a known outcome: the
JSON renderer, an anonymous visitor, allowed, not throttled. :class:`LeanGetApi`
answers such a request directly with the same renderer and DRF's own final
headers; anything else (another method, content type or format, a signed-in
user, an error) goes through DRF as before, so the answers are the same
whichever path served them (``tests/api/test_lean_lookup.py`` compares them).

The lean path is taken only while the view keeps the DRF settings it relies on:
one renderer (JSON), DRF's negotiation, session authentication only, anyone
allowed, no throttle. A view or a setting that changes any of these sends every
request through DRF again.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from rest_framework.authentication import SessionAuthentication
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

# Accept headers for which DRF's negotiation picks the JSON renderer with no
# parameters (so no indentation): anything (also when absent), or JSON itself.
PLAIN_ACCEPT = frozenset({"*/*", "application/json"})


class LeanGetApi(APIView):
    """An APIView whose GET answer is ``answer(query)``, a JSON-ready dict; plain
    requests skip DRF's request cycle (see the module docstring)."""

    def answer(self, query: QueryDict) -> dict[str, Any]:
        raise NotImplementedError

    def get(self, request: Request) -> Response:
        return Response(self.answer(request.query_params))

    def lean(self, request: HttpRequest) -> bool:
        """Whether DRF would treat ``request`` exactly as the lean path does."""
        meta = request.META
        return (
            request.method == "GET"
            and meta.get("HTTP_ACCEPT", "*/*") in PLAIN_ACCEPT
            and "HTTP_AUTHORIZATION" not in meta
            and api_settings.URL_FORMAT_OVERRIDE not in request.GET
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and self.renderer_classes == [JSONRenderer]
            and self.content_negotiation_class is DefaultContentNegotiation
            and self.authentication_classes == [SessionAuthentication]
            and self.permission_classes == [AllowAny]
            and not self.throttle_classes
        )

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not self.lean(request):
            return super().dispatch(request, *args, **kwargs)
        # What DRF's session authentication leaves behind for a visitor without a
        # session: the session was read (Vary: Cookie), and the user and token are
        # DRF's unauthenticated ones.
        request.user.is_active  # noqa: B018 (evaluates the lazy user)
        user, token = (
            api_settings.UNAUTHENTICATED_USER,
            api_settings.UNAUTHENTICATED_TOKEN,
        )
        # (DRF's stubs type these settings as dotted-path strings; they are
        # resolved to classes.)
        request.user = user() if user else None  # type: ignore[operator,assignment]
        request.auth = token() if token else None  # type: ignore[attr-defined,operator]
        self.headers = self.default_response_headers
        try:
            data = self.answer(request.GET)
        except Exception as exc:
            # Answered by DRF's handler (or raised on), as on the full path.
            self.request = drf_request = self.initialize_request(request)
            self.format_kwarg = self.get_format_suffix(**kwargs)
            negotiated = self.perform_content_negotiation(drf_request)
            drf_request.accepted_renderer, drf_request.accepted_media_type = negotiated
            return self.finalize_response(drf_request, self.handle_exception(exc))
        response = HttpResponse(
            JSONRenderer().render(data), content_type=JSONRenderer.media_type
        )
        # finalize_response only adds headers to a plain request and response.
        return self.finalize_response(request, response)  # type: ignore[arg-type]
