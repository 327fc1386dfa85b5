"""Grid keys, box splitting, tiles and H3 helpers (no database)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from geo.grid import (
    aligned,
    box_split,
    cell_range_box,
    cluster_factor,
    covering_cell_range,
    h3_bin,
    h3_neighbours,
    tile_bounds,
    tile_lonlat,
)
from geo.projections import transformer


@pytest.mark.parametrize(
    "bbox",
    [
        (106.55, 17.42, 106.66, 17.51),
        (106.6201, 17.4681, 106.6263, 17.4722),
        (106.6200, 17.4680, 106.6210, 17.4690),  # smaller than a cell
    ],
)
def test_box_split_covers_the_box_exactly(bbox):
    """Every point of the box lies in an inner cell (wholly inside the box) or in
    a fine cell of the ring, never in both; no inner cell reaches outside the box;
    a fine key divided by 8 is the point's grid cell."""
    split = box_split(bbox, 200, 32648, 8)
    assert split.ring is not None
    rng = np.random.default_rng(0)
    lon = rng.uniform(bbox[0], bbox[2], 20_000)
    lat = rng.uniform(bbox[1], bbox[3], 20_000)
    # Points on the edges and corners too.
    lon = np.concatenate([lon, [bbox[0], bbox[2], bbox[0], bbox[2]]])
    lat = np.concatenate([lat, [bbox[1], bbox[3], bbox[3], bbox[1]]])
    x, y = transformer(4326, 32648).transform(lon, lat)
    cx, cy = np.floor(x / 200), np.floor(y / 200)
    fx, fy = np.floor(x / 25), np.floor(y / 25)
    assert np.array_equal(np.floor(fx / 8), cx)
    assert np.array_equal(np.floor(fy / 8), cy)
    inner = np.zeros(lon.size, dtype=bool)
    if split.inner is not None:
        i = split.inner
        inner = (cx >= i.x0) & (cx <= i.x1) & (cy >= i.y0) & (cy <= i.y1)
        # The block's outline, projected back, stays inside the box.
        x0, y0, x1, y1 = cell_range_box(i, 200)
        xs = np.concatenate([np.linspace(x0, x1, 50)] * 2 + [[x0] * 50, [x1] * 50])
        ys = np.concatenate([[y0] * 50, [y1] * 50] + [np.linspace(y0, y1, 50)] * 2)
        blon, blat = transformer(32648, 4326).transform(xs, ys)
        assert blon.min() >= bbox[0]
        assert blon.max() <= bbox[2]
        assert blat.min() >= bbox[1]
        assert blat.max() <= bbox[3]
    in_ring = np.zeros(lon.size, dtype=bool)
    for r in split.ring:
        in_ring |= (fx >= r.x0) & (fx <= r.x1) & (fy >= r.y0) & (fy <= r.y1)
    assert np.all(inner | in_ring)
    assert not np.any(inner & in_ring)


def test_a_box_with_few_whole_cells_is_all_ring():
    """Below ``min_cells`` whole cells the box is one rectangle of fine cells."""
    bbox = (106.6201, 17.4681, 106.6263, 17.4722)
    assert box_split(bbox, 200, 32648, 8).inner is not None
    few = box_split(bbox, 200, 32648, 8, min_cells=10_000)
    assert few.inner is None
    assert few.ring is not None
    assert len(few.ring) == 1


def test_cluster_sizes_by_zoom():
    """About 64 px: 12.8 km at zoom 10, 1.6 km at zoom 13, 400 m at 15, one 200 m
    cell from 16."""
    assert cluster_factor(10, 17.47, 200) == 64
    assert cluster_factor(13, 17.47, 200) == 8
    assert cluster_factor(15, 17.47, 200) == 2
    assert cluster_factor(16, 17.47, 200) == 1
    assert cluster_factor(18, 17.47, 200) == 1


def test_tiles_partition_lon_lat():
    """Neighbouring tiles share their edge value exactly; bounds agree in 3857."""
    a = tile_lonlat(12, 3260, 1845)
    b = tile_lonlat(12, 3261, 1845)
    c = tile_lonlat(12, 3260, 1846)
    assert a[2] == b[0]
    assert a[1] == c[3]
    x0, y0, x1, y1 = tile_bounds(12, 3260, 1845)
    lon, lat = transformer(3857, 4326).transform([x0, x1], [y0, y1])
    assert lon[0] == pytest.approx(a[0])
    assert lat[1] == pytest.approx(a[3])


def test_aligned_ranges_hold_whole_clusters():
    cells = covering_cell_range(tile_bounds(13, 6520, 3690), 3857, 32648, 200)
    grown = aligned(cells, 4)
    assert grown.x0 % 4 == 0
    assert (grown.x1 + 1) % 4 == 0
    assert grown.x0 <= cells.x0
    assert grown.x1 >= cells.x1


def test_h3_binning_and_neighbours():
    """Weights add up per hexagon; an interior hexagon has six neighbours."""
    lat = np.array([17.47, 17.47, 17.50])
    lon = np.array([106.62, 106.62, 106.60])
    _cells, sums = h3_bin(lat, lon, np.array([2.0, 3.0, 1.0]), 8)
    assert sums.sum() == 6
    assert sorted(sums.tolist()) == [1.0, 5.0]
    import h3

    centre = h3.api.basic_int.latlng_to_cell(17.47, 106.62, 8)
    disk = np.array(sorted(h3.api.basic_int.grid_disk(centre, 1)), dtype=np.uint64)
    w = h3_neighbours(disk)
    i = int(np.searchsorted(disk, np.uint64(centre)))
    assert w[i].sum() == 6
    assert w[i, i] == 0
    assert math.isclose(w.sum(), 6 + 6 * 3)
