"""Outcomes of the synthetic reports: deadlines, statuses, closures, ratings, codes.

Resolution times are log-normal around 60 % of the category's deadline (so about a
quarter are late); a share of reports are rejected or duplicates; reports still open
when their time has not come are received, assigned or in progress; closures and
ratings follow resolutions. Tracking codes are ``SY-XXXX-XXXX``: the report id,
permuted (multiplied by a number prime to 30⁸, modulo 30⁸) and written in the
tracking alphabet, so they are unique by construction and never collide with
citizens' ``HT-`` codes.
"""

from __future__ import annotations

from demo.synthetic import results, texts
from demo.synthetic.routing import ROUTED
from routing.reports.tracking import ALPHABET

MULTIPLIER = 7_919_333  # prime to 30 (odd, digit sum 35, not ending in 0 or 5)

# Each routed report's id, deadline, outcome and times.
ROUTE = f"""
    CREATE TEMP TABLE gen_route AS
    WITH r AS (
        SELECT g.*, nextval(pg_get_serial_sequence('routing_report', 'id')) AS id,
               u_urgent < 0.06 AS urgent,
               CASE WHEN u_urgent < 0.06 THEN
                        CASE c.urgent_sla_unit WHEN 'hours' THEN c.urgent_sla_value
                             ELSE c.urgent_sla_value * 24 * 7 / 5.0 END
                    ELSE CASE c.sla_unit WHEN 'hours' THEN c.sla_value
                              ELSE c.sla_value * 24 * 7 / 5.0 END
               END AS sla_h
        FROM ({ROUTED}) g
        JOIN routing_category c ON c.id = g.category_id
    ),
    o AS (
        SELECT r.*,
               r.reported_at + make_interval(secs => 3600 * 0.6 * sla_h
                   * exp(0.8 * sqrt(-2 * ln(1 - r1)) * cos(2 * pi() * r2)))
                   AS would_resolve,
               r.reported_at + make_interval(secs => 3600 * sla_h) AS due
        FROM r
    )
    SELECT o.*,
           CASE WHEN u_fate < 0.04 THEN 'rejected'
                WHEN u_fate < 0.07 THEN 'duplicate'
                WHEN u_fate < 0.09 AND due < %(end)s THEN 'in_progress'
                WHEN would_resolve < %(end)s THEN
                     CASE WHEN u_fate < 0.10 THEN 'reopened'
                          WHEN u_close < 0.8 AND would_resolve
                               + u_close * interval '5 days' < %(end)s THEN 'closed'
                          ELSE 'resolved' END
                WHEN reported_at > %(end)s - interval '4 hours' THEN 'received'
                WHEN reported_at > %(end)s - interval '1 day' THEN 'assigned'
                ELSE 'in_progress' END AS status
    FROM o
"""


def _code_sql(value: str) -> str:
    """``SY-XXXX-XXXX`` from a bigint expression already permuted into [0, 30⁸)."""
    digits = [
        f"substr('{ALPHABET}', mod(({value}) / {30**k}, 30)::integer + 1, 1)"
        for k in range(7, -1, -1)
    ]
    return (
        "'SY-' || " + " || ".join(digits[:4]) + " || '-' || " + " || ".join(digits[4:])
    )


# The rows the report columns read: the generated ones with their category.
REPORT_SOURCE = "gen_route g JOIN routing_category c ON c.id = g.category_id"


