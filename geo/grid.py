"""Square analysis grids in a projected CRS, web-map tiles, and H3 hexagons.

A square grid is cut in metres (UTM 48N for Vietnam's centre) with integer keys
``(floor(x / size), floor(y / size))``; coarser grids are the same keys divided by a
power of two, so a coarse cell is exactly a block of fine cells. The functions here
answer the geometric questions the aggregate queries need: which block of cells lies
wholly inside a lon/lat box (counted from the aggregates) and which thin strips of the
box are left over (counted from raw points), which cells a map tile touches, and how
to bin points into H3 cells with their neighbours. Pure numpy, pyproj and h3.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import h3
import numpy as np
import numpy.typing as npt
from h3.api import basic_int as h3i
from scipy import sparse

from geo.projections import WGS84, transformer
from geo.tiles import metres_per_pixel

WEB_MERCATOR = 3857
# Half the side of the Web Mercator square, in metres.
MERCATOR_HALF = 20_037_508.342789244

Box = tuple[float, float, float, float]  # min_x, min_y, max_x, max_y
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class CellRange:
    """An inclusive block of integer cell keys."""

    x0: int
    y0: int
    x1: int
    y1: int

    @property
    def cells(self) -> int:
        return (self.x1 - self.x0 + 1) * (self.y1 - self.y0 + 1)


@dataclass(frozen=True)
class BoxSplit:
    """A lon/lat box cut into a block of whole grid cells (``inner``, may be None)
    and the ``ring``: rectangles of *fine* cells (grid cells cut ``fine × fine``)
    that hold every point of the box outside ``inner`` and no point of ``inner``.
    The ring is None for a box too far from the grid's zone for its projected
    edges to bound it (the caller's choice): its points are found by their
    coordinates."""

    inner: CellRange | None
    ring: tuple[CellRange, ...] | None


def cluster_factor(
    zoom: float, lat: float, cell_m: float, target_px: float = 64.0
) -> int:
    """The power of two ``k`` such that a cluster of ``k × k`` grid cells is about
    ``target_px`` screen pixels wide at ``zoom``; at least 1."""
    metres = metres_per_pixel(zoom, lat) * target_px
    if metres <= cell_m:
        return 1
    return int(2 ** round(math.log2(metres / cell_m)))


def _edges(box: Box, samples: int) -> dict[str, tuple[FloatArray, FloatArray]]:
    """Points along the four edges of an axis-aligned box."""
    x0, y0, x1, y1 = box
    xs = np.linspace(x0, x1, samples)
    ys = np.linspace(y0, y1, samples)
    return {
        "left": (np.full(samples, x0), ys),
        "right": (np.full(samples, x1), ys),
        "bottom": (xs, np.full(samples, y0)),
        "top": (xs, np.full(samples, y1)),
    }


def _project(
    points: tuple[FloatArray, FloatArray], source: int, target: int
) -> tuple[FloatArray, FloatArray]:
    x, y = transformer(source, target).transform(points[0], points[1])
    return np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)


def _inscribed(box: Box, source: int, target: int, samples: int) -> Box | None:
    """An axis-aligned box in ``target`` inside the image of ``box`` (a near-rectangle
    after reprojection): the inner extremes of its four projected edges."""
    projected = {
        name: _project(edge, source, target)
        for name, edge in _edges(box, samples).items()
    }
    x0 = float(projected["left"][0].max())
    x1 = float(projected["right"][0].min())
    y0 = float(projected["bottom"][1].max())
    y1 = float(projected["top"][1].min())
    if x0 >= x1 or y0 >= y1:
        return None
    return (x0, y0, x1, y1)


def _inside(box: Box, outer: Box, source: int, target: int, samples: int) -> bool:
    """Whether every sampled edge point of ``box`` projects inside ``outer``."""
    for edge in _edges(box, samples).values():
        x, y = _project(edge, source, target)
        if (
            x.min() < outer[0]
            or x.max() > outer[2]
            or y.min() < outer[1]
            or y.max() > outer[3]
        ):
            return False
    return True


def inner_cell_range(
    bbox: Box, cell_m: float, srid: int, samples: int = 33
) -> CellRange | None:
    """The largest block of grid cells lying wholly inside the lon/lat ``bbox``
    (checked along densified edges, shrunk until the check passes), or None."""
    inscribed = _inscribed(bbox, WGS84, srid, samples)
    if inscribed is None:
        return None
    x_lo, y_lo, x_hi, y_hi = inscribed
    block = CellRange(
        math.ceil(x_lo / cell_m),
        math.ceil(y_lo / cell_m),
        math.floor(x_hi / cell_m) - 1,
        math.floor(y_hi / cell_m) - 1,
    )
    while block.x0 <= block.x1 and block.y0 <= block.y1:
        if _inside(cell_range_box(block, cell_m), bbox, srid, WGS84, samples):
            return block
        block = CellRange(block.x0 + 1, block.y0 + 1, block.x1 - 1, block.y1 - 1)
    return None


def cell_range_box(cells: CellRange, cell_m: float) -> Box:
    """The projected extent of a block of cells."""
    return (
        cells.x0 * cell_m,
        cells.y0 * cell_m,
        (cells.x1 + 1) * cell_m,
        (cells.y1 + 1) * cell_m,
    )


def cell_range_minus(outer: CellRange, hole: CellRange) -> list[CellRange]:
    """``outer`` minus ``hole`` (which lies inside it) as up to four rectangles."""
    parts = [
        CellRange(outer.x0, outer.y0, hole.x0 - 1, outer.y1),
        CellRange(hole.x1 + 1, outer.y0, outer.x1, outer.y1),
        CellRange(hole.x0, outer.y0, hole.x1, hole.y0 - 1),
        CellRange(hole.x0, hole.y1 + 1, hole.x1, outer.y1),
    ]
    return [r for r in parts if r.x0 <= r.x1 and r.y0 <= r.y1]


def box_split(
    bbox: Box,
    cell_m: float,
    srid: int,
    fine: int,
    min_cells: int = 1,
    samples: int = 33,
) -> BoxSplit:
    """Cut ``bbox`` (lon/lat) into whole cells (none unless at least
    ``min_cells`` fit) and the ring of fine cells around them.

    The ring is the block of fine cells covering the projected box
    (``covering_with_margin``) minus the fine cells of the inner block, which tile
    it exactly. The box must lie where the projection maps its edges around its
    inside (near the zone), or the cover is not one."""
    inner = inner_cell_range(bbox, cell_m, srid, samples)
    if inner is not None and inner.cells < min_cells:
        inner = None
    outer = covering_with_margin(bbox, srid, cell_m / fine)
    if inner is None:
        return BoxSplit(None, (outer,))
    return BoxSplit(inner, tuple(cell_range_minus(outer, refined(inner, fine))))


def covering_cell_range(box: Box, source: int, srid: int, cell_m: float) -> CellRange:
    """The block of grid cells that covers ``box`` (in ``source``) once projected."""
    xs: list[FloatArray] = []
    ys: list[FloatArray] = []
    for edge in _edges(box, 33).values():
        x, y = _project(edge, source, srid)
        xs.append(x)
        ys.append(y)
    x = np.concatenate(xs)
    y = np.concatenate(ys)
    return CellRange(
        math.floor(float(x.min()) / cell_m),
        math.floor(float(y.min()) / cell_m),
        math.floor(float(x.max()) / cell_m),
        math.floor(float(y.max()) / cell_m),
    )


def covering_with_margin(bbox: Box, srid: int, cell_m: float) -> CellRange:
    """The cells covering the lon/lat ``bbox`` once projected, one cell wider on
    every side: the projected edges are curves, known at sampled points only."""
    touched = covering_cell_range(bbox, WGS84, srid, cell_m)
    return CellRange(touched.x0 - 1, touched.y0 - 1, touched.x1 + 1, touched.y1 + 1)


def refined(cells: CellRange, k: int) -> CellRange:
    """The cells of a grid ``k`` times finer that make up ``cells``."""
    return CellRange(
        cells.x0 * k, cells.y0 * k, cells.x1 * k + k - 1, cells.y1 * k + k - 1
    )


def aligned(cells: CellRange, k: int) -> CellRange:
    """``cells`` grown to whole blocks of ``k × k`` (the clusters they belong to)."""
    return CellRange(
        (cells.x0 // k) * k,
        (cells.y0 // k) * k,
        (cells.x1 // k) * k + k - 1,
        (cells.y1 // k) * k + k - 1,
    )


def tile_bounds(z: int, x: int, y: int) -> Box:
    """The Web Mercator (EPSG:3857) bounds of an XYZ tile."""
    size = 2 * MERCATOR_HALF / 2**z
    min_x = -MERCATOR_HALF + x * size
    max_y = MERCATOR_HALF - y * size
    return (min_x, max_y - size, min_x + size, max_y)


def tile_lonlat(z: int, x: int, y: int) -> Box:
    """The lon/lat bounds of an XYZ tile (a tile is a lon/lat rectangle)."""
    n = 2**z
    lon0 = x / n * 360.0 - 180.0
    lon1 = (x + 1) / n * 360.0 - 180.0
    lat1 = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / n))))
    lat0 = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * (y + 1) / n))))
    return (lon0, lat0, lon1, lat1)


def valid_tile(z: int, x: int, y: int) -> bool:
    return 0 <= z <= 24 and 0 <= x < 2**z and 0 <= y < 2**z


def cell_centres_lonlat(
    x: npt.ArrayLike, y: npt.ArrayLike, cell_m: float, srid: int
) -> tuple[FloatArray, FloatArray]:
    """Lon/lat of positions given in cell units (a cell's centre is key + 0.5)."""
    xs = np.asarray(x, dtype=np.float64) * cell_m
    ys = np.asarray(y, dtype=np.float64) * cell_m
    return _project((xs, ys), srid, WGS84)


def h3_bin(
    lat: npt.ArrayLike, lon: npt.ArrayLike, weight: npt.ArrayLike, resolution: int
) -> tuple[npt.NDArray[np.uint64], FloatArray]:
    """Sum ``weight`` per H3 cell of ``resolution``; cells as uint64, sorted."""
    lats = np.asarray(lat, dtype=np.float64)
    lons = np.asarray(lon, dtype=np.float64)
    weights = np.asarray(weight, dtype=np.float64)
    to_cell = h3i.latlng_to_cell
    cells = np.fromiter(
        (to_cell(a, b, resolution) for a, b in zip(lats, lons, strict=True)),
        dtype=np.uint64,
        count=lats.size,
    )
    unique, inverse = np.unique(cells, return_inverse=True)
    sums = np.bincount(inverse, weights=weights, minlength=unique.size)
    return unique, sums.astype(np.float64)


def h3_fill(geometry: dict[str, Any], resolution: int) -> npt.NDArray[np.uint64]:
    """The H3 cells whose centres lie in a GeoJSON (Multi)Polygon, sorted."""
    shape = h3.geo_to_h3shape(geometry)
    cells = h3i.h3shape_to_cells(shape, resolution)
    return np.unique(np.asarray(list(cells), dtype=np.uint64))


def h3_neighbours(cells: npt.NDArray[np.uint64]) -> sparse.csr_matrix:
    """Binary contiguity between ``cells`` (sorted): 1 where two cells share an edge,
    0 on the diagonal."""
    order = {int(cell): i for i, cell in enumerate(cells)}
    rows: list[int] = []
    cols: list[int] = []
    disk = h3i.grid_disk
    for i, cell in enumerate(cells):
        for other in disk(int(cell), 1):
            j = order.get(other)
            if j is not None and j != i:
                rows.append(i)
                cols.append(j)
    n = len(cells)
    data = np.ones(len(rows), dtype=np.float64)
    return sparse.csr_matrix((data, (rows, cols)), shape=(n, n))


def h3_rings(cells: npt.NDArray[np.uint64]) -> list[list[tuple[float, float]]]:
    """Each cell's outline as a closed GeoJSON ring of (lon, lat)."""
    rings = []
    for cell in cells:
        boundary = [(lng, lat) for lat, lng in h3i.cell_to_boundary(int(cell))]
        rings.append([*boundary, boundary[0]])
    return rings


def h3_area_km2(cells: npt.NDArray[np.uint64]) -> FloatArray:
    return np.array(
        [h3i.cell_area(int(cell), unit="km^2") for cell in cells],
        dtype=np.float64,
    )
