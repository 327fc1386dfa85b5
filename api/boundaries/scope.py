"""Which layer and jurisdiction a lookup searches: ``layer=`` and ``jurisdiction=``,
read from the query and checked by ``boundaries.scope``."""

from __future__ import annotations

from dataclasses import dataclass

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from boundaries.layers import ADMINISTRATIVE
from boundaries.scope import scope_check

LAYER = OpenApiParameter(
    "layer",
    OpenApiTypes.STR,
    description=f"Boundary layer to search (default {ADMINISTRATIVE}); one layer only.",
)
JURISDICTION = OpenApiParameter(
    "jurisdiction",
    OpenApiTypes.STR,
    description="Jurisdiction code to search (default: whichever has a unit covering "
    "the point).",
)


@dataclass(frozen=True)
class Scope:
    layer: str
    jurisdiction: str | None


def parse_scope(layer_raw: str | None, jurisdiction_raw: str | None) -> Scope:
    """The layer (default administrative) and jurisdiction (default every one);
    an unknown one is a 400 listing the known ones (``boundaries.scope``)."""
    layer = (layer_raw or "").strip() or ADMINISTRATIVE
    jurisdiction = (jurisdiction_raw or "").strip() or None
    scope_check(layer, jurisdiction)
    return Scope(layer, jurisdiction)
