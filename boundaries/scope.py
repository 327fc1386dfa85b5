"""Which layer and jurisdiction a lookup or a bulk assignment searches, checked.

A typo ("adminstrative", "CA-TO") would otherwise search nothing and answer every
point as "outside every unit"; it is refused instead, listing what exists. One check
for the HTTP lookup (``api.boundaries.scope``) and ``manage.py points_assign``.
"""

from __future__ import annotations

from boundaries.jurisdictions import Jurisdiction
from boundaries.layers import ADMINISTRATIVE
from boundaries.models import BoundarySet
from boundaries.selectors import known_jurisdictions, known_layers
from geo.errors import InvalidInput

# How many known values an error lists.
LISTED = 20


def _listed(values: list[str]) -> str:
    return ", ".join(values[:LISTED]) or "—"


def scope_check(layer: str, jurisdiction: str | None) -> None:
    """Refuse a layer no set belongs to, or a jurisdiction neither registered nor
    named by a set (the administrative layer is always known: no query for it).
    One indexed existence test each; the known values are listed only in an error."""
    if layer != ADMINISTRATIVE and not BoundarySet.objects.filter(layer=layer).exists():
        layers = known_layers()
        raise InvalidInput(
            "unknown_layer",
            f"Không có lớp địa giới '{layer[:40]}'. Các lớp: {_listed(layers)}.",
            f"There is no boundary layer '{layer[:40]}'. Layers: {_listed(layers)}.",
            "layer",
        )
    if jurisdiction is not None and not (
        Jurisdiction.objects.filter(code=jurisdiction).exists()
        or BoundarySet.objects.filter(jurisdiction_code=jurisdiction).exists()
    ):
        codes = known_jurisdictions()
        raise InvalidInput(
            "unknown_jurisdiction",
            f"Không có đơn vị quản lý mã '{jurisdiction[:40]}'. "
            f"Các mã: {_listed(codes)}.",
            f"There is no jurisdiction '{jurisdiction[:40]}'. Codes: {_listed(codes)}.",
            "jurisdiction",
        )
