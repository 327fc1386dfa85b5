"""Photo files (``/media/…``): served only to whom the publication rule allows.

A photo's image or thumbnail is sent to anyone when the public may see it
(``routing.reports.publication.photo_public``), else only to staff who may see its
report (``routing.reports.access.report_in_scope``); everyone else, and any path
that is not a stored photo, gets a 404, so whether a photo exists cannot be probed.
Only names stored on a photo row are ever served, so a crafted path cannot reach
another file.

With ``MEDIA_ACCEL_REDIRECT`` set (a URL prefix such as ``/protected-media/``) the
answer is an empty response with an ``X-Accel-Redirect`` header and nginx sends the
bytes from an ``internal`` location::

    location /protected-media/ { internal; alias /srv/hientruong/media/; }

Without it Django streams the file (the demo, the tests). When photos live in object
storage (``MEDIA_S3_BUCKET``) the answer is a redirect to a short-lived signed URL
(``routing.reports.photo_urls.file_url``), never cached.
"""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
)
from django.http.response import HttpResponseBase
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_safe

from routing.reports.access import report_in_scope
from routing.reports.photo_urls import file_url, photos_in_object_storage
from routing.reports.publication import photo_public
from routing.reports.selectors import photo_by_file

THUMBNAIL_TYPE = "image/jpeg"
# A public photo may be cached a little; a withdrawn approval takes effect
# within this many seconds in shared caches.
PUBLIC_MAX_AGE = 600


@require_safe
def photo_file(request: HttpRequest, path: str) -> HttpResponseBase:
    """The file of a photo or thumbnail stored under ``path``, or a 404."""
    photo = photo_by_file(path)
    if photo is None:
        raise Http404("No such photo.")
    public = photo_public(photo, photo.report)
    if not public and not report_in_scope(request.user, photo.report):
        raise Http404("No such photo.")
    is_image = photo.image.name == path
    field = photo.image if is_image else photo.thumbnail
    content_type = photo.content_type if is_image else THUMBNAIL_TYPE
    response: HttpResponseBase
    accel = getattr(settings, "MEDIA_ACCEL_REDIRECT", "")
    if photos_in_object_storage():
        response = HttpResponseRedirect(file_url(field, public=public))
        patch_cache_control(response, private=True, no_store=True)
        patch_vary_headers(response, ["Cookie"])
        return response
    if accel:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = accel.rstrip("/") + "/" + quote(field.name)
    else:
        if not field.storage.exists(field.name):
            raise Http404("No such photo.")
        response = FileResponse(field.open("rb"), content_type=content_type)
    if public:
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    else:
        patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ["Cookie"])
    return response
