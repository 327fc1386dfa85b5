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
    event = event_new(
        report=report,
        kind=kind,
        actor=actor,
        role=role,
        from_status=from_status,
        to_status=to_status,
        public=public,
        note=note,
        data=data,
    )
    event.save(force_insert=True)
    return event


def events_record(events: list[ReportEvent]) -> list[ReportEvent]:
    """Write events built by ``event_new`` in one INSERT; their ids ascend in the
    order listed."""
    return ReportEvent.objects.bulk_create(events)


def event_new(
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
    """An event, not written yet (``events_record``)."""
    return ReportEvent(
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
