"""The officers' pages: the queue of reports a staff member may see (``/ops/``) and
one report with its routing reasons, timeline and workflow actions (``/ops/r/<code>``).

The pages hold no rules of their own: scope comes from ``routing.reports.access``, the
steps a role may take from ``routing.reports.lifecycle``, and every action posts to the
workflow API (``api.reports.workflow_views``), whose bilingual refusals the page shows.
"""
