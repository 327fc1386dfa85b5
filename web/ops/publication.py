"""The publication panel of the officer's report page.

Every staff user who sees the report reads its publication state; the operations
centre and admins (``routing.reports.access.may_review_publication``) also get the
review form: the masked text proposed for the public
(``routing.reports.publication.publication_proposal``) to edit, the citizen's
photos to tick, approve and withhold. The form posts to
``/api/v1/reports/<code>/publication`` from ``static/web/js/ops-report.js``.
"""

from __future__ import annotations

from typing import Any

from routing.models import Report
from routing.reports.access import may_review_publication
from routing.reports.photo_urls import media_path
from routing.reports.publication import citizen_photos, publication_proposal
from web.ops import labels as ops_labels

P = Report.Publication


def publication_context(*, report: Report, user: Any) -> dict[str, Any]:
    """The template context of the panel for ``user`` (who may see the report)."""
    decided_by = report.publication_decided_by
    context: dict[str, Any] = {
        "publication_label": ops_labels.label(
            ops_labels.PUBLICATION, report.publication
        ),
        "publication_decided_at": report.publication_decided_at,
        "publication_decided_by": decided_by.get_username() if decided_by else "",
        "publication_review": None,
    }
    if not may_review_publication(user) or report.publication == P.PRIVATE:
        return context
    decided = report.publication in (P.APPROVED, P.WITHHELD)
    context["publication_review"] = {
        "proposal": publication_proposal(report),
        "sensitive": report.category.sensitive,
        "photos": [
            {
                "id": photo.pk,
                "thumbnail_url": media_path(photo.thumbnail),
                # Before any decision every photo of the citizen is proposed.
                "chosen": photo.public if decided else True,
            }
            for photo in citizen_photos(report)
        ],
    }
    return context
