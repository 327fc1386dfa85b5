"""Where, when and what: the random draws of the synthetic reports, in SQL.

Places are the points on surface of Đồng Hới's wards and communes (2020 and 2025
sets) and a few hand-picked spots, each with a Gaussian spread in metres; days follow
a rate growing over the period, thinned at weekends; hours follow office and evening
rhythms; the category comes from a mix per kind of place, with flood-season drainage
reports (CTN) in the low-lying wards. See ``demo.synthetic`` for the whole picture.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.utils import CursorWrapper

from geo.projections import UTM_48N, WGS84, transformer
from routing.models import Category

# Hand-picked spots (lon, lat, spread in metres, weight, kind).
SPOTS = (
    ("Chợ Đồng Hới", 106.6232, 17.4703, 150, 3.0, "market"),
    ("Bãi biển Nhật Lệ", 106.6345, 17.4885, 300, 1.5, "beach"),
    ("Bãi biển Bảo Ninh", 106.6470, 17.4620, 350, 1.0, "beach"),
    ("Ga Đồng Hới", 106.6000, 17.4565, 200, 0.8, "transport"),
    ("Bến xe Đồng Hới", 106.5935, 17.4850, 200, 0.6, "transport"),
    ("Quảng trường Hồ Chí Minh", 106.6215, 17.4760, 250, 1.2, "market"),
)
# Low-lying wards and communes (GSO codes, 2020 roster) where floods are reported.
FLOOD_UNITS = ("18880", "18898", "18874", "18889", "18886", "18883", "18868")
URBAN_UNITS: tuple[str, ...] = ("18853", "18856", "18859", "18865", "18868", "18871")
URBAN_UNITS += ("18874", "18877", "18880")

# Category weights per kind of place (codes of fixtures/routing/categories.json).
MIX: dict[str, dict[str, float]] = {
    "residential": {
        "VSMT": 20,
        "TTDT": 10,
        "HTGT": 12,
        "CSDT": 9,
        "CTN": 8,
        "TTXD": 9,
        "ONMT": 6,
        "DIEN": 6,
        "CXCV": 5,
        "ATGT": 3,
        "ANTT": 4,
        "DDAI": 1.5,
        "VT": 1.5,
        "YTE": 1,
        "GDUC": 1,
        "DLICH": 0.5,
        "HCC": 1,
        "KHAC": 2,
    },
    "market": {
        "TTDT": 30,
        "VSMT": 28,
        "ONMT": 8,
        "ATGT": 8,
        "ANTT": 8,
        "HTGT": 5,
        "CTN": 4,
        "CSDT": 3,
        "YTE": 2,
        "KHAC": 4,
    },
    "beach": {
        "VSMT": 35,
        "DLICH": 20,
        "TTDT": 15,
        "ANTT": 8,
        "CSDT": 6,
        "ONMT": 6,
        "ATGT": 4,
        "KHAC": 6,
    },
    "transport": {
        "ATGT": 25,
        "HTGT": 25,
        "TTDT": 15,
        "VSMT": 12,
        "CSDT": 10,
        "ANTT": 8,
        "KHAC": 5,
    },
}
KINDS = tuple(MIX)
# Local hour of day (0–23) weights: offices and evenings.
HOURS = (
    1,
    0.5,
    0.3,
    0.3,
    0.5,
    1.5,
    4,
    7,
    9,
    9,
    8,
    6,
    4,
    5,
    7,
    8,
    8,
    7,
    6,
    6,
    5,
    4,
    3,
    2,
)
GROWTH = (0.4, 0.6)  # report rate ∝ a + b·t over the period (t from 0 to 1)
WEEKDAY = {6: 0.75, 7: 0.6}  # ISO day → acceptance; weekdays 1
FLOOD_SHARE = {9: 0.22, 10: 0.35, 11: 0.25}
OVERDRAW = 1.35


def places_select(
    cursor: CursorWrapper,
) -> list[tuple[float, float, float, float, int]]:
    """(lon, lat, sigma_m, weight, kind index) of every place."""
    cursor.execute(
        """
        SELECT u.code, s.slug, ST_X(p), ST_Y(p), u.level
        FROM boundaries_adminunit u
        JOIN boundaries_boundaryset s ON s.id = u.boundary_set_id
        CROSS JOIN LATERAL ST_PointOnSurface(u.geom) p
        WHERE s.slug IN ('qb-2020', 'qt-2025') AND u.level NOT IN ('province', 'district')
          AND ST_Covers((SELECT x.geom FROM boundaries_adminunit x
                         JOIN boundaries_boundaryset y ON y.id = x.boundary_set_id
                         WHERE y.slug = 'qb-2020' AND x.code = '450'), p)
        ORDER BY s.slug, u.code
        """
    )
    places = []
    for code, slug, lon, lat, _level in cursor.fetchall():
        urban = slug == "qt-2025" or code in URBAN_UNITS
        places.append((lon, lat, 700.0 if urban else 1200.0, 1.0 if urban else 0.35, 0))
    for _name, lon, lat, sigma, weight, kind in SPOTS:
        places.append((lon, lat, float(sigma), weight, KINDS.index(kind)))
    return places


def flood_places_select(
    cursor: CursorWrapper,
) -> list[tuple[float, float, float, float]]:
    """(lon, lat, sigma_m, weight) of the low-lying wards where floods are reported."""
    cursor.execute(
        """
        SELECT ST_X(p), ST_Y(p) FROM boundaries_adminunit u
        JOIN boundaries_boundaryset s ON s.id = u.boundary_set_id
        CROSS JOIN LATERAL ST_PointOnSurface(u.geom) p
        WHERE s.slug = 'qb-2020' AND u.code = ANY(%s) ORDER BY u.code
        """,
        [list(FLOOD_UNITS)],
    )
    return [(lon, lat, 600.0, 1.0) for lon, lat in cursor.fetchall()]


def _cumulative(weights: list[float]) -> list[float]:
    total = sum(weights)
    out, acc = [], 0.0
    for w in weights:
        out.append(acc / total)
        acc += w
    return out


def _category_arrays() -> tuple[list[float], list[int], int]:
    """Thresholds (kind index + cumulative share) and category ids, flattened over
    kinds, for one ``width_bucket(kind + u, thresholds)``; and the CTN id."""
    ids = dict(Category.objects.values_list("code", "id"))
    thresholds: list[float] = []
    categories: list[int] = []
    for k, kind in enumerate(KINDS):
        mix = [(code, w) for code, w in MIX[kind].items() if code in ids]
        thresholds += [k + c for c in _cumulative([w for _, w in mix])]
        categories += [ids[code] for code, _ in mix]
    return thresholds, categories, ids["CTN"]


def draw_params(
    places: list[tuple[float, float, float, float, int]],
    floods: list[tuple[float, float, float, float]],
) -> dict[str, Any]:
    """The parameters of :data:`DRAW` and :data:`PLACE` that describe the places,
    hours and category mix (the period's are the caller's)."""
    thresholds, categories, ctn = _category_arrays()
    # The centres in UTM 48N: the spread is drawn in metres there.
    to_utm = transformer(WGS84, UTM_48N).transform
    p_x, p_y = to_utm([p[0] for p in places], [p[1] for p in places])
    f_x, f_y = to_utm([p[0] for p in floods], [p[1] for p in floods])
    return {
        "ga": GROWTH[0],
        "gb": GROWTH[1],
        "hours": _cumulative(list(HOURS)),
        "p_cum": _cumulative([p[3] for p in places]),
        "p_x": list(p_x),
        "p_y": list(p_y),
        "p_s": [p[2] for p in places],
        "p_k": [p[4] for p in places],
        "f_cum": _cumulative([p[3] for p in floods]),
        "f_x": list(f_x),
        "f_y": list(f_y),
        "f_s": [p[2] for p in floods],
        "utm": UTM_48N,
        "c_cum": thresholds,
        "c_id": categories,
        "ctn": ctn,
    }


DRAW = """
    CREATE TEMP TABLE gen_draw AS
    SELECT g AS i, random() AS u_t, random() AS u_dow, random() AS u_hour,
           random() AS u_min, random() AS u_flood, random() AS u_place,
           random() AS u_cat, random() AS g1, random() AS g2, random() AS u_fate,
           random() AS r1, random() AS r2, random() AS u_close, random() AS u_rate,
           random() AS u_rating, random() AS u_urgent, random() AS u_channel
    FROM generate_series(1, %(n_draw)s) g
