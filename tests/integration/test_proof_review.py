"""Fixes from the review of proof of resolution and the moderation queue: a
publication decision refused when the state it was taken on has changed (checked
under the row lock), the result note checked by the intake's one text check and
re-checked after masking, the queue's partial index, the backfill of result notes
written before migration 0016, photo files of a failed resolve removed, the
transitions API checking the role before decoding photos, the multipart schema."""

from __future__ import annotations

import importlib
import io
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from drf_spectacular.generators import SchemaGenerator
from PIL import Image

from routing import workflow
from routing.models import Report, ReportEvent, ReportPhoto, StaffProfile
from routing.reports import roles
from routing.reports.moderation import moderation_pending
from routing.reports.publication import result_note_public
from routing.reports.redaction import text_mask
from routing.workflow import WorkflowConflict, WorkflowError
from tests.factories import report_create, report_force

pytestmark = pytest.mark.django_db

P = Report.Publication
BASE = "/api/v1/reports"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def staff(role: str, **profile):
    user = get_user_model().objects.create_user(f"{role}-{uuid.uuid4().hex[:8]}")
    StaffProfile.objects.create(user=user, role=role, **profile)
    return user


def jpeg(name: str = "sau.jpg") -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 140, 60)).save(out, "JPEG")
    out.seek(0)
    out.name = name
    return out


# 1. A decision taken on a state that has changed since -----------------------------


def test_a_second_decision_on_the_state_it_did_not_see_is_refused():
    report = report_create(reporter_phone="0912345678")
    ioc = staff(roles.IOC_OPERATOR)
    workflow.report_publication_decide(
        report=report,
        actor=ioc,
        approve=False,
        note="Lời lẽ xúc phạm.",
        expected=P.PENDING,
    )
    # A second reviewer's page still showed "pending": the approval is refused.
    with pytest.raises(WorkflowConflict) as refused:
        workflow.report_publication_decide(
            report=report, actor=staff(roles.ADMIN), approve=True, expected=P.PENDING
        )
    assert refused.value.code == "publication_changed"
    assert "withheld" in refused.value.en
    assert refused.value.vi
    report.refresh_from_db()
    assert report.publication == P.WITHHELD
    assert report.events.filter(kind=ReportEvent.Kind.PUBLICATION).count() == 1
    # Deciding again knowingly (on the state now shown) is still possible.
    workflow.report_publication_decide(
        report=report, actor=ioc, approve=True, expected=P.WITHHELD
    )
    report.refresh_from_db()
    assert report.publication == P.APPROVED


def test_the_api_refuses_a_stale_expected_state_with_a_409(client):
    report = report_create(reporter_phone="0912345678")
    client.force_login(staff(roles.IOC_OPERATOR))
    url = f"{BASE}/{report.tracking_code}/publication"
    body = {"decision": "withhold", "note": "Không phù hợp.", "expected": "pending"}
    assert client.post(url, body, content_type="application/json").status_code == 200
    again = client.post(
        url,
        {"decision": "approve", "expected": "pending"},
        content_type="application/json",
    )
    assert again.status_code == 409, again.json()
    assert again.json()["code"] == "publication_changed"
    bad = client.post(
        url,
        {"decision": "approve", "expected": "maybe"},
        content_type="application/json",
    )
    assert bad.status_code == 400
    report.refresh_from_db()
    assert report.publication == P.WITHHELD


def test_the_moderation_form_sends_the_state_it_shows(client):
    report = report_create(reporter_phone="0912345678")
    client.force_login(staff(roles.IOC_OPERATOR))
    page = client.get("/ops/moderation").content.decode()
    assert f'value="{report.tracking_code}"' in page
    assert '<input type="hidden" name="expected" value="pending">' in page


# 2 and 5. The result note: one text check, masked, re-checked; the backfill --------


def test_the_result_note_uses_the_intake_text_check_and_is_rechecked_after_masking():
    ioc = staff(roles.IOC_OPERATOR)
    in_progress = report_force(report_create(category="VSMT"), status="in_progress")
    # The intake's check drops control characters (it does not refuse them) and
    # refuses HTML tags.
    with pytest.raises(WorkflowError) as tags:
        workflow.report_transition(
            report=in_progress, to_status="resolved", actor=ioc, note="Xong <b>rồi</b>"
        )
    assert (tags.value.code, tags.value.field) == (
        "result_note_html_not_allowed",
        "note",
    )
    # 2000 characters with an e-mail address (6 characters, masked to 13) are 2007
    # once masked: refused, the stored note never exceeds 2000.
    long = "a" * 1993 + " " + "a@b.vn"
    assert (len(long), len(text_mask(long))) == (2000, 2007)
    with pytest.raises(WorkflowError) as too_long:
        workflow.report_transition(
            report=in_progress, to_status="resolved", actor=ioc, note=long
        )
    assert too_long.value.code == "result_note_too_long"
    done = workflow.report_transition(
        report=in_progress, to_status="resolved", actor=ioc, note="Đã sửa\x07 xong\r\n"
    )
    assert done.result_note == "Đã sửa xong"


