"""Every refusal of the intake, in one place: its code, field and both messages.

Citizens read these (the form shows them next to the field, the apps and Open311
partners relay them), and tests check them word for word, so each is written once
here and raised from here: the checks of ``inputs`` and ``photos``, the rules of
``submission``, the idempotency replay and the rate limits. Each function returns the
error to raise; the caller raises it (``raise errors.bad_phone(text)``) so the trace
points at the check that failed.
"""

from __future__ import annotations

from geo.errors import Conflict, InvalidInput, Mismatch, TooMany


class IntakeError(InvalidInput):
    """Input refused; ``field`` names what to correct."""


class PhotoError(InvalidInput):
    """A photo refused, naming the file (``extra["file"]``)."""


class IdempotencyKeyReused(Mismatch):
    """The key already made a report with different content."""


class RateLimited(TooMany):
    """Too many reports from one address or phone in the current hour."""


# Text, contact, key, accuracy, time ---------------------------------------------


def too_long(
    field_name: str, label_vi: str, length: int, max_length: int
) -> IntakeError:
    return IntakeError(
        "too_long",
        f"{label_vi} dài {length} ký tự, tối đa {max_length} ký tự.",
        f"'{field_name}' has {length} characters; at most {max_length}.",
        field_name,
        {"max_length": max_length, "length": length},
    )


def html_not_allowed(field_name: str, label_vi: str) -> IntakeError:
    return IntakeError(
        "html_not_allowed",
        f"{label_vi} không được chứa mã HTML (như <b>, <a href=…>).",
        f"'{field_name}' must not contain HTML tags (such as <b> or <a href=…>).",
        field_name,
    )


def bad_phone(text: str) -> IntakeError:
    return IntakeError(
        "bad_phone",
        f"Số điện thoại '{text[:20]}' không hợp lệ: dùng số di động 10 chữ số "
        "(0912 345 678), số cố định có mã vùng (0232 3822 123) hoặc +84….",
        f"'{text[:20]}' is not a Vietnamese phone number: use a 10-digit mobile "
        "(0912 345 678), a landline with its area code (0232 3822 123) or +84….",
        "reporter_phone",
    )


def bad_email(text: str) -> IntakeError:
    return IntakeError(
        "bad_email",
        f"Địa chỉ e-mail '{text[:60]}' không hợp lệ.",
        f"'{text[:60]}' is not a valid e-mail address.",
        "reporter_email",
    )


def bad_idempotency_key() -> IntakeError:
    return IntakeError(
        "bad_idempotency_key",
        "Khóa chống gửi trùng (Idempotency-Key) phải gồm 1–80 ký tự ASCII in "
        "được, không có dấu cách (ví dụ một UUID).",
        "The Idempotency-Key must be 1–80 printable ASCII characters without "
        "spaces (a UUID, for example).",
        "idempotency_key",
    )


def bad_accuracy(max_accuracy_m: int) -> IntakeError:
    return IntakeError(
        "bad_accuracy",
        f"Độ chính xác vị trí phải từ 0 đến {max_accuracy_m} mét.",
        f"'accuracy_m' must be between 0 and {max_accuracy_m} metres.",
        "accuracy_m",
    )


def bad_reported_at() -> IntakeError:
    return IntakeError(
        "bad_reported_at",
        "Thời điểm phản ánh không được ở tương lai hay quá 30 ngày trước.",
        "'reported_at' must not be in the future or more than 30 days ago.",
        "reported_at",
    )


def bad_call_time(hours: int) -> IntakeError:
    """A desk channel's time of the call: its deadline runs from it."""
    return IntakeError(
        "bad_call_time",
        f"Thời điểm cuộc gọi không được ở tương lai hay quá {hours} giờ trước.",
        f"The time of the call must not be in the future or more than {hours} "
        "hours ago.",
        "reported_at",
        {"max_age_hours": hours},
    )


def follow_needs_phone() -> IntakeError:
    return IntakeError(
        "phone_required",
        "Cần số điện thoại của người gọi để thêm họ vào phản ánh đã có.",
        "The caller's phone number is needed to add them to an existing report.",
        "reporter_phone",
    )


def follow_report_closed(code: str) -> Conflict:
    return Conflict(
        "report_not_open",
        f"Phản ánh {code} đã đóng: hãy tạo phản ánh mới.",
        f"Report {code} is no longer open: file a new report.",
        "follow",
    )


# The report as a whole ------------------------------------------------------------


def inactive_category(name_vi: str, name_en: str) -> IntakeError:
    return IntakeError(
        "inactive_category",
        f"Lĩnh vực «{name_vi}» không còn được nhận.",
        f"The category '{name_en}' is no longer in use.",
        "category",
    )


