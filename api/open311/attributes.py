"""Service attributes: check the answers posted with a request, load definitions.

Answers come as ``attribute[code]=value``, and for a multi-value list as
``attribute[code][]=v1&attribute[code][]=v2`` (a single ``attribute[code]=v1`` is
taken too). Every problem is reported at once, one error per attribute. Answers to
attributes the service does not define are ignored, as other Open311 servers do
(FixMyStreet sends a few of its own); answers to ``variable: false`` attributes are
ignored as well, since those only inform.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import dateparse, timezone

from api.models import ServiceAttribute
from api.open311.errors import Message, Open311Error
from api.open311.formatting import w3c
from routing.intake.errors import IntakeError
from routing.intake.inputs import text_check
from routing.models import Category

_FIELD = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")
MAX_STRING = 500
MAX_TEXT = 4000


@dataclass(frozen=True)
class Answer:
    attribute: ServiceAttribute
    values: list[str]  # normalised, as stored (one row each)


def answers_parse(data: Any) -> dict[str, list[str]]:
    """``attribute[...]`` fields of a form: code → the values sent, in order."""
    answers: dict[str, list[str]] = {}
    for name in data:
        match = _FIELD.match(name)
        if match is None:
            continue
        values = data.getlist(name) if hasattr(data, "getlist") else [data[name]]
        answers.setdefault(match.group(1), []).extend(str(v) for v in values)
    return answers


def _label(attribute: ServiceAttribute) -> tuple[str, str]:
    vi = f"'{attribute.code}' ({attribute.description})"
    en = f"'{attribute.code}' ({attribute.description_en or attribute.description})"
    return vi, en


def _number(text: str) -> str | None:
    cleaned = text.replace(" ", "")
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")  # 12,5: the Vietnamese decimal comma
    try:
        value = float(cleaned)
    except ValueError:
        return None
    if not math.isfinite(value):
        return None
    return str(int(value)) if value.is_integer() else repr(value)


def _datetime(text: str) -> str | None:
    try:
        moment = dateparse.parse_datetime(text.replace(" ", "T", 1))
        day = None if moment else dateparse.parse_date(text)
    except ValueError:
        return None
    if moment is not None:
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        return w3c(moment)
    return day.isoformat() if day else None


def _check_one(
    attribute: ServiceAttribute, sent: list[str]
) -> tuple[list[str], Message | None]:
    """The values to store, or the problem with them."""
    vi, en = _label(attribute)
    values = [v.strip() for v in sent if v.strip()]
    kind = attribute.datatype
    if not values:
        if attribute.required:
            return [], Message(
                f"Thiếu thuộc tính bắt buộc {vi}: gửi attribute[{attribute.code}]=….",
                f"The required attribute {en} is missing: send "
                f"attribute[{attribute.code}]=….",
            )
        return [], None
    if kind in ServiceAttribute.LIST_DATATYPES:
        keys = [str(item["key"]) for item in attribute.values]
        if kind == ServiceAttribute.Datatype.SINGLE and len(values) > 1:
            return [], Message(
                f"Thuộc tính {vi} chỉ nhận một giá trị (nhận được {len(values)}).",
                f"The attribute {en} takes one value ({len(values)} sent).",
            )
        unknown = [v for v in values if v not in keys]
        if unknown:
            shown = ", ".join(unknown)[:80]
            return [], Message(
                f"Giá trị '{shown}' không có trong danh sách của thuộc tính {vi}; "
                f"dùng một trong: {', '.join(keys)}.",
                f"'{shown}' is not a value of the attribute {en}; use one of: "
                f"{', '.join(keys)}.",
            )
        return list(dict.fromkeys(values)), None
    if len(values) > 1:
        return [], Message(
            f"Thuộc tính {vi} chỉ nhận một giá trị.",
            f"The attribute {en} takes one value.",
        )
    value = values[0]
    if kind == ServiceAttribute.Datatype.NUMBER:
        number = _number(value)
        if number is None:
            return [], Message(
                f"Thuộc tính {vi} phải là một số (nhận được '{value[:40]}').",
                f"The attribute {en} must be a number (got '{value[:40]}').",
            )
        return [number], None
    if kind == ServiceAttribute.Datatype.DATETIME:
        moment = _datetime(value)
        if moment is None:
            return [], Message(
                f"Thuộc tính {vi} phải là ngày giờ ISO 8601, ví dụ "
                f"2025-07-12T08:30:00+07:00 (nhận được '{value[:40]}').",
                f"The attribute {en} must be an ISO 8601 datetime such as "
                f"2025-07-12T08:30:00+07:00 (got '{value[:40]}').",
            )
        return [moment], None
    limit = MAX_TEXT if kind == ServiceAttribute.Datatype.TEXT else MAX_STRING
    if kind == ServiceAttribute.Datatype.STRING and "\n" in value:
        return [], Message(
            f"Thuộc tính {vi} là một dòng, không được xuống dòng.",
            f"The attribute {en} is a single line: no line breaks.",
        )
    try:
        return [
            text_check(
                value,
                field_name=f"attribute[{attribute.code}]",
                label_vi=f"Thuộc tính {vi}",
                max_length=limit,
            )
        ], None
    except IntakeError as error:
        return [], Message(error.vi, error.en)


def answers_check(
    *, attributes: Iterable[ServiceAttribute], sent: Mapping[str, list[str]]
) -> list[Answer]:
    """The answers to store, or one 400 listing every problem."""
    answers, problems = [], []
    for attribute in attributes:
        if not attribute.variable:
            continue
        values, problem = _check_one(attribute, sent.get(attribute.code, []))
        if problem is not None:
            problems.append(problem)
        elif values:
            answers.append(Answer(attribute=attribute, values=values))
    if problems:
        raise Open311Error(400, problems)
    return answers


@transaction.atomic
def service_attributes_load(*, items: Iterable[Mapping[str, Any]]) -> tuple[int, int]:
    """Create or update attributes by (category code, code); each is checked as the
    admin checks it. An unchanged attribute is not saved again (its ``updated_at``
    is the discovery changeset). Returns (created, updated)."""
    created = updated = 0
    for item in items:
        fields = dict(item)
        category = Category.objects.get(code=fields.pop("category"))
        code = fields.pop("code")
        attribute = ServiceAttribute.objects.filter(
            category=category, code=code
        ).first()
        if attribute is None:
            attribute = ServiceAttribute(category=category, code=code)
            created += 1
        elif all(getattr(attribute, k) == v for k, v in fields.items()):
            continue
        else:
            updated += 1
        for name, value in fields.items():
            setattr(attribute, name, value)
        attribute.full_clean()
        attribute.save()
    return created, updated
