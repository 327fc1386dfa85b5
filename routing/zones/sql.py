"""The routing rules as named SQL fragments, written once for every query that needs them.

The pure engine (``routing.engine.decision.decide``) is the reference: among the zones
in force that cover the point for the category, the most specific wins (priority
desc, area asc, id asc); else the unit's default department, if active; else the
triage desk of the unit's jurisdiction (the oldest active one). Routing one point
(``routing.engine.candidates``), routing many at once (``routing.zones.bulk``: impact
preview and re-route), the topology check (``routing.zones.state``), the escalation
job (``routing.workflow.sla``) and the synthetic generator (``demo.synthetic``) need
the same rules in SQL; each is here once, over the caller's table aliases, and tests
hold every query to the engine's answers.

Arguments are aliases (checked to be plain names) and value expressions: placeholders
such as ``%(at)s`` (``boundaries.sql.param``) or the caller's columns
(``g.reported_at``); values are never written into the text. The ORM spelling of
"in force at t" (``ResponsibilityZone.objects.valid_at``) is kept for Django code; a
test holds it equal to :func:`zone_in_force`.
"""

from __future__ import annotations

from boundaries.sql import name, param
from routing.engine.decision import RULE_TRIAGE, RULE_UNIT_DEFAULT, RULE_ZONE

# --- zones -------------------------------------------------------------------------


def zone_published(zone: str) -> str:
    """Only published zones route; drafts are being edited."""
    return f"{name(zone)}.status = 'published'"


def zone_dates_cover(zone: str, at: str = param("at")) -> str:
    """The zone's validity contains the instant ``at``: from ``valid_from``
    (inclusive) to ``valid_to`` (exclusive; open when empty)."""
    z = name(zone)
    return f"({z}.valid_from <= {at} AND ({z}.valid_to IS NULL OR {z}.valid_to > {at}))"


def zone_in_force(zone: str, at: str = param("at")) -> str:
    """Predicate over ``zone`` (a row with the zone's ``status``, ``valid_from`` and
    ``valid_to``): the zone routes reports made at the instant ``at``."""
    return f"({zone_published(zone)} AND {zone_dates_cover(zone, at)})"


def zone_covers(zone: str, geom: str, *, exact_only: bool = False) -> str:
    """The whole zone covers the point ``geom`` (boundary-inclusive, as the engine).

    ``exact_only`` writes the test without its index condition (``_ST_Covers``), for
    joins whose index work is done by another predicate (``routing.zones.bulk``:
    the pieces' ``&&``); the answer is the same."""
    function = "_ST_Covers" if exact_only else "ST_Covers"
    return f"{function}({name(zone)}.geom, {geom})"


def specificity_order(zone: str) -> str:
    """``ORDER BY`` terms, most specific zone first: higher priority, then smaller
    area, then the older zone (lower id), which makes the order total and stable
    (``routing.engine.decision.specificity``). Put the report's own key first for
    ``DISTINCT ON`` over many reports."""
    z = name(zone)
    return f"{z}.priority DESC, {z}.area_m2, {z}.id"


# --- the fallbacks: the unit's default department, the triage desk ------------------

# Each unit's default department (its People's Committee) while that department is
# active: (unit_id, department_id, code, name_vi, name_en, email, webhook_url). A
# unit has at most one.
UNIT_DEFAULTS = """
    SELECT x.unit_id, d.id AS department_id, d.code, d.name_vi, d.name_en,
           d.email, d.webhook_url
    FROM routing_defaultdepartment x
    JOIN routing_department d ON d.id = x.department_id AND d.active
"""

# The triage desk of each jurisdiction: its oldest (lowest id) active department of
# kind triage; (jurisdiction_code, department_id, code, name_vi, name_en, email,
# webhook_url). A filter on jurisdiction_code outside is pushed down into the
# DISTINCT ON.
TRIAGE_DESKS = """
    SELECT DISTINCT ON (d.jurisdiction_code) d.jurisdiction_code,
           d.id AS department_id, d.code, d.name_vi, d.name_en,
           d.email, d.webhook_url
    FROM routing_department d
    WHERE d.kind = 'triage' AND d.active
    ORDER BY d.jurisdiction_code, d.id
"""


def unit_default_join(alias: str, unit: str) -> str:
    """``LEFT JOIN`` the default department of the unit ``unit`` as ``alias``."""
    a = name(alias)
    return f"LEFT JOIN ({UNIT_DEFAULTS}) {a} ON {a}.unit_id = {unit}"


def triage_desk_join(alias: str, jurisdiction: str) -> str:
    """``LEFT JOIN`` the triage desk of the jurisdiction ``jurisdiction`` as
    ``alias``."""
    a = name(alias)
    return f"LEFT JOIN ({TRIAGE_DESKS}) {a} ON {a}.jurisdiction_code = {jurisdiction}"


def fallback_department(*, zone: str, unit_default: str, triage: str) -> str:
    """The department by the engine's order: the best zone's (``zone`` a row with
    ``zone_id`` and ``department_id``, NULL when no zone covers), else the unit
    default's, else the triage desk's (each a row with ``department_id``)."""
    return (
        f"COALESCE({name(zone)}.department_id, {name(unit_default)}.department_id,"
        f" {name(triage)}.department_id)"
    )


def fallback_rule(*, zone: str, unit_default: str) -> str:
    """Which rule decided, as the engine names it (``zone``, ``unit_default``,
    ``triage``), for the rows of :func:`fallback_department`."""
    return (
        f"CASE WHEN {name(zone)}.zone_id IS NOT NULL THEN '{RULE_ZONE}'"
        f" WHEN {name(unit_default)}.department_id IS NOT NULL"
        f" THEN '{RULE_UNIT_DEFAULT}' ELSE '{RULE_TRIAGE}' END"
    )
