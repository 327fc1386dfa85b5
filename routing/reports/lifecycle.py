"""Who may move a report from which status to which: the workflow as a table.

received → assigned → in_progress → resolved → closed, with rejected and duplicate as
ends, and reopened when the citizen is not satisfied. The routing engine assigns on
submit (actor "system"); operations-centre operators triage and may do any working
step; a department's officers work the reports assigned to their department; the
citizen closes (rating it) or reopens a resolved report. Admins may do all.
"""

from __future__ import annotations

from dataclasses import dataclass

from routing.reports.roles import (
    ADMIN,
    CITIZEN,
    DEPARTMENT_OFFICER,
    IOC_OPERATOR,
    SYSTEM,
)


@dataclass(frozen=True)
class Step:
    roles: frozenset[str]
    needs_note: bool = False  # a public note explaining the step
    needs_reason: bool = False  # a rejection reason
    needs_duplicate_of: bool = False


def _step(*roles: str, **needs: bool) -> Step:
    return Step(frozenset((*roles, ADMIN)), **needs)


TRANSITIONS: dict[tuple[str, str], Step] = {
    ("received", "assigned"): _step(SYSTEM, IOC_OPERATOR),
    ("received", "rejected"): _step(IOC_OPERATOR, needs_reason=True, needs_note=True),
    ("received", "duplicate"): _step(IOC_OPERATOR, needs_duplicate_of=True),
    ("assigned", "in_progress"): _step(DEPARTMENT_OFFICER, IOC_OPERATOR),
    ("assigned", "rejected"): _step(IOC_OPERATOR, needs_reason=True, needs_note=True),
    ("assigned", "duplicate"): _step(
        IOC_OPERATOR, DEPARTMENT_OFFICER, needs_duplicate_of=True
    ),
    ("in_progress", "resolved"): _step(
        DEPARTMENT_OFFICER, IOC_OPERATOR, needs_note=True
    ),
    ("in_progress", "duplicate"): _step(
        IOC_OPERATOR, DEPARTMENT_OFFICER, needs_duplicate_of=True
    ),
    ("resolved", "closed"): _step(CITIZEN, IOC_OPERATOR, SYSTEM),
    ("resolved", "reopened"): _step(CITIZEN, IOC_OPERATOR, needs_note=True),
    ("reopened", "in_progress"): _step(DEPARTMENT_OFFICER, IOC_OPERATOR),
    ("reopened", "resolved"): _step(DEPARTMENT_OFFICER, IOC_OPERATOR, needs_note=True),
}


def step(current: str, target: str) -> Step | None:
    return TRANSITIONS.get((current, target))


def allowed(current: str, target: str, role: str) -> bool:
    found = step(current, target)
    return found is not None and role in found.roles


def next_statuses(current: str, role: str) -> list[str]:
    """The statuses ``role`` may move a report in ``current`` to."""
    return sorted(
        t for (c, t), s in TRANSITIONS.items() if c == current and role in s.roles
    )
