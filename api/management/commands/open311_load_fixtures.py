"""Load the Open311 service attributes of fixtures/open311/attributes.json.

Idempotent: attributes are matched by category and code, and an unchanged one is
not written again (so the discovery changeset does not move).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from api.open311.attributes import service_attributes_load


class Command(BaseCommand):
    help = "Load Open311 service attributes (run after routing_load_fixtures)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--file",
            type=Path,
            default=settings.BASE_DIR / "fixtures" / "open311" / "attributes.json",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        items = json.loads(opts["file"].read_text(encoding="utf-8"))["attributes"]
        created, updated = service_attributes_load(items=items)
        self.stdout.write(
            f"open311 fixtures: {created} attributes created, {updated} updated, "
            f"{len(items) - created - updated} unchanged"
        )
