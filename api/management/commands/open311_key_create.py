"""Issue an Open311 API key and print it (the only time it is shown)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from api.models import ApiKey
from api.open311.keys import DEMO_KEY, api_key_create


class Command(BaseCommand):
    help = "Issue an Open311 API key for NAME and print it once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="Who holds the key, e.g. 'FixMyStreet VN'.")
        parser.add_argument(
            "--rate-limit",
            type=int,
            default=None,
            help="Requests the key may post per hour (0: no cap; default 600).",
        )

        parser.add_argument(
            "--demo",
            action="store_true",
            help=f"Create the demo's published key {DEMO_KEY} unless it exists "
            "(demo mode only, HT_DEMO=1; refused elsewhere).",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["demo"]:
            if not settings.DEMO_MODE:
                raise CommandError(
                    "--demo chỉ dùng ở chế độ demo / --demo needs demo mode "
                    "(HT_DEMO=1): the demo key is published and is refused elsewhere."
                )
            if not ApiKey.objects.filter(key_hash=ApiKey.digest(DEMO_KEY)).exists():
                api_key_create(name=opts["name"], clear=DEMO_KEY)
            self.stdout.write(DEMO_KEY)
            return
        issued = api_key_create(
            name=opts["name"], rate_limit_per_hour=opts["rate_limit"]
        )
        self.stderr.write(
            f"Open311 API key for {issued.key.name} (id {issued.key.pk}); it is not "
            "stored and will not be shown again:"
        )
        self.stdout.write(issued.clear)
