"""Citizens' photos: checked by their content, stripped of metadata, thumbnailed.

What a photo is comes from decoding it with Pillow, never from its name or the
Content-Type the client sent: a text file named ``.jpg`` is refused. Only JPEG, PNG and
WebP are taken, up to ``settings.REPORT_MAX_PHOTO_BYTES`` each and ``MAX_PIXELS``
pixels (a small file that would decode to gigabytes, a "decompression bomb", is refused
before it is decoded).

The copy we keep is re-encoded from the pixels, after the EXIF orientation has been
applied, so it carries no EXIF, XMP or text chunks: no camera, owner, time or place.
The GPS position in the original's EXIF is read first (``photo_gps``) so the form can
suggest it as the pin and staff can compare it with the pin; it is stored apart from
the image. ``sha256`` and ``size_bytes`` describe the upload as received; ``width``
and ``height`` the stored image.
"""

from __future__ import annotations

import hashlib
import io
import math
import os
import warnings
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from routing.intake import errors
from routing.intake.errors import PhotoError

FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
# 50 megapixels: every phone camera's full resolution (8160 × 6120 is 49.9 MP).
MAX_PIXELS = 50_000_000
THUMBNAIL_PX = 320
JPEG_QUALITY = 85
THUMBNAIL_QUALITY = 80


@dataclass(frozen=True)
class CheckedPhoto:
    """A photo that passed the checks: the bytes to store and what we know of it."""

    name: str  # the client's file name, cleaned, for messages only
    content_type: str
    extension: str
    image: bytes  # re-encoded, no metadata
    thumbnail: bytes  # JPEG, at most THUMBNAIL_PX on its longer side
    width: int
    height: int
    size_bytes: int  # of the upload
    sha256: str  # of the upload
    gps: tuple[float, float] | None  # (lon, lat) from the original's EXIF


def display_name(name: str | None, index: int) -> str:
    """The client's file name without any path, short enough to quote in a message."""
    base = os.path.basename((name or "").replace("\\", "/")).strip()
    base = "".join(ch for ch in base if ch.isprintable())
    return base[:80] or f"ảnh {index + 1} (photo {index + 1})"


def _read(upload: IO[bytes] | bytes, name: str, limit: int) -> bytes:
    """The upload's bytes, refusing more than ``limit`` without reading them all."""
    if isinstance(upload, bytes | bytearray):
        data = bytes(upload)
    else:
        size = getattr(upload, "size", None)
        if size is not None and size > limit:
            raise errors.photo_too_large(name, size, limit)
        if hasattr(upload, "seek"):
            upload.seek(0)
        data = upload.read(limit + 1)
    if len(data) > limit:
        raise errors.photo_too_large(name, len(data), limit)
    if not data:
        raise errors.photo_empty(name)
    return data


def _open(data: bytes, name: str) -> tuple[Image.Image, str]:
    """Decode fully, refusing what is not a whole JPEG, PNG or WebP image; the image
    and its format. Many phones write JPEGs with a second picture (a depth map or
    preview) that Pillow calls MPO: those are JPEGs, and the first picture is kept."""
    not_image = errors.photo_not_image(name)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=list(FORMATS))
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise errors.photo_too_many_pixels(name, width, height, MAX_PIXELS)
            image.load()
    except PhotoError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise errors.photo_bomb(name) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise not_image from None
    fmt = "JPEG" if image.format == "MPO" else image.format
    if fmt not in FORMATS:
        raise not_image
    return image, fmt


def _rational(value: Any) -> float:
    if isinstance(value, tuple) and len(value) == 2:  # (numerator, denominator)
        return value[0] / value[1]
    return float(value)


def _degrees(dms: Any, ref: Any, negative: str) -> float | None:
    try:
        parts = [_rational(v) for v in dms]
        degrees = parts[0] + (parts[1] if len(parts) > 1 else 0) / 60
        degrees += (parts[2] if len(parts) > 2 else 0) / 3600
    except (TypeError, ValueError, ZeroDivisionError, IndexError):
        return None
    if not math.isfinite(degrees):
        return None
    if isinstance(ref, bytes):
        ref = ref.decode("ascii", "ignore")
    return -degrees if str(ref).strip().upper().startswith(negative) else degrees


