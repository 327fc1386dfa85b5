"""The list endpoints' FilterSets: the OpenAPI schema documents their parameters,
and a refused value keeps the API's bilingual error body."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django_filters import NumberFilter
from drf_spectacular.generators import SchemaGenerator

from api.errors import ApiError
from api.filtering import ApiFilterSet, ParsedFilter
from geo.errors import InvalidInput
from routing.models import Report

pytestmark = pytest.mark.django_db

LISTS = {
    ("/api/v1/reports/", "get"): {
        "bbox": "string",
        "category": "string",
        "department": "string",
        "from": "string",
        "page": "integer",
        "page_size": "integer",
        "publication": "string",
        "status": "string",
        "to": "string",
        "unit": "string",
    },
    ("/api/v1/zones/", "get"): {
        "at": "string",
        "bbox": "string",
        "category": "string",
        "department": "string",
        "status": "string",
    },
    ("/api/v1/boundaries/units", "get"): {
        "bbox": "string",
        "date": "string",
        "layer": "string",
        "level": "string",
        "parent": "string",
        "set": "string",
        "simplify": "integer",
    },
}


def test_the_schema_documents_each_list_filter_once():
    """Each list endpoint documents the query parameters of its FilterSet (plus
    page and page_size for reports), each once, with its description."""
    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    for (path, method), expected in LISTS.items():
        parameters = [
            p for p in paths[path][method]["parameters"] if p["in"] == "query"
        ]
        documented = {p["name"]: p["schema"]["type"] for p in parameters}
        assert documented == expected, path
        assert len(parameters) == len(expected), path
        assert all(p.get("description") for p in parameters if p["name"] != "page")
    zone_status = next(
        p for p in paths["/api/v1/zones/"]["get"]["parameters"] if p["name"] == "status"
    )
    assert zone_status["schema"]["enum"] == ["draft", "published"]


def test_the_schema_builds_without_warnings(tmp_path):
    """drf-spectacular understands every FilterSet: no warning, valid OpenAPI."""
    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--file",
        str(tmp_path / "schema.yaml"),
        stdout=StringIO(),
        stderr=StringIO(),
    )


def _percent(raw: str | None) -> int | None:
    if raw is not None:
        raise InvalidInput("too_much", f"Quá {raw}%.", f"Over {raw}%.", "share")
    return None


class _Filters(ApiFilterSet):
    share = ParsedFilter(parse=_percent, predicate=None, help_text="A share.")
    size = NumberFilter(field_name="accuracy_m")

    class Meta:
        model = Report
        fields: tuple[str, ...] = ()


def test_a_parsers_refusal_is_raised_as_it_was():
    """The parser's own error comes back whole, even with a '%' in its message."""
    filters = _Filters({"share": "120", "size": "x"}, queryset=Report.objects.all())
    with pytest.raises(InvalidInput) as refused:
        filters.qs  # noqa: B018 (evaluating qs checks the parameters)
    assert (refused.value.code, refused.value.field) == ("too_much", "share")
    assert refused.value.en == "Over 120%."


def test_a_stock_filter_error_becomes_a_bilingual_invalid_input():
    """A plain django-filter field's error is the API's invalid_input, naming the
    parameter in both languages."""
    filters = _Filters({"size": "big"}, queryset=Report.objects.all())
    with pytest.raises(ApiError) as refused:
        filters.qs  # noqa: B018 (evaluating qs checks the parameters)
    error = refused.value
    assert (error.error_code, error.field, error.status_code) == (
        "invalid_input",
        "size",
        400,
    )
    assert "«size»" in error.vi
    assert "'size'" in error.en


def test_valid_parameters_filter():
    """Without a refusal the queryset is filtered; an absent parameter filters
    nothing, and one without a predicate is read, not applied."""
    everything = Report.objects.all()
    assert len(_Filters({"size": "5"}, queryset=everything).qs.query.where) == 1
    assert len(_Filters({}, queryset=everything).qs.query.where) == 0
    read = _Filters({"size": ""}, queryset=everything)
    assert len(read.qs.query.where) == 0
    assert read.form.cleaned_data["share"] is None
