"""manage.py reports_reroute [filters] [--commit]: a thin shell over routing.zones.bulk.

Re-routes the selected reports with the zones in force now, in one transaction, and
records an Assignment (cause ``reroute``) for each report whose department changes.
A dry run (the default) prints what would move and writes nothing. Reports whose
current assignment is manual are never touched.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from boundaries.models import AdminUnit
from routing.models import Assignment, Category, Department, Report
from routing.zones.bulk import Impact, Selection, impact_preview, reports_reroute
from routing.zones.state import ZoneState


def _comma_list(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


class Command(BaseCommand):
    help = (
        "Re-route reports with the zones in force now. Filters combine with AND. "
        "Dry run unless --commit."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--status",
            default="open",
            help="Comma list of statuses; 'open' (the default) for the open ones, "
            "'all' for every status.",
        )
        parser.add_argument("--ids", help="Comma list of report ids.")
        parser.add_argument("--category", help="Comma list of category codes.")
        parser.add_argument(
            "--unit",
            help="Comma list of unit codes (any boundary set); a district or "
            "province code takes the units below it too.",
        )
        parser.add_argument(
            "--department", help="Comma list of codes of the current department."
        )
        parser.add_argument(
            "--since",
            type=dt.date.fromisoformat,
            help="Reported on or after this day (YYYY-MM-DD, local time).",
        )
        parser.add_argument(
            "--until",
            type=dt.date.fromisoformat,
            help="Reported on or before this day (YYYY-MM-DD, local time).",
        )
        parser.add_argument("--note", default="manage.py reports_reroute")
        parser.add_argument(
            "--commit", action="store_true", help="Write (default: dry run)."
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        selection = self._selection(opts)
        state = ZoneState(at=timezone.now())
        local = timezone.localtime(state.at)
        self.stdout.write(f"Zones in force at {local:%Y-%m-%d %H:%M %z}.")
        if not opts["commit"]:
            impact = impact_preview(state=state, selection=selection)
            self.stdout.write(
                f"Selected: {impact.open_total} open, {impact.past_total} past "
                "report(s)."
            )
            self._moves("Would re-route", impact)
            self.stdout.write("Dry run: nothing written. Add --commit to re-route.")
            return
        with transaction.atomic():
            impact = reports_reroute(
                state=state,
                selection=selection,
                cause=Assignment.Cause.REROUTE,
                note=opts["note"],
                near_edge_m=settings.ROUTING_NEAR_EDGE_M,
            )
        self._moves("Re-routed", impact)

    def _moves(self, verb: str, impact: Impact) -> None:
        self.stdout.write(
            f"{verb}: {impact.open_changed} open, {impact.past_changed} past report(s)."
        )
        for move in impact.moves:
            kind = "open" if move["open"] else "past"
            self.stdout.write(
                f"  {kind}  {move['from']} -> {move['to']}: {move['reports']}"
            )

    def _selection(self, opts: dict[str, Any]) -> Selection:
        listed = _comma_list(opts["status"])
        statuses: tuple[str, ...] | None = listed
        if listed == ("all",):
            statuses = None
        elif listed == ("open",):
            statuses = Report.OPEN_STATUSES
        else:
            unknown = set(listed) - set(Report.Status.values)
            if unknown or not listed:
                raise CommandError(
                    f"Unknown status: {', '.join(sorted(unknown)) or '(none)'}; "
                    f"use {', '.join(Report.Status.values)}, 'open' or 'all'."
                )
        ids = None
        if opts["ids"]:
            try:
                ids = tuple(int(part) for part in _comma_list(opts["ids"]))
            except ValueError:
                raise CommandError("--ids takes a comma list of integers.") from None
        since = _local_midnight(opts["since"]) if opts["since"] else None
        before = (
            _local_midnight(opts["until"] + dt.timedelta(days=1))
            if opts["until"]
            else None
        )
        if since and before and since >= before:
            raise CommandError("--since is after --until.")
        return Selection(
            statuses=statuses,
            ids=ids,
            category_ids=self._ids_by_code(Category, opts["category"], "category"),
            unit_ids=self._unit_ids(opts["unit"]),
            department_ids=self._ids_by_code(
                Department, opts["department"], "department"
            ),
            reported_since=since,
            reported_before=before,
        )

    def _ids_by_code(
        self, model: type[Category | Department], text: str | None, label: str
    ) -> tuple[int, ...] | None:
        if not text:
            return None
        codes = _comma_list(text)
        found = dict(model.objects.filter(code__in=codes).values_list("code", "id"))
        missing = [code for code in codes if code not in found]
        if missing:
            raise CommandError(f"Unknown {label}: {', '.join(missing)}.")
        return tuple(found.values())

    def _unit_ids(self, text: str | None) -> tuple[int, ...] | None:
        """The units with these codes in any boundary set, and every unit below."""
        if not text:
            return None
        codes = _comma_list(text)
        units = AdminUnit.objects.filter(code__in=codes)
        missing = set(codes) - set(units.values_list("code", flat=True))
        if missing:
            raise CommandError(f"Unknown unit: {', '.join(sorted(missing))}.")
        ids = set(units.values_list("id", flat=True))
        frontier = set(ids)
        while frontier:
            frontier = (
                set(
                    AdminUnit.objects.filter(parent_id__in=frontier).values_list(
                        "id", flat=True
                    )
                )
                - ids
            )
            ids |= frontier
        return tuple(sorted(ids))
