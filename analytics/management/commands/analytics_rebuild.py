"""``manage.py analytics_rebuild [--check]``: recount the pre-aggregates."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from analytics.rebuild import cellday_check, cellday_rebuild


class Command(BaseCommand):
    help = (
        "Recompute analytics_cellday, its roll-ups analytics_cellmonth, "
        "analytics_cellyear and analytics_blockyear, and the monthly outcomes "
        "analytics_outcomemonth from "
        "routing_report (the triggers keep them right; use after a grid change, a "
        "partial restore or a load with triggers off). --check compares "
        "without writing and fails on drift."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="compare with a fresh count, write nothing, exit 1 on drift",
        )

    def handle(self, *args: Any, check: bool = False, **options: Any) -> None:
        start = time.perf_counter()
        if check:
            drift = cellday_check()
            took = time.perf_counter() - start
            if not drift.ok:
                raise CommandError(
                    f"Aggregates drift: cell × day {drift.missing} rows missing or "
                    f"wrong, {drift.surplus} rows surplus or wrong; block × month "
                    f"{drift.rollup_missing} missing or wrong, {drift.rollup_surplus} "
                    f"surplus or wrong; outcomes {drift.outcome_missing} missing or "
                    f"wrong, {drift.outcome_surplus} surplus or wrong; years "
                    f"{drift.years_missing} missing or wrong, {drift.years_surplus} "
                    f"surplus or wrong ({took:.1f} s). "
                    "Run analytics_rebuild."
                )
            self.stdout.write(f"Aggregates match the reports ({took:.1f} s).")
            return
        rows = cellday_rebuild()
        took = time.perf_counter() - start
        self.stdout.write(f"Rebuilt {rows:,} aggregate rows in {took:.1f} s.")
