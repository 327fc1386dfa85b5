"""Record what happens to a report (called by the services, never by signals)."""

from __future__ import annotations

from typing import Any

from routing.models import Report, ReportEvent
from routing.reports.roles import Actor, acting_user


def event_record(
    *,
    report: Report,
    kind: str,
    actor: Actor = None,
    role: str = "",
    from_status: str = "",
    to_status: str = "",
    public: bool = True,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> ReportEvent:
    return ReportEvent.objects.create(
        report=report,
        kind=kind,
        actor=acting_user(actor),
        actor_role=role,
        from_status=from_status,
        to_status=to_status,
        public=public,
        note=note,
        data=data or {},
    )
