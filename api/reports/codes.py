"""Tracking codes in the reports API's paths: as typed, or a 404 in both languages.

A code that cannot be one (wrong shape) gets the same 404 as an unknown code, so
codes cannot be probed by the answer's kind.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rest_framework import status

from api.errors import ApiError
from routing.reports.selectors import report_public_get
from routing.reports.tracking import (
    ALPHABET,
    OTHER_PREFIXES,
    PREFIX,
    tracking_code_normalise,
)

if TYPE_CHECKING:
    from routing.reports.selectors import PublicReport

_PREFIXES = "|".join((PREFIX, *OTHER_PREFIXES))
_CODE = re.compile(rf"^(?:{_PREFIXES})-[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}$")

CODE_HELP = "Tracking code as typed: HT-7K3Q-X9MB, ht 7k3q x9mb or 7K3QX9MB."


def report_not_found(code: str) -> ApiError:
    shown = code.strip()[:40]
    return ApiError(
        "report_not_found",
        f"Không tìm thấy phản ánh có mã theo dõi '{shown}' (mã có dạng HT-XXXX-XXXX).",
        f"No report has the tracking code '{shown}' (codes look like HT-XXXX-XXXX).",
        field="code",
        status_code=status.HTTP_404_NOT_FOUND,
    )


def public_report_get(code: str) -> PublicReport:
    if not _CODE.match(tracking_code_normalise(code)):
        raise report_not_found(code)
    report = report_public_get(code=code)
    if report is None:
        raise report_not_found(code)
    return report
