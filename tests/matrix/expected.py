"""What every role gets from every URL: the expected side of the matrix.

One entry per URL pattern, keyed by the pattern as the resolver spells it (the
prefixes of the includes joined, e.g. ``api/v1/reports/<str:code>/events``). An
entry names the paths to call (placeholders from ``tests.matrix.world``: a report
by ``{named}``, ``{anonymous}``, ``{open311}``, a zone ``{zone}``, a unit ``{unit}``,
a photo file ``{photo}``) and, per method, the outcome for each role. Writes are
called with an empty body: a role the policy refuses must be refused (401/403, or
a 404 for a report outside its scope) before the body is read, and a role it
allows gets the body's refusal (400).

Adding a URL is one line here, e.g.::

    "api/v1/reports/<str:code>/info": Url(REPORT, post=report_scoped(INVALID)),

Admin URLs are covered by rules over their prefix (``ADMIN_PAGES`` for the site's
own pages, ``ADMIN_MODELS`` for each ModelAdmin, sampled on its changelist, add,
change, delete and history pages).
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.matrix.world import (
    ADMIN,
    ANONYMOUS,
    CITIZEN,
    IOC,
    OFFICER,
    OFFICER_OUT,
    PLANNER,
    PUBLIC,
    ROLES,
    ROUTING,
    STAFF,
    UNIT,
)

# Outcome classes of a response.
OK = "2xx"
REDIRECT = "3xx"
SIGN_IN = "3xx to sign-in"
REFUSED = "401/403"
NOT_FOUND = "404"
INVALID = "400"
NO_METHOD = "405"

Rule = dict[str, str]


def rule(default: str, **by_role: str) -> Rule:
    """``default`` for every role, except those named."""
    unknown = set(by_role) - set(ROLES)
    assert not unknown, f"unknown roles {unknown}"
    return {role: by_role.get(role, default) for role in ROLES}


def anyone(outcome: str) -> Rule:
    return rule(outcome)


def staff_only(outcome: str) -> Rule:
    """Any staff role; the public is refused."""
    return rule(outcome, **dict.fromkeys(PUBLIC, REFUSED))


def report_scoped(outcome: str) -> Rule:
    """Staff who see the report (the operations centre, admins, its department's
    and its unit's officers); other staff find no such report (404, as for an
    unknown code, so codes cannot be probed); the public is refused."""
    return rule(
        outcome,
        **dict.fromkeys(PUBLIC, REFUSED),
        **dict.fromkeys((OFFICER_OUT, ROUTING, PLANNER), NOT_FOUND),
    )


def only(roles: tuple[str, ...], outcome: str, *, public: str = REFUSED) -> Rule:
    """``roles`` get ``outcome``; other staff are refused; the public gets
    ``public`` (refused by the API, sent to sign in by the pages)."""
    return rule(
        REFUSED, **dict.fromkeys(PUBLIC, public), **dict.fromkeys(roles, outcome)
    )


QUEUE = (IOC, OFFICER, OFFICER_OUT, UNIT, ADMIN)
ZONE_EDITORS = (ROUTING, ADMIN)
ANALYTICS = (PLANNER, IOC, ADMIN)
DESK = (IOC, ADMIN)  # the operations centre's intake desk
REVIEWERS = (IOC, ADMIN)  # who decide publication (the moderation queue)
SIGNED_IN = rule(REDIRECT, **dict.fromkeys(PUBLIC, OK))

# The report pages: every report, for a page that shows one.
REPORT = ("{named}", "{anonymous}", "{open311}")


@dataclass(frozen=True)
class Url:
    """Paths (``{…}`` placeholders, a ``?query`` allowed) and the outcome per role
    of each method called; ``form``: bodies are form-encoded (Open311)."""

    paths: tuple[str, ...] | str
    get: Rule | None = None
    post: Rule | None = None
    patch: Rule | None = None
    delete: Rule | None = None
    form: bool = False

    def calls(self) -> list[tuple[str, str, Rule]]:
        paths = (self.paths,) if isinstance(self.paths, str) else self.paths
        methods = {
            "GET": self.get,
            "POST": self.post,
            "PATCH": self.patch,
            "DELETE": self.delete,
        }
        return [
            (method, path, expected)
            for path in paths
            for method, expected in methods.items()
            if expected is not None
        ]


def reports(suffix: str = "") -> tuple[str, ...]:
    return tuple(f"/api/v1/reports/{code}{suffix}" for code in REPORT)


POINT = "lon=106.6155&lat=17.4689"
OPEN311 = "/open311/v2/"

# One line per URL pattern: the table reads across.
# fmt: off
MATRIX: dict[str, Url] = {
    "healthz": Url("/healthz", get=anyone(OK)),
    # Boundaries and routing: public reads.
    "api/v1/boundaries/lookup": Url(f"/api/v1/boundaries/lookup?{POINT}", get=anyone(OK)),
    "api/v1/boundaries/sets": Url("/api/v1/boundaries/sets", get=anyone(OK)),
    "api/v1/boundaries/units": Url("/api/v1/boundaries/units?level=commune", get=anyone(OK)),
    "api/v1/boundaries/units/<str:code>": Url("/api/v1/boundaries/units/{unit}", get=anyone(OK)),
    "api/v1/places/search": Url("/api/v1/places/search?q=dong%20hai", get=anyone(OK)),
    "api/v1/public/scorecards": Url("/api/v1/public/scorecards?from=2025-01&to=2025-12", get=anyone(OK), post=anyone(NO_METHOD)),
    "api/v1/places/reverse": Url(f"/api/v1/places/reverse?{POINT}", get=anyone(OK)),
    "api/v1/routing/explain": Url(f"/api/v1/routing/explain?{POINT}&category=VSMT", get=anyone(OK)),
    # Zones: anyone reads, routing officers and admins write.
    "api/v1/^zones/?$": Url("/api/v1/zones", get=anyone(OK), post=only(ZONE_EDITORS, INVALID)),
    "api/v1/zones/validate": Url("/api/v1/zones/validate", post=only(ZONE_EDITORS, INVALID)),
    "api/v1/zones/preview": Url("/api/v1/zones/preview", post=only(ZONE_EDITORS, INVALID)),
    "api/v1/zones/publish": Url("/api/v1/zones/publish", post=only(ZONE_EDITORS, INVALID)),
    "api/v1/zones/<int:pk>": Url("/api/v1/zones/{zone}", get=anyone(OK), patch=only(ZONE_EDITORS, INVALID)),
    "api/v1/zones/<int:pk>/draft": Url("/api/v1/zones/{zone}/draft", post=only(ZONE_EDITORS, OK)),
    "api/v1/zones/<int:pk>/history": Url("/api/v1/zones/{zone}/history", get=anyone(OK)),
    # Reports: submitting and tracking are public; the rest is staff's, scoped.
    "api/v1/reports/": Url("/api/v1/reports/", get=staff_only(OK), post=anyone(INVALID)),
    "api/v1/reports/nearby": Url(f"/api/v1/reports/nearby?{POINT}&category=VSMT", get=anyone(OK)),
    "api/v1/reports/track": Url(tuple(f"/api/v1/reports/track?code={c}" for c in REPORT), get=anyone(OK)),
    "api/v1/reports/track/<str:code>": Url(tuple(f"/api/v1/reports/track/{c}" for c in REPORT), get=anyone(OK)),
    "api/v1/reports/<str:code>": Url(reports(), get=report_scoped(OK)),
    "api/v1/reports/<str:code>/photos": Url(reports("/photos"), get=anyone(OK)),
    # The reporter's actions need the receipt secret (the citizen role holds the named
    # report's): without it, refused before the body is read.
    "api/v1/reports/track/<str:code>/rating": Url("/api/v1/reports/track/{named}/rating", post=rule(REFUSED, **{CITIZEN: INVALID})),
    "api/v1/reports/track/<str:code>/info": Url("/api/v1/reports/track/{named}/info", post=rule(REFUSED, **{CITIZEN: INVALID})),
    # Publication review: the operations centre and admins.
    "api/v1/reports/<str:code>/publication": Url(reports("/publication"), get=report_scoped(REFUSED) | {IOC: OK, ADMIN: OK}, post=report_scoped(REFUSED) | {IOC: INVALID, ADMIN: INVALID}),
    "api/v1/reports/<str:code>/transitions": Url(reports("/transitions"), post=report_scoped(INVALID)),
    "api/v1/reports/<str:code>/events": Url(reports("/events"), get=report_scoped(OK)),
    "api/v1/reports/<str:code>/comments": Url(reports("/comments"), post=report_scoped(INVALID)),
    "api/v1/reports/<str:code>/reassign": Url(reports("/reassign"), post=report_scoped(INVALID)),
    "api/v1/reports/<str:code>/location": Url(reports("/location"), post=report_scoped(INVALID)),
    "api/v1/reports/<str:code>/category": Url(reports("/category"), post=report_scoped(INVALID)),
    "api/v1/reports/<str:code>/merge": Url(reports("/merge"), post=report_scoped(INVALID)),
    # Verified citizens: anyone asks for a code or sends one (an empty body is a 400);
    # the session, "my reports" and "me too" need a verified citizen's session or
    # bearer token (the citizen role holds a session; staff accounts are not one).
    "api/v1/otp/": Url("/api/v1/otp/", post=anyone(INVALID)),
    "api/v1/otp/verify": Url("/api/v1/otp/verify", post=anyone(INVALID)),
    "api/v1/otp/session": Url("/api/v1/otp/session", get=rule(REFUSED, **{CITIZEN: OK}), delete=rule(REFUSED, **{CITIZEN: OK})),
    "api/v1/me/reports": Url("/api/v1/me/reports", get=rule(REFUSED, **{CITIZEN: OK})),
    "api/v1/reports/<str:code>/follow": Url("/api/v1/reports/{anonymous}/follow", post=rule(REFUSED, **{CITIZEN: OK}), delete=rule(REFUSED, **{CITIZEN: OK})),
    # Analytics and tiles: planners, the operations centre and admins.
    "api/v1/public/reports": Url(("/api/v1/public/reports", "/api/v1/public/reports?status=open&page_size=100"), get=anyone(OK)),
    "api/v1/public/clusters": Url("/api/v1/public/clusters?bbox=106.55,17.40,106.70,17.55&zoom=12", get=anyone(OK)),
    "api/v1/analytics/clusters": Url("/api/v1/analytics/clusters?bbox=106.55,17.40,106.70,17.55&zoom=12", get=only(ANALYTICS, OK)),
    "api/v1/analytics/heatmap": Url("/api/v1/analytics/heatmap?bbox=106.55,17.40,106.70,17.55&zoom=12", get=only(ANALYTICS, OK)),
    "api/v1/analytics/hotspots": Url("/api/v1/analytics/hotspots", get=only(ANALYTICS, OK)),
    "api/v1/analytics/stats": Url("/api/v1/analytics/stats", get=only(ANALYTICS, OK)),
    "api/v1/analytics/^export\\.(?P<fmt>csv|geojson|gpkg)$": Url(("/api/v1/analytics/export.csv", "/api/v1/analytics/export.geojson", "/api/v1/analytics/export.gpkg"), get=only(ANALYTICS, OK)),
    "tiles/reports/<int:z>/<int:x>/<int:y>.mvt": Url("/tiles/reports/12/3261/1823.mvt", get=only(ANALYTICS, OK)),
    # SMS delivery receipts: the gateway's, trusted by their HMAC signature only
    # (an empty body is unsigned: refused for every role).
    "api/v1/sms/receipts": Url("/api/v1/sms/receipts", post=anyone(REFUSED)),
    "api/v1/schema": Url("/api/v1/schema", get=anyone(OK)),
    "api/v1/docs": Url("/api/v1/docs", get=anyone(OK)),
    # Open311: reads open; a partner's key to post.
    "open311/v2/^discovery\\.(?P<format>json|xml)$": Url(f"{OPEN311}discovery.json", get=anyone(OK)),
    "open311/v2/^services\\.(?P<format>json|xml)$": Url(f"{OPEN311}services.json", get=anyone(OK)),
    "open311/v2/^services/(?P<service_code>[^/]+?)\\.(?P<format>json|xml)$": Url(f"{OPEN311}services/VSMT.json", get=anyone(OK)),
    "open311/v2/^requests\\.(?P<format>json|xml)$": Url(f"{OPEN311}requests.json", get=anyone(OK), post=rule(INVALID, **dict.fromkeys((ANONYMOUS, CITIZEN, *STAFF), REFUSED)), form=True),
    "open311/v2/^requests/(?P<service_request_id>[^/]+?)\\.(?P<format>json|xml)$": Url(tuple(f"{OPEN311}requests/{c}.json" for c in REPORT), get=anyone(OK)),
    "open311/v2/^tokens/(?P<token>[^/]+?)\\.(?P<format>json|xml)$": Url(f"{OPEN311}tokens/no-such-token.json", get=anyone(NOT_FOUND)),
    "open311/v2/^servicerequestupdates\\.(?P<format>json|xml)$": Url(f"{OPEN311}servicerequestupdates.json", get=anyone(OK)),
    "open311/v2/^(?P<rest>.*)$": Url(f"{OPEN311}nothing-here.json", get=anyone(NOT_FOUND)),
    # Photos as files (the EXIF-free copies): this one is not public (its report
    # awaits review), so only staff who see the report get it; for others it is not
    # there.
    "^media/(?P<path>.+)$": Url("/media/{photo}", get=report_scoped(OK) | dict.fromkeys(PUBLIC, NOT_FOUND)),
    # Prometheus: decided by the network, not the role (the test client is loopback;
    # tests/deploy check that other addresses and proxied requests get 404).
    "metrics": Url("/metrics", get=anyone(OK)),
    "i18n/setlang/": Url("/i18n/setlang/", post=anyone(REDIRECT)),
    # Pages.
    "": Url("/", get=anyone(OK)),
    "r/": Url("/r/", get=anyone(OK)),
    "ket-qua/xep-hang": Url("/ket-qua/xep-hang?from=2025-01&to=2025-12", get=anyone(OK), post=anyone(NO_METHOD)),
    "r/mine": Url("/r/mine", get=anyone(OK), post=anyone(INVALID)),
    "r/email/<str:token>": Url("/r/email/not-a-signed-token", get=anyone(INVALID), post=anyone(INVALID)),
    "r/<str:code>": Url(tuple(f"/r/{c}" for c in REPORT), get=anyone(OK)),
    # The public results portal (web.portal): anyone, the same page for all.
    "ket-qua/": Url("/ket-qua/", get=anyone(OK)),
    "ket-qua/danh-sach": Url(("/ket-qua/danh-sach", "/ket-qua/danh-sach?status=open&category=VSMT"), get=anyone(OK)),
    "ket-qua/feed.atom": Url(("/ket-qua/feed.atom", "/ket-qua/feed.atom?category=VSMT"), get=anyone(OK)),
    "ket-qua/ngon-ngu": Url("/ket-qua/ngon-ngu", get=anyone(NO_METHOD), post=anyone(REDIRECT)),
    "ket-qua/<str:code>": Url(tuple(f"/ket-qua/{c}" for c in REPORT), get=anyone(OK)),
    "jsi18n/": Url("/jsi18n/", get=anyone(OK)),
    # The demo's SMS inbox exists only in demo mode (tests/web/test_demo_sms.py).
    "demo/sms/": Url("/demo/sms/", get=anyone(NOT_FOUND)),
    "ops/login": Url("/ops/login", get=SIGNED_IN, post=SIGNED_IN),
    "ops/logout": Url("/ops/logout", post=anyone(REDIRECT)),
    "ops/home": Url("/ops/home", get=anyone(REDIRECT)),
    "ops/zones/": Url("/ops/zones/", get=only(ZONE_EDITORS, OK, public=SIGN_IN)),
    "ops/": Url("/ops/", get=only(QUEUE, OK, public=SIGN_IN)),
    "ops/intake": Url("/ops/intake", get=only(DESK, OK, public=SIGN_IN), post=only(DESK, INVALID, public=SIGN_IN)),
    "ops/intake/caller": Url("/ops/intake/caller", get=anyone(NO_METHOD), post=only(DESK, OK)),
    "ops/moderation": Url("/ops/moderation", get=only(REVIEWERS, OK, public=SIGN_IN), post=only(REVIEWERS, INVALID, public=SIGN_IN)),
    "ops/r/<str:code>": Url(tuple(f"/ops/r/{c}" for c in REPORT), get=only(QUEUE, OK, public=SIGN_IN) | {OFFICER_OUT: NOT_FOUND}),
    "plan/": Url("/plan/", get=only(ANALYTICS, OK, public=SIGN_IN)),
    # The pilot evaluation report: planners (and leaders, who get planner accounts),
    # the operations centre and admins; a bad period is a 400 for them.
    "plan/evaluation/": Url(("/plan/evaluation/", "/plan/evaluation/?format=xlsx"), get=only(ANALYTICS, OK, public=SIGN_IN)),
}
# fmt: on

# --- the admin ---------------------------------------------------------------------

ADMIN_USERS = (IOC, ADMIN)
# The site's own pages: only the operations centre and admins get in; everyone
# else is sent to the admin's sign-in (which refuses them too).
# fmt: off
ADMIN_PAGES: dict[str, Url] = {
    "admin/": Url("/admin/", get=only(ADMIN_USERS, OK, public=SIGN_IN) | dict.fromkeys((OFFICER, OFFICER_OUT, UNIT, ROUTING, PLANNER), SIGN_IN)),
    "admin/login/": Url("/admin/login/", get=rule(OK, **{IOC: REDIRECT, ADMIN: REDIRECT}), post=anyone(OK)),
    "admin/logout/": Url("/admin/logout/", post=anyone(REDIRECT)),
    "admin/password_change/": Url("/admin/password_change/", get=rule(SIGN_IN, **{IOC: OK, ADMIN: OK})),
    "admin/password_change/done/": Url("/admin/password_change/done/", get=rule(SIGN_IN, **{IOC: OK, ADMIN: OK})),
    "admin/autocomplete/": Url("/admin/autocomplete/?app_label=routing&model_name=defaultdepartment&field_name=department&term=m", get=rule(SIGN_IN, **{IOC: OK, ADMIN: OK})),
    "admin/jsi18n/": Url("/admin/jsi18n/", get=rule(SIGN_IN, **{IOC: OK, ADMIN: OK})),
    "admin/r/<path:content_type_id>/<path:object_id>/": Url("/admin/r/1/1/", get=rule(SIGN_IN, **{IOC: NOT_FOUND, ADMIN: NOT_FOUND})),
    "admin/^(?P<app_label>auth|axes|boundaries|routing|api)/$": Url("/admin/routing/", get=rule(SIGN_IN, **{IOC: OK, ADMIN: OK})),
    "admin/auth/user/<id>/password/": Url("/admin/auth/user/{planner_user}/password/", get=rule(SIGN_IN, **{IOC: REFUSED, ADMIN: OK})),
    "admin/boundaries/boundaryset/import/": Url("/admin/boundaries/boundaryset/import/", get=rule(SIGN_IN, **{IOC: REFUSED, ADMIN: OK}), post=rule(SIGN_IN, **{IOC: REFUSED, ADMIN: OK})),
    "admin/(?P<url>.*)$": Url("/admin/no-such-page/", get=rule(SIGN_IN, **{IOC: NOT_FOUND, ADMIN: NOT_FOUND})),
}
# fmt: on

# What each ModelAdmin itself allows (an admin may do all of it; the operations
# centre only views, and only the models the policy names): v view, a add,
# c change, d delete (of the sampled object).
ADMIN_MODELS: dict[str, str] = {
    "routing.department": "vacd",
    "routing.category": "vacd",
    "routing.defaultdepartment": "vacd",
    "routing.responsibilityzone": "v",  # drafts are edited in /ops/zones/
    "routing.report": "v",  # read-only records
    "boundaries.boundaryset": "vac",  # an active set is retired, not deleted
    "boundaries.adminunit": "vac",  # a unit of an active set stays
    "boundaries.unitsuccession": "v",
    "boundaries.boundaryimport": "v",
    "boundaries.jurisdiction": "vac",  # one whose code sets carry is not deleted
    "api.apikey": "vacd",
    "api.serviceattribute": "vacd",
    "api.requestattributevalue": "vd",  # answers come with requests
    # Sign-in failures and lockouts (django-axes): deleting a row unlocks.
    "axes.accessattempt": "vd",
    "axes.accessfailurelog": "vd",
    "axes.accesslog": "vd",
    "auth.user": "vacd",
    "auth.group": "vacd",
}
# The pages of a ModelAdmin the matrix opens, and the right each needs.
ADMIN_MODEL_PAGES = {
    "": "v",
    "add/": "a",
    "{pk}/change/": "v",
    "{pk}/delete/": "d",
    "{pk}/history/": "v",
}
# URL patterns every ModelAdmin has (the sample above covers them).
MODEL_ADMIN_PATTERNS = (
    "",
    "add/",
    "<path:object_id>/history/",
    "<path:object_id>/delete/",
    "<path:object_id>/change/",
    "<path:object_id>/",
)
