"""The unit list's query parameters: ``set``, or ``date`` and ``layer``, choose the
boundary sets, ``level``, ``parent`` and ``bbox`` narrow their units; ``simplify`` is read here
(checked in its turn) and used by the view to draw them."""

from __future__ import annotations

from api.boundaries.scope import parse_scope
from api.errors import ApiError
from api.filtering import BBOX_HELP, ApiFilterSet, ParsedFilter
from api.params import parse_bounded, parse_day
from boundaries.layers import ADMINISTRATIVE
from boundaries.levels import Level
from boundaries.models import AdminUnit, AdminUnitQuerySet
from boundaries.selectors import boundary_sets_select, known_level_labels
from geo.coords import parse_bbox
from geo.tiles import MAX_ZOOM

DATE_HELP = "yyyy-mm-dd or dd/mm/yyyy; default today."
SET_HELP = "Boundary set slug (overrides date)."


def levels_parse(raw: str | None) -> list[str]:
    """Comma-separated levels: Vietnam's, or a label of some jurisdiction's own."""
    levels = [level for level in (raw or "").split(",") if level]
    if not levels:
        return levels
    known = [*Level.values, *known_level_labels()]
    unknown = [level[:40] for level in levels if level not in known]
    if unknown:
        raise ApiError(
            "unknown_level",
            f"Cấp hành chính không hợp lệ: {', '.join(unknown)}; dùng "
            f"{', '.join(known)}.",
            f"Unknown level: {', '.join(unknown)}; use {', '.join(known)}.",
            field="level",
        )
    return levels


def layer_parse(raw: str | None) -> str:
    return parse_scope(raw, None).layer


def zoom_parse(raw: str | None) -> float | None:
    return parse_bounded(raw, "simplify", low=0, high=MAX_ZOOM)


def text_parse(raw: str | None) -> str | None:
    return raw


def _at_levels(units: AdminUnitQuerySet, levels: list[str]) -> AdminUnitQuerySet:
    return units.at_level(*levels)


class UnitFilter(ApiFilterSet):
    """Parameters of ``GET /api/v1/boundaries/units``, checked in this order (the
    first bad value is the error; an unknown ``set`` is found when filtering)."""

    level = ParsedFilter(
        parse=levels_parse,
        predicate=_at_levels,
        help_text="Comma list: " + ", ".join(Level.values),
    )
    bbox = ParsedFilter(
        parse=parse_bbox, predicate=AdminUnitQuerySet.in_bbox, help_text=BBOX_HELP
    )
    simplify = ParsedFilter(
        parse=zoom_parse,
        predicate=None,  # not a filter: the view draws for this zoom
        help_text=f"Map zoom 0–{MAX_ZOOM}: simplify to one pixel.",
        openapi_type="integer",
    )
    date = ParsedFilter(parse=parse_day, predicate=None, help_text=DATE_HELP)
    set = ParsedFilter(parse=text_parse, predicate=None, help_text=SET_HELP)
    layer = ParsedFilter(
        parse=layer_parse,
        predicate=None,
        help_text="Boundary layer of the sets chosen by date (default administrative).",
    )
    parent = ParsedFilter(
        parse=text_parse,
        predicate=AdminUnitQuerySet.children_of,
        help_text="Parent unit code.",
    )

    class Meta:
        model = AdminUnit
        fields: tuple[str, ...] = ()

    def filter_queryset(self, queryset: AdminUnitQuerySet) -> AdminUnitQuerySet:
        """Units of the set named by ``set``, or else of the active sets of ``layer``
        in force on ``date`` (today by default), narrowed by the other filters."""
        data = self.form.cleaned_data
        sets = boundary_sets_select(
            slug=data["set"], day=data["date"], layer=data["layer"] or ADMINISTRATIVE
        )
        return super().filter_queryset(queryset.filter(boundary_set__in=sets))
