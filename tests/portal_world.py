"""Reports for the public portal's tests: listed ones (published or not, open,
resolved with a result note and a photo of the fix, rated) and hidden ones
(rejected, duplicate, sensitive), every one with a reporter's name, phone and
e-mail and private words that must appear nowhere public."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from routing.models import Report, ReportPhoto
from tests.factories import report_create, report_force, report_publish
from tests.points import DONG_PHU

NAME = "Trần Thị Kín Đáo"
PHONE = "0912 345 678"
PHONE_E164 = "+84912345678"
EMAIL = "kin.dao.portal@example.com"
PUBLIC_WORDS = "Ổ gà lớn trước chợ, xe máy dễ ngã"
RESULT = "Đội duy tu đã vá ổ gà bằng bê tông nhựa"


def jpeg_bytes(seed: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (seed * 40 % 255, 90, 30)).save(out, "JPEG")
    return out.getvalue()


def photo_add(
    report: Report, *, of_resolution: bool, public: bool = False
) -> ReportPhoto:
    """A photo (tiny JPEG) of ``report``: the citizen's or one of the fix."""
    photo = ReportPhoto(
        report=report,
        content_type="image/jpeg",
        width=64,
        height=48,
        size_bytes=100,
        sha256=uuid.uuid4().hex * 2,
        gps_lon=106.61234567,
        gps_lat=17.46912345,
        of_resolution=of_resolution,
        public=public,
    )
    tag = uuid.uuid4().hex[:6]
    photo.image.save(f"p-{tag}.jpg", ContentFile(jpeg_bytes(1)), save=False)
    photo.thumbnail.save(f"t-{tag}.jpg", ContentFile(jpeg_bytes(2)), save=False)
    photo.save()
    return photo


def private_words() -> str:
    return f"LỜI-RIÊNG-{uuid.uuid4().hex[:10]}"


def reported(**fields: object) -> tuple[Report, str]:
    """A report with full contact details and private words (returned)."""
    secret = private_words()
    fields.setdefault("lon", DONG_PHU[0] + 0.00012345)
    fields.setdefault("lat", DONG_PHU[1] + 0.00012345)
    report = report_create(
        description=f"{secret} gọi {PHONE} hoặc {EMAIL}",
        reporter_name=NAME,
        reporter_phone=PHONE,
        reporter_email=EMAIL,
        **fields,  # type: ignore[arg-type]
    )
    return report, secret


@dataclass
class World:
    published: Report  # open, approved with public words and a chosen photo
    resolved: Report  # resolved, private words, a result note, a photo of the fix
    closed: Report  # closed, rated
    rejected: Report
    duplicate: Report
    sensitive: Report
    secrets: list[str]

    @property
    def listed(self) -> list[Report]:
        return [self.published, self.resolved, self.closed]

    @property
    def hidden(self) -> list[Report]:
        return [self.rejected, self.duplicate, self.sensitive]


def world_build(*, category: str = "HTGT") -> World:
    """Three listed reports and three hidden ones (see ``World``)."""
    now = timezone.now()
    secrets = []
    published, s = reported(category=category, reported_at=now - dt.timedelta(days=3))
    secrets.append(s)
    citizen_photo = photo_add(published, of_resolution=False)
    report_publish(published, text=PUBLIC_WORDS, photo_ids=[citizen_photo.pk])
    published.refresh_from_db()

    resolved, s = reported(category="VSMT", reported_at=now - dt.timedelta(days=10))
    secrets.append(s)
    photo_add(resolved, of_resolution=False)  # not published: stays private
    photo_add(resolved, of_resolution=True)
    resolved = report_force(
        resolved,
        status=Report.Status.RESOLVED,
        resolved_at=now - dt.timedelta(days=1),
        result_note=RESULT,
    )

    closed, s = reported(category="VSMT", reported_at=now - dt.timedelta(days=40))
    secrets.append(s)
    closed = report_force(
        closed,
        status=Report.Status.CLOSED,
        resolved_at=now - dt.timedelta(days=35),
        closed_at=now - dt.timedelta(days=30),
        result_note="Đã thu gom rác",
        rating=Report.Rating.SATISFIED,
    )

    hidden = []
    for status, code in (
        (Report.Status.REJECTED, "VSMT"),
        (Report.Status.DUPLICATE, "VSMT"),
        (Report.Status.RECEIVED, "ANTT"),
    ):
        report, s = reported(category=code, reported_at=now - dt.timedelta(days=2))
        secrets.append(s)
        report_publish(report, text=f"công khai {s}") if code != "ANTT" else None
        hidden.append(report_force(report, status=status, result_note=f"ghi chú {s}"))
    rejected, duplicate, sensitive = hidden
    return World(published, resolved, closed, rejected, duplicate, sensitive, secrets)


def assert_nothing_personal(text: str, world: World) -> None:
    """No reporter's contact detail, private word, hidden code or GPS anywhere."""
    for needle in (NAME, PHONE, PHONE_E164, "0912345678", EMAIL, "kin.dao"):
        assert needle not in text, needle
    for secret in world.secrets:
        assert secret not in text, secret
    for report in world.hidden:
        assert report.tracking_code not in text, report.tracking_code
    for needle in ("106.61234567", "17.46912345", "ioc-"):
        assert needle not in text, needle
    # Places rounded: the raw coordinates (7+ decimals) never appear.
    for report in world.listed:
        assert f"{report.location.x:.7f}" not in text
