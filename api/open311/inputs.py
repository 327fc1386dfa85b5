"""Parse Open311 arguments into typed values, or raise the spec's errors.

"Optional" in the spec means an empty argument is the same as a missing one, so
every parser treats "" like None.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import dateparse, timezone

from api.open311.errors import Open311Error, bad_request, not_found
from boundaries.geocode import Resolution, address_resolve
from boundaries.search import PlaceMatch
from geo.coords import LonLat, check_lon_lat, parse_number
from geo.days import date_range
from geo.errors import GeoInputError
from geo.text import controls_strip
from routing.models import Category
from routing.reports.tracking import tracking_code_normalise

# Quảng Trị's GSO code and its name; an empty jurisdiction_id is ours too (the
# endpoint serves one jurisdiction, so the spec lets clients leave it out).
JURISDICTIONS = {"44", "quangtri"}
MAX_SPAN = dt.timedelta(days=90)
MAX_MEDIA_URL = 1000
_URL = URLValidator(schemes=["http", "https"])
_DATE = re.compile(r"^\d{4}-\d\d-\d\d$")
# A "+07:00" offset sent unencoded in a query string arrives as " 07:00".
_SPACE_OFFSET = re.compile(r"(\d\d:\d\d(?::\d\d(?:\.\d+)?)?) (\d\d:?\d\d)$")


def blank(raw: str | None) -> bool:
    return raw is None or str(raw).strip() == ""


def jurisdiction_check(raw: str | None) -> None:
    if blank(raw) or str(raw).strip().lower() in JURISDICTIONS:
        return
    shown = str(raw).strip()[:60]
    raise not_found(
        f"Không tìm thấy jurisdiction_id '{shown}': máy chủ này phục vụ tỉnh Quảng "
        "Trị (jurisdiction_id=44 hoặc quangtri, hoặc để trống).",
        f"jurisdiction_id '{shown}' was not found: this endpoint serves Quảng Trị "
        "province (jurisdiction_id=44 or quangtri, or leave it out).",
    )


def codes_parse(raw: str | None) -> list[str]:
    """A comma-delimited list, blanks dropped."""
    return [part.strip() for part in (raw or "").split(",") if part.strip()]


def request_ids_parse(raw: str | None) -> list[str]:
    return [tracking_code_normalise(code) for code in codes_parse(raw)]


def categories_parse(raw: str | None) -> list[int]:
    """Ids of the categories named by a service_code filter (inactive ones too: old
    requests keep their service)."""
    codes = codes_parse(raw)
    if not codes:
        return []
    found = {
        c.code.upper(): c.pk
        for c in Category.objects.filter(code__in=codes + [c.upper() for c in codes])
    }
    unknown = [code for code in codes if code.upper() not in found]
    if unknown:
        shown = ", ".join(unknown)[:80]
        raise bad_request(
            f"Không có dịch vụ (service_code) {shown}; xem services.xml.",
            f"Unknown service_code {shown}; see services.xml.",
        )
    return [found[code.upper()] for code in codes]


def statuses_parse(raw: str | None) -> list[str]:
    statuses = [s.lower() for s in codes_parse(raw)]
    wrong = [s for s in statuses if s not in ("open", "closed")]
    if wrong:
        raise bad_request(
            f"status '{', '.join(wrong)[:40]}' không hợp lệ: dùng open, closed.",
            f"status '{', '.join(wrong)[:40]}' is not valid: use open, closed.",
        )
    return statuses


def _in_range(day: dt.date, field: str) -> dt.date:
    """The day, or the spec's 400 when it is outside the dates we accept."""
    first, last = date_range()
    if first <= day <= last:
        return day
    raise bad_request(
        f"{field} {day.isoformat()} nằm ngoài khoảng cho phép, từ {first:%d/%m/%Y} "
        f"đến {last:%d/%m/%Y}.",
        f"{field} {day.isoformat()} is outside the accepted range, "
        f"{first.isoformat()} to {last.isoformat()}.",
    )


def _bound(raw: str | None, field: str, *, end: bool) -> dt.datetime | None:
    """A W3C datetime (an offset or Z; without one, local time) or a date: its local
    midnight as a start, the next one as an end. An end is exclusive: a datetime
    end gets one microsecond so that the moment itself is included."""
    if blank(raw):
        return None
    text = _SPACE_OFFSET.sub(r"\1+\2", str(raw).strip())
    try:
        if _DATE.match(text):
            day = _in_range(dt.date.fromisoformat(text), field)
            day += dt.timedelta(days=1 if end else 0)
            return timezone.make_aware(dt.datetime.combine(day, dt.time()))
        moment = dateparse.parse_datetime(text)
        if moment is not None:
            _in_range(moment.date(), field)
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
            return moment + dt.timedelta(microseconds=1) if end else moment
    except (ValueError, OverflowError):
        pass
    shown = str(raw).strip()[:40]
    raise bad_request(
        f"{field} '{shown}' không phải ngày giờ W3C: dùng ví dụ "
        "2025-07-01T00:00:00+07:00, 2025-07-01T00:00:00Z hoặc 2025-07-01.",
        f"{field} '{shown}' is not a W3C datetime: use e.g. "
        "2025-07-01T00:00:00Z, 2025-07-01T00:00:00+07:00 or 2025-07-01.",
    )


