"""Query-string filters for the list endpoints, declared with django-filter.

Each list endpoint declares a FilterSet of :class:`ParsedFilter`: the raw text is
read by the parser the rest of the API uses (``geo.coords.parse_bbox``,
``api.params``, ``category_get``…) and the value applied by a queryset predicate
(``ReportQuerySet.in_bbox``…), so a filter is written once and documented in the
OpenAPI schema from its declaration. A refusal keeps the API's error body: the
parser's bilingual error rides through the form's validation and is raised again,
the first in declaration order, by :func:`refusal` — never django-filter's own
400 field list.

This module is the filter backend of the settings (``DEFAULT_FILTER_BACKENDS``), read
while DRF's generic views load: it must not import them (nor drf-spectacular's
``AutoSchema``, which does; see ``api.schema``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django_filters import Filter, FilterSet
from django_filters.constants import EMPTY_VALUES
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field
from rest_framework.request import Request
from rest_framework.views import APIView

from api.errors import ApiError
from geo.errors import BilingualError

Parse = Callable[[str | None], Any]
Predicate = Callable[[Any, Any], QuerySet]

BBOX_HELP = "minLon,minLat,maxLon,maxLat"


class ParsedField(forms.Field):
    """Query text read by ``parse`` (which gets None for an absent or empty
    parameter and decides what that means). A refusal is kept whole, as the
    ValidationError's ``params["refusal"]``."""

    def __init__(self, *, parse: Parse, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.parse = parse

    def to_python(self, value: Any) -> Any:
        try:
            return self.parse(value if value not in ("", None) else None)
        except (BilingualError, ApiError) as error:
            # "%" would be read as a format by ValidationError.
            raise ValidationError(
                error.en.replace("%", "%%"),
                code=_code(error),
                params={"refusal": error},
            ) from error


class ParsedFilter(Filter):
    """One query parameter: read by ``parse``, applied by ``predicate`` (a queryset
    method such as ``ReportQuerySet.in_bbox``) unless the value is empty. Without a
    predicate the FilterSet reads the value itself (in ``filter_queryset``) or the
    view does. Documented with ``help_text`` (and ``enum``) as ``openapi_type``."""

    field_class = ParsedField

    def __init__(
        self,
        *,
        parse: Parse,
        predicate: Predicate | None,
        help_text: str,
        enum: Iterable[str] | None = None,
        openapi_type: str = "string",
        **kwargs: Any,
    ) -> None:
        super().__init__(parse=parse, help_text=help_text, **kwargs)
        self.predicate = predicate
        schema: dict[str, Any] = {"type": openapi_type, "description": help_text}
        if enum is not None:
            schema["enum"] = list(enum)
        extend_schema_field(schema)(self)

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        if self.predicate is None or value in EMPTY_VALUES:
            return qs
        return self.predicate(qs, value)


def _code(error: BilingualError | ApiError) -> str:
    return error.code if isinstance(error, BilingualError) else error.error_code


def refusal(form: forms.Form) -> BilingualError | ApiError:
    """The first refusal of a filter form, as its parser raised it; an error of
    Django's own fields as the API's ``invalid_input``."""
    field, problems = next(iter(form.errors.as_data().items()))
    first = problems[0]
    found = (first.params or {}).get("refusal")
    if found is not None:
        return found
    message = " ".join(first.messages)
    return ApiError(
        "invalid_input",
        f"Tham số «{field}» không hợp lệ: {message}",
        f"The parameter '{field}' is invalid: {message}",
        field=field,
    )


class ApiFilterSet(FilterSet):
    """A FilterSet whose ``qs`` raises the API's bilingual error for a bad value."""

    @property
    def qs(self) -> QuerySet:
        if self.is_bound and not self.is_valid():
            raise refusal(self.form)
        return super().qs


class ApiFilterBackend(DjangoFilterBackend):
    """django-filter's backend (``DEFAULT_FILTER_BACKENDS``), answering a bad
    parameter with the API's error body instead of django-filter's field list."""

    def filter_queryset(
        self, request: Request, queryset: QuerySet, view: APIView
    ) -> QuerySet:
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            raise refusal(filterset.form)
        return filterset.qs
