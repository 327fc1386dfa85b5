"""manage.py boundaries_import FILE --set SLUG [...]: a thin shell over boundaries.importing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from boundaries.importing import (
    FieldMap,
    ImportRefused,
    ParentSpec,
    SetSpec,
    import_boundaries,
)
from boundaries.importing.checks import ON_DUPLICATE, Options
from boundaries.services import boundary_set_activate
from geo.errors import BilingualError


class Command(BaseCommand):
    help = (
        "Import administrative units from GeoJSON, a zipped Shapefile or a GeoPackage "
        "into a boundary set. Dry run unless --commit."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--set", dest="slug", required=True, help="Boundary set slug."
        )
        parser.add_argument(
            "--commit", action="store_true", help="Write (default: dry run)."
        )
        parser.add_argument(
            "--activate", action="store_true", help="Activate the set after."
        )
        parser.add_argument("--allow-mass-change", action="store_true")
        parser.add_argument("--name", default="", help="Name of a new set.")
        parser.add_argument(
            "--jurisdiction", default="", help="Province code of a new set."
        )
        parser.add_argument("--valid-from", type=dt.date.fromisoformat)
        parser.add_argument("--valid-to", type=dt.date.fromisoformat)
        parser.add_argument("--source", default="")
        parser.add_argument("--licence", default="")
        parser.add_argument(
            "--source-crs", help="e.g. EPSG:9211; default: from the file."
        )
        parser.add_argument(
            "--layer", help="The layer of a GeoPackage to read (its table name)."
        )
        parser.add_argument(
            "--set-layer",
            help="Boundary layer of a new set: administrative (default) or another "
            "map of the jurisdiction, e.g. council_district.",
        )
        parser.add_argument(
            "--set-priority",
            type=int,
            default=0,
            help="Priority of a new set among overlapping sets of its layer "
            "(higher wins; default 0).",
        )
        parser.add_argument("--code-field", default="code")
        parser.add_argument("--name-field", default="name")
        parser.add_argument("--name-ascii-field", default="name_ascii")
        parser.add_argument("--level-field", default="level")
        parser.add_argument("--parent-field", default="parent_code")
        parser.add_argument(
            "--level",
            help="One level for every feature of the file: one of Vietnam's, or a "
            "label of the jurisdiction's own (a new one is added to it on commit).",
        )
        parser.add_argument("--parent", help="One parent code for every feature.")
        parser.add_argument(
            "--derive-parent",
            metavar="CODE:LEVEL:NAME",
            help="Build this parent as the union of the file's units, e.g. "
            "'44:province:Tỉnh Quảng Bình'.",
        )

        parser.add_argument(
            "--on-duplicate",
            choices=ON_DUPLICATE,
            default="fail",
            help="Different units sharing a code: refuse (fail), or recode the later "
            "ones CODE-2, CODE-3 (suffix). Exact duplicates are always merged.",
        )
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Skip rows with no code, no name or no usable geometry (listed).",
        )
        parser.add_argument(
            "--allow-overlaps",
            action="store_true",
            help="Accept overlapping siblings (listed as warnings).",
        )
        parser.add_argument(
            "--report",
            dest="report_path",
            type=Path,
            metavar="FILE.json",
            help="Write every finding, and what was done, as JSON.",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        derive = None
        if opts["derive_parent"]:
            try:
                code, level, name = opts["derive_parent"].split(":", 2)
            except ValueError:
                raise CommandError("--derive-parent takes CODE:LEVEL:NAME") from None
            derive = ParentSpec(code=code, level=level, name=name)
        fields = FieldMap(
            code=opts["code_field"],
            name=opts["name_field"],
            name_ascii=opts["name_ascii_field"],
            level=opts["level_field"],
            parent=opts["parent_field"],
            fixed_level=opts["level"],
            fixed_parent=opts["parent"],
        )
        target = SetSpec(
            slug=opts["slug"],
            name=opts["name"],
            jurisdiction_code=opts["jurisdiction"],
            valid_from=opts["valid_from"],
            valid_to=opts["valid_to"],
            source=opts["source"],
            licence=opts["licence"],
            layer=opts["set_layer"],
            priority=opts["set_priority"],
        )
        try:
            report = import_boundaries(
                path=opts["file"],
                target=target,
                fields=fields,
                commit=opts["commit"],
                allow_mass_change=opts["allow_mass_change"],
                derive_parent=derive,
                source_crs=opts["source_crs"],
                layer=opts["layer"],
                progress=opts["verbosity"] >= 1,
                options=Options(
                    on_duplicate=opts["on_duplicate"],
                    skip_invalid=opts["skip_invalid"],
                    allow_overlaps=opts["allow_overlaps"],
                ),
            )
        except ImportRefused as exc:
            self.stderr.write(exc.report.as_text())
            if opts["report_path"]:
                exc.report.write_json(opts["report_path"])
            raise CommandError(exc.en) from exc
        except BilingualError as exc:
            raise CommandError(exc.en) from exc
        self.stdout.write(report.as_text())
        if opts["report_path"]:
            report.write_json(opts["report_path"])
        if opts["activate"] and opts["commit"]:
            from boundaries.models import BoundarySet

            try:
                boundary_set_activate(
                    boundary_set=BoundarySet.objects.get(slug=opts["slug"])
                )
            except BilingualError as exc:
                raise CommandError(exc.en) from exc
            self.stdout.write(f"Set '{opts['slug']}' is active.")
