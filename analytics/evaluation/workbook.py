"""The evaluation as an XLSX workbook: one sheet per table, the headers in
Vietnamese and English, the figures as numbers (rates as fractions shown as
percentages) so planners can compute with them."""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from analytics.evaluation.report import DATE_FORMAT, Evaluation
from analytics.evaluation.tables import HOURS, INT, NUM, PCT, evaluation_tables

FORMATS = {INT: "#,##0", PCT: "0.0%", HOURS: "0.0", NUM: "0.00"}


def _literal(sheet: Worksheet) -> None:
    """Every text cell of ``sheet`` stored as a literal string: openpyxl would store
    a string starting with ``=`` as a formula, and names typed by staff (zones)
    reach the sheets (no formula injection into a planner's spreadsheet)."""
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"


def evaluation_xlsx(ev: Evaluation) -> bytes:
    """The workbook's bytes: an ``about`` sheet (the periods, the minutes per
    action), then one sheet per table of ``evaluation_tables``."""
    book = Workbook()
    about = book.active
    assert about is not None
    about.title = "about"
    about.append(["Báo cáo đánh giá thí điểm / Pilot evaluation report"])
    for label, period in (
        ("Kỳ này / This period", ev.now.period),
        ("Kỳ trước / Previous period", ev.before.period),
    ):
        about.append(
            [
                label,
                period.first.strftime(DATE_FORMAT),
                period.last.strftime(DATE_FORMAT),
            ]
        )
    about.append(["Phút/thao tác / Minutes per action", ev.minutes_per_action])
    for table in evaluation_tables(ev):
        sheet = book.create_sheet(table.key)
        sheet.append([f"{c.vi} / {c.en}" for c in table.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append(row)
        for j, column in enumerate(table.columns, start=1):
            if column.kind in FORMATS:
                for (cell,) in sheet.iter_rows(min_row=2, min_col=j, max_col=j):
                    cell.number_format = FORMATS[column.kind]
    for sheet in book.worksheets:
        _literal(sheet)
    out = BytesIO()
    book.save(out)
    return out.getvalue()
