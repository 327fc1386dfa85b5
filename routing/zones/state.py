"""A set of zones to route with: those published at a moment, with drafts swapped in.

The impact preview routes reports with the zones *as they would be* after a publish
(published zones, minus those the drafts replace or retire, plus the drafts); the
re-route after publishing uses the zones as they *are*. Both go through the same SQL,
so the preview and the re-route agree by construction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from boundaries.sql import param
from routing.models import ResponsibilityZone
from routing.zones.sql import zone_in_force


@dataclass(frozen=True)
class ZoneState:
    at: dt.datetime
    include: tuple[int, ...] = field(default=())
    exclude: tuple[int, ...] = field(default=())

    @classmethod
    def with_drafts(
        cls, drafts: Iterable[ResponsibilityZone], at: dt.datetime
    ) -> ZoneState:
        drafts = list(drafts)
        return cls(
            at=at,
            include=tuple(d.pk for d in drafts if not d.retires),
            exclude=tuple(d.replaces_id for d in drafts if d.replaces_id),
        )

    # The zones of the state, as SQL over routing_responsibilityzone z: the drafts
    # swapped in, and the zones in force at ``at`` that they do not replace.
    SQL = f"""
        (z.id = ANY(%(zs_include)s)
         OR ({zone_in_force("z", param("zs_at"))}
             AND NOT z.id = ANY(%(zs_exclude)s)))
    """

    def params(self) -> dict[str, Any]:
        return {
            "zs_at": self.at,
            "zs_include": list(self.include),
            "zs_exclude": list(self.exclude),
        }
