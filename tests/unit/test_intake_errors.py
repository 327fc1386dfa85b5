"""The intake's refusals are written once, in ``routing.intake.errors``: no other
intake module builds one of its errors with a message of its own."""

from __future__ import annotations

import ast
from pathlib import Path

import routing.intake
from routing.intake import errors

ERRORS = {"IntakeError", "PhotoError", "IdempotencyKeyReused", "RateLimited"}


def test_only_the_catalogue_builds_intake_errors():
    package = Path(routing.intake.__file__).parent
    built = []
    for path in sorted(package.glob("*.py")):
        if path.name == "errors.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ERRORS
            ):
                built.append(f"{path.name}:{node.lineno} {node.func.id}")
    assert built == []


def test_each_refusal_has_a_code_a_field_and_both_languages():
    """Every refusal the catalogue makes says what to correct in both languages."""
    made = [
        errors.too_long("description", "Nội dung phản ánh", 4001, 4000),
        errors.html_not_allowed("description", "Nội dung phản ánh"),
        errors.bad_phone("0123"),
        errors.bad_email("an@@example"),
        errors.bad_idempotency_key(),
        errors.bad_accuracy(100_000),
        errors.bad_reported_at(),
        errors.bad_call_time(24),
        errors.follow_needs_phone(),
        errors.follow_report_closed("HT-ABCD-1234"),
        errors.inactive_category("Điện", "Power"),
        errors.bad_channel("fax", ["web", "app"]),
        errors.channel_not_public("hotline"),
        errors.contact_required(),
        errors.too_many_photos(6, 5),
        errors.description_or_photo(),
        errors.photo_empty("a.jpg"),
        errors.photo_too_large("a.jpg", 11 * 2**20, 10 * 2**20),
        errors.photo_not_image("a.jpg"),
        errors.photo_too_many_pixels("a.jpg", 20_000, 20_000, 50_000_000),
        errors.photo_bomb("a.jpg"),
        errors.idempotency_key_reused(),
    ]
    for error in made:
        assert all((error.code, error.vi, error.en, error.field)), error.code
        assert error.vi != error.en
    limited = errors.rate_limited("số điện thoại này", "this phone", 10, 600, 10)
    assert limited.extra == {"retry_after": 600, "limit": 10}


def test_a_reused_key_names_no_report():
    """The refusal of a reused key does not give away the other report's code."""
    reused = errors.idempotency_key_reused()
    assert "HT-" not in reused.vi
    assert "HT-" not in reused.en
    assert not reused.extra
