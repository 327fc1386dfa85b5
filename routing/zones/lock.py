"""Intake and zone publishing, one at a time where it matters.

A report is routed against the zones in force, then written; a publish swaps zones
and re-routes the open reports it can see. Without a lock the two interleave
badly: a report routed on the old zones but committed after the publish's re-route
read the reports is never re-routed, and keeps a department the zones no longer
give it. So intake takes this transaction-level advisory lock *shared* before it
routes (intakes never wait for each other) and a publish takes it *exclusive*
before it reads anything: a publish waits for the intakes in flight, which it then
re-routes, and an intake that arrives during a publish waits, then routes on the
new zones. Both are released at commit or rollback.
"""

from __future__ import annotations

from django.db import connection

# The lock's key: any bigint no other advisory lock uses ("ht-zones").
ZONES_LOCK_KEY = int.from_bytes(b"ht-zones", "big")


def _lock(function: str) -> None:
    # A transaction-level lock outside a transaction would be released at once.
    assert connection.in_atomic_block, "the zones lock needs a transaction"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s)", [ZONES_LOCK_KEY])


def zones_lock_shared() -> None:
    """Intake: wait for a publish in progress; keep the zones until commit."""
    _lock("pg_advisory_xact_lock_shared")


def zones_lock_exclusive() -> None:
    """Publish: wait for the intakes in flight; keep new ones out until commit."""
    _lock("pg_advisory_xact_lock")