def report_columns() -> dict[str, str]:
    """The columns of ``routing_report`` as expressions over :data:`REPORT_SOURCE`."""
    finished = "g.status IN ('resolved', 'closed', 'reopened')"
    closed = "g.status = 'closed'"
    rated = f"{closed} AND g.u_rate < 0.45"
    permuted = f"mod(mod(g.id, {30**8}) * {MULTIPLIER}, {30**8})"
    description = texts.description_sql("g.id", "c.code")
    publication = texts.publication_sql(
        id_sql="g.id", status_sql="g.status", sensitive_sql="c.sensitive"
    )
    approved = f"({publication}) = 'approved'"
    return {
        "id": "g.id",
        "tracking_code": _code_sql(permuted),
        "location": "g.geom",
        "category_id": "g.category_id",
        "channel": "CASE WHEN g.u_channel < 0.35 THEN 'web' "
        "WHEN g.u_channel < 0.8 THEN 'app' ELSE 'hotline' END",
        "urgent": "g.urgent",
        "reported_at": "g.reported_at",
        "due_at": "g.due",
        "resolved_at": f"CASE WHEN {finished} THEN g.would_resolve END",
        "closed_at": f"CASE WHEN {closed} THEN g.would_resolve "
        "+ g.u_close * interval '5 days' END",
        "rejection_reason": "CASE WHEN g.status = 'rejected' THEN "
        "(ARRAY['out_of_scope', 'insufficient_info', 'other_procedure'])"
        "[1 + floor(g.u_close * 3)::integer] ELSE '' END",
        "rating": f"CASE WHEN {rated} THEN CASE WHEN g.u_rating < 0.62 THEN "
        "'satisfied' WHEN g.u_rating < 0.87 THEN 'acceptable' ELSE 'dissatisfied' "
        "END ELSE '' END",
        "rated_at": f"CASE WHEN {rated} THEN g.would_resolve "
        "+ g.u_close * interval '5 days' END",
        "status": "g.status",
        "reopen_count": "CASE WHEN g.status = 'reopened' THEN 1 ELSE 0 END",
        "description": description,
        "result_note": f"CASE WHEN {finished} THEN "
        f"{results.result_note_sql('g.id', 'c.code')} ELSE '' END",
        "publication": publication,
        "public_description": f"CASE WHEN {approved} THEN {description} ELSE '' END",
        "publication_decided_at": f"CASE WHEN {approved} THEN g.would_resolve END",
        "jurisdiction_code": "g.jurisdiction_code",
        "unit_id": "g.unit_id",
        "department_id": "g.department_id",
        "created_at": "g.reported_at",
        "updated_at": "g.reported_at",
    }


# The current Assignment of each generated report, as expressions over gen_route g.
ASSIGNMENT_COLUMNS = {
    "report_id": "g.id",
    "is_current": "true",
    "boundary_set_id": "g.boundary_set_id",
    "unit_id": "g.unit_id",
    "department_id": "g.department_id",
    "zone_id": "g.zone_id",
    "rule": "g.rule",
    "cause": "'submit'",
    "near_edge": "false",
    "candidates": "'[]'::jsonb",
    "reason_vi": "'Dữ liệu mô phỏng (reports_generate).'",
    "reason_en": "'Synthetic data (reports_generate).'",
    "decided_at": "g.reported_at",
    "note": "''",
}


# The timeline of each generated report, as (kind, from, to, role, at, public note)
# rows over gen_route g: submitted; assigned by the system; for finished reports,
# resolved by the department with its public result note (the report's
# ``result_note``); closed when it was. Rejected and
# duplicate reports end with that step. Written only when asked (``events``): the
# benchmark's millions of reports need no timelines, a demo's do.
EVENT_ROWS = f"""
    SELECT g.id, e.kind, e.from_status, e.to_status, e.role, e.at, e.note
    FROM gen_route g
    JOIN routing_category c ON c.id = g.category_id
    CROSS JOIN LATERAL (VALUES
        ('submitted', '', 'received', 'citizen', g.reported_at, '', true),
        ('status', 'received', 'assigned', 'system', g.reported_at, '',
         g.status <> 'received'),
        ('status', 'assigned', 'in_progress', 'department_officer',
         LEAST(g.reported_at + interval '2 hours',
               g.reported_at + (g.would_resolve - g.reported_at) / 2), '',
         g.status IN ('in_progress', 'resolved', 'closed', 'reopened')),
        ('status', 'in_progress', 'resolved', 'department_officer', g.would_resolve,
         {results.result_note_sql("g.id", "c.code")},
         g.status IN ('resolved', 'closed', 'reopened')),
        ('status', 'resolved', 'closed', 'system',
         g.would_resolve + g.u_close * interval '5 days', '', g.status = 'closed'),
        ('status', 'resolved', 'reopened', 'citizen',
         g.would_resolve + interval '1 day', '', g.status = 'reopened'),
        ('status', 'assigned', 'rejected', 'department_officer',
         g.reported_at + interval '1 day',
         'Không thuộc phạm vi xử lý. (Out of scope.)', g.status = 'rejected'),
        ('status', 'assigned', 'duplicate', 'ioc_operator',
         g.reported_at + interval '3 hours', '', g.status = 'duplicate')
    ) AS e(kind, from_status, to_status, role, at, note, happened)
    WHERE e.happened
"""

EVENT_COLUMNS = {
    "report_id": "e.id",
    "kind": "e.kind",
    "from_status": "e.from_status",
    "to_status": "e.to_status",
    "actor_role": "e.role",
    "public": "true",
    "note": "e.note",
    "data": "'{\"synthetic\": true}'::jsonb",
    "at": "e.at",
}
