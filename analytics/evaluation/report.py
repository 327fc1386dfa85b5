"""One evaluation: the request's two periods checked, both periods' figures, the
names of the units, departments and zones they mention, and the period's most
significant hot spots (``analytics.hotspots``, Getis-Ord Gi* with FDR)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

import h3
from django.utils import timezone

from analytics import definitions as d
from analytics.evaluation.figures import (
    TOP,
    Figures,
    Period,
    PeriodFigures,
    minutes_per_action,
    period_figures,
)
from analytics.hotspots import HotspotError, hotspots_compute
from analytics.selection import ReportFilter
from boundaries.bulk import coordinates_assign, valid_set_ids
from boundaries.models import AdminUnit
from geo.days import EARLIEST
from geo.hotspots import HOT
from routing.models import Department

DATE_FORMAT = "%d/%m/%Y"
DAY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
MAX_DAYS = 3 * 366
# The years a date may name: nothing this service holds is older than
# ``geo.days.EARLIEST``, and a year 0001 or 9999 would overflow the date arithmetic
# (the period before, local midnights).
FIRST_YEAR = EARLIEST.year
FORMER = " (đơn vị cũ / former unit)"


class EvaluationInputError(ValueError):
    """A period the report cannot be made for; the message in both languages."""

    def __init__(self, vi: str, en: str) -> None:
        super().__init__(en)
        self.vi, self.en = vi, en


def last_quarter(today: dt.date) -> Period:
    """The last whole calendar quarter before ``today``'s."""
    start = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    last = start - dt.timedelta(days=1)
    return Period(dt.date(last.year, last.month - 2, 1), last)


def _day(text: str, name: str) -> dt.date:
    match = DAY.fullmatch(text.strip())
    try:
        if match is None:
            raise ValueError(text)
        day, month, year = (int(part) for part in match.groups())
        parsed = dt.date(year, month, day)
    except ValueError:
        raise EvaluationInputError(
            f"Ngày «{name}» không hợp lệ: cần dạng dd/mm/yyyy.",
            f"The date '{name}' is not valid: use dd/mm/yyyy.",
        ) from None
    last_year = timezone.localdate().year + 1
    if not FIRST_YEAR <= parsed.year <= last_year:
        raise EvaluationInputError(
            f"Ngày «{name}» phải trong các năm {FIRST_YEAR}–{last_year}.",
            f"The date '{name}' must be in the years {FIRST_YEAR}–{last_year}.",
        )
    return parsed


def _period(first: dt.date, last: dt.date, label: str) -> Period:
    if last < first:
        raise EvaluationInputError(
            f"{label}: ngày kết thúc trước ngày bắt đầu.",
            f"{label}: the end comes before the start.",
        )
    period = Period(first, last)
    if period.days > MAX_DAYS:
        raise EvaluationInputError(
            f"{label}: kỳ dài hơn 3 năm.", f"{label}: the period is over 3 years."
        )
    return period


def periods_parse(query: Mapping[str, str]) -> tuple[Period, Period]:
    """The period (``from``/``to``) and the one it is compared with
    (``compare_from``/``compare_to``; by default the same length just before).
    Only ``from``: it runs the default length from there, at most until today; only
    ``to``: the default length up to it."""
    try:
        return _periods(query)
    except OverflowError:
        raise EvaluationInputError(
            "Ngày nằm ngoài khoảng cho phép.", "A date is outside the accepted range."
        ) from None


def _periods(query: Mapping[str, str]) -> tuple[Period, Period]:
    today = timezone.localdate()
    default = last_quarter(today)
    length = dt.timedelta(days=default.days - 1)
    first = _day(query["from"], "from") if query.get("from") else default.first
    if query.get("to"):
        last = _day(query["to"], "to")
    elif query.get("from"):
        last = min(first + length, today)
    else:
        last = default.last
    if not query.get("from") and query.get("to"):
        first = last - length
    period = _period(first, last, "Kỳ đánh giá / period")
    before = period.before()
    c_first = query.get("compare_from")
    c_last = query.get("compare_to")
    if c_first or c_last:
        before = _period(
            _day(c_first, "compare_from") if c_first else before.first,
            _day(c_last, "compare_to") if c_last else before.last,
            "Kỳ so sánh / comparison period",
        )
    return period, before


