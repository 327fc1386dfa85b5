"""The analytics suite: clusters, tiles, hot spots and statistics over millions of
reports, each beside a naive query over the raw rows in the same run.

Each stage (1M, 10M reports) gets a database of its own,
``hientruong_bench_analytics_<N>``, created, migrated and loaded with the fixtures,
then filled by ``reports_generate`` in one bulk load (10 years of Đồng Hới; triggers
and secondary indexes off during the insert, aggregates counted and indexes built
once after it). The database is dropped after its stage, so the demo never holds the
rows — unless BENCH_ANALYTICS_KEEP=1, which keeps it and reuses it next time.
BENCH_ANALYTICS_PARTS (e.g. ``clusters,tiles``) and BENCH_ANALYTICS_ZOOMS (e.g.
``16``) measure only some parts, to re-measure one path on a kept database.

Baselines ("naive") answer the same question from ``routing_report`` alone: a GROUP
BY of each report's projected cell (``ST_Transform`` per row) for clusters and tiles,
every point of the period fetched and binned to H3 in Python for hot spots, and a
GROUP BY plus the exact ``percentile_cont`` over the raw rows for the dashboard.

The suite's parts: ``suite`` (sizes and the run, stage by stage), ``database`` (a
stage's database: created, filled, kept or dropped), ``measure`` (our paths timed),
``naive`` (the baselines over raw rows) and ``table`` (the printed table).
"""

from bench.analytics.suite import SUITES, benchmark, run, sizes
from bench.analytics.table import sections

__all__ = ["SUITES", "benchmark", "run", "sections", "sizes"]
