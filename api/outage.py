"""A database that cannot be reached is a 503 with Retry-After, never a 500.

PostgreSQL restarting, shut down, crashed or unreachable reaches Django as an
``OperationalError`` or ``InterfaceError`` with psycopg's error as the cause. Only a
refused or lost connection counts as an outage here: a statement cancelled by its
timeout, a deadlock or a full disk are other failures, answered where they are
handled. The REST API (``api.errors``), Open311 and the pages (``config.errors``)
all ask ``database_outage``, so the three answer the same outage the same way.
"""

from __future__ import annotations

import psycopg
from django.db import InterfaceError, OperationalError

from geo.errors import Unavailable

# A restart or a fail-over takes seconds; clients that send an Idempotency-Key may
# repeat a submission safely.
RETRY_AFTER_S = 5
# SQLSTATEs of a server going away or refusing sessions: class 08 (connection
# exception), admin shutdown, crash shutdown, cannot connect now (starting up,
# shutting down, in recovery), database dropped, too many connections.
GONE_CLASSES = ("08",)
GONE_STATES = frozenset({"57P01", "57P02", "57P03", "57P04", "53300"})


def connection_lost(exc: BaseException | None) -> bool:
    """Whether ``exc`` says the database could not be reached or went away."""
    if isinstance(exc, InterfaceError):
        return True
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    if not isinstance(cause, psycopg.OperationalError | psycopg.InterfaceError):
        return False
    # Without a SQLSTATE, psycopg's client side failed: refused, closed, timed out.
    state = cause.sqlstate
    return state is None or state.startswith(GONE_CLASSES) or state in GONE_STATES


def database_outage(exc: BaseException | None) -> Unavailable | None:
    """The bilingual 503 for a lost database connection; None for anything else."""
    if not connection_lost(exc):
        return None
    return Unavailable(
        "database_unavailable",
        "Dịch vụ tạm thời gián đoạn (không kết nối được cơ sở dữ liệu). Yêu cầu có "
        f"thể chưa được thực hiện; xin thử lại sau {RETRY_AFTER_S} giây.",
        "The service is briefly unavailable (its database cannot be reached). The "
        f"request may not have been carried out; try again in {RETRY_AFTER_S} "
        "seconds.",
        extra={"retry_after": RETRY_AFTER_S},
    )
