"""Vietnamese first: the pages speak Vietnamese unless the visitor chose English.

Django's ``LocaleMiddleware`` picks the language from the language cookie, then the
browser's ``Accept-Language``, then ``LANGUAGE_CODE``. Many phones in Vietnam run an
English user interface, so the pages skip the browser's preference and take only an
explicit choice (the switch in the header posts to ``set_language``, which sets the
cookie); the API keeps Django's rule, since its clients ask with ``Accept-Language``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.response import SimpleTemplateResponse
from django.utils import translation
from django.views.i18n import JavaScriptCatalog


def page_language(request: HttpRequest) -> str:
    """The language the visitor chose with the switch, else ``LANGUAGE_CODE``."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if chosen in dict(settings.LANGUAGES):
        return chosen
    return settings.LANGUAGE_CODE


def page_in_english() -> bool:
    """Whether the page being rendered speaks English (else Vietnamese)."""
    return (translation.get_language() or "vi").startswith("en")


def vietnamese_first(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Run a page view (and render its template) in :func:`page_language`."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        language = page_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = view(request, *args, **kwargs)
        if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
            response.render()
        response.headers["Content-Language"] = language
        return response

    return wrapper


class PageCatalogView(JavaScriptCatalog):
    """The JavaScript catalog (``gettext`` in the pages' scripts) for the ``web``
    strings only. The pages name the language in the URL (``?lang=vi``), so the
    browser may keep each catalog for an hour: it changes only with a deploy."""

    packages = ["web"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        language = request.GET.get("lang", "")
        if language not in dict(settings.LANGUAGES):
            language = page_language(request)
        with translation.override(language):
            response = super().get(request, *args, **kwargs)
        response.headers["Cache-Control"] = "public, max-age=3600"
        response.headers["Content-Language"] = language
        return response
