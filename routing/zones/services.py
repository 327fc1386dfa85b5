"""Edit responsibility zones as drafts and publish them, with history and re-routing.

Every write is one transaction and leaves a ZoneHistory row with the acting user.
Published zones are never edited in place: ``zone_draft_start`` makes a draft that
``replaces`` the zone, and ``zones_publish`` swaps it in at one instant.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from shapely.geometry import MultiPolygon

from boundaries.geometry import to_geos_multipolygon
from boundaries.services import EDGE_MAX_VERTICES
from geo.errors import Conflict
from geo.topology import area_m2
from routing.models import (
    Assignment,
    Category,
    Department,
    ResponsibilityZone,
    ZoneHistory,
)
from routing.reports.roles import Actor, acting_user
from routing.zones.bulk import (
    OPEN,
    Impact,
    Selection,
    impact_preview,
    reports_reroute,
)
from routing.zones.lock import zones_lock_exclusive
from routing.zones.state import ZoneState
from routing.zones.topology import zones_topology_check

EDITABLE = ("name", "department", "priority", "categories", "geometry")


class ZoneError(Conflict):
    """A zone edit the zone's state does not allow."""


def zone_edges_rebuild(*, zone_ids: list[int]) -> None:
    """Cut the zones' boundary lines into ZoneEdge pieces (distances to the edge)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM routing_zoneedge WHERE zone_id = ANY(%s)", [zone_ids]
        )
        cursor.execute(
            """
            INSERT INTO routing_zoneedge (zone_id, geom)
            SELECT s.id, (ST_Dump(s.piece)).geom
            FROM (
                SELECT id, ST_Subdivide(ST_Boundary(geom), %s) AS piece
                FROM routing_responsibilityzone WHERE id = ANY(%s)
            ) s
            """,
            [EDGE_MAX_VERTICES, zone_ids],
        )


def _history(
    zone: ResponsibilityZone, action: str, actor: Actor, **fields: Any
) -> ZoneHistory:
    return ZoneHistory.objects.create(
        zone=zone,
        zone_name=zone.name,
        action=action,
        actor=acting_user(actor),
        **fields,
    )


def _require_draft(zone: ResponsibilityZone) -> None:
    if zone.status != ResponsibilityZone.Status.DRAFT:
        raise ZoneError(
            "not_a_draft",
            f"Vùng «{zone.name}» đã ban hành: hãy tạo bản nháp để sửa.",
            f"Zone '{zone.name}' is published: start a draft to change it.",
        )


@transaction.atomic
def zone_draft_create(
    *,
    name: str,
    department: Department,
    categories: Iterable[Category],
    geometry: MultiPolygon,
    priority: int = 0,
    jurisdiction_code: str = "44",
    actor: Actor = None,
) -> ResponsibilityZone:
    """A new draft zone; ``geometry`` must already be valid (geo.geojson does that)."""
    zone = ResponsibilityZone.objects.create(
        name=name,
        department=department,
        geom=to_geos_multipolygon(geometry),
        area_m2=round(area_m2(geometry), 1),
        priority=priority,
        jurisdiction_code=jurisdiction_code,
    )
    zone.categories.set(categories)
    zone_edges_rebuild(zone_ids=[zone.pk])
    _history(zone, ZoneHistory.Action.CREATED, actor, changes=_snapshot(zone))
    return zone


@transaction.atomic
def zone_draft_start(
    *, zone: ResponsibilityZone, actor: Actor = None, retire: bool = False
) -> ResponsibilityZone:
    """A draft copy of a published zone that will replace it (or end it, ``retire``)."""
    if zone.status != ResponsibilityZone.Status.PUBLISHED:
        raise ZoneError(
            "not_published",
            f"Vùng «{zone.name}» chưa ban hành.",
            f"Zone '{zone.name}' is not published.",
        )
    draft = ResponsibilityZone.objects.create(
        name=zone.name,
        department=zone.department,
        geom=zone.geom,
        area_m2=zone.area_m2,
        priority=zone.priority,
        jurisdiction_code=zone.jurisdiction_code,
        replaces=zone,
        retires=retire,
    )
    draft.categories.set(zone.categories.all())
    zone_edges_rebuild(zone_ids=[draft.pk])
    _history(
        draft,
        ZoneHistory.Action.CREATED,
        actor,
        changes={"replaces": zone.pk, "retires": retire},
    )
    return draft


@transaction.atomic
def zone_draft_update(
    *, zone: ResponsibilityZone, actor: Actor = None, **changes: Any
) -> ResponsibilityZone:
    """Change a draft's name, department, priority, categories or geometry."""
    zone = ResponsibilityZone.objects.select_for_update().get(pk=zone.pk)
    _require_draft(zone)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {', '.join(sorted(unknown))}")
    before = _snapshot(zone)
    old_geom = zone.geom if "geometry" in changes else None
    if "geometry" in changes:
        zone.geom = to_geos_multipolygon(changes["geometry"])
        zone.area_m2 = round(area_m2(changes["geometry"]), 1)
    for key in ("name", "department", "priority"):
        if key in changes:
            setattr(zone, key, changes[key])
    zone.save()
    if "geometry" in changes:
        zone_edges_rebuild(zone_ids=[zone.pk])
    if "categories" in changes:
        zone.categories.set(changes["categories"])
    after = _snapshot(zone)
    diff = {
        k: {"old": before[k], "new": after[k]} for k in after if before[k] != after[k]
    }
    _history(zone, ZoneHistory.Action.UPDATED, actor, changes=diff, old_geom=old_geom)
    return zone


