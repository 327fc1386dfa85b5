"""Pure geometry helpers: polygon repair (geo.repair) and sibling topology (geo.topology).

Topology areas are checked on squares laid out in UTM 48N metres near Đồng Hới, so
the expected areas can be computed by hand, then projected to EPSG:4326 as the
importer would hand them over.
"""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from shapely.geometry import (
    GeometryCollection,
    LineString,
    MultiPolygon,
    Point,
    Polygon,
    box,
)

from geo import topology
from geo.errors import GeoInputError
from geo.projections import UTM_48N, WGS84, to_utm, transformer
from geo.repair import repair_polygonal

# South-west corner of the test squares, in UTM 48N metres (Đồng Hới, 106.6 E 17.47 N).
X0, Y0 = to_utm(106.6, 17.47)


def metric_box(x: float, y: float, w: float, h: float) -> Polygon:
    """A w × h metre rectangle whose south-west corner is (X0 + x, Y0 + y), in 4326."""
    to_lonlat = transformer(UTM_48N, WGS84)
    return shapely.transform(
        box(X0 + x, Y0 + y, X0 + x + w, Y0 + y + h),
        lambda xy: np.column_stack(to_lonlat.transform(xy[:, 0], xy[:, 1])),
    )


# --- repair ---------------------------------------------------------------------


def test_bow_tie_is_split_into_two_valid_triangles():
    """A self-intersecting bow-tie becomes a valid two-part MultiPolygon, and says so."""
    bow_tie = Polygon([(0, 0), (2, 2), (2, 0), (0, 2), (0, 0)])
    assert not bow_tie.is_valid

    result = repair_polygonal(bow_tie, "row 1")

    assert isinstance(result.geometry, MultiPolygon)
    assert result.geometry.is_valid
    assert len(result.geometry.geoms) == 2
    assert result.geometry.area == pytest.approx(2.0)
    assert any(r.startswith("made valid: Self-intersection") for r in result.repairs)


def test_valid_polygon_is_wrapped_without_repairs():
    """A valid Polygon comes back as a one-part MultiPolygon with no repairs listed."""
    result = repair_polygonal(box(0, 0, 1, 1))

    assert isinstance(result.geometry, MultiPolygon)
    assert result.geometry.equals(box(0, 0, 1, 1))
    assert result.repairs == []


@pytest.mark.parametrize("geom", [None, Polygon(), MultiPolygon()])
def test_empty_geometry_is_refused(geom):
    """A missing or empty geometry is refused with code 'empty_geometry'."""
    with pytest.raises(GeoInputError, match=r"empty \(row 7\)") as info:
        repair_polygonal(geom, "row 7")
    assert info.value.code == "empty_geometry"


@pytest.mark.parametrize(
    "geom", [Point(106.6, 17.47), LineString([(0, 0), (1, 1)])], ids=["point", "line"]
)
def test_non_polygonal_geometry_is_refused(geom):
    """A point or a line is refused with code 'not_polygonal', naming its type."""
    with pytest.raises(GeoInputError, match=geom.geom_type) as info:
        repair_polygonal(geom)
    assert info.value.code == "not_polygonal"


def test_z_coordinates_are_dropped():
    """Z coordinates are dropped and the repair is listed."""
    with_z = Polygon([(0, 0, 5), (1, 0, 5), (1, 1, 6), (0, 1, 6), (0, 0, 5)])

    result = repair_polygonal(with_z)

    assert not shapely.has_z(result.geometry)
    assert result.geometry.equals(box(0, 0, 1, 1))
    assert result.repairs == ["dropped Z coordinates"]


def test_polygon_with_no_area_is_refused():
    """A polygon that collapses to a line when repaired is refused as degenerate."""
    flat = Polygon([(0, 0), (1, 0), (2, 0), (0, 0)])

    with pytest.raises(GeoInputError) as info:
        repair_polygonal(flat)
    assert info.value.code == "degenerate_geometry"


