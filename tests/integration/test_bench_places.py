"""The place search benchmark in a small configuration, so its code cannot rot."""

from __future__ import annotations

import pytest

from bench import places
from bench.report import render
from boundaries.models import Place

pytestmark = pytest.mark.django_db


def test_synthetic_names_look_vietnamese_and_are_reproducible():
    rows = places.synthetic_places(500)
    assert rows == places.synthetic_places(500)
    kinds = {kind for _, kind, _ in rows}
    assert "street" in kinds
    assert len(kinds) > 3
    assert any("Đ" in name or "ễ" in name or "ư" in name for name, _, _ in rows)
    typed = [q[0] for q in places.queries(rows, 30)]
    assert all(t == t.lower() and t.isascii() for t in typed)


def test_the_places_suite_runs_and_leaves_nothing_behind():
    before = Place.objects.count()
    results = places.run(quick=True, n_places=800, n_queries=12)
    assert results["places_in_table"] == before + 800
    assert results["left_behind"] == 0
    assert Place.objects.count() == before
    for name in ("ours", "naive", "naive_as_typed", "gin", "search_all"):
        assert results[name]["p50_us"] > 0
    # Ours finds names typed without accents; the naive ILIKE on them finds none.
    assert results["ours"]["recall"] > 0.5
    assert results["naive_as_typed"]["recall"] < results["ours"]["recall"]
    assert "place_search_trigram" in results["plan"]
    assert "Place search over 800" in render(["t"], places.sections(results))
