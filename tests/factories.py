"""factory_boy factories and geometry helpers for tests."""

import datetime as dt

import factory
from django.contrib.gis.geos import MultiPolygon, Polygon

from boundaries.geometry import to_shapely
from boundaries.models import AdminUnit, BoundarySet
from boundaries.services import boundary_set_activate, unit_parts_rebuild
from geo.topology import area_m2


def square(min_lon: float, min_lat: float, size: float) -> MultiPolygon:
    """An axis-aligned square in EPSG:4326, as a MultiPolygon."""
    box = Polygon.from_bbox((min_lon, min_lat, min_lon + size, min_lat + size))
    return MultiPolygon(box, srid=4326)


class BoundarySetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BoundarySet

    slug = factory.Sequence(lambda n: f"test-set-{n}")
    name = factory.Sequence(lambda n: f"Test set {n}")
    # Not "44": the real fixture sets own that jurisdiction for 2013 onwards.
    jurisdiction_code = "98"
    valid_from = dt.date(2000, 1, 1)
    valid_to = None


class AdminUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdminUnit

    boundary_set = factory.SubFactory(BoundarySetFactory)
    code = factory.Sequence(lambda n: f"{90000 + n}")
    name = factory.Sequence(lambda n: f"Phường Thử {n}")
    name_ascii = factory.Sequence(lambda n: f"Phuong Thu {n}")
    level = "ward"
    geom = factory.LazyFunction(lambda: square(106.0, 17.0, 0.01))
    area_m2 = factory.LazyAttribute(lambda unit: area_m2(to_shapely(unit.geom)))


def active_set_with(units: list[dict], **set_fields) -> BoundarySet:
    """An active set holding the given units (dicts of AdminUnit fields), pieces built."""
    boundary_set = BoundarySetFactory(**set_fields)
    for fields in units:
        AdminUnitFactory(boundary_set=boundary_set, **fields)
    unit_parts_rebuild(boundary_set=boundary_set)
    return boundary_set_activate(boundary_set=boundary_set)
