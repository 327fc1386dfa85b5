"""Which layer and jurisdiction a lookup searches: ``layer=`` and ``jurisdiction=``.

Both are checked against what the service holds, so a typo ("adminstrative", "CA-TO")
is a 400 listing the known values, not an empty answer that looks like "outside every
unit".
"""

from __future__ import annotations

from dataclasses import dataclass

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from api.errors import ApiError
from boundaries.layers import ADMINISTRATIVE
from boundaries.selectors import known_jurisdictions, known_layers

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


def _listed(values: list[str]) -> str:
    return ", ".join(values[:20]) or "—"


def parse_scope(layer_raw: str | None, jurisdiction_raw: str | None) -> Scope:
    """The layer (default administrative) and jurisdiction (default every one)."""
    layer = (layer_raw or "").strip() or ADMINISTRATIVE
    if layer != ADMINISTRATIVE and layer not in (layers := known_layers()):
        raise ApiError(
            "unknown_layer",
            f"Không có lớp địa giới '{layer[:40]}'. Các lớp: {_listed(layers)}.",
            f"There is no boundary layer '{layer[:40]}'. Layers: {_listed(layers)}.",
            field="layer",
        )
    jurisdiction = (jurisdiction_raw or "").strip() or None
    if jurisdiction is not None:
        codes = known_jurisdictions()
        if jurisdiction not in codes:
            raise ApiError(
                "unknown_jurisdiction",
                f"Không có đơn vị quản lý mã '{jurisdiction[:40]}'. "
                f"Các mã: {_listed(codes)}.",
                f"There is no jurisdiction '{jurisdiction[:40]}'. "
                f"Codes: {_listed(codes)}.",
                field="jurisdiction",
            )
    return Scope(layer, jurisdiction)
