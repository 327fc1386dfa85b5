"""Per-address request buckets for the API's public views (DRF throttles), counted
per minute through ``routing.reports.throttle.minute_throttle``: each endpoint
family has a bucket of its own, so the place search's typing does not use up the
budget for reports."""

from __future__ import annotations

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from config.client_ip import client_ip
from routing.reports.throttle import minute_throttle


class MinuteBucketThrottle(BaseThrottle):
    """A per-address bucket of its own, counted per minute: ``bucket`` names it,
    ``rate_setting`` its limit."""

    bucket = ""
    rate_setting = ""

    def allow_request(self, request: Request, view: object) -> bool:
        minute_throttle(
            self.bucket,
            getattr(settings, self.rate_setting),
            user=request.user,
            client_ip=client_ip(request),
        )
        return True
