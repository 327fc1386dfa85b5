"""Where a browser fetches a photo: the /media/ path, or a signed object-storage URL.

Every page and answer links a photo by its ``/media/`` path (:func:`media_path`),
whatever the storage: the access-checked media view (``web.media``) answers it by
streaming the file, by nginx's ``X-Accel-Redirect``, or, in object storage, by a
redirect to the signed URL of :func:`file_url`. With ``MEDIA_S3_BUCKET`` set the
bucket is private and a photo is read through a signed URL that expires: after
``MEDIA_S3_URL_SECONDS`` (300 by default) for staff, after
``MEDIA_S3_PUBLIC_URL_SECONDS`` (3600) for a photo the public may see. Public photos
are signed too rather than copied under a public-read prefix: one private bucket
and no policy to get wrong, and withdrawing a publication takes effect without
chasing copies (docs/scaling.md). Whoever calls this has already decided that the
reader may see the photo.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.urls import reverse

from routing.models import ReportPhoto

# Photos' storage (``STORAGES["default"]``, config/settings/scaleout.py) when it is
# object storage; named, not imported: boto3 costs every process ~0.1 s to load.
S3_BACKEND = "storages.backends.s3.S3Storage"


def photos_in_object_storage() -> bool:
    """True when photos live in object storage: the media view then redirects to
    ``photo_url`` instead of sending the file."""
    return settings.STORAGES["default"]["BACKEND"] == S3_BACKEND


def media_path(field: FieldFile) -> str:
    """The ``/media/`` path of a stored photo file (an image or a thumbnail)."""
    return reverse("media", kwargs={"path": field.name})


def file_url(field: FieldFile, *, public: bool) -> str:
    """The URL of one stored file (an image or a thumbnail)."""
    if photos_in_object_storage():
        seconds = (
            settings.MEDIA_S3_PUBLIC_URL_SECONDS
            if public
            else settings.MEDIA_S3_URL_SECONDS
        )
        return field.storage.url(field.name, expire=seconds)  # type: ignore[call-arg]
    return field.url


def photo_url(photo: ReportPhoto, *, public: bool, thumbnail: bool = False) -> str:
    """The URL of ``photo`` (or of its thumbnail) for a reader the caller has
    already let see it; ``public`` when that is because the photo is public."""
    return file_url(photo.thumbnail if thumbnail else photo.image, public=public)
