"""The evaluation's tables, shared by the page (and its PDF) and the workbook: raw
values with a kind per column, formatted the Vietnamese way for the page
(``1.234``, ``12,5 %``) and kept as numbers in the workbook."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from analytics.evaluation.figures import CAUSES, CHANNELS, Figures
from analytics.evaluation.report import Evaluation
from routing.models import Report

INT, PCT, HOURS, NUM, TEXT = "int", "pct", "hours", "num", "text"

CAUSE_NAMES = {
    "wrong_zone": ("Sai vùng trách nhiệm", "Wrong zone"),
    "wrong_unit": ("Sai đơn vị hành chính", "Wrong unit"),
    "near_edge": ("Gần ranh giới", "Near an edge"),
    "out_of_area": ("Ngoài địa bàn", "Out of area"),
}


def vn_number(value: float | int | None, decimals: int = 0) -> str:
    """``1234.5`` → ``1.234,5``: Vietnamese digit grouping and decimal comma."""
    if value is None:
        return "—"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def cell_text(value: Any, kind: str) -> str:
    """One cell as the page writes it: a dash when missing, rates as ``12,5 %``,
    hours and ratios with one decimal, counts grouped, text as it is."""
    if value is None:
        return "—"
    if kind == PCT:
        return f"{vn_number(value * 100, 1)}\u00a0%"
    if kind in (HOURS, NUM):
        return vn_number(value, 1)
    if kind == INT:
        return vn_number(value)
    return str(value)


@dataclass(frozen=True)
class Column:
    vi: str
    en: str
    kind: str


@dataclass
class Table:
    key: str
    vi: str
    en: str
    columns: list[Column]
    rows: list[list[Any]]

    def display(self) -> list[list[tuple[str, str]]]:
        """Each row's cells as (text, kind): the page aligns text left."""
        return [
            [
                (cell_text(v, c.kind), c.kind)
                for v, c in zip(row, self.columns, strict=True)
            ]
            for row in self.rows
        ]


PERIOD = Column("Kỳ", "Period", TEXT)
METRICS = [
    Column("Số phản ánh", "Reports", INT),
    Column("Đã xử lý", "Resolved", INT),
    Column("Đúng hạn", "On-time rate", PCT),
    Column("Trung vị (giờ)", "Median hours", HOURS),
    Column("P90 (giờ)", "P90 hours", HOURS),
    Column("Hài lòng", "Satisfaction", PCT),
    Column("Mở lại", "Reopen rate", PCT),
    Column("Tự động", "Automation rate", PCT),
    Column("Thao tác TTĐH/PA", "IOC actions per report", NUM),
    Column("Bị từ chối", "Rejected", INT),
]


def metric_values(f: Figures) -> list[Any]:
    """The raw values of ``METRICS`` for one group's figures, in that order."""
    return [
        f.reports,
        f.resolved,
        f.on_time_rate,
        f.median_hours,
        f.p90_hours,
        f.satisfaction,
        f.reopen_rate,
        f.automation_rate,
        f.touches_per_report,
        f.rejected,
    ]


def _grouped(key: str, first: Column, ev: Evaluation, level: str) -> Table:
    vi, en = f"Theo {first.vi.lower()}", f"By {first.en.lower()}"
    columns = [first]
    rows: list[list[Any]] = []
    for name, now, before in ev.rows(level):
        rows.append([name, "Kỳ này", *metric_values(now)])
        rows.append([name, "Kỳ trước", *metric_values(before)])
    return Table(key, vi, en, [*columns, PERIOD, *METRICS], rows)


def _totals(ev: Evaluation) -> Table:
    rows = [
        ["Kỳ này", *metric_values(ev.now.total)],
        ["Kỳ trước", *metric_values(ev.before.total)],
    ]
    return Table("totals", "Toàn địa bàn", "All units", [PERIOD, *METRICS], rows)


def _channels(ev: Evaluation) -> Table:
    labels = dict(Report.Channel.choices)
    rows = [
        [
            labels[ch],
            ev.now.total.channels.get(ch, 0),
            ev.before.total.channels.get(ch, 0),
        ]
        for ch in CHANNELS
    ]
    columns = [
        Column("Kênh", "Channel", TEXT),
        Column("Kỳ này", "This period", INT),
        Column("Kỳ trước", "Previous period", INT),
    ]
    return Table(
        "channels", "Số phản ánh theo kênh", "Volume by channel", columns, rows
    )


def _staff_time(ev: Evaluation) -> Table:
    rows = [
        [
            label,
            f.touches,
            f.touches_per_report,
            f.staff_hours * 60,
            f.staff_hours,
            f.staff_hours_per_100,
        ]
        for label, f in (("Kỳ này", ev.now.total), ("Kỳ trước", ev.before.total))
    ]
    columns = [
        PERIOD,
        Column("Thao tác của TTĐH", "IOC actions", INT),
        Column("Thao tác/phản ánh", "Actions per report", NUM),
        Column("Phút công", "Staff minutes", NUM),
        Column("Giờ công", "Staff hours", HOURS),
        Column("Giờ công/100 phản ánh", "Hours per 100 reports", HOURS),
    ]
    return Table(
        "staff_time", "Thời gian điều phối", "Routing staff time", columns, rows
    )


def _causes(ev: Evaluation) -> Table:
    rows = [[*CAUSE_NAMES[c], ev.now.causes[c], ev.before.causes[c]] for c in CAUSES]
    columns = [
        Column("Nguyên nhân", "Cause (vi)", TEXT),
        Column("Cause", "Cause (en)", TEXT),
        Column("Kỳ này", "This period", INT),
        Column("Kỳ trước", "Previous period", INT),
    ]
    return Table(
        "corrections", "Điều chỉnh phân công", "Routing corrections", columns, rows
    )


def _zones(ev: Evaluation) -> Table:
    columns = [
        Column("Vùng trách nhiệm", "Zone", TEXT),
        Column("Số lần điều chỉnh", "Corrections", INT),
    ]
    rows: list[list[Any]] = [[name, n] for _, name, n in ev.now.zones]
    return Table(
        "zones", "Vùng bị điều chỉnh nhiều nhất", "Most corrected zones", columns, rows
    )


def _hot(ev: Evaluation) -> Table:
    columns = [
        Column("Ô H3", "H3 cell", TEXT),
        Column("Đơn vị", "Unit", TEXT),
        Column("Số phản ánh", "Reports", INT),
        Column("Gi* z", "Gi* z", NUM),
        Column("p (FDR)", "p (FDR)", TEXT),
    ]
    rows: list[list[Any]] = [
        [c.h3, c.unit, c.count, c.z, f"{c.p_fdr:.4f}".replace(".", ",")] for c in ev.hot
    ]
    return Table(
        "hotspots", "Điểm nóng có ý nghĩa", "Significant hot spots", columns, rows
    )


def evaluation_tables(ev: Evaluation) -> list[Table]:
    """Every table, in the report's order."""
    return [
        _totals(ev),
        _channels(ev),
        _grouped("units", Column("Đơn vị", "Unit", TEXT), ev, "unit"),
        _grouped(
            "departments", Column("Cơ quan", "Department", TEXT), ev, "department"
        ),
        _staff_time(ev),
        _causes(ev),
        _zones(ev),
        _hot(ev),
    ]