def exif_gps(image: Image.Image) -> tuple[float, float] | None:
    """(lon, lat) from a decoded image's EXIF GPS tags, or None."""
    try:
        gps = image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    except (OSError, ValueError, SyntaxError, KeyError, TypeError):
        return None
    if not gps:
        return None
    lat = _degrees(
        gps.get(ExifTags.GPS.GPSLatitude), gps.get(ExifTags.GPS.GPSLatitudeRef), "S"
    )
    lon = _degrees(
        gps.get(ExifTags.GPS.GPSLongitude), gps.get(ExifTags.GPS.GPSLongitudeRef), "W"
    )
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    if lat == 0 and lon == 0:  # "no fix" written as zeros
        return None
    return (round(lon, 7), round(lat, 7))


def photo_gps(upload: IO[bytes] | bytes) -> tuple[float, float] | None:
    """Where the photo says it was taken, (lon, lat), to suggest the pin; None when
    the photo has no usable GPS tags or is not an image we accept."""
    try:
        data = _read(upload, "", settings.REPORT_MAX_PHOTO_BYTES)
        return exif_gps(_open(data, "")[0])
    except PhotoError:
        return None


def _encode(image: Image.Image, fmt: str) -> bytes:
    """Re-encode the pixels with no metadata (the ICC colour profile and PNG
    transparency aside)."""
    icc = image.info.get("icc_profile")
    params: dict[str, Any] = {}
    if fmt == "JPEG":
        if image.mode not in ("RGB", "L"):
            image, icc = image.convert("RGB"), None  # the profile was for the old mode
        params.update(quality=JPEG_QUALITY, optimize=True)
    elif fmt == "WEBP":
        if image.mode not in ("RGB", "RGBA"):
            alpha = "A" in image.getbands() or "transparency" in image.info
            image, icc = image.convert("RGBA" if alpha else "RGB"), None
        params.update(quality=JPEG_QUALITY)
    else:
        params.update(optimize=True)
        if "transparency" in image.info:
            params["transparency"] = image.info["transparency"]
    if icc:
        params["icc_profile"] = icc
    image.info = {}  # EXIF, XMP, text chunks, comments: none of it is written
    out = io.BytesIO()
    image.save(out, fmt, **params)
    return out.getvalue()


def _thumbnail(image: Image.Image) -> bytes:
    thumb = image.copy()
    thumb.thumbnail((THUMBNAIL_PX, THUMBNAIL_PX))
    if thumb.mode in ("RGBA", "LA") or "transparency" in thumb.info:
        rgba = thumb.convert("RGBA")
        thumb = Image.new("RGB", rgba.size, "white")
        thumb.paste(rgba, mask=rgba.getchannel("A"))
    elif thumb.mode != "RGB":
        thumb = thumb.convert("RGB")
    thumb.info = {}
    out = io.BytesIO()
    thumb.save(out, "JPEG", quality=THUMBNAIL_QUALITY, optimize=True)
    return out.getvalue()


def photo_check(
    upload: IO[bytes] | bytes, *, name: str = "", index: int = 0
) -> CheckedPhoto:
    """Check one upload and prepare what to store; PhotoError names the file."""
    shown = display_name(name or getattr(upload, "name", ""), index)
    data = _read(upload, shown, settings.REPORT_MAX_PHOTO_BYTES)
    original, fmt = _open(data, shown)
    gps = exif_gps(original)
    try:
        upright = ImageOps.exif_transpose(original)
    except (OSError, ValueError, SyntaxError, KeyError, TypeError):
        upright = original.copy()  # unreadable EXIF: keep the pixels as they are
    return CheckedPhoto(
        name=shown,
        content_type=FORMATS[fmt],
        extension=EXTENSIONS[fmt],
        image=_encode(upright.copy(), fmt),
        thumbnail=_thumbnail(upright),
        width=upright.width,
        height=upright.height,
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        gps=gps,
    )


def photos_check(uploads: list[Any]) -> list[CheckedPhoto]:
    """Check every upload (``(name, file)`` pairs or file objects with ``.name``)."""
    checked = []
    for index, upload in enumerate(uploads):
        name, content = upload if isinstance(upload, tuple) else ("", upload)
        checked.append(photo_check(content, name=name, index=index))
    return checked
