"""The workflow's refusals: bad input, a role that may not act, a wrong state."""

from __future__ import annotations

from geo.errors import Conflict, Forbidden, InvalidInput


class WorkflowError(InvalidInput):
    """Bad or missing input."""


class WorkflowForbidden(WorkflowError, Forbidden):
    """The actor's role or department may not do this."""


class WorkflowConflict(WorkflowError, Conflict):
    """Not possible in the report's current state."""
