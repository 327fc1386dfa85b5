"""Every surface a person without staff rights reaches obeys the publication rule:
the words and photos of an anonymous report (the citizen did not opt in), of a
report awaiting review, of a withheld one and of a sensitive one (asked to be
public) appear nowhere — Open311 lists, single requests and updates in JSON and
XML, the tracking API (path and query), the tracking page, the nearby check, the
photos API and the photo files — while an approved report's public text and
chosen photo do appear, so the walk looks at the right places."""

from __future__ import annotations

import io
import uuid

import pytest
from django.contrib.auth import get_user_model
from PIL import Image

from routing.models import Report, StaffProfile
from routing.reports.receipt import receipt_secret
from routing.workflow import report_comment, report_publication_decide, report_rate
from tests.factories import report_force, report_publish
from tests.points import DONG_PHU

pytestmark = pytest.mark.django_db

REPORTS = "/api/v1/reports/"
OPEN311 = "/open311/v2/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.REPORT_RATE_PER_IP_HOUR = 0
    settings.REPORT_RATE_PER_PHONE_HOUR = 0


def jpeg(seed: int) -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (seed * 40 % 255, 90, 30)).save(out, "JPEG")
    out.seek(0)
    out.name = f"anh-{seed}.jpg"
    return out


def submit(client, secret: str, seed: int, **fields) -> Report:
    body = {
        "lon": DONG_PHU[0],
        "lat": DONG_PHU[1],
        "category": "VSMT",
        "description": f"Lời của người dân {secret}, gọi 0912 345 678.",
        "photos": [jpeg(seed)],
        **fields,
    }
    response = client.post(REPORTS, body)
    assert response.status_code == 201, response.json()
    receipt = response.content.decode()
    assert secret not in receipt
    assert response.json()["photos"] == []
    return Report.objects.get(tracking_code=response.json()["tracking_code"])


def operator():
    user = get_user_model().objects.create_user(f"ioc-{uuid.uuid4().hex[:8]}")
    StaffProfile.objects.create(user=user, role="ioc_operator")
    return user


def public_texts(client, report: Report) -> dict[str, str]:
    """Every public answer that may concern ``report``, by where it came from."""
    code = report.tracking_code
    lon, lat = report.location.x, report.location.y
    paths = {
        "open311 list json": f"{OPEN311}requests.json",
        "open311 list xml": f"{OPEN311}requests.xml",
        "open311 one json": f"{OPEN311}requests/{code}.json",
        "open311 one xml": f"{OPEN311}requests/{code}.xml",
        "open311 updates": f"{OPEN311}servicerequestupdates.json",
        "open311 updates xml": f"{OPEN311}servicerequestupdates.xml",
        "track api": f"{REPORTS}track/{code}",
        "track api query": f"{REPORTS}track?code={code}",
        "track page": f"/r/{code}",
        "nearby": f"{REPORTS}nearby?lon={lon}&lat={lat}&category=VSMT",
        "photos api": f"{REPORTS}{code}/photos",
    }
    texts = {}
    for name, path in paths.items():
        response = client.get(path)
        assert response.status_code == 200, (name, response.status_code)
        texts[name] = response.content.decode()
    return texts


def photo_urls(report: Report) -> list[str]:
    return [url for p in report.photos.all() for url in (p.image.url, p.thumbnail.url)]


def test_hidden_words_and_photos_appear_on_no_public_surface(client):
    reviewer = operator()
    hidden = {
        "anonymous": submit(
            client, "BÍ-MẬT-ẨN-DANH", 1, anonymous="true", reporter_phone=""
        ),
        "pending": submit(client, "BÍ-MẬT-CHỜ-DUYỆT", 2, reporter_phone="0912345678"),
        "withheld": submit(
            client, "BÍ-MẬT-KHÔNG-DUYỆT", 3, reporter_phone="0912345679"
        ),
        "sensitive": submit(
            client,
            "BÍ-MẬT-AN-NINH",
            4,
            category="ANTT",
            public="true",
            reporter_phone="0912345670",
        ),
    }
    report_publication_decide(
        report=hidden["withheld"],
        actor=reviewer,
        approve=False,
        note="Ảnh có mặt người.",
    )
    # Approved, then moved to a sensitive category: hidden again at once.
    moved = submit(client, "BÍ-MẬT-ĐỔI-LĨNH-VỰC", 5, reporter_phone="0912345671")
    report_publish(moved)
    report_force(moved, category=hidden["sensitive"].category)
    hidden["moved to security"] = moved
    shown = submit(client, "LỜI-ĐÃ-DUYỆT", 6, reporter_phone="0912345672")
    report_publish(shown, text="Rác ứ đọng: LỜI-ĐÃ-DUYỆT.")

    secrets = {
        "anonymous": "BÍ-MẬT-ẨN-DANH",
        "pending": "BÍ-MẬT-CHỜ-DUYỆT",
        "withheld": "BÍ-MẬT-KHÔNG-DUYỆT",
        "sensitive": "BÍ-MẬT-AN-NINH",
        "moved to security": "BÍ-MẬT-ĐỔI-LĨNH-VỰC",
    }
    hidden_files = [url for report in hidden.values() for url in photo_urls(report)]
    hidden_names = [url.rsplit("/", 1)[1] for url in hidden_files]
    for key, report in hidden.items():
        for surface, text in public_texts(client, report).items():
            for secret in secrets.values():
                assert secret not in text, (key, surface, secret)
            assert "0912" not in text, (key, surface)
            for name in hidden_names:
                assert name not in text, (key, surface, name)
    for url in hidden_files:
        assert client.get(url).status_code == 404, url

    # The control: the approved report's public words and photo are shown.
    texts = public_texts(client, shown)
    for surface in ("open311 one json", "open311 list xml", "track api", "track page"):
        assert "LỜI-ĐÃ-DUYỆT" in texts[surface], surface
    assert "Lời của người dân" not in "".join(texts.values())
    image = shown.photos.get().image.url
    assert image.rsplit("/", 1)[1] in texts["photos api"]
    assert image.rsplit("/", 1)[1] in texts["open311 one json"]
    assert client.get(image).status_code == 200


def test_a_citizens_rating_note_is_never_public(client):
    """The rating's comment is the citizen's words: public timelines show the
    rating, Open311 shows neither the note as status_notes nor as an update."""
    report = submit(client, "LỜI-ĐÁNH-GIÁ", 7, reporter_phone="0912345673")
    report_force(report, status=Report.Status.RESOLVED)
    report_rate(
        report=report,
        receipt=receipt_secret(report),
        rating=Report.Rating.DISSATISFIED,
        note="Tôi là Nguyễn Văn An, nhà số 5, vẫn còn rác.",
        reopen=True,
    )
    texts = public_texts(client, report)
    for surface, text in texts.items():
        assert "Nguyễn Văn An" not in text, surface
    assert "rating" in texts["track api"]


def test_a_phone_number_in_a_staff_public_note_is_masked_publicly(client):
    """An officer quoting the reporter's number in a public note does not publish
    it: public surfaces show the note with the number masked."""
    report = submit(client, "GHI-CHÚ", 8, reporter_phone="0912345670")
    report_comment(
        report=report,
        actor=operator(),
        note="Đã gọi anh Tuấn 0987 654 321, đội thu gom sẽ đến chiều nay.",
        public=True,
    )
    texts = public_texts(client, report)
    for surface, text in texts.items():
        assert "0987 654 321" not in text, surface
        assert "987654321" not in text, surface
    assert "đội thu gom sẽ đến chiều nay" in texts["track api"]
    assert "đội thu gom sẽ đến chiều nay" in texts["open311 one json"]