def window_parse(
    raw_start: str | None, raw_end: str | None, *, now: dt.datetime
) -> tuple[dt.datetime, dt.datetime | None]:
    """[start, end) from start_date and end_date: at most 90 days; the last 90 days
    when neither is given, 90 days from (or up to) the one given. No end: up to now.
    A date alone is the whole day in Asia/Ho_Chi_Minh."""
    start = _bound(raw_start, "start_date", end=False)
    end = _bound(raw_end, "end_date", end=True)
    try:
        if start is None:
            if end is None:
                return now - MAX_SPAN, None
            return end - MAX_SPAN, end
        if end is None:
            return start, start + MAX_SPAN
    except OverflowError:
        raise bad_request(
            "start_date hoặc end_date nằm ngoài khoảng thời gian xử lý được.",
            "start_date or end_date is out of the range we can handle.",
        ) from None
    if end <= start:
        raise bad_request(
            "end_date phải sau start_date.", "end_date must be after start_date."
        )
    # A datetime end is inclusive by one microsecond; allow it.
    if end - start > MAX_SPAN + dt.timedelta(microseconds=1):
        days = (end - start).days
        raise bad_request(
            f"Khoảng từ start_date đến end_date không được quá 90 ngày (đang là {days} "
            "ngày).",
            f"start_date and end_date may not span more than 90 days ({days} days "
            "asked).",
        )
    return start, end


def location_parse(data: Mapping[str, Any]) -> LonLat | None:
    """lat and long, both needed; None when neither is sent but an
    ``address_string`` is (the caller resolves it: ``address_locate``)."""
    lat, lon = data.get("lat"), data.get("long")
    if blank(lat) and blank(lon):
        if not blank(data.get("address_string")):
            return None
        if not blank(data.get("address_id")):
            raise bad_request(
                "Chưa hỗ trợ address_id: gửi lat và long (WGS84) hoặc address_string "
                "(tên một địa điểm hoặc con đường).",
                "address_id is not supported: send lat and long (WGS84), or an "
                "address_string (the name of a place or a street).",
            )
        raise bad_request(
            "Thiếu vị trí: gửi lat và long (WGS84) hoặc address_string.",
            "The location is missing: send lat and long (WGS84), or an address_string.",
        )
    for raw, name in ((lat, "lat"), (lon, "long")):
        if blank(raw):
            raise bad_request(
                f"Thiếu {name}: lat và long phải được gửi cùng nhau.",
                f"{name} is missing: lat and long must be sent together.",
            )
    try:
        return check_lon_lat(parse_number(lon, "long"), parse_number(lat, "lat"))
    except GeoInputError as error:
        raise bad_request(error.vi, error.en) from None


MAX_ADDRESS = 300


def address_string(data: Mapping[str, Any]) -> str:
    """The address as sent without control characters (NUL, bidi), trimmed, at
    most ``MAX_ADDRESS`` characters."""
    raw = data.get("address_string")
    if blank(raw):
        return ""
    return " ".join(controls_strip(str(raw), keep="\t\n\r").split())[:MAX_ADDRESS]


def _candidate(match: PlaceMatch) -> str:
    unit = f", {match.today.name}" if match.today else ""
    return f"{match.place.name} ({match.place.kind}{unit})"


def address_locate(text: str) -> tuple[LonLat, Resolution]:
    """The point of the one place ``text`` names (``boundaries.geocode``), or the
    spec's 400 listing the candidates."""
    resolution = address_resolve(text, day=timezone.localdate())
    if resolution.place is not None:
        anchor = resolution.place.place.anchor
        return LonLat(anchor.x, anchor.y), resolution
    shown = text[:80]
    if not resolution.candidates:
        raise bad_request(
            f"Không tìm thấy địa điểm nào khớp address_string '{shown}': gửi lat và "
            "long (WGS84), hoặc tên một địa điểm hay con đường.",
            f"No place matches address_string '{shown}': send lat and long (WGS84), "
            "or the name of a place or a street.",
        )
    listed = "; ".join(_candidate(m) for m in resolution.candidates)
    raise bad_request(
        f"address_string '{shown}' chưa chỉ rõ một địa điểm; có thể là: {listed}. "
        "Gửi tên đầy đủ hơn hoặc lat và long.",
        f"address_string '{shown}' does not name one place; candidates: {listed}. "
        "Send a fuller name, or lat and long.",
    )


def media_url_check(raw: str | None) -> str:
    if blank(raw):
        return ""
    url = str(raw).strip()
    try:
        if len(url) > MAX_MEDIA_URL:
            raise ValidationError("too long")
        _URL(url)
    except ValidationError:
        raise bad_request(
            f"media_url phải là một địa chỉ http(s) hợp lệ, tối đa {MAX_MEDIA_URL} ký tự.",
            f"media_url must be a valid http(s) URL of at most {MAX_MEDIA_URL} "
            "characters.",
        ) from None
    return url


def service_required(raw: str | None) -> str:
    if blank(raw):
        raise bad_request(
            "Thiếu service_code: chọn một dịch vụ trong services.xml.",
            "service_code is missing: pick a service from services.xml.",
        )
    return str(raw).strip()


def service_unknown(code: str) -> Open311Error:
    shown = code[:40]
    return not_found(
        f"Không tìm thấy dịch vụ (service_code) '{shown}'.",
        f"service_code '{shown}' was not found.",
    )


MAX_PAGE_SIZE = 1000


def _whole(raw: str | None, name: str, *, default: int, high: int) -> int:
    if blank(raw):
        return default
    try:
        value = int(str(raw).strip())
    except ValueError:
        value = 0
    if not 1 <= value <= high:
        raise bad_request(
            f"{name} phải là số nguyên từ 1 đến {high}.",
            f"{name} must be a whole number from 1 to {high}.",
        )
    return value


def page_parse(raw_page: str | None, raw_size: str | None) -> tuple[int, int]:
    """(offset, limit) from the page/page_size extension: 1,000 a page unless asked."""
    size = _whole(raw_size, "page_size", default=MAX_PAGE_SIZE, high=MAX_PAGE_SIZE)
    page = _whole(raw_page, "page", default=1, high=1_000_000)
    return (page - 1) * size, size
