"""The rows of the dense mirror a search considers: those of active chunks only (issue 15; bench/README.md,
"speed31"). A superseded or removed document's chunks keep their vectors in the store (a removal of the newer
version makes the older one active again), so the mirror holds them; the hybrid search asks only for active
chunks, and the product over all rows spent a fifth of its work on the others (1,951 of the pack's 9,111 rows).

:class:`ActiveRows` is built once for each pair of the mirror's rows (its id list, a new object whenever its rows
change) and the keyword snapshot (a new one whenever the knowledge base's version moves, here or in another
process: an activation change always moves it). When inactive rows are at least ``COPY_SHARE`` of the rows, the
active ones are copied into one contiguous matrix and the product runs over it alone; when they are fewer, the
copy would cost more memory than the product it saves (laws-all: 1 % inactive of 157,000 rows, 320 MB), and the
product runs over every row with the inactive ones masked."""

from __future__ import annotations

import numpy as np

COPY_SHARE = 0.125  # inactive share of the rows from which the active ones are copied apart


class ActiveRows:
    """``rows``: the mirror's rows (indices into its id list) that are active chunks of the snapshot, increasing;
    ``matrix``: those rows contiguous (None: use the mirror's matrix and ``mask``); ``mask``: True for an active
    row of the mirror's matrix (None when ``matrix`` is given)."""

    __slots__ = ("mask", "matrix", "rows")

    def __init__(self, rows: np.ndarray, matrix: np.ndarray | None, mask: np.ndarray | None) -> None:
        self.rows, self.matrix, self.mask = rows, matrix, mask

    def similarities(self, full: np.ndarray, vector: np.ndarray) -> np.ndarray:
        """The cosine similarity of each of ``rows`` to ``vector`` (``full``: the mirror's matrix these rows index)."""
        if self.matrix is not None:
            return self.matrix @ vector
        sims = full @ vector
        return sims[self.rows] if self.mask is not None else sims


def active_rows(places: np.ndarray, active: np.ndarray, matrix: np.ndarray) -> ActiveRows:
    """``places``: each mirror row's place in the snapshot (-1: none, e.g. a dead row or a chunk the snapshot does
    not hold yet); ``active``: the snapshot's active flag by place; ``matrix``: the mirror's rows."""
    keep = places >= 0
    keep[keep] = active[places[keep]]
    rows = np.flatnonzero(keep)
    if len(rows) == len(keep):
        return ActiveRows(rows, None, None)
    if len(keep) - len(rows) >= COPY_SHARE * len(keep):
        return ActiveRows(rows, np.take(matrix, rows, axis=0), None)
    return ActiveRows(rows, None, keep)
