"""What the zone editor's scripts need to know: the API's addresses, the departments
and categories to choose from (named in the page's language, with a colour each), the
wards and communes in force (to start a shape from one), and the labels of zone
statuses, history actions and changed fields.

Departments are coloured so that the map tells them apart: the agencies (utilities,
police, offices…) take the palette in code order, the People's Committees after them.
The department picker offers the agencies and the committees of the units in force
today (a committee of a merged ward no longer takes reports); every active
department is named, for the impact preview's from → to lines.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from boundaries.models import AdminUnit
from boundaries.selectors import boundary_sets_select
from routing.models import (
    DefaultDepartment,
    Department,
    ResponsibilityZone,
    ZoneHistory,
)
from routing.zones import limits
from web.i18n import page_in_english
from web.maps import UNIT_LEVELS, map_config
from web.views import category_choices

# Twelve colours far enough apart on the map, each dark enough for a 3:1 outline
# against the pale unit fill; no red or amber, which mark overlaps and gaps.
PALETTE = (
    "#1d4ed8",
    "#15803d",
    "#7c3aed",
    "#0e7490",
    "#be185d",
    "#4d7c0f",
    "#475569",
    "#0369a1",
    "#86198f",
    "#0f766e",
    "#6d28d9",
    "#3f6212",
)

ZONE_STATUS = {
    ResponsibilityZone.Status.PUBLISHED: pgettext_lazy("zone status", "Published"),
    ResponsibilityZone.Status.DRAFT: pgettext_lazy("zone status", "Draft"),
}

HISTORY_ACTION = {
    ZoneHistory.Action.CREATED: pgettext_lazy("zone history", "Created"),
    ZoneHistory.Action.UPDATED: pgettext_lazy("zone history", "Changed"),
    ZoneHistory.Action.PUBLISHED: pgettext_lazy("zone history", "Published"),
    ZoneHistory.Action.SUPERSEDED: pgettext_lazy(
        "zone history", "Replaced by a new version"
    ),
    ZoneHistory.Action.RETIRED: pgettext_lazy("zone history", "Ended"),
    ZoneHistory.Action.DELETED: pgettext_lazy("zone history", "Draft deleted"),
}

FIELD = {
    "name": pgettext_lazy("zone", "Name"),
    "department": _("Department"),
    "categories": _("Categories"),
    "priority": _("Priority"),
    "area_m2": _("Area"),
    "valid_from": _("In force from"),
    "valid_to": _("In force until"),
    "replaces": _("Replaces zone"),
    "retires": _("Ends the zone"),
    "by": _("Replaced by zone"),
}

# A zone id no zone has, replaced by the script with the real one.
ID_PLACEHOLDER = 2147483647


def _zone_url(name: str) -> str:
    return reverse(name, kwargs={"pk": ID_PLACEHOLDER}).replace(
        str(ID_PLACEHOLDER), "{id}"
    )


def _units_in_force() -> QuerySet[AdminUnit]:
    """The wards, communes and special zones of the boundary sets in force today."""
    sets = boundary_sets_select(slug=None, day=timezone.localdate())
    return AdminUnit.objects.filter(boundary_set__in=sets, level__in=UNIT_LEVELS)


def _committees_in_force() -> set[int]:
    """Ids of the People's Committees of the units in force today."""
    units = _units_in_force().values("id")
    return set(
        DefaultDepartment.objects.filter(unit__in=units).values_list(
            "department_id", flat=True
        )
    )


def unit_choices() -> list[dict[str, str]]:
    """The units in force today (code and name; the page sorts them by name in
    Vietnamese order), whose whole area the editor can add to a shape."""
    return [
        {"code": code, "name": name}
        for code, name in _units_in_force().order_by("code").values_list("code", "name")
    ]


def department_choices() -> list[dict[str, Any]]:
    """Every active department: code, name, kind, colour and whether the picker
    offers it; agencies first, then People's Committees, each in code order."""
    english = page_in_english()
    committee = Department.Kind.UNIT_COMMITTEE
    in_force = _committees_in_force()
    departments = sorted(
        Department.objects.filter(active=True).only(
            "id", "code", "name_vi", "name_en", "kind"
        ),
        key=lambda d: (d.kind == committee, d.code),
    )
    return [
        {
            "code": d.code,
            "name": d.name_en if english else d.name_vi,
            "committee": d.kind == committee,
            "pickable": d.kind != committee or d.pk in in_force,
            "colour": PALETTE[index % len(PALETTE)],
        }
        for index, d in enumerate(departments)
    ]


def editor_config() -> dict[str, Any]:
    """The page configuration of ``/ops/zones/`` (read by ``static/web/js/zones.js``)."""
    return {
        "map": map_config(),
        "urls": {
            "zones": reverse("zones"),
            "places": reverse("places-search"),
            "zone": _zone_url("zone"),
            "draft": _zone_url("zone-draft-start"),
            "history": _zone_url("zone-history"),
            "validate": reverse("zones-validate"),
            "preview": reverse("zones-preview"),
            "publish": reverse("zones-publish"),
            "track": reverse("web:track", kwargs={"code": "CODE"}).replace(
                "CODE", "{code}"
            ),
            "unit": reverse("boundary-unit", kwargs={"code": "CODE"}).replace(
                "CODE", "{code}"
            ),
        },
        "departments": department_choices(),
        "units": unit_choices(),
        "categories": category_choices(),
        "statuses": {code: str(label) for code, label in ZONE_STATUS.items()},
        "actions": {code: str(label) for code, label in HISTORY_ACTION.items()},
        "fields": {code: str(label) for code, label in FIELD.items()},
        "limits": {
            "priority_min": limits.PRIORITY_MIN,
            "priority_max": limits.PRIORITY_MAX,
            "name_max": limits.NAME_MAX_LENGTH,
        },
    }
