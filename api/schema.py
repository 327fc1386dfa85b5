"""How the API's views describe themselves in the OpenAPI schema (drf-spectacular)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema


class FilteredSchema(AutoSchema):
    """Documents the FilterSet of every GET. drf-spectacular lists filters only for
    responses it sees as lists, and our lists answer one GeoJSON FeatureCollection
    object (with a count and page links)."""

    def get_filter_backends(self) -> list[Any]:
        if self.method != "GET":
            return []
        return list(getattr(self.view, "filter_backends", []))