def bad_channel(channel: object, known: list[str]) -> IntakeError:
    shown = str(channel)[:20]
    return IntakeError(
        "bad_channel",
        f"Kênh '{shown}' không hợp lệ.",
        f"Unknown channel '{shown}': use {', '.join(known)}.",
        "channel",
    )


def channel_not_public(channel: str) -> IntakeError:
    """A citizen naming the hotline desk's or Open311's channel."""
    return IntakeError(
        "bad_channel",
        f"Kênh '{channel}' chỉ dành cho cán bộ trực đường dây nóng "
        "(hotline) hoặc API Open311.",
        f"The channel '{channel}' is for the hotline desk (staff) or the "
        "Open311 API only.",
        "channel",
    )


def contact_required() -> IntakeError:
    return IntakeError(
        "contact_required",
        "Cần số điện thoại hoặc e-mail để cơ quan xử lý liên hệ và báo kết quả; "
        "nếu không muốn để lại, hãy chọn gửi ẩn danh.",
        "A phone number or an e-mail address is needed so the department can "
        "reach you; choose to report anonymously if you prefer not to give one.",
        "reporter_phone",
    )


def too_many_photos(sent: int, limit: int) -> IntakeError:
    return IntakeError(
        "too_many_photos",
        f"Tối đa {limit} ảnh cho một phản ánh (đã gửi {sent}).",
        f"At most {limit} photos per report ({sent} sent).",
        "photos",
    )


def description_or_photo() -> IntakeError:
    return IntakeError(
        "missing",
        "Hãy mô tả sự việc hoặc gửi kèm ít nhất một ảnh.",
        "Describe the problem or attach at least one photo.",
        "description",
    )


# Photos -----------------------------------------------------------------------------


def _photo(code: str, name: str, vi: str, en: str) -> PhotoError:
    return PhotoError(
        code, f"Ảnh «{name}»: {vi}", f"Photo '{name}': {en}", "photos", {"file": name}
    )


def photo_empty(name: str) -> PhotoError:
    return _photo("photo_empty", name, "tệp rỗng.", "the file is empty.")


def photo_too_large(name: str, size: int, limit: int) -> PhotoError:
    mb, limit_mb = size / 2**20, limit / 2**20
    mb_vi = f"{mb:.1f}".replace(".", ",")  # Vietnamese decimal comma
    return _photo(
        "photo_too_large",
        name,
        f"dung lượng {mb_vi} MB vượt quá giới hạn {limit_mb:.0f} MB.",
        f"{mb:.1f} MB is over the {limit_mb:.0f} MB limit.",
    )


def photo_not_image(name: str) -> PhotoError:
    return _photo(
        "photo_not_image",
        name,
        "không phải ảnh JPEG, PNG hoặc WebP hợp lệ (tệp hỏng hoặc không phải ảnh).",
        "not a valid JPEG, PNG or WebP image (corrupt, or not an image at all).",
    )


def photo_too_many_pixels(name: str, width: int, height: int, limit: int) -> PhotoError:
    return _photo(
        "photo_too_many_pixels",
        name,
        f"kích thước {width} × {height} điểm ảnh quá lớn "
        f"(tối đa {limit // 1_000_000} triệu điểm ảnh).",
        f"{width} × {height} pixels is too large "
        f"(at most {limit // 1_000_000} megapixels).",
    )


def photo_bomb(name: str) -> PhotoError:
    """A file Pillow itself finds would decompress to too many pixels."""
    return _photo(
        "photo_too_many_pixels",
        name,
        "ảnh giải nén ra quá lớn.",
        "the image decompresses to too many pixels.",
    )


# Repeats and limits -----------------------------------------------------------------


def idempotency_key_reused() -> IdempotencyKeyReused:
    """Names no report: the one the key made may be another client's."""
    return IdempotencyKeyReused(
        "idempotency_key_reused",
        "Khóa chống gửi trùng (Idempotency-Key) này đã được dùng cho một phản ánh "
        "có nội dung khác. Hãy tạo khóa mới cho phản ánh mới.",
        "This Idempotency-Key was already used for a report with different "
        "content. Use a new key for a new report.",
        "idempotency_key",
    )


def rate_limited(
    label_vi: str, label_en: str, limit: int, wait: int, minutes: int
) -> RateLimited:
    return RateLimited(
        "rate_limited",
        f"Đã có quá nhiều phản ánh từ {label_vi} trong giờ này (tối đa {limit}). "
        f"Vui lòng thử lại sau {minutes} phút.",
        f"Too many reports from {label_en} this hour (at most {limit}). "
        f"Please try again in {minutes} minutes.",
        None,
        {"retry_after": wait, "limit": limit},
    )
