"""A category by its code: the first read of every report submitted.

Each submission (and each endpoint taking a ``category``) looks its category up by
code, case-insensitively. As a queryset (``Category.objects.filter(
code__iexact=code).first()``) Django builds and compiles the query afresh on every
request, which costs the web process more than the database's answer; here the same
SQL (iexact's spelling, the model's ordering, the first row) is a fixed text, run as
a prepared statement where the connection allows (``boundaries.prepared``), and the
row becomes a ``Category`` as the ORM would build it (``Model.from_db``).
"""

from __future__ import annotations

from functools import cache

from django.db import DEFAULT_DB_ALIAS, connection

from boundaries import prepared
from routing.models import Category

_FIELDS = Category._meta.concrete_fields


@cache
def _by_code() -> str:
    """The statement: iexact's spelling, the model's ordering, the first row."""
    quote = connection.ops.quote_name
    return (
        f"SELECT {', '.join(f'c.{quote(f.column)}' for f in _FIELDS)} "
        f"FROM {quote(Category._meta.db_table)} c "
        "WHERE UPPER(c.code::text) = UPPER(%(code)s) ORDER BY c.code LIMIT 1"
    )


def category_by_code(code: str) -> Category | None:
    """The category whose code is ``code`` whatever its case (active or not), as
    ``Category.objects.filter(code__iexact=code).first()`` gives it."""
    rows = prepared.fetchall(_by_code(), {"code": code})
    if not rows:
        return None
    return Category.from_db(DEFAULT_DB_ALIAS, [f.attname for f in _FIELDS], rows[0])
