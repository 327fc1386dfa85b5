"""``manage.py demo_history``: the demo's two years of reports, loaded once.

``make demo`` runs it so that the planners' map, hot spots, the queue and the public
pages have something to show on a fresh machine. It loads ``DEMO_REPORTS`` synthetic
reports (default 50,000; 0 skips) over two years to now, with timelines,
resolutions, ratings and some public approved reports (``demo.synthetic``), unless
synthetic reports are already there: a second ``make demo`` costs one query.
"""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from demo.synthetic import reports_generate
from routing.models import Report

DEFAULT_REPORTS = 50_000


class Command(BaseCommand):
    help = (
        "Load the demo's history of synthetic reports once (DEMO_REPORTS, default "
        "50,000, over two years); nothing if synthetic reports are already loaded."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--reports", type=int, default=DEFAULT_REPORTS)
        parser.add_argument("--years", type=float, default=2.0)
        parser.add_argument("--seed", type=int, default=2025)

    def handle(
        self, *args: Any, reports: int, years: float, seed: int, **options: Any
    ) -> None:
        if reports < 0:
            raise CommandError("--reports must be 0 or more.")
        if reports == 0:
            self.stdout.write("Demo history skipped (DEMO_REPORTS=0).")
            return
        if Report.objects.filter(tracking_code__startswith="SY-").exists():
            self.stdout.write("Demo history already loaded.")
            return
        done = reports_generate(count=reports, seed=seed, years=years, events=True)
        total = sum(done.seconds.values())
        self.stdout.write(
            f"Demo history: {done.reports:,} synthetic reports over {years:g} years "
            f"loaded in {total:.0f} s."
        )
