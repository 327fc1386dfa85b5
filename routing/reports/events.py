"""Record what happens to a report (called by the services, never by signals)."""

from __future__ import annotations

from typing import Any

from routing.models import Report, ReportEvent


def event_record(
    *,
    report: Report,
    kind: str,
    actor=None,
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
        actor=actor if getattr(actor, "pk", None) else None,
        actor_role=role,
        from_status=from_status,
        to_status=to_status,
        public=public,
        note=note,
        data=data or {},
    )
