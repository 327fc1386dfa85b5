"""Hot-spot statistics on arrays: Getis-Ord Gi*, false-discovery-rate control, classes.

Gi* (Getis and Ord 1992; Ord and Getis 1995) compares the sum of a value over a cell
and its neighbours with what the whole study area would give that many cells at
random. With binary weights ``w_ij`` (1 for each neighbour and for the cell itself),
``n`` cells, mean ``x̄`` and population standard deviation ``S``::

    Gi* z = (Σ_j w_ij x_j − x̄ Σ_j w_ij) / (S √((n Σ_j w_ij² − (Σ_j w_ij)²) / (n − 1)))

which is what PySAL's ``esda.G_Local(star=True, transform="B")`` computes; we call it
rather than re-implement it (the tests check it against this formula by hand).

Testing every cell at 5 % finds about one false hot spot in twenty cells of pure noise.
The p-values are therefore corrected with Benjamini and Hochberg's procedure (1995),
which bounds the expected share of false discoveries among the cells called
significant; a cell is hot or cold at confidence 90, 95 or 99 % when its adjusted
p-value is at most 0.10, 0.05 or 0.01, as ArcGIS's Hot Spot Analysis reports them.

Arrays in, arrays out; no database, no Django.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import sparse, stats

FloatArray = npt.NDArray[np.float64]
LEVELS = ((0.01, 99), (0.05, 95), (0.10, 90))
HOT = "hot"
COLD = "cold"
NOT_SIGNIFICANT = "not_significant"


@dataclass(frozen=True)
class GiStar:
    """Gi* for each cell: the z-score, its two-sided p-value (analytical, or from
    permutations when some were run) and the FDR-adjusted p-value."""

    z: FloatArray
    p: FloatArray
    p_fdr: FloatArray


def gi_star(
    values: npt.ArrayLike,
    neighbours: sparse.spmatrix,
    *,
    permutations: int = 0,
    seed: int | None = None,
) -> GiStar:
    """Gi* of ``values`` over binary contiguity ``neighbours`` (n × n, 0 on the
    diagonal; each cell is added as its own neighbour, the "star").

    ``permutations`` > 0 replaces the analytical p-value by a conditional-permutation
    pseudo p-value (PySAL's one-sided ``p_sim`` doubled, at most 1). A study area
    whose values are all equal has no hot spots: z = 0, p = 1.
    """
    from esda.getisord import G_Local
    from libpysal.weights import WSP

    y = np.asarray(values, dtype=np.float64)
    n = y.size
    if n < 3 or np.ptp(y) == 0:
        ones = np.ones(n, dtype=np.float64)
        return GiStar(np.zeros(n, dtype=np.float64), ones, ones.copy())
    matrix = sparse.csr_matrix(neighbours, dtype=np.float64)
    matrix.setdiag(0)
    matrix.eliminate_zeros()
    with warnings.catch_warnings():
        # Islands (cells with no neighbour in the study area) are legitimate here:
        # with the star they are compared on their own value.
        warnings.simplefilter("ignore")
        weights = WSP(matrix).to_W(silence_warnings=True)
        local = G_Local(
            y,
            weights,
            transform="B",
            star=True,
            permutations=permutations,
            n_jobs=1,
            seed=seed,
            keep_simulations=False,
        )
    z = np.asarray(local.Zs, dtype=np.float64)
    if permutations:
        p = np.minimum(1.0, 2.0 * np.asarray(local.p_sim, dtype=np.float64))
    else:
        p = 2.0 * stats.norm.sf(np.abs(z))
    z = np.nan_to_num(z, nan=0.0)
    p = np.nan_to_num(p, nan=1.0)
    return GiStar(z, p, fdr_bh(p))


def fdr_bh(p: npt.ArrayLike) -> FloatArray:
    """Benjamini–Hochberg adjusted p-values: ``p_(i) · m / i`` for the i-th smallest
    of m, made monotone from the largest down and capped at 1. A test is significant
    at false discovery rate q exactly when its adjusted p-value is ≤ q."""
    values = np.asarray(p, dtype=np.float64)
    m = values.size
    if m == 0:
        return values.copy()
    order = np.argsort(values, kind="stable")
    ranked = values[order] * m / np.arange(1, m + 1)
    monotone = np.minimum.accumulate(ranked[::-1])[::-1]
    adjusted = np.empty(m, dtype=np.float64)
    adjusted[order] = np.minimum(monotone, 1.0)
    return adjusted


def classify(
    z: npt.ArrayLike, p_adjusted: npt.ArrayLike, alpha: float = 0.05
) -> tuple[npt.NDArray[np.str_], npt.NDArray[np.int64]]:
    """Hot, cold or not significant (at ``alpha``), and the confidence reached
    (99, 95, 90 or 0) by each cell's adjusted p-value."""
    zs = np.asarray(z, dtype=np.float64)
    ps = np.asarray(p_adjusted, dtype=np.float64)
    confidence = np.zeros(zs.size, dtype=np.int64)
    for level, percent in reversed(LEVELS):
        confidence[ps <= level] = percent
    classes = np.full(zs.size, NOT_SIGNIFICANT, dtype="<U15")
    significant = ps <= alpha
    classes[significant & (zs > 0)] = HOT
    classes[significant & (zs < 0)] = COLD
    confidence[~significant] = 0
    return classes, confidence


def emerging(
    now: npt.NDArray[np.str_], before: npt.NDArray[np.str_]
) -> npt.NDArray[np.bool_]:
    """Cells hot now that were not hot in the earlier window."""
    return (np.asarray(now) == HOT) & (np.asarray(before) != HOT)


def density(counts: npt.ArrayLike, area_km2: npt.ArrayLike) -> FloatArray:
    """Counts per square kilometre (0 where the area is 0)."""
    c = np.asarray(counts, dtype=np.float64)
    a = np.asarray(area_km2, dtype=np.float64)
    out = np.zeros_like(c)
    np.divide(c, a, out=out, where=a > 0)
    return out
