"""Named places in Đồng Hới for tests (lon, lat), checked against the fixture polygons,
and points read from the fixture polygons themselves."""

from django.db import connection

# Inside Phường Đồng Phú (2013 and 2020 rosters) and Phường Đồng Hới (from 1/7/2025).
DONG_PHU = (106.6155, 17.4689)
# At sea, 5 km east of the Bảo Ninh shore.
OFFSHORE = (106.70, 17.47)
# Hà Nội: far outside every unit we hold.
HANOI = (105.8342, 21.0278)


def shared_vertices(
    set_slug: str, code_a: str, code_b: str
) -> list[tuple[float, float]]:
    """Vertices of unit a that lie on unit b too (exact, from the data)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT DISTINCT ST_X(d.geom), ST_Y(d.geom)
            FROM boundaries_adminunit a
            JOIN boundaries_adminunit b ON b.boundary_set_id = a.boundary_set_id
            JOIN boundaries_boundaryset s ON s.id = a.boundary_set_id,
            LATERAL ST_DumpPoints(a.geom) d
            WHERE s.slug = %s AND a.code = %s AND b.code = %s
              AND ST_Intersects(b.geom, d.geom)
            """,
            [set_slug, code_a, code_b],
        )
        return cursor.fetchall()


def unit_seam_points(set_slug: str, code: str) -> list[tuple[float, float]]:
    """Vertices inside a unit where two or more of its subdivision pieces meet."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH unit AS (
                SELECT u.id, u.geom FROM boundaries_adminunit u
                JOIN boundaries_boundaryset s ON s.id = u.boundary_set_id
                WHERE s.slug = %s AND u.code = %s
            ), vertex AS (
                SELECT DISTINCT d.geom
                FROM boundaries_adminunitpart p JOIN unit ON p.unit_id = unit.id,
                LATERAL ST_DumpPoints(p.geom) d
            )
            SELECT ST_X(v.geom), ST_Y(v.geom) FROM vertex v, unit
            WHERE ST_Contains(unit.geom, v.geom)
              AND (SELECT count(*) FROM boundaries_adminunitpart p
                   WHERE p.unit_id = unit.id AND ST_Covers(p.geom, v.geom)) >= 2
            """,
            [set_slug, code],
        )
        return cursor.fetchall()


def zone_outline_points(zone_id: int, limit: int = 40) -> list[tuple[float, float]]:
    """Points exactly on a zone's outline: its vertices, and the vertices its
    ``ST_Subdivide`` pieces add where a cut line crosses the outline."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH z AS (SELECT geom FROM routing_responsibilityzone WHERE id = %s),
            own AS (SELECT DISTINCT (ST_DumpPoints(z.geom)).geom AS g FROM z),
            cut AS (
                SELECT DISTINCT d.geom AS g
                FROM z, LATERAL ST_Subdivide(z.geom, 64) p,
                     LATERAL ST_DumpPoints(p) d
                WHERE ST_DWithin(ST_Boundary(z.geom), d.geom, 1e-9)
                  AND NOT EXISTS (SELECT 1 FROM own WHERE own.g ~= d.geom)
            )
            (SELECT ST_X(g), ST_Y(g) FROM own ORDER BY ST_X(g), ST_Y(g) LIMIT %s)
            UNION ALL
            SELECT ST_X(g), ST_Y(g) FROM cut
            """,
            [zone_id, limit],
        )
        return cursor.fetchall()


def covering_reference(
    set_slug: str, lon: float, lat: float
) -> list[tuple[str, float]]:
    """(code, area_m2) of the set's deepest units that cover the point, computed in
    shapely (not by the lookup's SQL), smallest first then code: the order rule 3 of
    ``boundaries.lookup`` gives among units of one set (one priority)."""
    from shapely import wkb
    from shapely.geometry import Point

    from boundaries.levels import level_depth

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT u.code, u.area_m2, u.level, ST_AsBinary(u.geom)
            FROM boundaries_adminunit u
            JOIN boundaries_boundaryset s ON s.id = u.boundary_set_id
            WHERE s.slug = %s
            """,
            [set_slug],
        )
        rows = cursor.fetchall()
    point = Point(lon, lat)
    covering = [
        (code, area, level_depth(level))
        for code, area, level, geom in rows
        if wkb.loads(bytes(geom)).covers(point)
    ]
    deepest = max(depth for _, _, depth in covering)
    return sorted(
        ((code, area) for code, area, depth in covering if depth == deepest),
        key=lambda row: (row[1], int(row[0])),
    )