def _migration():
    return importlib.import_module("routing.migrations.0017_pending_review_index")


def test_the_backfill_copies_the_last_public_resolve_note_and_shows_it_masked():
    module = _migration()
    old = report_force(report_create(category="VSMT"), status="resolved")
    for note, public in (
        ("Lần đầu.", True),
        ("Đã xong, gọi 0912345678.", True),
        ("Nội bộ.", False),
    ):
        ReportEvent.objects.create(
            report=old,
            kind=ReportEvent.Kind.STATUS,
            to_status="resolved",
            public=public,
            note=note,
        )
    kept = report_force(
        report_create(category="VSMT"), status="closed", result_note="Giữ nguyên."
    )
    ReportEvent.objects.create(
        report=kept, kind="status", to_status="resolved", public=True, note="Khác."
    )
    open_ = report_force(report_create(category="VSMT"), status="reopened")
    ReportEvent.objects.create(
        report=open_, kind="status", to_status="resolved", public=True, note="Cũ."
    )
    with connection.cursor() as cursor:
        cursor.execute(module.BACKFILL_RESULT_NOTE)
    for report in (old, kept, open_):
        report.refresh_from_db()
    assert old.result_note == "Đã xong, gọi 0912345678."  # copied unmasked
    assert result_note_public(old) == "Đã xong, gọi [SĐT đã ẩn]."
    assert kept.result_note == "Giữ nguyên."
    assert open_.result_note == ""


def test_a_reopened_report_keeps_its_note_but_never_shows_it():
    report = report_force(
        report_create(category="VSMT"), status="reopened", result_note="Đã sửa."
    )
    assert result_note_public(report) == ""
    report_force(report, status="resolved")
    assert result_note_public(report) == "Đã sửa."


# 3. The queue's partial index -------------------------------------------------------


def test_the_pending_review_queue_has_a_partial_index_its_count_uses():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'routing_report' "
            "AND indexname = 'report_pending_review'"
        )
        (definition,) = cursor.fetchone()
    assert "reported_at DESC" in definition
    assert "WHERE" in definition
    assert "'pending'" in definition
    queryset = moderation_pending(staff(roles.IOC_OPERATOR))
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN SELECT count(*) FROM ({sql}) q", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "report_pending_review" in plan, plan


# 6. Photo files of a failed resolve --------------------------------------------------


def test_a_resolve_failing_after_its_photos_are_written_leaves_no_file(
    monkeypatch, settings
):
    from routing.intake.photos import photos_check
    from routing.workflow import status

    report = report_force(report_create(category="VSMT"), status="in_progress")

    def broken(**kwargs):
        assert ReportPhoto.objects.filter(report=report, of_resolution=True).exists()
        raise RuntimeError("the event could not be written")

    monkeypatch.setattr(status, "event_record", broken)
    photos = photos_check([("sau.jpg", jpeg().getvalue())])
    with pytest.raises(RuntimeError):
        workflow.report_transition(
            report=report,
            to_status="resolved",
            actor=staff(roles.IOC_OPERATOR),
            note="Đã sửa.",
            photos=photos,
        )
    assert not ReportPhoto.objects.filter(report=report).exists()
    media = settings.MEDIA_ROOT
    left = [p for p in media.rglob("*") if p.is_file()] if media.exists() else []
    assert left == []


# 7. The role before the photos --------------------------------------------------------


def test_a_role_that_may_not_resolve_is_refused_before_any_photo_is_decoded(
    client, monkeypatch
):
    from api.reports import workflow_views

    decoded = []
    monkeypatch.setattr(
        workflow_views, "photos_check", lambda files: decoded.append(files) or []
    )
    report = report_force(report_create(category="VSMT"), status="in_progress")
    # A unit officer sees the report but only comments; the department's own
    # officer may not resolve a report it has not started.
    client.force_login(staff(roles.UNIT_OFFICER, unit_code=report.unit.code))
    url = f"{BASE}/{report.tracking_code}/transitions"
    body = {"to": "resolved", "note": "Đã sửa.", "photos": [jpeg()]}
    response = client.post(url, body)
    assert response.status_code == 403, response.json()
    report_force(report, status="received")
    officer = staff(roles.DEPARTMENT_OFFICER, department=report.department)
    client.force_login(officer)
    response = client.post(url, {**body, "photos": [jpeg()]})
    assert response.status_code == 409, response.json()
    assert decoded == []


# 8. The schema names the photos ----------------------------------------------------


def test_the_transitions_schema_documents_the_photo_files():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    body = schema["paths"]["/api/v1/reports/{code}/transitions"]["post"]["requestBody"]
    ref = body["content"]["multipart/form-data"]["schema"]["$ref"].rsplit("/", 1)[-1]
    photos = schema["components"]["schemas"][ref]["properties"]["photos"]
    assert photos["type"] == "array"
    assert photos["items"]["format"] == "binary"
    json_ref = body["content"]["application/json"]["schema"]["$ref"]
    json_props = schema["components"]["schemas"][json_ref.rsplit("/", 1)[-1]]
    assert "photos" not in json_props["properties"]
