"""Reads that may lag the primary database by a few seconds.

Analytics, exports, tiles and public tracking read what was committed a moment ago
as well as what was committed now, so they may be answered by a streaming replica
(``DATABASE_REPLICA_URL``). The domain only says which reads those are, with the
router hint ``lag_ok``; the router (``config/db_router.py``) decides: the replica
when there is one and the client has not just written, else the primary. Staff
pages and every write never ask, so they read and write the primary.
"""

from __future__ import annotations

from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper

from routing.models import Report


def lag_ok_db() -> str:
    """The database alias for a read that may lag the primary."""
    return router.db_for_read(Report, lag_ok=True)


def lag_ok_connection() -> BaseDatabaseWrapper:
    """The connection for a raw SQL read that may lag the primary."""
    return connections[lag_ok_db()]
