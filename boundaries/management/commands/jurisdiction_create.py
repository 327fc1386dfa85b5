"""manage.py jurisdiction_create CODE --name NAME --country CC --timezone TZ
[--extent minx,miny,maxx,maxy] [--levels a,b]: register a province or a city."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from boundaries.jurisdictions import jurisdiction_create, parse_extent
from geo.errors import BilingualError


class Command(BaseCommand):
    help = (
        "Register a jurisdiction (a province or a city) before importing its "
        "boundaries: its code (as boundary sets carry it), name, country, time zone "
        "and, optionally, the extent its files should lie in."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="e.g. 44 (a GSO province code) or tor.")
        parser.add_argument("--name", required=True)
        parser.add_argument(
            "--country", required=True, help="ISO 3166-1 alpha-2, e.g. VN, CA."
        )
        parser.add_argument(
            "--timezone", required=True, help="IANA name, e.g. America/Toronto."
        )
        parser.add_argument(
            "--extent",
            metavar="MINX,MINY,MAXX,MAXY",
            help="Degrees (WGS 84); default: the extent of its first set (Vietnam's "
            "box for a Vietnamese jurisdiction until then).",
        )
        parser.add_argument(
            "--levels",
            metavar="LABEL,LABEL",
            help="Its level labels; default: Vietnam's for VN, none elsewhere.",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            extent = parse_extent(opts["extent"]) if opts["extent"] else None
            labels = (
                [label.strip() for label in opts["levels"].split(",") if label.strip()]
                if opts["levels"]
                else None
            )
            created = jurisdiction_create(
                code=opts["code"],
                name=opts["name"],
                country=opts["country"],
                time_zone=opts["timezone"],
                extent=extent,
                level_labels=labels,
            )
        except BilingualError as exc:
            raise CommandError(exc.en) from exc
        box = created.extent_bbox
        self.stdout.write(
            f"Jurisdiction {created} created: {created.country}, {created.time_zone}, "
            f"levels {created.level_labels or '(none yet)'}, extent "
            f"{box.as_tuple() if box else '(from its first set)'}."
        )
