"""The citizen endpoints' edge: their throttle and the receipt secret a request
carries.

Every endpoint a citizen reaches without an account (tracking, nearby, photos,
rating, adding information) is throttled per client address
(``routing.reports.throttle``); signed-in staff are not counted, since a whole
office may sit behind one address. Actions on a report need its receipt secret, in
the ``X-Receipt-Secret`` header or the body's ``receipt`` field; the check itself is
the workflow's (``routing.workflow.citizen.receipt_check``).
"""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from config.client_ip import client_ip
from routing.models import Report
from routing.reports.receipt import receipt_matches
from routing.reports.throttle import citizen_throttle
from routing.reports.tracking import tracking_code_normalise
from routing.workflow import receipt_check

RECEIPT_HEADER = "X-Receipt-Secret"
RECEIPT_FIELD = "receipt"


class CitizenThrottle(BaseThrottle):
    """Counts the request against the client address's limits; over a limit the
    limiter's bilingual 429 (with Retry-After) is raised from here."""

    def allow_request(self, request: Request, view: Any) -> bool:
        citizen_throttle(user=request.user, client_ip=client_ip(request))
        return True


def receipt_from(request: Request, body: dict[str, Any]) -> str:
    """The secret the request carries: the header, else the body's field."""
    header = request.headers.get(RECEIPT_HEADER, "")
    if header.strip():
        return header.strip()
    value = body.get(RECEIPT_FIELD)
    return value if isinstance(value, str) else ""


def report_for_citizen(code: str, secret: str, verified_phone: str = "") -> Report:
    """The report with this tracking code, for a citizen action, once ``secret``
    is its receipt: refused (403) before the action's input is looked at. A code no
    report has is refused as a wrong secret is, not with a 404. The action's
    service checks the secret again (and counts the attempt): the views are not the
    only callers."""
    report = (
        Report.objects.select_related("category", "department", "unit")
        .filter(tracking_code=tracking_code_normalise(code or ""))
        .first()
    )
    if report is not None and report.filed_by(verified_phone):
        return report  # the verified citizen whose phone the report gives
    if report is None or not receipt_matches(report, secret):
        receipt_check(code=code, report=report, secret=secret)  # refuses, counted
        raise AssertionError("unreachable")  # pragma: no cover
    return report
