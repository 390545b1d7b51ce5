"""Choosing the largest values of a score array without sorting it, cheaper than the direct numpy calls and with
the same answer, element for element (issue 15; bench/README.md, "speed30").

numpy 2.x's ``np.partition(v, len(v) - n)`` with the place near the end, on a few thousand float32 search scores,
took 4-6 times as long here as the same partition of ``-v`` with the place near the start (0.86 vs 0.18 ms on the
hybrid search's keyword scores under load): :func:`nth_largest` takes that road. :func:`top_rows` replaces
``np.argpartition(-v, k - 1)[:k]`` (indices moved with the values) by a partition of the values alone and one
comparison: the same rows whenever the k-th value is not shared across the boundary; when it is (duplicate
vectors give equal similarities), which of the tied rows ``argpartition`` keeps is its own affair, so that call
decides, as before."""

from __future__ import annotations

import numpy as np


def nth_largest(values: np.ndarray, n: int) -> np.generic:
    """The ``n``-th largest of ``values`` (1 <= n <= len; no NaN among them: that partition counts a NaN as the
    largest, this one would not), as ``np.partition(values, len(values) - n)`` places it.

    Found as the ``n``-th smallest of ``-values``: negation is exact, so the value is the same. A zero (either
    sign) is taken from the direct partition, so that the sign of the zero is the one it picks."""
    found = -np.partition(-values, n - 1)[n - 1]
    if found == 0:
        return np.partition(values, len(values) - n)[len(values) - n]
    return found


def top_rows(values: np.ndarray, k: int) -> np.ndarray:
    """The indices of the ``k`` largest of ``values`` (1 <= k <= len), in increasing order: the set
    ``np.argpartition(-values, k - 1)[:k]`` holds, in every case (a tie at the k-th value across the boundary is
    left to that call)."""
    neg = -values
    threshold = np.partition(neg, k - 1)[k - 1]
    chosen = neg <= threshold
    if np.count_nonzero(chosen) != k:  # the k-th value tied beyond the boundary, or NaN: argpartition's choice
        return np.sort(np.argpartition(neg, k - 1)[:k])
    return np.flatnonzero(chosen)
