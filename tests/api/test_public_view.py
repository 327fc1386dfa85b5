"""The public view of a report (``routing.reports.public``), shown by the tracking
API and the citizen's tracking page alike: the same facts, the same photos as the
photos endpoint gives the public, the text approved for the public, and never who
reported it."""

from __future__ import annotations

import io
import json

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from PIL import Image

from routing.models import Report
from routing.reports.public import report_public_json
from routing.reports.selectors import report_public_get
from tests.factories import report_publish
from tests.points import DONG_PHU

pytestmark = pytest.mark.django_db

REPORTS = "/api/v1/reports/"
PERSONAL = ("Nguyễn Văn An", "0912345678", "an@example.vn")
# The description masked, the name taken out by the approver.
APPROVED = "Rác cạnh chợ, gọi [SĐT đã ẩn]."


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.REPORT_RATE_PER_IP_HOUR = 0
    settings.REPORT_RATE_PER_PHONE_HOUR = 0


def jpeg() -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", (80, 60), (10, 120, 30)).save(out, "JPEG")
    out.seek(0)
    out.name = "cho.jpg"
    return out


@pytest.fixture
def code(client) -> str:
    response = client.post(
        REPORTS,
        {
            "lon": DONG_PHU[0],
            "lat": DONG_PHU[1],
            "category": "VSMT",
            "description": "Rác cạnh chợ, gọi Nguyễn Văn An 0912345678.",
            "reporter_name": "Nguyễn Văn An",
            "reporter_phone": "0912345678",
            "reporter_email": "an@example.vn",
            "photos": [jpeg()],
        },
    )
    assert response.status_code == 201, response.json()
    code = response.json()["tracking_code"]
    report_publish(Report.objects.get(tracking_code=code), text=APPROVED)
    return code


def as_json(data: dict) -> dict:
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def test_the_tracking_api_and_page_show_the_same_public_view(client, code):
    """The page renders exactly what the API answers, photo addresses included."""
    api = client.get(f"{REPORTS}track/{code}", HTTP_ACCEPT_LANGUAGE="vi").json()
    page = client.get(f"/r/{code}")
    assert page.status_code == 200
    assert as_json(page.context["track"]) == api
    assert api["photos"][0]["url"].startswith("http://testserver/")


def test_the_tracking_photos_are_the_public_photos(client, code):
    """Tracking lists the photos as the photos endpoint shows them to the public."""
    tracked = client.get(f"{REPORTS}track/{code}").json()["photos"]
    assert tracked == client.get(f"{REPORTS}{code}/photos").json()["photos"]


def test_the_public_view_holds_no_personal_data(code):
    """No name, phone or e-mail; the approved public text, not the description;
    the place to four decimals; photo addresses as stored when no request makes
    them absolute."""
    data = report_public_json(report_public_get(code=code))
    text = json.dumps(as_json(data), ensure_ascii=False)
    assert all(value not in text for value in PERSONAL)
    assert data["description"] == APPROVED
    assert data["location"] == {
        "lon": round(DONG_PHU[0], 4),
        "lat": round(DONG_PHU[1], 4),
    }
    assert data["photos"][0]["url"].startswith("/")