"""

# Day by the inverse CDF of a rate growing linearly; weekends thinned; hour by
# bucket; flood-season CTN reports at the flood places; Gaussian spread (Box–Muller)
# in metres around the place's centre in UTM 48N, then the point back to EPSG:4326.
PLACE = """
    CREATE TEMP TABLE gen AS
    WITH d AS (
        SELECT *, (%(start)s::date + floor(
                   (-%(ga)s + sqrt(%(ga)s * %(ga)s
                    + 2 * %(gb)s * u_t * (%(ga)s + %(gb)s / 2))) / %(gb)s
                   * %(days)s)::integer) AS day
        FROM gen_draw
    ),
    t AS (
        SELECT d.*, extract(month FROM day)::integer AS month,
               (day + (width_bucket(u_hour, %(hours)s::float8[]) - 1) * interval '1 hour'
                + u_min * interval '1 hour') AT TIME ZONE %(tz)s AS reported_at
        FROM d
        WHERE u_dow < CASE extract(isodow FROM day) WHEN 6 THEN 0.75
                                                   WHEN 7 THEN 0.6 ELSE 1 END
    ),
    f AS (
        SELECT t.*, (month = 10 AND u_flood < 0.35)
                    OR (month IN (9, 11) AND u_flood < CASE month WHEN 9 THEN 0.22
                                                                  ELSE 0.25 END)
                    AS flood
        FROM t WHERE reported_at < %(end)s
    ),
    p AS (
        SELECT f.*,
               CASE WHEN flood THEN width_bucket(u_place, %(f_cum)s::float8[])
                    ELSE width_bucket(u_place, %(p_cum)s::float8[]) END AS place,
               sqrt(-2 * ln(1 - g1)) AS radius, 2 * pi() * g2 AS angle
        FROM f
    ),
    q AS (
        SELECT p.*,
               CASE WHEN flood THEN (%(f_x)s::float8[])[place]
                    ELSE (%(p_x)s::float8[])[place] END AS x0,
               CASE WHEN flood THEN (%(f_y)s::float8[])[place]
                    ELSE (%(p_y)s::float8[])[place] END AS y0,
               CASE WHEN flood THEN (%(f_s)s::float8[])[place]
                    ELSE (%(p_s)s::float8[])[place] END AS sigma,
               CASE WHEN flood THEN -1 ELSE (%(p_k)s::integer[])[place] END AS kind
        FROM p
    )
    SELECT i, day, reported_at, u_fate, r1, r2, u_close, u_rate, u_rating, u_urgent,
           u_channel,
           CASE WHEN kind < 0 THEN %(ctn)s
                ELSE (%(c_id)s::bigint[])[width_bucket(kind + u_cat,
                                                       %(c_cum)s::float8[])] END
               AS category_id,
           ST_Transform(ST_SetSRID(ST_MakePoint(
               x0 + sigma * radius * cos(angle),
               y0 + sigma * radius * sin(angle)), %(utm)s), 4326) AS geom
    FROM q
"""
