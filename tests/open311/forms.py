"""Open311 requests as clients send them: form-encoded posts."""

from __future__ import annotations

from urllib.parse import urlencode

from tests.points import DONG_PHU

BASE = "/open311/v2/"
FORM = "application/x-www-form-urlencoded; charset=utf-8"


def form(key: str | None = None, **fields) -> dict:
    """A valid waste report at Đồng Phú, overridable field by field (None drops)."""
    data = {
        "api_key": key,
        "jurisdiction_id": "44",
        "service_code": "VSMT",
        "lat": str(DONG_PHU[1]),
        "long": str(DONG_PHU[0]),
        "attribute[loai_rac]": "xay_dung",
        "description": "Đống xà bần đổ trộm cạnh chợ Đồng Phú.",
        "email": "an@example.vn",
        "first_name": "An",
        "last_name": "Nguyễn Văn",
        "phone": "0912345678",
        **fields,
    }
    return {k: v for k, v in data.items() if v is not None}


def post(client, fmt: str = "json", body: dict | list | None = None, **headers):
    """POST requests.<fmt> as a form, the way Open311 clients send it."""
    return client.post(
        f"{BASE}requests.{fmt}",
        urlencode(body or {}, doseq=True),
        content_type=FORM,
        **headers,
    )
