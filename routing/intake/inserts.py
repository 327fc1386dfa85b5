"""INSERTs into several tables sent in one round trip.

A new report's rows (the report, its assignment, its events, its outbox rows) are
four INSERTs; sent one by one they wait for four round trips, which on a busy
machine is most of what a submission waits for. Here Django's own compiler writes
each INSERT as ``bulk_create`` would (field defaults, ``auto_now`` values set when
the rows are added, the same adapters), and the statements are sent joined, as one
query: PostgreSQL runs them in order, inside the caller's transaction, and the first
that fails fails the query (Django's errors, ``IntegrityError`` for a clash).

A row whose id is set before (the report's and its assignment's, drawn by
``routing.intake.context``, so the rows after can name them) is written with it;
the others get theirs back (``RETURNING``), and every row ends as ``bulk_create``
leaves it (id set, saved). This needs psycopg's client-side binding, Django's
default (each statement's values are merged into its text by psycopg, as they are
for any of Django's queries); with server-side binding (the connection option
``server_side_binding``, one statement per query) the statements are sent one by
one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model
from django.db.models.sql import InsertQuery


@dataclass(frozen=True)
class _Insert:
    sql: str
    params: tuple[Any, ...]
    rows: Sequence[Model]
    returning: bool


class Inserts:
    """INSERTs gathered in order, then sent together by :meth:`run`."""

    def __init__(self, using: str = DEFAULT_DB_ALIAS) -> None:
        self.using = using
        self._pending: list[_Insert] = []

    def add(self, rows: Sequence[Model]) -> None:
        """Add one INSERT of ``rows`` (instances of one model, with ids all set or
        all unset), written now: ``auto_now`` fields take their value here."""
        if not rows:
            return
        model = type(rows[0])
        meta = model._meta
        with_ids = rows[0].pk is not None
        if any((row.pk is not None) != with_ids for row in rows):
            raise ValueError("rows with and without ids in one INSERT")
        fields = [
            f
            for f in meta.concrete_fields
            if not f.generated and (with_ids or f is not meta.auto_field)
        ]
        for row in rows:
            # What bulk_create does first: a related row's id into its column.
            row._prepare_related_fields_for_save(  # type: ignore[attr-defined]
                operation_name="bulk_create"
            )
        query = InsertQuery(model)
        query.insert_values(fields, list(rows))
        compiler = query.get_compiler(using=self.using)
        compiler.returning_fields = None if with_ids else [meta.pk]
        [(sql, params)] = compiler.as_sql()
        self._pending.append(_Insert(sql, tuple(params), rows, not with_ids))

    def run(self) -> None:
        """Send the INSERTs added since the last run, in one query."""
        pending, self._pending = self._pending, []
        if not pending:
            return
        connection = connections[self.using]
        with connection.cursor() as cursor:
            raw = cursor.cursor
            if isinstance(raw, psycopg.ClientCursor):
                # Each statement merged with its values apart, where psycopg keeps
                # the parsed text of a statement of up to 50 values (it parses a
                # longer one afresh every time); the joined text takes no values.
                cursor.execute(
                    ";\n".join(raw.mogrify(i.sql, i.params) for i in pending)
                )
                for index, insert in enumerate(pending):
                    if index:
                        cursor.nextset()
                    self._written(insert, cursor)
            else:
                for insert in pending:
                    cursor.execute(insert.sql, insert.params)
                    self._written(insert, cursor)

    def _written(self, insert: _Insert, cursor: Any) -> None:
        if insert.returning:
            ids = cursor.fetchall()
            for row, (pk,) in zip(insert.rows, ids, strict=True):
                row.pk = pk
        for row in insert.rows:
            row._state.adding = False
            row._state.db = self.using
