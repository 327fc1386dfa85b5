"""What the intake benchmark reads from its database: the points and categories it
submits, and the counts proving that no report was lost and none duplicated.

Every function takes a DB-API cursor (psycopg's or Django's), so the smoke test runs
them in its rolled-back transaction and the benchmark on its own database.
"""

from __future__ import annotations

from typing import Any

# The wards of the 2025 set that lie in what was Thành phố Đồng Hới (district 450 of
# the 2020 set): a unit belongs when a point of its surface is in the old city.
DONG_HOI_WARDS = """
    SELECT u.id, u.code, u.name, u.geom
    FROM boundaries_adminunit u
    JOIN boundaries_boundaryset s ON s.id = u.boundary_set_id
    JOIN boundaries_adminunit city ON city.code = '450'
    JOIN boundaries_boundaryset old ON old.id = city.boundary_set_id
        AND old.slug = 'qb-2020'
    WHERE s.slug = 'qt-2025' AND u.level = 'ward'
      AND ST_Covers(city.geom, ST_PointOnSurface(u.geom))
"""


def wards(cursor: Any) -> list[tuple[str, str]]:
    """Code and name of the Đồng Hới wards of the 2025 set."""
    cursor.execute(f"SELECT code, name FROM ({DONG_HOI_WARDS}) w ORDER BY code")
    return [(code, name) for code, name in cursor.fetchall()]


def points_sample(
    cursor: Any, count: int, *, seed: int, inset_m: float = 30
) -> list[tuple[float, float]]:
    """``count`` random points inside the Đồng Hới wards, drawn by PostGIS from a
    seed, at least ``inset_m`` metres inside a ward's edge, so that every point is
    routed (none is refused as outside, none sits on a shared edge)."""
    cursor.execute(
        f"""
        SELECT ST_X(p.geom), ST_Y(p.geom)
        FROM (
            SELECT ST_Multi(ST_Union(
                ST_Transform(ST_Buffer(ST_Transform(w.geom, 32648), -%s), 4326)
            )) AS geom
            FROM ({DONG_HOI_WARDS}) w
        ) inner_area,
        LATERAL ST_Dump(ST_GeneratePoints(inner_area.geom, %s, %s)) AS p
        """,
        [inset_m, count, seed],
    )
    return [(float(lon), float(lat)) for lon, lat in cursor.fetchall()]


def categories(cursor: Any) -> list[str]:
    """Codes of the categories that take reports."""
    cursor.execute("SELECT code FROM routing_category WHERE active ORDER BY code")
    return [code for (code,) in cursor.fetchall()]


def token_of(description: str) -> str:
    """The submission token at the head of a benchmark report's description."""
    return description[1 : description.index("]")] if description[:1] == "[" else ""


def proof_count(
    cursor: Any, *, sent: dict[str, list[str]], prefix: str, keyed: bool
) -> dict[str, Any]:
    """Compare what clients were told with what the database holds.

    ``sent`` maps each submission's token (also its Idempotency-Key when ``keyed``)
    to the tracking codes its 2xx answers carried; ``prefix`` starts every token of
    the run, so the reports are found by description whatever their key. Zero lost:
    every acknowledged token is stored. Zero duplicated: no token is stored twice,
    every answer for a token names the one stored report, and each stored report has
    one assignment and one ``submitted`` event.
    """
    # A report's key, if a key made it (keys live in routing_idempotencykey, scoped
    # per client; the benchmark's clients all post on the web channel).
    cursor.execute(
        "SELECT r.id, r.tracking_code, k.key, r.description FROM routing_report r"
        " LEFT JOIN routing_idempotencykey k ON k.report_id = r.id"
        " WHERE r.description LIKE %s",
        [f"[{prefix}%"],
    )
    rows = cursor.fetchall()
    stored: dict[str, list[str]] = {}
    ids: list[int] = []
    key_matches = 0
    for report_id, code, key, description in rows:
        token = token_of(description)
        if token not in sent:
            continue
        stored.setdefault(token, []).append(code)
        ids.append(report_id)
        key_matches += key == token
    cursor.execute(
        "SELECT"
        " (SELECT count(*) FROM routing_assignment WHERE report_id = ANY(%s)),"
        " (SELECT count(*) FROM routing_reportevent"
        "  WHERE report_id = ANY(%s) AND kind = 'submitted')",
        [ids, ids],
    )
    assignments, submitted_events = cursor.fetchone()
    if keyed:
        cursor.execute(
            "SELECT count(DISTINCT report_id), count(DISTINCT key)"
            " FROM routing_idempotencykey WHERE key = ANY(%s)",
            [list(sent)],
        )
        by_key, distinct_keys = cursor.fetchone()
    else:
        by_key = distinct_keys = 0
    acknowledged = {token for token, codes in sent.items() if codes}
    return {
        "submissions": len(sent),
        "acknowledged": len(acknowledged),
        "answers_2xx": sum(len(codes) for codes in sent.values()),
        "reports_stored": len(ids),
        "distinct_submissions_stored": len(stored),
        "reports_by_key": by_key,
        "distinct_keys_stored": distinct_keys,
        "reports_with_their_key": key_matches,
        "lost": len(acknowledged - stored.keys()),
        "duplicated": len(ids) - len(stored),
        "submissions_stored_twice_or_more": sum(len(c) > 1 for c in stored.values()),
        "tokens_with_differing_codes": sum(
            len(set(codes)) > 1 for codes in sent.values()
        ),
        "answers_naming_another_report": sum(
            code not in stored.get(token, [])
            for token, codes in sent.items()
            for code in codes
        ),
        "stored_without_2xx": len(stored.keys() - acknowledged),
        "assignments": assignments,
        "submitted_events": submitted_events,
    }
