"""Place search and reverse: ``GET /api/v1/places/search?q=&limit=&near=`` finds
administrative units, streets and places by name; ``GET /api/v1/places/reverse?lon=
&lat=`` names the nearest street or place and the unit covering the point.

Public, like the boundary lookup. Search answers names as people type them (no
diacritics, lower case, a typo), over every boundary set and the imported places,
as GeoJSON points (a unit's point on surface, a place's anchor: a street's point on
the line) with the unit covering that point today (``boundaries.search``). The
places come from open data (OpenStreetMap, ODbL): every answer that shows one
carries their ``attribution`` and ``licence``. Each is throttled per client
address in a bucket of its own (``PLACE_SEARCH_RATE_PER_IP_MINUTE``, generous for
typing; ``PLACE_REVERSE_RATE_PER_IP_MINUTE``, the citizen form calls it when a pin
moves), so neither uses up the budget for submitting and tracking reports.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.geos import Point
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.errors import ApiError
from api.params import parse_bounded
from api.throttles import MinuteBucketThrottle
from boundaries.extent import jurisdiction_extent
from boundaries.lookup import UnitRef, point_lookup
from boundaries.models import Place
from boundaries.reverse import (
    DEFAULT_RADIUS_M,
    MAX_RADIUS_M,
    Nearby,
    near_phrase,
    nearest_places,
)
from boundaries.search import (
    MAX_QUERY,
    Match,
    PlaceMatch,
    UnitMatch,
    search_all,
    search_text,
)
from geo.coords import LonLat, check_lon_lat, parse_lon_lat, parse_number
from geo.errors import GeoInputError, NotFound

DEFAULT_LIMIT = 10
MAX_LIMIT = 50


class PlaceSearchThrottle(MinuteBucketThrottle):
    bucket, rate_setting = "place-search", "PLACE_SEARCH_RATE_PER_IP_MINUTE"


class PlaceReverseThrottle(MinuteBucketThrottle):
    bucket, rate_setting = "place-reverse", "PLACE_REVERSE_RATE_PER_IP_MINUTE"


def _today_json(today: UnitRef | None) -> dict | None:
    if today is None:
        return None
    return {"code": today.code, "name": today.name, "level": today.level}


def _unit_feature(match: UnitMatch) -> dict:
    unit = match.unit
    inside = unit.inside  # type: ignore[attr-defined]  # PointOnSurface annotation
    today = match.today
    current = today is not None and today.id == unit.pk
    properties = {
        "group": "unit",
        "kind": "unit",
        "code": unit.code,
        "name": unit.name,
        "level": unit.level,
        "boundary_set": unit.boundary_set.slug,
        "score": match.score,
        "current": current,
        "today": _today_json(today),
    }
    if not current:
        properties["successors"] = [_today_json(u) for u in match.successors]
        note = _successor_note(unit.name, match.successors)
        if note:
            properties["note"] = note
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [inside.x, inside.y]},
        "properties": properties,
    }


def _successor_note(
    name: str, successors: tuple[UnitRef, ...]
) -> dict[str, str] | None:
    """The note on a unit no longer in force: the unit holding its area today
    ("now part of Phường Đồng Hới") or, split or abolished, every such unit."""
    if not successors:
        return None
    names = [u.name for u in successors]
    if len(names) == 1:
        return {
            "vi": f"{name} nay thuộc {names[0]}.",
            "en": f"{name} is now part of {names[0]}.",
        }
    head, last = ", ".join(names[:-1]), names[-1]
    return {
        "vi": f"Địa bàn {name} nay thuộc {head} và {last}.",
        "en": f"The area of {name} is now in {head} and {last}.",
    }


def _address(place: Place) -> str:
    street = " ".join(p for p in (place.addr_housenumber, place.addr_street) if p)
    return ", ".join(p for p in (street, place.addr_city) if p)


def place_properties(place: Place) -> dict:
    """What is said of a place wherever it is shown (no source attributes)."""
    return {
        "group": "place",
        "kind": place.kind,
        "name": place.name,
        "name_vi": place.name_vi or None,
        "name_en": place.name_en or None,
        "address": _address(place) or None,
        "source": place.source,
        "source_id": place.source_id,
    }


def _place_feature(match: PlaceMatch) -> dict:
    place = match.place
    properties = place_properties(place) | {
        "score": match.score,
        "today": _today_json(match.today),
    }
    if match.distance_m is not None:
        properties["distance_m"] = match.distance_m
    return {
        "type": "Feature",
        "geometry": {
            "type": "Point",
            "coordinates": [place.anchor.x, place.anchor.y],
        },
        "properties": properties,
    }


def _feature(match: Match) -> dict:
    if isinstance(match, UnitMatch):
        return _unit_feature(match)
    return _place_feature(match)


def attribution_of(places: list[Place]) -> dict[str, str | None]:
    """The attribution and licence of the places shown (distinct, joined), or
    nulls when no place is."""
    attributions = sorted({p.attribution for p in places if p.attribution})
    licences = sorted({p.licence for p in places if p.licence})
    return {
        "attribution": "; ".join(attributions) or None,
        "licence": "; ".join(licences) or None,
    }


def _near(raw: str | None) -> Point | None:
    """``near=lon,lat``, a bias towards that point; None when absent."""
    if raw is None or not raw.strip():
        return None
    parts = raw.split(",")
    if len(parts) != 2:
        raise GeoInputError(
            "bad_near",
            "near phải có dạng kinh độ,vĩ độ, ví dụ near=106.6155,17.4689.",
            "near must be lon,lat, e.g. near=106.6155,17.4689.",
            "near",
        )
    point = check_lon_lat(parse_number(parts[0], "lon"), parse_number(parts[1], "lat"))
    return Point(point.lon, point.lat, srid=4326)


class PlaceSearchApi(APIView):
    """Administrative units, streets and places by name, best first: diacritics,
    case and a typo do not matter; merged units of earlier boundary sets are found
    too, with the unit that covers their place today. Places are © OpenStreetMap
    contributors (ODbL); the answer's ``attribution`` says so."""

    throttle_classes = [PlaceSearchThrottle]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "q",
                OpenApiTypes.STR,
                required=True,
                description="A name as typed, e.g. 'dong hai', 'Đồng Phú' or "
                "'cho dong hoi'.",
            ),
            OpenApiParameter(
                "limit", OpenApiTypes.INT, description=f"1–{MAX_LIMIT}; default 10."
            ),
            OpenApiParameter(
                "near",
                OpenApiTypes.STR,
                description="lon,lat: among equally good names, nearer places first "
                "(each place then has distance_m).",
            ),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        query = request.query_params.get("q", "")
        if not search_text(query):
            raise ApiError(
                "query_required",
                f"Nhập tên địa danh cần tìm (q), tối đa {MAX_QUERY} ký tự.",
                f"Give the name of the place to find (q), at most {MAX_QUERY} "
                "characters.",
                field="q",
            )
        limit = int(
            parse_bounded(
                request.query_params.get("limit"),
                "limit",
                low=1,
                high=MAX_LIMIT,
                default=DEFAULT_LIMIT,
            )
        )
        near = _near(request.query_params.get("near"))
        matches = search_all(query, limit=limit, day=timezone.localdate(), near=near)
        places = [m.place for m in matches if isinstance(m, PlaceMatch)]
        return Response(
            {
                "type": "FeatureCollection",
                "query": query[:MAX_QUERY],
                "features": [_feature(m) for m in matches],
            }
            | attribution_of(places)
        )


