"""The named street or place nearest a point: "gần Chợ Đồng Hới" on the citizen form.

Distances are geodesic metres (``geography``), measured only for the places whose
geometry lies in a box around the point a little wider than the radius (the GiST
index answers the box), so the cost does not grow with the gazetteer. The nearest
street is looked for apart from the nearest place of any kind: a report on a road is
best described by the road even when a café is closer.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

from boundaries.models import Place
from geo.projections import degree_margin

DEFAULT_RADIUS_M = 300.0
MAX_RADIUS_M = 2000.0
STREET = "street"

# Metres per degree of latitude; a degree of longitude is this times cos(latitude).
_NEAREST = """
    SELECT id, ST_Distance(geom::geography, pt::geography) AS distance_m
    FROM boundaries_place,
         (SELECT ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326) AS pt) p
    WHERE geom && ST_Expand(pt, %(dlon)s, %(dlat)s)
      AND (%(kind)s::text IS NULL OR kind = %(kind)s::text)
      AND ST_DWithin(geom::geography, pt::geography, %(radius)s)
    ORDER BY distance_m, id
    LIMIT 1
"""


@dataclass(frozen=True)
class Nearby:
    place: Place
    distance_m: float


def nearest_place(
    *, lon: float, lat: float, radius_m: float, kind: str | None = None
) -> Nearby | None:
    """The place (of ``kind`` when given) nearest the point within ``radius_m``."""
    dlon, dlat = degree_margin(lat, radius_m)  # the index's box; metres decide
    params = {
        "lon": lon,
        "lat": lat,
        "dlon": dlon,
        "dlat": dlat,
        "radius": radius_m,
        "kind": kind,
    }
    with connection.cursor() as cursor:
        cursor.execute(_NEAREST, params)
        row = cursor.fetchone()
    if row is None:
        return None
    place = Place.objects.defer("geom", "properties").get(pk=row[0])
    return Nearby(place, round(float(row[1]), 1))


def near_phrase(nearby: Nearby) -> dict[str, str]:
    """How the citizen form says where the pin is: "gần đường Quách Xuân Kỳ",
    "gần Chợ Đồng Hới" (a street gets "đường" unless its name has it)."""
    name = nearby.place.name
    if nearby.place.kind == STREET and not name.lower().startswith(
        ("đường", "phố", "quốc lộ", "tỉnh lộ", "ngõ", "hẻm", "kiệt")
    ):
        return {"vi": f"gần đường {name}", "en": f"near {name} street"}
    return {"vi": f"gần {name}", "en": f"near {name}"}
