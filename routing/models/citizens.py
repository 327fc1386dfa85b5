"""Verified citizens: the one-time codes sent to their phones, the sessions those
codes open, and the daily counters that bound what the codes cost.

Everything is in PostgreSQL rather than the cache: a code sent a minute ago must
still verify after a web worker restarts, and the counters are what stand between
a script and the SMS bill (``routing.citizens.otp``).
"""

from __future__ import annotations

from django.db import models


class PhoneCode(models.Model):
    """The active one-time code of one phone number, as a keyed HMAC (never the
    code). One row per phone: a new send overwrites it, so the old code is void.
    ``attempts`` counts wrong tries; ``consumed_at`` is set by a right one."""

    phone = models.CharField(max_length=20, unique=True, help_text="E.164")
    code_hmac = models.CharField(max_length=64)
    sent_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    consumed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"code sent {self.sent_at:%Y-%m-%d %H:%M}"


class CitizenToken(models.Model):
    """A verified citizen's session: the bearer token an app holds (stored as its
    SHA-256), also named by the page session's ``citizen_session`` key, so revoking
    the row signs out both."""

    phone = models.CharField(max_length=20, db_index=True, help_text="E.164")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"citizen session {self.pk}"


class OtpDailyCount(models.Model):
    """Codes sent per day and scope: per phone, per client address (both as keyed
    hashes) and per jurisdiction (the SMS budget; ``alerted`` once the operations
    centre was told the budget ran out); and codes refused per client address
    (``verify``, a keyed hash)."""

    class Scope(models.TextChoices):
        PHONE = "phone", "Số điện thoại (phone)"
        ADDRESS = "address", "Địa chỉ mạng (client address)"
        BUDGET = "budget", "Ngân sách SMS (jurisdiction budget)"
        VERIFY = "verify", "Mã sai theo địa chỉ mạng (refused codes per address)"

    day = models.DateField()
    scope = models.CharField(max_length=8, choices=Scope.choices)
    key = models.CharField(max_length=64)
    count = models.PositiveIntegerField(default=0)
    alerted = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "scope", "key"], name="otp_daily_count_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.day}: {self.count}"
