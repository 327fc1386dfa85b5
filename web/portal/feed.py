"""``/ket-qua/feed.atom``: newly resolved public reports as an Atom feed, for the
whole province or one unit (``unit``, its GSO code) and one category
(``category``, its code). Each entry is a report of
``Report.objects.publicly_listed()``: its title the category and the unit, its
link the report's portal page, updated when it was resolved, its summary the
result note (staff's words, masked as any public note). Nothing of the citizen."""

from __future__ import annotations

import datetime as dt

from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
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

LATEST = 50


class ResolvedFeed(Feed):
    """Atom entries of the latest ``LATEST`` resolutions under a filter."""

    feed_type = Atom1Feed

    def get_object(
        self, request: HttpRequest, *args: object, **kwargs: object
    ) -> PublicFilter:
        return PublicFilter(
            unit_code=public_unit_code(request.GET.get("unit")),
            category=public_category(request.GET.get("category")),
        )

    def title(self, obj: PublicFilter) -> str:
        parts = ["Hiện Trường: phản ánh đã xử lý / resolved reports"]
        if obj.category is not None:
            parts.append(f"{obj.category.name_vi} / {obj.category.name_en}")
        if obj.unit_code:
            parts.append(obj.unit_code)
        return " · ".join(parts)

    def link(self, obj: PublicFilter) -> str:
        return reverse("web:portal")

    def subtitle(self, obj: PublicFilter) -> str:
        return (
            "Các phản ánh công khai mới được xử lý xong, kèm kết quả xử lý. "
            "Public reports newly resolved, with what was done."
        )

    def items(self, obj: PublicFilter) -> list[Report]:
        return list(resolved_select(obj)[:LATEST])

    def item_title(self, item: Report) -> str:
        category = item.category
        return f"{category.name_vi} / {category.name_en} · {item.unit.name} · {item.tracking_code}"

    def item_description(self, item: Report) -> str:
        return result_note_public(item)

    def item_link(self, item: Report) -> str:
        return reverse("web:portal-report", kwargs={"code": item.tracking_code})

    def item_guid(self, item: Report) -> str:
        return self.item_link(item)

    def item_updateddate(self, item: Report) -> dt.datetime | None:
        return item.resolved_at

    def item_pubdate(self, item: Report) -> dt.datetime | None:
        return item.resolved_at


_feed = ResolvedFeed()


@require_safe
@public_cached
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
