"""Benchmarks of Hiện Trường, each measured beside a naive baseline in the same run.

``python -m bench`` (``make bench``) runs the boundary suite: single point lookups in
the service and over HTTP, and bulk assignment of a million points. It prints a table
and writes ``.data/bench/boundaries.json``; ``--quick`` runs ten times fewer points.
"""
