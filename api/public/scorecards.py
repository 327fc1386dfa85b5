"""``GET /api/v1/public/scorecards?from=YYYY-MM&to=YYYY-MM&level=unit|department``:
the public scorecards (``analytics.scorecards``: received, resolved, on-time rate,
median time to resolve, satisfaction, reopen rate) per unit or per department for
whole local months, ranked by on-time rate.

Anonymous and the same for every visitor: no session is read, the answer is kept in
the shared public cache (``config.public_cache``: ETag, Cache-Control, 304), and the
requests that reach the database are throttled per client address in a bucket of
their own (``SCORECARD_RATE_PER_IP_MINUTE``).
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from analytics.scorecards import (
    DEFAULT_MONTHS,
    LEVELS,
    MAX_MONTHS,
    level_parse,
    period_parse,
    scorecards,
)
from api.throttles import MinuteBucketThrottle


class ScorecardThrottle(MinuteBucketThrottle):
    bucket, rate_setting = "public-scorecards", "SCORECARD_RATE_PER_IP_MINUTE"


class ScorecardsApi(APIView):
    """Scorecards per unit (ward, commune; former units with one successor counted
    as today's unit) or per department, for whole months of the reports' local
    reporting month. Rates whose denominator is under ``min_count`` are null; the
    median is read from time buckets, within ``max_relative_error``."""

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]
    throttle_classes = [ScorecardThrottle]

    @extend_schema(
        operation_id="public_scorecards",
        parameters=[
            OpenApiParameter(
                "from",
                OpenApiTypes.STR,
                description="First month, YYYY-MM (default: "
                f"{DEFAULT_MONTHS} whole months before 'to').",
            ),
            OpenApiParameter(
                "to",
                OpenApiTypes.STR,
                description="Last month, YYYY-MM, included (default: last whole "
                f"month). At most {MAX_MONTHS} months in all.",
            ),
            OpenApiParameter(
                "level",
                OpenApiTypes.STR,
                enum=list(LEVELS),
                description="unit (default) or department.",
            ),
        ],
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT},
        auth=[],
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        period = period_parse(params.get("from"), params.get("to"))
        level = level_parse(params.get("level"))
        return Response(scorecards(period=period, level=level))
