"""Load the real boundary sets listed in fixtures/boundaries/manifest.json.

Idempotent and quick on a second run: a file already imported into a set (same
SHA-256) is skipped, and active sets stay active.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from boundaries.crosswalk import crosswalk_import
from boundaries.importing import ParentSpec, SetSpec, import_boundaries
from boundaries.importing.sources import sha256_of
from boundaries.models import BoundaryImport, BoundarySet, UnitSuccession
from boundaries.services import boundary_set_activate

FIXTURES = settings.BASE_DIR / "fixtures" / "boundaries"


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


class Command(BaseCommand):
    help = "Load the real Quảng Bình / Quảng Trị boundary sets and the 2025 crosswalk."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--manifest", type=Path, default=FIXTURES / "manifest.json")

    @transaction.atomic
    def handle(self, *args: Any, **opts: Any) -> None:
        manifest_path: Path = opts["manifest"]
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        folder = manifest_path.parent
        for spec in manifest["sets"]:
            self._load_set(spec, folder)
        for spec in manifest.get("crosswalks", []):
            from_set = BoundarySet.objects.get(slug=spec["from_set"])
            to_set = BoundarySet.objects.get(slug=spec["to_set"])
            if UnitSuccession.objects.filter(from_set=from_set).exists():
                continue
            report = crosswalk_import(
                path=folder / spec["file"],
                from_set=from_set,
                to_set=to_set,
                source=spec.get("source", ""),
            )
            self.stdout.write(
                f"crosswalk {spec['from_set']} → {spec['to_set']}: {report.written} rows, "
                f"{report.linked_old_units} linked to old units"
            )

    def _load_set(self, spec: dict, folder: Path) -> None:
        target = SetSpec(
            slug=spec["slug"],
            name=spec["name"],
            jurisdiction_code=spec["jurisdiction_code"],
            valid_from=_date(spec["valid_from"]),
            valid_to=_date(spec.get("valid_to")),
            source=spec.get("source", ""),
            licence=spec.get("licence", ""),
        )
        for item in spec["imports"]:
            path = folder / item["file"]
            done = BoundaryImport.objects.filter(
                boundary_set__slug=target.slug, sha256=sha256_of(path)
            ).exists()
            if done:
                continue
            parent = item.get("derive_parent")
            report = import_boundaries(
                path=path,
                target=target,
                commit=True,
                allow_mass_change=True,
                derive_parent=ParentSpec(**parent) if parent else None,
            )
            self.stdout.write(report.as_text(limit=3))
        boundary_set = BoundarySet.objects.get(slug=target.slug)
        if boundary_set.status == BoundarySet.Status.DRAFT:
            boundary_set_activate(boundary_set=boundary_set)
            self.stdout.write(f"set '{target.slug}' activated")
