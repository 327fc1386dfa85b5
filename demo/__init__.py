"""Demo data: synthetic reports for trials, demos and benchmarks, never for production.

Kept out of ``analytics`` (which reads reports) and ``routing`` (which creates them
one at a time through intake): the generator inserts routed reports in bulk, with the
routing rules' shared SQL (``boundaries.sql``, ``routing.zones.sql``), and a test
holds its answers to the engine's.
"""
