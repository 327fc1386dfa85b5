"""Every administrative unit the demo loads is found by its name typed the lazy way:
no diacritics, lower case, with or without "phường"/"xã" (issue 14's bar)."""

from __future__ import annotations

import datetime as dt

import pytest

from boundaries.models import AdminUnit
from boundaries.search import search_text, units_search

pytestmark = pytest.mark.django_db

PREFIXES = ("phuong ", "xa ", "thi tran ", "dac khu ", "tinh ", "thanh pho ", "huyen ")


def bare(name: str) -> str:
    """The name without its level word: "phuong dong hai" → "dong hai"."""
    text = search_text(name)
    for prefix in PREFIXES:
        if text.startswith(prefix):
            return text[len(prefix) :]
    return text


def test_every_unit_is_found_by_its_unaccented_lower_case_name():
    units = list(AdminUnit.objects.defer("geom").select_related("boundary_set"))
    assert len(units) > 200  # the Đồng Hới sets and the 2025 Quảng Trị communes
    day = dt.date(2026, 12, 7)
    missed = []
    for unit in units:
        for typed in (search_text(unit.name), bare(unit.name)):
            found = units_search(typed, limit=10, day=day)
            if not any(m.unit.code == unit.code for m in found):
                missed.append((unit.boundary_set.slug, unit.name, typed))
    assert missed == []
