"""Synthetic reports for Đồng Hới, generated set-based in SQL (``reports_generate``).

Measured on 2 shared cores (``bench/analytics/``, bulk load with ``unchecked`` and
``reindex``): a million in 147 s (6,800/s), ten million in 34 min (4,850/s); at 10M
the synthesis (places, units, zones, outcomes: 1,400 s) outweighs the insert (165 s),
the aggregates (177 s) and the index builds (298 s).

For demos and benchmarks: realistic enough that clusters, heatmaps and hot spots look
like a city's, and every report routed the way the engine would route it.

* Where: around places — the points on surface of Đồng Hới's wards and communes in
  the 2020 and 2025 boundary sets, and a few hand-picked spots (the market, Nhật Lệ
  beach, the railway station, the bus station, the river square) — with a Gaussian
  spread in metres (UTM 48N); draws that fall outside every unit (the sea, mostly)
  are dropped.
* When: over ``years`` years to ``end``, more in later years (adoption grows), fewer
  at weekends, mostly in office and evening hours (local time).
* What: a category mix per kind of place (markets: street order and waste; the
  beach: waste and tourism…). In September–November, the flood season, a share of
  reports are drainage and flooding (CTN) in the low-lying wards along the Nhật Lệ.
* Outcome: rejected and duplicate shares; resolution times log-normal around 60 % of
  the category's deadline (so about a quarter are late); reports still open when
  their time has not come (received, assigned, in progress); closures, ratings.
* Routing: the unit is the deepest unit covering the point in the boundary set in
  force on the report's local day; the department is the engine's rule (zone by
  priority, then area, then id; else the unit's default department; else the triage
  desk), all by set-based joins written with the engine's own SQL fragments
  (``boundaries.sql``, ``routing.zones.sql``), and one current Assignment is written
  per report. A test holds the result to ``routing.engine.route.route_decide``.

Tracking codes are ``SY-XXXX-XXXX``: the report id, permuted (multiplied by a number
prime to 30⁸, modulo 30⁸) and written in the tracking alphabet, so they are unique by
construction and never collide with citizens' ``HT-`` codes.

Rows are inserted with one INSERT, so the analytics triggers aggregate them in one
statement too.

Modules, in the order of a run: ``places`` (where, when, what: the draws),
``routing`` (unit, zone, department), ``outcomes`` (deadlines, statuses, codes),
``load`` (the inserts and the bulk-load helpers), ``generate`` (the run).
"""

from demo.synthetic.generate import Generated, reports_generate

__all__ = ["Generated", "reports_generate"]
