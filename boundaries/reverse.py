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

# The nearest street and the nearest other place, one row each at most: the box
# (``&&``, the GiST index) narrows, geodesic metres decide.
_NEAREST = """
    SELECT DISTINCT ON (kind = %(street)s)
           id, ST_Distance(geom::geography, pt::geography) AS distance_m
    FROM boundaries_place,
         (SELECT ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326) AS pt) p
    WHERE geom && ST_Expand(pt, %(dlon)s, %(dlat)s)
      AND ST_DWithin(geom::geography, pt::geography, %(radius)s)
    ORDER BY kind = %(street)s, distance_m, id
"""


@dataclass(frozen=True)
class Nearby:
    place: Place
    distance_m: float


def nearest_places(
    *, lon: float, lat: float, radius_m: float
) -> tuple[Nearby | None, Nearby | None]:
    """Within ``radius_m`` of the point: the nearest place of any kind and the
    nearest street (the same one when a street is the nearest), each None when
    there is none; two statements in all."""
    dlon, dlat = degree_margin(lat, radius_m)
    params: dict[str, float | str] = {
        "lon": lon,
        "lat": lat,
        "dlon": dlon,
        "dlat": dlat,
        "radius": radius_m,
        "street": STREET,
    }
    with connection.cursor() as cursor:
        cursor.execute(_NEAREST, params)
        rows = cursor.fetchall()
    if not rows:
        return None, None
    places = Place.objects.defer("geom", "properties").in_bulk([pk for pk, _ in rows])
    found = {pk: Nearby(places[pk], round(float(d), 1)) for pk, d in rows}
    nearest = found[min(rows, key=lambda row: (row[1], row[0]))[0]]
    street = next((n for n in found.values() if n.place.kind == STREET), None)
    return nearest, street


def near_phrase(nearby: Nearby) -> dict[str, str]:
    """How the citizen form says where the pin is: "gần đường Quách Xuân Kỳ",
    "gần Chợ Đồng Hới" (a street gets "đường" unless its name has it)."""
    name = nearby.place.name
    if nearby.place.kind == STREET and not name.lower().startswith(
        ("đường", "phố", "quốc lộ", "tỉnh lộ", "ngõ", "hẻm", "kiệt")
    ):
        return {"vi": f"gần đường {name}", "en": f"near {name} street"}
    return {"vi": f"gần {name}", "en": f"near {name}"}