@transaction.atomic
def zone_draft_delete(*, zone: ResponsibilityZone, actor: Actor = None) -> None:
    _require_draft(zone)
    _history(zone, ZoneHistory.Action.DELETED, actor, old_geom=zone.geom)
    zone.delete()


def _snapshot(zone: ResponsibilityZone) -> dict[str, Any]:
    return {
        "name": zone.name,
        "department": zone.department.code,
        "priority": zone.priority,
        "categories": sorted(zone.categories.values_list("code", flat=True))
        if zone.pk
        else [],
        "area_m2": zone.area_m2,
    }


def zones_preview(
    *, drafts: Iterable[ResponsibilityZone], at: dt.datetime | None = None
) -> dict[str, Any]:
    """Topology and impact of publishing ``drafts`` now: nothing is written. The
    impact adds, to the moves by department, the units of the reports that would
    move and a sample of them (one routing pass for all three)."""
    state = ZoneState.with_drafts(drafts, at or timezone.now())
    return {
        "topology": zones_topology_check(state=state),
        "impact": impact_preview(state=state, details=True).as_dict(),
    }


@dataclass
class Published:
    at: dt.datetime
    published: list[int] = field(default_factory=list)
    superseded: list[int] = field(default_factory=list)
    retired: list[int] = field(default_factory=list)
    topology: dict[str, Any] = field(default_factory=dict)
    rerouted: Impact = field(default_factory=Impact)


@transaction.atomic
def zones_publish(
    *,
    drafts: Iterable[ResponsibilityZone],
    actor: Actor = None,
    at: dt.datetime | None = None,
) -> Published:
    """Publish drafts at one instant and re-route the open reports they affect,
    each with its timeline event, and tell the departments that receive them.

    Refused, with nothing written, when a draft is not a draft any more, when two
    drafts replace the same zone, or when the topology check finds an invalid zone.
    Gaps and equal-priority overlaps are reported, not refused: the engine's
    tie-break still gives every point one answer.
    """
    zones_lock_exclusive()  # intakes in flight finish first (routing.zones.lock)
    at = at or timezone.now()
    locked = _drafts_lock([d.pk for d in drafts])
    state = ZoneState.with_drafts(locked, at)
    topology = zones_topology_check(state=state)
    if not topology["ok"]:
        raise ZoneError(
            "invalid_zones",
            "Có vùng không hợp lệ; hãy sửa trước khi ban hành.",
            "Some zones are invalid; fix them before publishing.",
            extra={"topology": topology},
        )
    result = Published(at=at, topology=topology)
    _drafts_swap(locked, at=at, actor=actor, result=result)
    user = acting_user(actor)
    result.rerouted = reports_reroute(
        state=ZoneState(at=at),
        selection=Selection(statuses=tuple(OPEN)),
        cause=Assignment.Cause.ZONE_PUBLISH,
        note=f"zones published: {', '.join(map(str, result.published)) or '-'}",
        actor_id=user.pk if user else None,
        near_edge_m=settings.ROUTING_NEAR_EDGE_M,
    )
    return result


def _drafts_lock(ids: list[int]) -> list[ResponsibilityZone]:
    """The drafts' rows, locked; refused unless each is still a draft and no two
    replace the same zone."""
    locked = list(ResponsibilityZone.objects.select_for_update().filter(pk__in=ids))
    if len(locked) != len(set(ids)) or not locked:
        raise ZoneError(
            "unknown_drafts",
            "Một số bản nháp không còn tồn tại.",
            "Some drafts no longer exist.",
        )
    for draft in locked:
        _require_draft(draft)
    replaced = [d.replaces_id for d in locked if d.replaces_id]
    if len(replaced) != len(set(replaced)):
        raise ZoneError(
            "conflicting_drafts",
            "Hai bản nháp cùng thay thế một vùng.",
            "Two drafts replace the same zone.",
        )
    return locked


def _drafts_swap(
    locked: list[ResponsibilityZone],
    *,
    at: dt.datetime,
    actor: Actor,
    result: Published,
) -> None:
    """End the zones the drafts replace at ``at`` and publish the drafts from
    then (a retiring draft is deleted), with history; recorded in ``result``."""
    replaced = [d.replaces_id for d in locked if d.replaces_id]
    old_zones = {
        z.pk: z
        for z in ResponsibilityZone.objects.select_for_update().filter(pk__in=replaced)
    }
    for draft in locked:
        old = old_zones.get(draft.replaces_id) if draft.replaces_id else None
        if old is not None:
            _zone_end(old, draft, at=at, actor=actor, result=result)
        if draft.retires:
            draft.delete()
            continue
        draft.status = ResponsibilityZone.Status.PUBLISHED
        draft.valid_from = at
        draft.save(update_fields=["status", "valid_from", "updated_at"])
        _history(
            draft,
            ZoneHistory.Action.PUBLISHED,
            actor,
            changes={"valid_from": at.isoformat()},
        )
        result.published.append(draft.pk)


def _zone_end(
    old: ResponsibilityZone,
    draft: ResponsibilityZone,
    *,
    at: dt.datetime,
    actor: Actor,
    result: Published,
) -> None:
    """End ``old``, which ``draft`` supersedes or retires, at ``at``."""
    if old.valid_to is not None and old.valid_to <= at:
        raise ZoneError(
            "already_ended",
            f"Vùng «{old.name}» đã hết hiệu lực.",
            f"Zone '{old.name}' has already ended.",
        )
    old.valid_to = at
    old.save(update_fields=["valid_to", "updated_at"])
    action = (
        ZoneHistory.Action.RETIRED if draft.retires else ZoneHistory.Action.SUPERSEDED
    )
    _history(old, action, actor, changes={"valid_to": at.isoformat(), "by": draft.pk})
    (result.retired if draft.retires else result.superseded).append(old.pk)
