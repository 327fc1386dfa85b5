"""The places suite: name search over 100,000 places, beside a naive ``ILIKE``.

100,000 synthetic places (``quick``: 10,000) with Vietnamese-like names (streets
named after people, "Kiệt"/"Ngõ" lanes, hotels, cafés, markets, schools named after
wards) and plausible geometry (short lines and points around Đồng Hới) are written
into ``boundaries_place`` *inside one transaction that is rolled back at the end*:
the database never keeps them, even if the run is interrupted, and the demo's own
places are left as they are. The table is analysed within the transaction so the
planner sees the rows.

Measured over the same queries (names of random rows, as typed: folded to ASCII, in
lower case, a third with one typo, a third cut to their last two or three words):

- ours: ``boundaries.search.places_ranked``, the indexed ``search_ascii %> q`` with
  the word similarity of the matches and the top 10 (the query the API runs for
  places), and ``search_all``, the whole answer (units too, and the unit of each
  place today);
- the GIN design it replaced: the same ``%>`` filter on a GIN index, every match
  scored and sorted (the GiST index is dropped for it, inside the transaction: the
  table is locked for the run's length);
- naive: ``name ILIKE '%…%'`` on the unfolded name with the accented text (which
  finds nothing for a query typed without accents or with a typo: its recall is
  reported beside the time).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from bench.boundaries import environment, progress
from bench.report import Row, Section, fmt_ratio, fmt_us, latency
from boundaries.places import search_key
from boundaries.search import MIN_SCORE, places_ranked, search_all, search_text
from geo.text import ascii_fold

SUITES = ("places",)
SOURCE = "bench-synthetic"
LIMIT = 10

FAMILY = [
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
    "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Quách", "Trương", "Đinh", "Mạc",
]  # fmt: skip
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Xuân", "Minh", "Quang", "Công", "Đình", "Thanh"]
GIVEN = [
    "An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Lâm", "Long", "Nam", "Phong",
    "Quý", "Sơn", "Thắng", "Trãi", "Tuấn", "Kỳ", "Pháp", "Huệ", "Lợi", "Thái",
    "Diệu", "Khoa", "Mẫn", "Ninh", "Phú", "Toản", "Trứ", "Ước", "Vĩnh", "Yên",
]  # fmt: skip
WARDS = [
    "Đồng Hải", "Hải Thành", "Bảo Ninh", "Nam Lý", "Bắc Lý", "Đức Ninh", "Lộc Ninh",
    "Nghĩa Ninh", "Phú Hải", "Quang Phú", "Thuận Đức", "Đồng Sơn", "Đồng Phú",
    "Hải Đình", "Đồng Mỹ", "Bắc Nghĩa", "Đức Ninh Đông", "Nhật Lệ", "Võ Xá", "Quán Hàu",
]  # fmt: skip
POI = [
    ("hotel", "Khách sạn"), ("cafe", "Quán cà phê"), ("restaurant", "Nhà hàng"),
    ("market", "Chợ"), ("school", "Trường Tiểu học"), ("school", "Trường THCS"),
    ("clinic", "Trạm y tế"), ("pharmacy", "Nhà thuốc"), ("shop", "Cửa hàng"),
    ("bank", "Phòng giao dịch"), ("place_of_worship", "Chùa"), ("fuel", "Cây xăng"),
]  # fmt: skip
# Around Đồng Hới (lon, lat).
BOX = (106.52, 17.38, 106.70, 17.55)


def benchmark(quick: bool) -> tuple[Any, ...]:
    """The entry ``python -m bench`` runs: name, title, suites, run, sections."""
    return ("places", "place search", SUITES, lambda: run(quick=quick), sections)


def _person(rng: random.Random) -> str:
    middle = rng.choice(MIDDLE) + " " if rng.random() < 0.5 else ""
    return f"{rng.choice(FAMILY)} {middle}{rng.choice(GIVEN)}"


def synthetic_places(n: int, seed: int = 14) -> list[tuple[str, str, str]]:
    """``n`` (name, kind, WKT) rows: two streets in five (some of them lanes,
    "Kiệt 12 Quách Xuân Kỳ"), the rest points of interest."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        lon = rng.uniform(BOX[0], BOX[2])
        lat = rng.uniform(BOX[1], BOX[3])
        if i % 5 < 2:
            name = _person(rng)
            if rng.random() < 0.3:
                name = f"{rng.choice(['Kiệt', 'Ngõ'])} {rng.randint(1, 150)} {name}"
            dx, dy = rng.uniform(-0.004, 0.004), rng.uniform(-0.004, 0.004)
            wkt = f"LINESTRING({lon} {lat},{lon + dx / 2} {lat + dy / 3},{lon + dx} {lat + dy})"
            rows.append((name, "street", wkt))
        else:
            kind, prefix = rng.choice(POI)
            place = rng.choice(WARDS) if rng.random() < 0.5 else _person(rng)
            suffix = f" {rng.randint(1, 9)}" if rng.random() < 0.2 else ""
            rows.append((f"{prefix} {place}{suffix}", kind, f"POINT({lon} {lat})"))
    return rows


