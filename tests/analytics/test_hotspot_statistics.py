"""Gi*, FDR and classes on small cases worked by hand (no database)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse
from scipy.stats import false_discovery_control, norm

from geo.hotspots import classify, density, emerging, fdr_bh, gi_star


def lattice(size: int, queen: bool) -> sparse.csr_matrix:
    """Binary contiguity of a size × size lattice, cells numbered row by row."""
    steps = [(0, 1), (1, 0), (0, -1), (-1, 0)]
    if queen:
        steps += [(1, 1), (1, -1), (-1, 1), (-1, -1)]
    rows, cols = [], []
    for r in range(size):
        for c in range(size):
            for dr, dc in steps:
                if 0 <= r + dr < size and 0 <= c + dc < size:
                    rows.append(r * size + c)
                    cols.append((r + dr) * size + c + dc)
    n = size * size
    return sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))


def gi_star_by_hand(y: np.ndarray, w: np.ndarray, i: int) -> float:
    """Getis and Ord's Gi* z-score of cell i, from the textbook formula:
    (Σ w_ij x_j − x̄ Σ w_ij) / (S √((n Σ w_ij² − (Σ w_ij)²) / (n − 1))),
    with w_ii = 1 and S the population standard deviation."""
    n = y.size
    row = w[i].copy()
    row[i] = 1.0
    mean = y.sum() / n
    s = np.sqrt((y**2).sum() / n - mean**2)
    numerator = (row * y).sum() - mean * row.sum()
    denominator = s * np.sqrt((n * (row**2).sum() - row.sum() ** 2) / (n - 1))
    return numerator / denominator


@pytest.mark.parametrize(("size", "queen"), [(3, False), (4, True), (5, True)])
def test_gi_star_matches_the_formula_on_a_lattice(size, queen):
    """One high cell on a small lattice: esda's Gi* equals the formula worked by
    hand, for rook and queen contiguity. (The 3 × 3 queen lattice is degenerate: its
    centre neighbours every cell, so its Gi* has no variance.)"""
    n = size * size
    y = np.ones(n)
    y[(size // 2) * size + size // 2] = 10
    w = lattice(size, queen)
    result = gi_star(y, w)
    expected = [gi_star_by_hand(y, w.toarray(), i) for i in range(n)]
    np.testing.assert_allclose(result.z, expected, rtol=1e-12)
    np.testing.assert_allclose(result.p, 2 * norm.sf(np.abs(expected)), rtol=1e-12)


def test_gi_star_rook_values_by_arithmetic():
    """The 3 × 3 rook case in numbers: x̄ = 2, S = √8, n = 9. The centre's
    neighbourhood (5 cells) sums 14: z = (14 − 10) / (√8 · √((45 − 25)/8)) = 4/√20
    = 0.894; a corner's (3 cells) sums 3: z = (3 − 6) / (√8 · √((27 − 9)/8)) =
    −3/√18 = −0.707; an edge cell's (4 cells, the centre among them) sums 13:
    z = (13 − 8) / (√8 · √((36 − 16)/8)) = 5/√20 = 1.118."""
    y = np.array([1, 1, 1, 1, 10, 1, 1, 1, 1], dtype=float)
    z = gi_star(y, lattice(3, queen=False)).z
    assert z[4] == pytest.approx(4 / np.sqrt(20))
    assert z[0] == pytest.approx(-3 / np.sqrt(18))
    assert z[1] == pytest.approx(5 / np.sqrt(20))


def test_a_strong_cluster_is_hot_after_fdr():
    """A block of high values in a 7 × 7 lattice of ones is hot at 99 %; the far
    corner is not."""
    y = np.ones(49)
    for r in range(2, 5):
        for c in range(2, 5):
            y[r * 7 + c] = 30
    result = gi_star(y, lattice(7, queen=True))
    classes, confidence = classify(result.z, result.p_fdr, alpha=0.05)
    assert classes[3 * 7 + 3] == "hot"
    assert confidence[3 * 7 + 3] == 99
    assert classes[0] == "not_significant"


def test_constant_values_have_no_hot_spots():
    """All cells equal: z = 0 and p = 1 everywhere, not NaN."""
    result = gi_star(np.full(9, 4.0), lattice(3, queen=True))
    assert np.all(result.z == 0)
    assert np.all(result.p == 1)


def test_permutation_p_values_are_reproducible():
    y = np.array([1, 1, 1, 1, 10, 1, 1, 1, 1], dtype=float)
    a = gi_star(y, lattice(3, queen=True), permutations=199, seed=3)
    b = gi_star(y, lattice(3, queen=True), permutations=199, seed=3)
    np.testing.assert_array_equal(a.p, b.p)
    assert np.all((a.p > 0) & (a.p <= 1))


def test_fdr_by_hand():
    """Benjamini–Hochberg on p = (0.01, 0.04, 0.03, 0.20), m = 4: sorted 0.01,
    0.03, 0.04, 0.20 scale to 0.04, 0.06, 0.0533, 0.20; made monotone from the top:
    0.04, 0.0533, 0.0533, 0.20."""
    adjusted = fdr_bh([0.01, 0.04, 0.03, 0.20])
    np.testing.assert_allclose(adjusted, [0.04, 0.16 / 3, 0.16 / 3, 0.20])


def test_fdr_agrees_with_scipy():
    p = np.random.default_rng(1).random(200) ** 3
    np.testing.assert_allclose(fdr_bh(p), false_discovery_control(p))


def test_fdr_keeps_fewer_discoveries_than_raw_p_values():
    """In pure noise about 5 % of raw p-values are below 0.05; after BH almost none."""
    p = np.random.default_rng(2).random(1000)
    assert (p <= 0.05).sum() > 30
    assert (fdr_bh(p) <= 0.05).sum() <= 2


def test_classes_and_confidence_levels():
    z = np.array([3.0, -3.0, 2.0, 1.8, 2.5, 0.1])
    p = np.array([0.005, 0.005, 0.04, 0.08, 0.2, 0.9])
    classes, confidence = classify(z, p, alpha=0.10)
    assert classes.tolist() == [
        "hot",
        "cold",
        "hot",
        "hot",
        "not_significant",
        "not_significant",
    ]
    assert confidence.tolist() == [99, 99, 95, 90, 0, 0]
    classes, confidence = classify(z, p, alpha=0.05)
    assert classes[3] == "not_significant"
    assert confidence[3] == 0


def test_emerging_and_density():
    now = np.array(["hot", "hot", "cold", "not_significant"])
    before = np.array(["hot", "not_significant", "not_significant", "hot"])
    assert emerging(now, before).tolist() == [False, True, False, False]
    np.testing.assert_allclose(density([4, 2, 1], [2.0, 0.5, 0.0]), [2.0, 4.0, 0.0])