@dataclass(frozen=True)
class HotCell:
    h3: str
    count: int
    z: float
    p_fdr: float
    unit: str


def hot_cells(period: Period) -> tuple[list[HotCell], str]:
    """The period's significant hot hexagons, strongest first (at most ``TOP``),
    each with the unit covering its centre; and a note when none could be tested."""
    selection = ReportFilter(
        day_from=period.first, day_to=period.last, statuses=d.RECEIVED_STATUSES
    )
    day = period.last.strftime(DATE_FORMAT)
    sets = valid_set_ids(period.last)
    if not sets:
        return [], (
            f"Không có bộ ranh giới nào có hiệu lực ngày {day}: không kiểm định được "
            f"điểm nóng. No boundary set is in force on {day}: hot spots could not "
            f"be tested."
        )
    try:
        result = hotspots_compute(selection=selection)
    except HotspotError as error:
        return (
            [],
            f"Không kiểm định được điểm nóng. Hot spots could not be tested: {error}",
        )
    hot = [f["properties"] for f in result["features"]]
    hot = sorted((p for p in hot if p["class"] == HOT), key=lambda p: -p["z"])[:TOP]
    centres = [h3.cell_to_latlng(p["h3"]) for p in hot]
    unit_ids = coordinates_assign(
        lons=[lng for _, lng in centres],
        lats=[lat for lat, _ in centres],
        sets=sets,
    )
    names = dict(
        AdminUnit.objects.filter(pk__in=[u for u in unit_ids if u]).values_list(
            "pk", "name"
        )
    )
    cells = [
        HotCell(p["h3"], p["count"], p["z"], p["p_fdr"], names.get(u or 0, "—"))
        for p, u in zip(hot, unit_ids, strict=True)
    ]
    return cells, ""


@dataclass
class Evaluation:
    """Both periods' figures and what the page, PDF and workbook show of them."""

    now: PeriodFigures
    before: PeriodFigures
    unit_names: dict[int, str]
    department_names: dict[int, str]
    hot: list[HotCell]
    hot_note: str
    minutes_per_action: float

    def rows(self, level: str) -> list[tuple[str, Figures, Figures]]:
        """Per ``unit`` or ``department``: its name and both periods' figures
        (zero figures where it had no report in a period), by name."""
        names = self.unit_names if level == "unit" else self.department_names
        now = self.now.units if level == "unit" else self.now.departments
        before = self.before.units if level == "unit" else self.before.departments
        ids = sorted(set(now) | set(before), key=lambda i: names.get(i, ""))
        return [
            (names.get(i, str(i)), now.get(i, Figures()), before.get(i, Figures()))
            for i in ids
        ]


def evaluation_make(period: Period, before: Period) -> Evaluation:
    """Both periods' figures, names and hot spots (the setting read once)."""
    minutes = minutes_per_action()
    now = period_figures(period, minutes)
    earlier = period_figures(before, minutes, zones=False)
    unit_ids = set(now.units) | set(earlier.units)
    department_ids = set(now.departments) | set(earlier.departments)
    hot, note = hot_cells(period)
    return Evaluation(
        now=now,
        before=earlier,
        unit_names={
            pk: name if current else name + FORMER
            for pk, (_, name, _, current) in d.units_current(unit_ids).items()
        },
        department_names=dict(
            Department.objects.filter(pk__in=department_ids).values_list(
                "pk", "name_vi"
            )
        ),
        hot=hot,
        hot_note=note,
        minutes_per_action=minutes,
    )
