"""The routing engine: which unit and department a point goes to, and why.

``route.route_decide`` loads the candidates (``candidates``) and lets the pure
``decision.decide`` pick; ``route.assignment_record`` stores the decision.
"""
