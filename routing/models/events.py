"""What happened to a report, and the photos that came with it."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from routing.models.reports import Report


class ReportEvent(models.Model):
    """One step in a report's life: a status change, a comment, a re-route, a rating.

    ``public`` events (and their notes) are shown to the citizen and in Open311
    ``status_notes``; internal ones only to staff. ``actor_role`` keeps the role the
    actor acted in, since a user's roles change over time.
    """

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", "Tiếp nhận (submitted)"
        STATUS = "status", "Đổi trạng thái (status change)"
        COMMENT = "comment", "Ghi chú (comment)"
        ASSIGNMENT = "assignment", "Phân công (assignment)"
        ESCALATION = "escalation", "Chuyển cấp (escalation)"
        MERGE = "merge", "Gộp trùng (merge)"
        RATING = "rating", "Đánh giá (rating)"
        LOCATION = "location", "Dời vị trí (pin moved)"
        PUBLICATION = "publication", "Duyệt công khai (publication decision)"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    actor_role = models.CharField(max_length=20, blank=True)
    public = models.BooleanField(default=True)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.report_id} {self.kind} {self.to_status}"


def photo_path(photo: ReportPhoto, filename: str) -> str:
    return f"reports/{photo.report.reported_at:%Y/%m}/{photo.report.tracking_code}/{filename}"


class ReportPhoto(models.Model):
    """A photo of the problem (or of the fix), checked by content, with a thumbnail.

    ``image`` is what the public sees: re-encoded without EXIF (no camera, owner or
    location metadata). The pin suggested by the original's GPS tags is kept apart in
    ``gps_lon``/``gps_lat``, for staff.
    """

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to=photo_path)
    thumbnail = models.ImageField(upload_to=photo_path)
    content_type = models.CharField(max_length=30)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size_bytes = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    gps_lon = models.FloatField(null=True, blank=True)
    gps_lat = models.FloatField(null=True, blank=True)
    of_resolution = models.BooleanField(default=False, help_text="Shows the fix.")
    # Shown on public surfaces: set by the operations centre when it approves the
    # report for publication (a photo showing a face or a plate stays private).
    public = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.image.name
