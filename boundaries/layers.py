"""Layers: the kinds of map a jurisdiction divides itself into.

A city has administrative units (wards, communes) and, beside them, service districts,
police precincts or council districts that cover the same ground differently. Each
boundary set belongs to one layer; sets of different layers of one jurisdiction may
be active on the same day (the no-overlap rule holds per jurisdiction and layer), and
a lookup searches one layer only, so it never answers a district of one layer for a
point outside every unit of another. Routing and statistics use the administrative
layer.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

ADMINISTRATIVE = "administrative"
LAYER_MAX_LENGTH = 40
_LAYER = re.compile(r"[a-z][a-z0-9_]{0,39}")


def validate_layer(value: str) -> None:
    """A layer name is lower-case ASCII letters, digits and underscores, from a letter."""
    if not _LAYER.fullmatch(value):
        raise ValidationError(
            f"'{value}' is not a layer name: use lower-case letters, digits and "
            "underscores, starting with a letter (e.g. administrative, "
            "council_district)."
        )
