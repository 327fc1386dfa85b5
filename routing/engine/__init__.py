"""The routing engine: which unit and department a point goes to, and why.

``route.route_decide`` loads the candidates (``candidates``: the covering unit from
``boundaries.lookup``, the zones in force from ``routing.zones.sql``) and lets the
pure ``decision.decide`` pick; ``record`` stores the decision as an Assignment
(``assignment_first_new`` for a new report, ``assignment_record`` for a re-route).
"""
