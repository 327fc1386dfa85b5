"""The evaluation as an XLSX workbook: one sheet per table, the headers in
Vietnamese and English, the figures as numbers (rates as fractions shown as
percentages) so planners can compute with them."""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font

from analytics.evaluation.report import DATE_FORMAT, Evaluation
from analytics.evaluation.tables import HOURS, INT, NUM, PCT, evaluation_tables

FORMATS = {INT: "#,##0", PCT: "0.0%", HOURS: "0.0", NUM: "0.00"}


def evaluation_xlsx(ev: Evaluation) -> bytes:
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
    out = BytesIO()
    book.save(out)
    return out.getvalue()
