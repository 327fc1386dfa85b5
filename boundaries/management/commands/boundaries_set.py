"""manage.py boundaries_set list|activate|retire|delete [SLUG]: a set's lifecycle from
the command line, over the services the admin uses (``boundaries.services``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count

from boundaries.jurisdictions import jurisdiction_label
from boundaries.models import BoundarySet
from boundaries.services import (
    boundary_set_activate,
    boundary_set_delete,
    boundary_set_retire,
)
from geo.errors import BilingualError

ACTIONS = ("list", "activate", "retire", "delete")


class Command(BaseCommand):
    help = (
        "List boundary sets, or activate, retire or delete one. Delete refuses an "
        "active set and a set that reports, successions or other rows refer to."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=ACTIONS)
        parser.add_argument("slug", nargs="?", help="The set (all but list).")
        parser.add_argument("--jurisdiction", help="list: only this jurisdiction.")

    def handle(self, *args: Any, **opts: Any) -> None:
        action, slug = opts["action"], opts["slug"]
        if action == "list":
            self._list(opts["jurisdiction"])
            return
        if not slug:
            raise CommandError(f"boundaries_set {action} needs the set's SLUG.")
        boundary_set = BoundarySet.objects.filter(slug=slug).first()
        if boundary_set is None:
            known = ", ".join(BoundarySet.objects.values_list("slug", flat=True))
            raise CommandError(f"No boundary set '{slug}'; sets: {known or 'none'}.")
        try:
            if action == "activate":
                boundary_set_activate(boundary_set=boundary_set)
                self.stdout.write(f"Set '{slug}' is active.")
            elif action == "retire":
                boundary_set_retire(boundary_set=boundary_set)
                self.stdout.write(f"Set '{slug}' is retired.")
            else:
                units = boundary_set_delete(boundary_set=boundary_set)
                self.stdout.write(f"Set '{slug}' deleted with its {units} units.")
        except BilingualError as exc:
            raise CommandError(exc.en) from exc

    def _list(self, jurisdiction: str | None) -> None:
        sets = BoundarySet.objects.annotate(n=Count("units")).order_by(
            "jurisdiction_code", "layer", "valid_from", "slug"
        )
        if jurisdiction:
            sets = sets.filter(jurisdiction_code=jurisdiction)
        labels: dict[str, str] = {}
        for s in sets:
            if s.jurisdiction_code not in labels:
                labels[s.jurisdiction_code] = jurisdiction_label(s.jurisdiction_code)
            end = s.valid_to.isoformat() if s.valid_to else "…"
            self.stdout.write(
                f"{s.slug}\t{s.status}\t{s.layer}\t{s.valid_from.isoformat()} – {end}"
                f"\t{s.n} units\t{labels[s.jurisdiction_code]}"  # type: ignore[attr-defined]
            )
        if not labels:
            self.stdout.write("No boundary sets.")
