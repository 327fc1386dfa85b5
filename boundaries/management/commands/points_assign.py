"""manage.py points_assign FILE.csv --lon-field F --lat-field F --out OUT.csv: each
row's unit, a thin shell over ``boundaries.assign_csv``."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser

from boundaries.assign_csv import csv_assign
from boundaries.jurisdictions import today_for
from boundaries.layers import ADMINISTRATIVE
from geo.days import day_parse
from geo.errors import BilingualError

_DELIMITER_NAMES = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";"}


class Command(BaseCommand):
    help = (
        "Add to each row of a CSV file the unit covering its point: the columns "
        "unit_code, unit_name and ambiguous (empty where no unit covers it). Rows "
        "with unusable coordinates are kept without a unit and listed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="UTF-8 CSV with a header line.")
        parser.add_argument("--lon-field", required=True, help="Longitude column.")
        parser.add_argument("--lat-field", required=True, help="Latitude column.")
        parser.add_argument(
            "--out", type=Path, required=True, help="The file to write (not FILE)."
        )
        parser.add_argument(
            "--date",
            help="yyyy-mm-dd or dd/mm/yyyy; default today (in the jurisdiction's "
            "time zone when --jurisdiction is given).",
        )
        parser.add_argument(
            "--jurisdiction", help="Only this jurisdiction's units (default: any)."
        )
        parser.add_argument(
            "--layer",
            default=ADMINISTRATIVE,
            help=f"Boundary layer (default {ADMINISTRATIVE}).",
        )
        parser.add_argument(
            "--delimiter", help="Field delimiter (default: found from the header)."
        )
        parser.add_argument(
            "--strict",
            action="store_true",
            help="Refuse the file if any row lacks usable coordinates.",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        jurisdiction = (opts["jurisdiction"] or "").strip() or None
        delimiter = opts["delimiter"]
        if delimiter is not None:
            delimiter = _DELIMITER_NAMES.get(delimiter.lower(), delimiter)
            if len(delimiter) != 1:
                raise CommandError("--delimiter takes one character (or 'tab').")
        show = opts["verbosity"] > 0 and self.stderr.isatty()
        try:
            day = day_parse(opts["date"]) if opts["date"] else today_for(jurisdiction)
            summary = csv_assign(
                source=opts["file"],
                out=opts["out"],
                lon_field=opts["lon_field"],
                lat_field=opts["lat_field"],
                day=day,
                layer=opts["layer"].strip(),
                jurisdiction=jurisdiction,
                delimiter=delimiter,
                strict=opts["strict"],
                progress=cast(TextIO, self.stderr._out) if show else None,
            )
        except BilingualError as exc:
            raise CommandError(exc.en) from exc
        if opts["verbosity"] == 0:
            return
        scope = f"layer {opts['layer']}, " + (
            f"jurisdiction {jurisdiction}" if jurisdiction else "every jurisdiction"
        )
        lines = [
            f"{summary.points:,} points in {summary.seconds:.1f} s "
            f"({summary.per_second:,.0f} points/s); {scope}, on {day.isoformat()}.",
            f"  assigned  {summary.assigned:,} ({summary.ambiguous:,} ambiguous: "
            "several units cover the point)",
            f"  outside   {summary.outside:,} (no unit covers the point)",
            f"  bad rows  {summary.bad:,}"
            + (f" (kept without a unit: {summary.bad_text()})" if summary.bad else ""),
            f"Written to {opts['out']}.",
        ]
        if opts["verbosity"] >= 2:
            lines.append(
                "Seconds: "
                + ", ".join(f"{k} {v:.2f}" for k, v in summary.steps.items())
            )
        if summary.points and not summary.assigned:
            lines.append(
                "No point was assigned: are --lon-field and --lat-field swapped, or "
                "the points outside the jurisdiction or layer asked for?"
            )
        self.stderr.write("\n".join(lines), style_func=str)  # a report, not an error
