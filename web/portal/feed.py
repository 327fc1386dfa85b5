"""``/ket-qua/feed.atom``: newly resolved public reports as an Atom feed, for the
whole province or one unit (``unit``, its GSO code) and one category
(``category``, its code). Each entry is a report of
``Report.objects.publicly_listed()``: its title the category and the unit, its
link the report's portal page, updated when it was resolved, its summary the
result note (staff's words, masked as any public note), HTML-escaped since Atom's
``summary type="html"`` is read as markup. Nothing of the citizen.

Every link is absolute on ``PUBLIC_SITE_URL``, never on the request's Host or
scheme: the answer is kept in the shared cache (``config.public_cache``), and a
request with a forged Host must not write its host into everybody's copy."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.views.decorators.http import require_safe

from config.public_cache import public_cached
from geo.errors import InvalidInput
from routing.models import Report
from routing.reports.listing import (
    PublicFilter,
    public_category,
    public_unit_code,
    resolved_select,
)
from routing.reports.publication import result_note_public
from web.i18n import vietnamese_first
from web.portal.views import THROTTLE

LATEST = 50


def site_url(path: str) -> str:
    """``path`` on the site's public address (``PUBLIC_SITE_URL``)."""
    return settings.PUBLIC_SITE_URL.rstrip("/") + path


class ResolvedFeed(Feed):
    """Atom entries of the latest ``LATEST`` resolutions under a filter."""

    feed_type = Atom1Feed

    def get_object(
        self, request: HttpRequest, *args: object, **kwargs: object
    ) -> PublicFilter:
        """The filters of the query (``unit``, ``category``); InvalidInput when
        unknown."""
        return PublicFilter(
            unit_code=public_unit_code(request.GET.get("unit")),
            category=public_category(request.GET.get("category")),
        )

    def title(self, obj: PublicFilter) -> str:
        """Both languages, then the category and the unit filtered by."""
        parts = ["Hiện Trường: phản ánh đã xử lý / resolved reports"]
        if obj.category is not None:
            parts.append(f"{obj.category.name_vi} / {obj.category.name_en}")
        if obj.unit_code:
            parts.append(obj.unit_code)
        return " · ".join(parts)

    def link(self, obj: PublicFilter) -> str:
        """The portal's landing page, absolute on the public address."""
        return site_url(reverse("web:portal"))

    def feed_url(self, obj: PublicFilter) -> str:
        """The feed's own address (its filters kept), on the public address."""
        query = urlencode(
            {
                name: value
                for name, value in (
                    ("unit", obj.unit_code),
                    ("category", obj.category.code if obj.category else ""),
                )
                if value
            }
        )
        return site_url(reverse("web:portal-feed") + (f"?{query}" if query else ""))

    def subtitle(self, obj: PublicFilter) -> str:
        """What the feed holds, in both languages."""
        return (
            "Các phản ánh công khai mới được xử lý xong, kèm kết quả xử lý. "
            "Public reports newly resolved, with what was done."
        )

    def items(self, obj: PublicFilter) -> list[Report]:
        """The latest resolutions under the filters."""
        return list(resolved_select(obj)[:LATEST])

    def item_title(self, item: Report) -> str:
        """The category in both languages, the unit and the tracking code."""
        category = item.category
        return f"{category.name_vi} / {category.name_en} · {item.unit.name} · {item.tracking_code}"

    def item_description(self, item: Report) -> str:
        """The public result note, escaped: the summary is ``type="html"``."""
        return escape(result_note_public(item))

    def item_link(self, item: Report) -> str:
        """The report's portal page, absolute on the public address."""
        return site_url(
            reverse("web:portal-report", kwargs={"code": item.tracking_code})
        )

    def item_guid(self, item: Report) -> str:
        """The report's page, which never changes."""
        return self.item_link(item)

    def item_updateddate(self, item: Report) -> dt.datetime | None:
        """When it was resolved."""
        return item.resolved_at

    def item_pubdate(self, item: Report) -> dt.datetime | None:
        """When it was resolved."""
        return item.resolved_at


_feed = ResolvedFeed()


@require_safe
@vietnamese_first
@public_cached(
    params=("unit", "category"),
    throttle=THROTTLE,
)
def portal_feed(request: HttpRequest) -> HttpResponse:
    """The feed, or a 400 in both languages for an unknown unit or category."""
    try:
        return _feed(request)
    except InvalidInput as error:
        return HttpResponse(
            f"{error.vi}\n{error.en}\n",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