def _load(rows: list[tuple[str, str, str]]) -> None:
    names = [r[0] for r in rows]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO boundaries_place
                (name, name_ascii, name_vi, name_en, search_ascii, kind, tag,
                 addr_housenumber, addr_street, addr_city, source, source_id,
                 licence, attribution, geom, anchor, properties, updated_at)
            SELECT r.name, r.ascii, '', '', r.search, r.kind, '', '', '', '',
                   %(source)s, 'bench/' || r.i, '', '', g.geom,
                   CASE WHEN GeometryType(g.geom) = 'LINESTRING'
                        THEN ST_LineInterpolatePoint(g.geom, 0.5) ELSE g.geom END,
                   '{}'::jsonb, now()
            FROM unnest(%(names)s::text[], %(ascii)s::text[], %(search)s::text[],
                        %(kinds)s::text[], %(wkts)s::text[]) WITH ORDINALITY
                 AS r(name, ascii, search, kind, wkt, i),
                 LATERAL (SELECT ST_GeomFromText(r.wkt, 4326) AS geom) g
            """,
            {
                "source": SOURCE,
                "names": names,
                "ascii": [ascii_fold(n) for n in names],
                "search": [search_key(n) for n in names],
                "kinds": [r[1] for r in rows],
                "wkts": [r[2] for r in rows],
            },
        )
        cursor.execute("ANALYZE boundaries_place")


def _typo(text: str, rng: random.Random) -> str:
    """One letter of a word of four or more letters swapped with its neighbour."""
    words = text.split()
    long = [i for i, w in enumerate(words) if len(w) >= 4]
    if not long:
        return text
    i = rng.choice(long)
    w = words[i]
    j = rng.randrange(1, len(w) - 2)
    words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    return " ".join(words)


def queries(
    rows: list[tuple[str, str, str]], n: int, seed: int = 7
) -> list[tuple[str, str, str]]:
    """``n`` (typed, accented, target name) triples: as people type (folded, lower
    case; a third with a typo, a third only the last words) and the accented text
    the naive baseline is given."""
    rng = random.Random(seed)
    out = []
    for k in range(n):
        name = rng.choice(rows)[0]
        accented = name
        if k % 3 == 2:
            accented = " ".join(name.split()[-rng.choice((2, 3)) :])
        typed = search_text(accented)
        if k % 3 == 1:
            typed = _typo(typed, rng)
        out.append((typed, accented, name))
    return out


_NAIVE = (
    "SELECT id, name FROM boundaries_place WHERE name ILIKE %s ORDER BY name LIMIT %s"
)


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _time_ours(qs: list[tuple[str, str, str]]) -> tuple[list[int], float]:
    samples, found = [], 0
    for typed, _, target in qs:
        start = time.perf_counter_ns()
        result = places_ranked(typed, limit=LIMIT)
        samples.append(time.perf_counter_ns() - start)
        found += any(p.name == target for p in result)
    return samples, found / len(qs)


def _time_naive(
    qs: list[tuple[str, str, str]], *, typed: bool
) -> tuple[list[int], float]:
    samples, found = [], 0
    with connection.cursor() as cursor:
        for text, accented, target in qs:
            start = time.perf_counter_ns()
            cursor.execute(_NAIVE, [_like(text if typed else accented), LIMIT])
            names = [row[1] for row in cursor.fetchall()]
            samples.append(time.perf_counter_ns() - start)
            found += target in names
    return samples, found / len(qs)


def _time_all(qs: list[tuple[str, str, str]], day: dt.date) -> list[int]:
    samples = []
    for typed, _, _ in qs:
        start = time.perf_counter_ns()
        search_all(typed, limit=LIMIT, day=day)
        samples.append(time.perf_counter_ns() - start)
    return samples


_GIN = """
    SELECT id, name, word_similarity(%s, search_ascii) AS score
    FROM boundaries_place WHERE search_ascii %%> %s
    ORDER BY score DESC, name LIMIT %s
"""


def _time_gin(qs: list[tuple[str, str, str]]) -> tuple[list[int], float]:
    """The same filter answered by a GIN index, every match scored and sorted (the
    design the GiST index replaced), on a GIN index built in the transaction."""
    samples, found = [], 0
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX place_search_trigram")
        cursor.execute(
            "CREATE INDEX bench_place_gin ON boundaries_place "
            "USING gin (search_ascii gin_trgm_ops) WITH (fastupdate = off)"
        )
        cursor.execute("ANALYZE boundaries_place")
        cursor.execute(
            "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)",
            [str(MIN_SCORE)],
        )
        for typed, _, target in qs:
            start = time.perf_counter_ns()
            cursor.execute(_GIN, [typed, typed, LIMIT])
            names = [row[1] for row in cursor.fetchall()]
            samples.append(time.perf_counter_ns() - start)
            found += target in names
    return samples, found / len(qs)


def _plan(text: str) -> str:
    """The plan of the places query (the index scan's line)."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        places_ranked(text, limit=LIMIT)
    sql = next(q["sql"] for q in captured if "boundaries_place" in q["sql"])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('pg_trgm.word_similarity_threshold', '0.35', true)"
        )
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS OFF) " + sql)
        lines = [row[0] for row in cursor.fetchall()]
    return next((ln.strip() for ln in lines if "place_search_trigram" in ln), lines[0])