def test_lines_in_a_collection_are_dropped():
    """Lines mixed into a GeometryCollection are dropped and the repair is listed."""
    mixed = GeometryCollection([box(0, 0, 1, 1), LineString([(2, 2), (3, 3)])])

    result = repair_polygonal(mixed)

    assert result.geometry.equals(box(0, 0, 1, 1))
    assert any("dropped non-polygonal" in r for r in result.repairs)


def test_parts_sharing_an_edge_are_dissolved():
    """MultiPolygon parts sharing an edge are dissolved into one valid polygon."""
    halves = MultiPolygon([box(0, 0, 1, 1), box(1, 0, 2, 1)])
    assert not halves.is_valid

    result = repair_polygonal(halves)

    assert result.geometry.is_valid
    assert len(result.geometry.geoms) == 1
    assert result.geometry.area == pytest.approx(2.0)
    assert result.repairs


# --- topology -------------------------------------------------------------------


def test_area_in_square_metres():
    """area_m2 of a 1 km square built in UTM 48N is 1,000,000 m² within 1%."""
    assert topology.area_m2(metric_box(0, 0, 1000, 1000)) == pytest.approx(
        1_000_000, rel=0.01
    )


def test_overlap_of_two_squares():
    """Two 1 km squares shifted by 800 m east overlap by 200 m × 1 km = 200,000 m²."""
    a = metric_box(0, 0, 1000, 1000)
    b = metric_box(800, 0, 1000, 1000)

    (found,) = topology.overlaps(["a", "b"], [a, b])

    assert (found.code_a, found.code_b) == ("a", "b")
    assert found.area_m2 == pytest.approx(200_000, rel=0.01)
    assert shapely.Point(found.lon, found.lat).within(a.intersection(b))


def test_overlaps_sorted_largest_first():
    """Several overlapping pairs are listed largest first, each measured in m²."""
    a = metric_box(0, 0, 1000, 1000)
    b = metric_box(900, 0, 1000, 1000)  # overlaps a by 100 × 1000
    c = metric_box(0, 700, 500, 1000)  # overlaps a by 500 × 300
    found = topology.overlaps(["a", "b", "c"], [a, b, c])

    assert [(o.code_a, o.code_b) for o in found] == [("a", "c"), ("a", "b")]
    assert found[0].area_m2 == pytest.approx(150_000, rel=0.01)
    assert found[1].area_m2 == pytest.approx(100_000, rel=0.01)


def test_squares_sharing_an_edge_do_not_overlap():
    """Squares that only share an edge have no overlap."""
    a = metric_box(0, 0, 1000, 1000)
    b = metric_box(1000, 0, 1000, 1000)

    assert topology.overlaps(["a", "b"], [a, b]) == []


def test_hole_among_siblings_is_a_gap():
    """A 3 × 3 grid of 100 m cells without its centre has one 10,000 m² gap."""
    cells = [
        metric_box(100 * i, 100 * j, 100, 100)
        for i in range(3)
        for j in range(3)
        if (i, j) != (1, 1)
    ]

    (gap,) = topology.gaps(cells)

    assert gap.area_m2 == pytest.approx(10_000, rel=0.01)
    assert shapely.Point(gap.lon, gap.lat).within(metric_box(100, 100, 100, 100))


def test_gaps_against_the_parent_outline():
    """With the parent outline, its uncovered area is a gap even at the edge."""
    outline = metric_box(0, 0, 1000, 1000)
    children = [metric_box(0, 0, 1000, 600), metric_box(0, 600, 700, 400)]

    (gap,) = topology.gaps(children, outline=outline)

    assert gap.area_m2 == pytest.approx(300 * 400, rel=0.01)
    assert topology.gaps(children) == []  # no hole inside the children's own union


def test_partition_has_no_gaps_or_overlaps():
    """Four quarters of a square tile it: no overlaps, no gaps."""
    quarters = [metric_box(500 * i, 500 * j, 500, 500) for i in (0, 1) for j in (0, 1)]

    assert topology.overlaps(list("abcd"), quarters) == []
    assert topology.gaps(quarters, outline=metric_box(0, 0, 1000, 1000)) == []
