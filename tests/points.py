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
