"""The in-memory copy of every vector of a collection (:class:`DenseMirror`): one float32 matrix answering exact
nearest-neighbour queries (:class:`Nearest`). ``knowledge.vectors.VectorStore`` fills it and keeps it in step with
Chroma and with other processes' writes; this module knows nothing of Chroma."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from knowledge.active_rows import ActiveRows
from knowledge.selection import top_rows

_PENDING_MAX = 20_000  # writes held before they are applied (an ingest of the whole laws-all: 149,000)


def _normalised(vectors: np.ndarray) -> np.ndarray:
    m = np.asarray(vectors, dtype=np.float32)
    if m.ndim != 2 or len(m) == 0:
        return m.reshape(len(m), m.shape[-1] if m.ndim == 2 else 0)
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    return m / np.where(norms > 0, norms, 1.0)


@dataclass
class _Compaction:
    """The writes a compaction applies, and the rows (of fill number ``filled``) it applies them to."""

    filled: int
    pending: dict[str, np.ndarray | None]
    ids: list[str]
    matrix: np.ndarray
    alive: np.ndarray | None
    row: dict[str, int]


class DenseMirror:
    """All vectors of a collection as rows of one float32 matrix (L2-normalised), for exact cosine search.

    Writes are recorded and applied at the next query (an ingest of many documents applies them once); a query
    works on the rows it found, so a concurrent write never tears them. A few changes cost no new matrix: added
    rows go into spare rows past the end (never seen by a query under way), and a deleted or replaced row is
    marked dead (its id becomes "", it never ranks) until dead rows are a quarter of them or the spare rows run
    out; then the live rows are copied into a new matrix with spare rows again. At laws-all size a new matrix is
    322 MB, and writing it cost 0.1-3 s of CPU on this machine (fresh pages), for every followed write.

    That copy (a compaction) is built outside the lock every query takes: the thread that needs it takes the
    pending writes and the rows as they are, builds the new matrix, and swaps it in under the lock. Meanwhile
    other queries answer from the rows as they were before those writes (as a query that started just before
    them would), and writes that arrive meanwhile stay pending: applied after the swap, on top of it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.ids: list[str] = []  # one per row; "" for a dead row
        self._buffer = np.zeros((0, 0), dtype=np.float32)  # rows [0, len(ids)) in use, the rest spare
        self._alive: np.ndarray | None = None  # False for a dead row; None: every row lives
        self._dead = 0
        self._row: dict[str, int] | None = None  # id -> its live row, built at the first change
        self._pending: dict[str, np.ndarray | None] = {}  # id -> new vector, or None: deleted
        self._taken: dict[str, np.ndarray | None] | None = None  # the writes a compaction under way applies
        self._swapped = threading.Condition(self._lock)  # notified when a compaction ends (swapped in or not)
        self._filled = 0  # moved by each fill: a compaction of the rows before it is thrown away

    @property
    def matrix(self) -> np.ndarray:
        return self._buffer[: len(self.ids)]

    def fill(self, ids: list[str], vectors: np.ndarray) -> None:
        self.fill_normalised(list(ids), _normalised(vectors))

    def fill_normalised(self, ids: list[str], matrix: np.ndarray, buffer: np.ndarray | None = None) -> None:
        """``matrix``: float32 rows already L2-normalised, kept as they are (not copied); ``buffer``: a writable
        matrix whose first rows are ``matrix`` and whose others are spare (for rows added later)."""
        with self._lock:
            self.ids, self._pending, self._alive, self._dead, self._row = ids, {}, None, 0, None
            self._buffer = buffer if buffer is not None and buffer.shape[0] >= len(ids) else matrix
            self._filled += 1

    def upsert(self, ids: list[str], vectors: np.ndarray) -> None:
        with self._lock:
            for cid, vec in zip(ids, vectors, strict=True):
                self._pending[cid] = np.asarray(vec, dtype=np.float32)
            many = len(self._pending) > _PENDING_MAX
        if many:
            self.apply()

    def delete(self, ids: list[str]) -> None:
        with self._lock:
            for cid in ids:
                self._pending[cid] = None

    def __len__(self) -> int:
        """Live rows once the pending writes are applied (an upper bound: a pending upsert may replace a row)."""
        with self._lock:
            writes = list(self._pending.values()) + list((self._taken or {}).values())
            return len(self.ids) - self._dead + sum(v is not None for v in writes)

    def _current(self, wait: bool = False) -> tuple[list[str], np.ndarray, np.ndarray | None, int]:
        """The ids, the rows, the live-row mask and the number of dead rows, with every pending write applied;
        a compaction that is due is built by this thread outside the lock (``_compact``). While another thread
        compacts, a query gets the rows as they were; ``wait``: wait for its swap, so that every write is in."""
        while True:
            with self._lock:
                while wait and self._taken is not None:
                    self._swapped.wait()
                job = self._apply_in_place()
                if job is None:
                    return self.ids, self.matrix, self._alive, self._dead
            self._compact(job)

    def _apply_in_place(self) -> _Compaction | None:
        """(call with the lock held) Apply the pending writes when they fit in spare rows and dead marks; else,
        when a compaction is due, take them for it, with the rows they apply to. While another thread
        compacts, nothing is applied (its new matrix would lose the changes made to the old one): the pending
        writes wait for the swap."""
        if not self._pending or self._taken is not None:
            return None
        pending = self._pending
        row = self._row if self._row is not None else {cid: i for i, cid in enumerate(self.ids) if cid}
        dead = [row[cid] for cid in pending if cid in row]
        added = [(cid, v) for cid, v in pending.items() if v is not None]
        n, spare = len(self.ids), self._buffer.shape[0] - len(self.ids)
        if not (self._buffer.flags.writeable and len(added) <= spare
                and (self._dead + len(dead)) * 4 <= n + len(added)):
            self._row = row
            self._taken, self._pending = pending, {}
            return _Compaction(self._filled, pending, self.ids, self.matrix, self._alive, row)
        self._pending = {}
        for cid in pending:
            row.pop(cid, None)
        ids = list(self.ids)
        alive = self._alive.copy() if self._alive is not None else np.ones(n, dtype=bool)
        for i in dead:
            ids[i] = ""
        alive[dead] = False
        if added:
            self._buffer[n : n + len(added)] = _normalised(np.stack([v for _, v in added]))
            for j, (cid, _) in enumerate(added):
                row[cid] = n + j
            ids += [cid for cid, _ in added]
            alive = np.concatenate([alive, np.ones(len(added), dtype=bool)])
        self.ids, self._dead, self._row = ids, self._dead + len(dead), row
        self._alive = alive if self._dead else None
        return None

    def _compact(self, job: _Compaction) -> None:
        """Build the live rows and the written ones into a new matrix with spare rows (an eighth, at least 1,024)
        without the lock, then swap it in under the lock. The rows it reads are never changed meanwhile: nothing
        is applied in place while ``_taken`` is set, and a fill replaces them rather than writing into them."""
        filled, pending, ids0, matrix, alive0, row = job.filled, job.pending, job.ids, job.matrix, job.alive, job.row
        try:
            keep = np.ones(len(ids0), dtype=bool) if alive0 is None else alive0.copy()
            keep[[row[cid] for cid in pending if cid in row]] = False
            added = [(cid, v) for cid, v in pending.items() if v is not None]
            ids = [cid for cid, live in zip(ids0, keep.tolist(), strict=True) if live]
            dim = matrix.shape[1] if matrix.shape[1] else (len(added[0][1]) if added else 0)
            total = len(ids) + len(added)
            buffer = np.empty((total + total // 8 + 1024 if total else 0, dim), dtype=np.float32)
            if ids:
                np.compress(keep, matrix, axis=0, out=buffer[: len(ids)])
            if added:
                buffer[len(ids) : total] = _normalised(np.stack([v for _, v in added]))
                ids += [cid for cid, _ in added]
            new_row = {cid: i for i, cid in enumerate(ids)}
        except BaseException:
            with self._lock:  # the writes stay pending (newer ones win), for the next query to try again
                if self._filled == filled:
                    self._pending = {**pending, **self._pending}
                self._taken = None
                self._swapped.notify_all()
            raise
        with self._lock:
            self._taken = None
            self._swapped.notify_all()
            if self._filled != filled:  # filled again meanwhile: these rows are gone
                return
            self.ids, self._buffer, self._alive, self._dead, self._row = ids, buffer, None, 0, new_row

    def apply(self) -> None:
        """Apply the pending writes now (a background thread, rather than the next query)."""
        self._current()

    def rows(self) -> tuple[list[str], np.ndarray]:
        """The live ids and their rows with every write applied (never changed in place afterwards): a compaction
        under way in another thread is waited for (its writes are not in the rows it started from)."""
        ids, matrix, alive, _ = self._current(wait=True)
        if alive is None:
            return ids, matrix
        return [cid for cid in ids if cid], matrix[alive]

    def query(self, vector: np.ndarray, k: int) -> list[tuple[str, float]]:
        return list(self.nearest(vector, k))

    def nearest(self, vector: np.ndarray, k: int, ordered: bool = True,
                among: Callable[[list[str], np.ndarray], ActiveRows] | None = None) -> Nearest:
        """The ``k`` nearest live rows, best first; ``ordered=False``: the same rows in no particular order (the
        hybrid search only marks them, and a sort of its deep pool costs as much as choosing it). ``among``: the
        rows to consider, given the id list and matrix this query works on (``knowledge.active_rows``: the active
        chunks' rows; the caller keeps it for as long as the id list is the same object)."""
        ids, matrix, alive, dead = self._current()
        vec = np.asarray(vector, dtype=np.float32)
        if among is not None and len(ids) - dead > 0 and k > 0:
            chosen = among(ids, matrix)  # never a dead row: a dead row's id is ""
            if not len(chosen.rows):
                return Nearest(ids, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))
            sims = chosen.similarities(matrix, vec)
            k = min(k, len(sims))
            top = np.arange(len(sims)) if k >= len(sims) else (
                np.argpartition(-sims, k - 1)[:k] if ordered else top_rows(sims, k))
            if ordered:
                top = top[np.argsort(-sims[top], kind="stable")]
            return Nearest(ids, chosen.rows[top], sims[top])
        live = len(ids) - dead
        if not live or k <= 0:
            return Nearest(ids, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))
        sims = matrix @ vec
        if alive is not None:
            sims[~alive] = -np.inf  # dead rows never rank
        k = min(k, live)
        if k >= len(ids):
            top = np.arange(len(ids))
        elif ordered:
            top = np.argpartition(-sims, k - 1)[:k]
        else:  # the same rows as the partition above, found from the values alone (knowledge.selection)
            top = top_rows(sims, k)
        if ordered:
            top = top[np.argsort(-sims[top], kind="stable")]
        return Nearest(ids, top, sims[top])


class Nearest:
    """The mirror's nearest rows, best first, as arrays: ``rows`` index ``ids`` (the mirror's id list, a new list
    object whenever its matrix changes, so a caller may key a row-to-anything map on it) and ``sims`` are their
    cosine similarities. Iterates as (id, similarity) pairs, like a query's list."""

    __slots__ = ("ids", "rows", "sims")

    def __init__(self, ids: list[str], rows: np.ndarray, sims: np.ndarray) -> None:
        self.ids, self.rows, self.sims = ids, rows, sims

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[tuple[str, float]]:
        return zip([self.ids[i] for i in self.rows.tolist()], self.sims.tolist(), strict=True)
