"""``manage.py reports_generate N [--seed S] [--years Y]``: synthetic reports."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from demo.synthetic import reports_generate


class Command(BaseCommand):
    help = (
        "Insert N synthetic, routed reports around Đồng Hới (tracking codes SY-…), "
        "set-based in SQL; see demo/synthetic/. For demos and benchmarks: "
        "remove them with DELETE FROM routing_report WHERE tracking_code LIKE 'SY-%%'."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("count", type=int, help="how many reports")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--years", type=float, default=10.0, help="span ending now (default 10)"
        )
        parser.add_argument(
            "--no-assignments",
            action="store_true",
            help="skip the Assignment rows (faster; reports then have no history)",
        )

        parser.add_argument(
            "--unchecked",
            action="store_true",
            help="skip the commit-time foreign-key checks (superuser only; ~3× "
            "faster for a million reports; ids come from joins, so they hold)",
        )

        parser.add_argument(
            "--reindex",
            action="store_true",
            help="drop the secondary indexes of reports and assignments for the "
            "insert and build them again after it (for loads large beside the table)",
        )

    def handle(
        self,
        *args: Any,
        count: int,
        seed: int,
        years: float,
        no_assignments: bool,
        unchecked: bool,
        reindex: bool,
        **options: Any,
    ) -> None:
        if count < 1:
            raise CommandError("N must be at least 1.")
        if years <= 0:
            raise CommandError("--years must be positive.")
        done = reports_generate(
            count=count,
            seed=seed,
            years=years,
            assignments=not no_assignments,
            unchecked=unchecked,
            reindex=reindex,
        )
        steps = ", ".join(f"{k} {v:.1f} s" for k, v in done.seconds.items())
        total = sum(done.seconds.values())
        self.stdout.write(
            f"Generated {done.reports:,} reports in {total:.1f} s ({steps})."
        )
