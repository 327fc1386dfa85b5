"""The workflow's refusals: bilingual errors that carry their HTTP status."""

from __future__ import annotations

from geo.errors import BilingualError


class WorkflowError(BilingualError):
    """Bad or missing input (400)."""


class WorkflowForbidden(WorkflowError):
    """The actor's role or department may not do this (403)."""

    status = 403


class WorkflowConflict(WorkflowError):
    """Not possible in the report's current state (409)."""

    status = 409