class _Rollback(Exception):
    pass


def run(
    *, quick: bool, n_places: int | None = None, n_queries: int | None = None
) -> dict[str, Any]:
    """Every figure, ready for JSON; the sizes may be given (the tests' smoke run)."""
    n_places = n_places or (10_000 if quick else 100_000)
    n_queries = n_queries or (100 if quick else 500)
    results: dict[str, Any] = {
        "quick": quick,
        "sizes": {"places": n_places, "queries": n_queries, "limit": LIMIT},
        "environment": environment(),
    }
    rows = synthetic_places(n_places)
    qs = queries(rows, n_queries)
    warm = qs[: max(10, n_queries // 10)]
    day = timezone.localdate()
    try:
        with transaction.atomic():
            progress(f"places: writing {n_places:,} synthetic places (rolled back) …")
            start = time.perf_counter()
            _load(rows)
            results["load_s"] = round(time.perf_counter() - start, 1)
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM boundaries_place")
                results["places_in_table"] = cursor.fetchone()[0]
            progress(f"places: {n_queries} queries, ours then naive …")
            _time_ours(warm)
            _time_naive(warm, typed=False)
            ours, ours_recall = _time_ours(qs)
            naive, naive_recall = _time_naive(qs, typed=False)
            naive_typed, naive_typed_recall = _time_naive(qs, typed=True)
            whole = _time_all(qs, day)
            results["ours"] = latency(ours) | {"recall": round(ours_recall, 3)}
            results["naive"] = latency(naive) | {"recall": round(naive_recall, 3)}
            results["naive_as_typed"] = latency(naive_typed) | {
                "recall": round(naive_typed_recall, 3)
            }
            results["search_all"] = latency(whole)
            results["plan"] = _plan(qs[0][0])
            progress("places: the GIN design, for comparison …")
            gin, gin_recall = _time_gin(qs)
            results["gin"] = latency(gin) | {"recall": round(gin_recall, 3)}
            raise _Rollback
    except _Rollback:
        pass
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM boundaries_place WHERE source = %s", [SOURCE]
        )
        results["left_behind"] = cursor.fetchone()[0]
    return results


def sections(results: dict[str, Any]) -> list[Section]:
    ours, naive, typed = (
        results["ours"],
        results["naive"],
        results["naive_as_typed"],
    )
    whole = results["search_all"]
    n = results["sizes"]
    rows = [
        Row(
            "Places query p50 (naive: ILIKE, accented text)",
            fmt_us(ours["p50_us"]),
            fmt_us(naive["p50_us"]),
            fmt_ratio(naive["p50_us"] / ours["p50_us"]),
        ),
        Row(
            "Places query p99",
            fmt_us(ours["p99_us"]),
            fmt_us(naive["p99_us"]),
            fmt_ratio(naive["p99_us"] / ours["p99_us"]),
        ),
        Row(
            "GIN filter, every match scored: p50 / p99 (as baseline)",
            f"{fmt_us(ours['p50_us'])} / {fmt_us(ours['p99_us'])}",
            f"{fmt_us(results['gin']['p50_us'])} / {fmt_us(results['gin']['p99_us'])}",
            fmt_ratio(results["gin"]["p50_us"] / ours["p50_us"]),
        ),
        Row(
            "Target name in the top 10 (recall)",
            f"{ours['recall']:.1%}",
            f"{naive['recall']:.1%}",
        ),
        Row(
            "Naive ILIKE with the text as typed: p50, recall",
            "",
            f"{fmt_us(typed['p50_us'])}, {typed['recall']:.1%}",
        ),
        Row(
            "Whole answer (units + places + unit today) p50 / p99",
            f"{fmt_us(whole['p50_us'])} / {fmt_us(whole['p99_us'])}",
        ),
    ]
    return [
        Section(
            f"Place search over {n['places']:,} synthetic places "
            f"({n['queries']} queries, top {n['limit']})",
            rows,
            notes=[
                f"plan: {results['plan']}",
                f"{results['places_in_table']:,} rows in the table during the run; "
                f"written in {results['load_s']} s inside a transaction rolled back "
                f"after ({results['left_behind']} left behind)",
                "queries: a third exact (folded, lower case), a third with one typo, "
                "a third only the last two or three words",
            ],
        )
    ]
