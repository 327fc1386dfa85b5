"""The staff report list's query parameters: each read by the API's parsers and
applied by a ``ReportQuerySet`` predicate, the same ones ``reports_select`` (the
officers' queue) uses."""

from __future__ import annotations

from functools import partial

from api.errors import ApiError
from api.filtering import BBOX_HELP, ApiFilterSet, ParsedFilter
from api.params import parse_bound
from api.routing.serializers import category_get, department_by_code
from geo.coords import parse_bbox
from routing.models import Report
from routing.models.reports import ReportQuerySet


def codes_parse(raw: str | None) -> list[str]:
    """Comma-separated codes, blanks dropped."""
    return [part.strip() for part in (raw or "").split(",") if part.strip()]


def statuses_parse(raw: str | None) -> list[str]:
    statuses = codes_parse(raw)
    unknown = [s for s in statuses if s not in Report.Status.values]
    if unknown:
        raise ApiError(
            "bad_status",
            f"Trạng thái không hợp lệ: {', '.join(unknown)[:80]}; dùng "
            f"{', '.join(Report.Status.values)}.",
            f"Unknown status: {', '.join(unknown)[:80]}; use "
            f"{', '.join(Report.Status.values)}.",
            field="status",
        )
    return statuses


def publications_parse(raw: str | None) -> list[str]:
    states = codes_parse(raw)
    known = Report.Publication.values
    unknown = [s for s in states if s not in known]
    if unknown:
        raise ApiError(
            "bad_publication",
            f"Trạng thái công khai không hợp lệ: {', '.join(unknown)[:80]}; dùng "
            f"{', '.join(known)}.",
            f"Unknown publication state: {', '.join(unknown)[:80]}; use "
            f"{', '.join(known)}.",
            field="publication",
        )
    return states


def department_id_parse(raw: str | None) -> int | None:
    """The id of the department with this code (trimmed; active or not)."""
    return department_by_code(raw.strip()).pk if raw is not None else None


def category_ids_parse(raw: str | None) -> list[int]:
    return [category_get(code).pk for code in codes_parse(raw)]


def unit_code_parse(raw: str | None) -> str | None:
    return (raw or "").strip() or None


class ReportFilter(ApiFilterSet):
    """Filters of ``GET /api/v1/reports/``, checked in this order (the first bad
    value is the error). ``from`` and ``to`` are Python keywords: declared as
    ``reported_from`` and ``reported_before`` and published under their parameter
    names below."""

    status = ParsedFilter(
        parse=statuses_parse,
        predicate=ReportQuerySet.with_statuses,
        help_text="Comma-separated: " + ", ".join(Report.Status.values),
    )
    publication = ParsedFilter(
        parse=publications_parse,
        predicate=ReportQuerySet.with_publication,
        help_text="Comma-separated: "
        + ", ".join(Report.Publication.values)
        + " (pending: awaiting publication review).",
    )
    department = ParsedFilter(
        parse=department_id_parse,
        predicate=ReportQuerySet.of_department,
        help_text="Department code.",
    )
    bbox = ParsedFilter(
        parse=parse_bbox, predicate=ReportQuerySet.in_bbox, help_text=BBOX_HELP
    )
    category = ParsedFilter(
        parse=category_ids_parse,
        predicate=ReportQuerySet.with_categories,
        help_text="Codes, comma-separated.",
    )
    unit = ParsedFilter(
        parse=unit_code_parse,
        predicate=ReportQuerySet.in_unit_code,
        help_text="Unit GSO code.",
    )
    reported_from = ParsedFilter(
        parse=partial(parse_bound, field="from", end=False),
        predicate=ReportQuerySet.reported_from,
        help_text="Reported on or after: dd/mm/yyyy, yyyy-mm-dd or ISO datetime.",
    )
    reported_before = ParsedFilter(
        parse=partial(parse_bound, field="to", end=True),
        predicate=ReportQuerySet.reported_before,
        help_text="Reported on or before (a date includes the whole day).",
    )

    class Meta:
        model = Report
        fields: tuple[str, ...] = ()


ReportFilter.base_filters = {
    {"reported_from": "from", "reported_before": "to"}.get(name, name): declared
    for name, declared in ReportFilter.base_filters.items()
}