def _nearby_feature(nearby: Nearby | None) -> dict | None:
    if nearby is None:
        return None
    place = nearby.place
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [place.anchor.x, place.anchor.y]},
        "properties": place_properties(place) | {"distance_m": nearby.distance_m},
    }


def _in_extent(point: LonLat) -> None:
    extent = jurisdiction_extent()
    if extent is None or not extent.covers(point.lon, point.lat):
        raise ApiError(
            "outside_extent",
            f"Điểm ({point.lon}, {point.lat}) nằm ngoài địa bàn của hệ thống.",
            f"The point ({point.lon}, {point.lat}) lies outside the area we serve.",
            field="lon",
        )


class PlaceReverseApi(APIView):
    """The nearest street and the nearest named place (of any kind) within a radius
    of a point, with their distance in metres, a phrase for the citizen form
    ("gần Chợ Đồng Hới") and the unit covering the point today. Places are
    © OpenStreetMap contributors (ODbL)."""

    throttle_classes = [PlaceReverseThrottle]

    @extend_schema(
        parameters=[
            OpenApiParameter("lon", OpenApiTypes.NUMBER, required=True),
            OpenApiParameter("lat", OpenApiTypes.NUMBER, required=True),
            OpenApiParameter(
                "radius_m",
                OpenApiTypes.NUMBER,
                description=f"Metres, 1–{MAX_RADIUS_M:.0f}; default "
                f"{DEFAULT_RADIUS_M:.0f}.",
            ),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        point = parse_lon_lat(
            request.query_params.get("lon"), request.query_params.get("lat")
        )
        radius = parse_bounded(
            request.query_params.get("radius_m"),
            "radius_m",
            low=1,
            high=MAX_RADIUS_M,
            default=DEFAULT_RADIUS_M,
        )
        _in_extent(point)
        place, street = nearest_places(lon=point.lon, lat=point.lat, radius_m=radius)
        described = street or place
        day = timezone.localdate()
        try:
            unit = point_lookup(
                lon=point.lon,
                lat=point.lat,
                day=day,
                nearest_within_m=settings.ROUTING_SHORE_TOLERANCE_M,
            ).unit
        except NotFound:
            unit = None
        shown = [n.place for n in (place, street) if n is not None]
        return Response(
            {
                "lon": point.lon,
                "lat": point.lat,
                "radius_m": radius,
                "date": day.isoformat(),
                "place": _nearby_feature(place),
                "street": _nearby_feature(street),
                "phrase": near_phrase(described) if described else None,
                "unit": _today_json(unit),
            }
            | attribution_of(shown)
        )
