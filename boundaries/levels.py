"""Administrative levels of Vietnam and how deep each sits in the hierarchy."""

from django.db import models


class Level(models.TextChoices):
    PROVINCE = "province", "Tỉnh / thành phố (province)"
    DISTRICT = "district", "Huyện / quận / thị xã / thành phố (district)"
    WARD = "ward", "Phường (ward)"
    COMMUNE = "commune", "Xã (commune)"
    TOWN = "town", "Thị trấn (town)"
    SPECIAL_ZONE = "special_zone", "Đặc khu (special zone)"


# Depth 3 is the commune level whatever its type; a point lookup answers the deepest
# unit that covers the point (a district only where a set has no communes there).
DEPTH = {
    Level.PROVINCE: 1,
    Level.DISTRICT: 2,
    Level.WARD: 3,
    Level.COMMUNE: 3,
    Level.TOWN: 3,
    Level.SPECIAL_ZONE: 3,
}

# Spellings seen in source files, mapped to our levels.
ALIASES = {
    "province": Level.PROVINCE,
    "tinh": Level.PROVINCE,
    "district": Level.DISTRICT,
    "huyen": Level.DISTRICT,
    "quan": Level.DISTRICT,
    "thi xa": Level.DISTRICT,
    "ward": Level.WARD,
    "phuong": Level.WARD,
    "commune": Level.COMMUNE,
    "xa": Level.COMMUNE,
    "town": Level.TOWN,
    "township": Level.TOWN,
    "thi tran": Level.TOWN,
    "special_zone": Level.SPECIAL_ZONE,
    "dac khu": Level.SPECIAL_ZONE,
}

# A level label of a jurisdiction's own (a council district, a neighbourhood) that is
# not one of Vietnam's sits at the depth of a commune: a point lookup answers it, and
# the lookup pieces are built for it. Nested labels of one's own are the next step.
OWN_LABEL_DEPTH = 3
# Longest label a unit's ``level`` column holds.
LABEL_MAX_LENGTH = 20


def level_depth(label: str) -> int:
    """How deep a unit of ``label`` sits: Vietnam's levels by DEPTH, others at 3."""
    return DEPTH.get(label, OWN_LABEL_DEPTH)  # type: ignore[call-overload]


def depth_sql(column: str) -> str:
    """SQL giving ``level_depth`` of a level column (a CASE over DEPTH)."""
    whens = " ".join(f"WHEN '{level.value}' THEN {d}" for level, d in DEPTH.items())
    return f"CASE {column} {whens} ELSE {OWN_LABEL_DEPTH} END"
