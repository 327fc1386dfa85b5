"""What the public API keeps of its own: Open311 keys, service attributes, answers.

Open311 GeoReport v2 lets a city's partners (a FixMyStreet install, a district's
call-centre CRM, a mobile app) file reports with an **API key** and describe each
service (our report category) with extra **attributes**: the questions a client
asks before it posts, such as the kind of waste or how deep the flooding is.

- :class:`ApiKey` is one partner's key. The key itself is shown once, when it is
  made (admin or ``open311_key_create``); the database keeps only its SHA-256 and a
  short prefix to recognise it in lists. A revoked key stays, for the record of who
  sent what, but no longer opens anything.
- :class:`ServiceAttribute` is one question of a category's service definition, in
  the order and with the datatypes the spec names; list datatypes carry their
  choices as ``values`` (``[{"key": …, "name": …, "name_en": …}]``).
- :class:`RequestAttributeValue` is one answer given with a report (one row per
  chosen value of a multi-value list). Answers are for the department and the
  operations centre; they are not published by the GET endpoints.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models


class ApiKey(models.Model):
    """A partner's key for the Open311 API, stored as a SHA-256 digest only.

    The key is a long random token, so a plain SHA-256 is enough to make a stolen
    table useless (a slow password hash protects guessable secrets, which this is
    not). ``rate_limit_per_hour`` caps the requests the key may post in one clock
    hour; 0 means no cap.
    """

    name = models.CharField(max_length=200, help_text="Who holds the key.")
    prefix = models.CharField(
        max_length=16, help_text="The key's first characters, to recognise it."
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    active = models.BooleanField(default=True)
    rate_limit_per_hour = models.PositiveIntegerField(
        default=600, help_text="Requests the key may post per clock hour; 0: no cap."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def digest(clear: str) -> str:
        """The stored form of a key."""
        return hashlib.sha256(clear.encode()).hexdigest()

    @property
    def usable(self) -> bool:
        return self.active and self.revoked_at is None


class ServiceAttribute(models.Model):
    """One question of a service definition (GeoReport v2 ``attribute``)."""

    class Datatype(models.TextChoices):
        STRING = "string", "Chuỗi một dòng (string)"
        NUMBER = "number", "Số (number)"
        DATETIME = "datetime", "Ngày giờ ISO 8601 (datetime)"
        TEXT = "text", "Văn bản nhiều dòng (text)"
        SINGLE = "singlevaluelist", "Chọn một (singlevaluelist)"
        MULTI = "multivaluelist", "Chọn nhiều (multivaluelist)"

    LIST_DATATYPES = (Datatype.SINGLE, Datatype.MULTI)

    category = models.ForeignKey(
        "routing.Category", on_delete=models.CASCADE, related_name="open311_attributes"
    )
    code = models.SlugField(
        max_length=50, help_text="Sent as attribute[code]=value; letters, digits, _ -"
    )
    variable = models.BooleanField(
        default=True,
        help_text="False: only information shown to the user, no answer expected.",
    )
    datatype = models.CharField(max_length=16, choices=Datatype.choices)
    required = models.BooleanField(default=False)
    order = models.PositiveSmallIntegerField(help_text="1 is asked first.")
    description = models.TextField(help_text="The question, in Vietnamese.")
    description_en = models.TextField(blank=True)
    datatype_description = models.CharField(max_length=300, blank=True)
    datatype_description_en = models.CharField(max_length=300, blank=True)
    values = models.JSONField(
        default=list,
        blank=True,
        help_text='Choices of a list: [{"key": "…", "name": "…", "name_en": "…"}].',
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["category", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "code"], name="service_attribute_code_unique"
            ),
            models.UniqueConstraint(
                fields=["category", "order"], name="service_attribute_order_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category_id}:{self.code}"

    def clean(self) -> None:
        """List datatypes need their choices (unique keys, each named); the others
        take none."""
        errors = _values_errors(
            self.values, listed=self.datatype in self.LIST_DATATYPES
        )
        if errors:
            raise ValidationError({"values": errors})
        if self.order is not None and self.order < 1:
            raise ValidationError({"order": "The order starts at 1."})

    def value_names(self, lang: str) -> dict[str, str]:
        """Key → the choice's name in ``lang`` (Vietnamese when not translated)."""
        names = {}
        for item in self.values or []:
            english = item.get("name_en") if lang == "en" else None
            names[str(item["key"])] = english or item["name"]
        return names


def _values_errors(values: Any, *, listed: bool) -> list[str]:
    if not listed:
        return ["Only list datatypes take values."] if values else []
    if not isinstance(values, list) or not values:
        return ["A list datatype needs at least one value."]
    errors, seen = [], set()
    for index, item in enumerate(values, start=1):
        if not isinstance(item, dict):
            errors.append(f"Value {index} must be an object with key and name.")
            continue
        key, name = item.get("key"), item.get("name")
        if not isinstance(key, str) or not key.strip():
            errors.append(f"Value {index} needs a non-empty string key.")
        elif key in seen:
            errors.append(f"The key '{key}' appears twice.")
        else:
            seen.add(key)
        if not isinstance(name, str) or not name.strip():
            errors.append(f"Value {index} needs a name.")
    return errors


class RequestAttributeValue(models.Model):
    """One answer to a service attribute, given with a report filed over Open311."""

    report = models.ForeignKey(
        "routing.Report", on_delete=models.CASCADE, related_name="open311_answers"
    )
    attribute = models.ForeignKey(
        ServiceAttribute, on_delete=models.PROTECT, related_name="answers"
    )
    value = models.TextField()

    class Meta:
        ordering = ["report", "attribute__order", "id"]

    def __str__(self) -> str:
        return f"{self.report_id} {self.attribute.code}={self.value}"
