"""``manage.py places_import FILE``: load named streets and places for place search.

GeoJSON, GeoPackage or CSV (lon, lat); see ``boundaries.places``. One
transaction: a bad file writes nothing; a re-import updates what it holds.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from boundaries.places import Options, PlacesFileError, places_import


class Command(BaseCommand):
    help = (
        "Import streets and points of interest (GeoJSON, GPKG, CSV with lon/lat) "
        "for place search; re-importing the same source updates it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--source",
            help="Source name of every place (default: each feature's 'source', "
            "else the file's name); with source_id, the key a re-import updates.",
        )
        parser.add_argument(
            "--licence", help="Licence (default: the GeoJSON's license member)."
        )
        parser.add_argument(
            "--attribution",
            help="Attribution shown with the places, e.g. '© OpenStreetMap "
            "contributors' (default: the GeoJSON's attribution member).",
        )
        parser.add_argument(
            "--kind-field",
            action="append",
            default=[],
            dest="kind_fields",
            help="Property holding the kind (repeatable, first non-empty wins); "
            "default: 'kind', then the OSM tags (highway → street, amenity, shop, …).",
        )
        parser.add_argument("--layer", help="Layer of a GeoPackage with several.")
        parser.add_argument(
            "--crs", dest="source_crs", help="CRS of a file that declares none."
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete the places of the same source that the file no longer has.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Report only; write nothing."
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        options = Options(
            source=opts["source"],
            licence=opts["licence"],
            attribution=opts["attribution"],
            kind_fields=tuple(opts["kind_fields"]),
            replace=opts["replace"],
            layer=opts["layer"],
            source_crs=opts["source_crs"],
        )
        try:
            report = places_import(opts["file"], options, commit=not opts["dry_run"])
        except PlacesFileError as error:
            raise CommandError(f"{error.vi}\n{error.en}") from error
        prefix = "(dry run, nothing written) " if opts["dry_run"] else ""
        self.stdout.write(
            prefix + report.as_text(limit=10 if opts["verbosity"] > 1 else 5)
        )
