"""Dense vectors in Chroma (embedded ``PersistentClient`` or a server by URL), cosine space.

Every add and query passes embeddings explicitly, so Chroma never loads a model of its own. The model
id and dimension are kept in the collection's metadata; opening it with another model is refused.

The store also keeps every vector in one numpy matrix (:class:`DenseMirror`) while the index holds at most
``MIRROR_MAX`` of them, and answers nearest-neighbour queries from it: an exact search (one matrix-vector
product) is about three times faster than Chroma's HNSW query at the statutes pack's 8,000 chunks and finds the
true nearest 100, where HNSW returned 92 of them on average; on a Chroma server it also saves each question an
HTTP round trip and the server's CPU. The mirror follows this process's writes as they happen; after ``reopen``
(the knowledge base's version counter shows that another process or worker wrote) it follows theirs by the change
journal (``knowledge.journal``): only the vectors of the ids written since the version it matches are read (by a
query of an embedded store when they are few, else in a background thread while Chroma answers), and the deleted
ones dropped; it is read again whole only when the journal does not reach back to its version. A whole read
takes the version read before it and follows the journal from it afterwards, so one that overlaps another
process's write ends current and of a known version.
Between processes the mirror of an embedded store is kept on disk (``knowledge.mirror_file``), filed under the
state of the knowledge base it matches: a start on an unchanged index maps that file instead of reading every
vector from Chroma. A worker on a Chroma server reads the vectors in a background thread (questions go to the
server meanwhile).
"""

from __future__ import annotations

import atexit
import logging
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np

from knowledge.active_rows import ActiveRows
from knowledge.dense_mirror import DenseMirror, Nearest
from knowledge.journal import Changes, number
from knowledge.mirror_file import MirrorFile

log = logging.getLogger(__name__)


class IndexModelMismatch(RuntimeError):
    """The index was built with another embedding model."""


def chroma_client(url: str | None, path: Path | None) -> Any:
    """The one place a Chroma client is built: a server by URL (http or https), else embedded at ``path``."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if url:
        u = urlparse(url)
        return chromadb.HttpClient(
            host=u.hostname or "localhost",
            port=u.port or (443 if u.scheme == "https" else 8000),
            ssl=u.scheme == "https",
            settings=chroma_settings,
        )
    if path is None:
        raise ValueError("an embedded Chroma index needs a path (or give QIFA_CHROMA_URL)")
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


# vectors held in memory for exact search (200,000 x 512 float32 = 410 MB; laws-all with the pack is 157,000);
# above: HNSW. At 157,000 an exact search (one matrix-vector product, ~40 ms) answers the hybrid search's deep
# query (100 + every inactive chunk, 20,000 deep there) far faster than HNSW did (190 ms).
MIRROR_MAX = 200_000
_LOAD_BATCH = 2_000  # vectors read by id in one get by a whole read (1,000-5,000 all cost the same as pages by offset)
INLINE_MAX = 20_000  # vectors a query loads itself when no file is kept (about a second); more: in the background
FOLLOW_INLINE = 2_000  # vectors an embedded store's query reads itself to follow another process's writes
_FOLLOW_BATCH = 1_000  # ids read by one get when following


@dataclass
class KeptVectors:
    """Where the mirror is kept between processes (``knowledge.mirror_file``; None on a Chroma server: nothing is
    kept, the version is still known), and the state of the knowledge base it must match: ``state()`` returns the
    version counter and the key of the current state."""

    file: MirrorFile | None
    state: Callable[[], tuple[str | None, str]]


# the knowledge base's change journal (knowledge.journal): the changes after a version up to at least another one,
# or None when it cannot say them all
Journal = Callable[[str, str], Changes | None]


def _newer(version: str, than: str) -> bool:
    """True when version counter ``version`` is past ``than`` (any other value when either is not a number)."""
    a, b = number(version), number(than)
    return a > b if a is not None and b is not None else version != than


class VectorStore:
    def __init__(
        self, collection: str, model_id: str, dimension: int, path: Path | None = None, url: str | None = None
    ) -> None:
        self.client: Any = chroma_client(url, path)
        self.path = None if url else path
        self.name = collection
        self.model_id = model_id
        self.dimension = dimension
        self.collection = self.client.get_or_create_collection(
            collection,
            configuration={"hnsw": {"space": "cosine"}},
            metadata={"embedding_model": model_id, "dimension": dimension},
            embedding_function=None,
        )
        meta = self.collection.metadata or {}
        stored = (meta.get("embedding_model"), meta.get("dimension"))
        if stored != (model_id, dimension):
            raise IndexModelMismatch(
                f"the index was built with embedding model '{stored[0]}' ({stored[1]} dimensions), "
                f"but QIFA_EMBEDDING_MODEL is '{model_id}' ({dimension} dimensions). Mixing models would "
                "ruin retrieval. Rebuild the index with: qifa ingest --rebuild"
            )
        self._mirror: DenseMirror | None = None  # loaded at start-up or by the first query
        self._mirror_lock = threading.Lock()
        self._mirror_off = False  # set when the index outgrows MIRROR_MAX
        self.kept: KeptVectors | None = None  # set by the knowledge base of an embedded store with a data dir
        # the version counter of the knowledge base the mirror matches (None: not known, so it is not kept)
        self.mirror_version: str | None = None
        self._unkept: tuple[str, list[str], np.ndarray] | None = None  # read from Chroma, not yet on disk
        self._stale = False  # another process wrote while a load held the lock: that load is thrown away
        self._writes = 0  # moved by each write of this process: a load that saw it move is thrown away
        self._closing = threading.Event()  # set at close / exit: a load under way stops between two pages
        self._loader: threading.Thread | None = None
        self._follow_lock = threading.Lock()  # one question at a time follows another process's writes inline
        self.journal: Journal | None = None  # set by the knowledge base: writes of others are followed by their ids
        self._latest: str | None = None  # the newest version another process is known to have written
        self._loading = False  # every vector is being read from Chroma (with the lock held)
        _STORES.add(self)

    def reopen(self, version: str | None = None) -> None:
        """See another process's writes: an embedded ``PersistentClient`` keeps its vector index in memory and
        does not see them until the store is opened again (a server's client needs nothing). The mirror is
        loaded again, unless it is known to match ``version`` (the knowledge base's state now)."""
        if self.path is not None:
            from chromadb.api.shared_system_client import SharedSystemClient

            SharedSystemClient._identifier_to_system.pop(str(self.path), None)
            SharedSystemClient._identifier_to_refcount.pop(str(self.path), None)
            self.client = chroma_client(None, self.path)
            self.collection = self.client.get_collection(self.name)
        # never wait for a load under way (tens of seconds over HTTP at laws-all size, and the caller holds the
        # knowledge base's lock): mark it stale, so it is thrown away when it ends and read again (unless it
        # follows the journal from the version it started at)
        followable = self.journal is not None and number(version) is not None
        if not self._mirror_lock.acquire(timeout=0.05):
            if self._loading or not followable or self._mirror is None or self.mirror_version is None:
                # a load under way (or one about to start: the lock is held while it reads the state) is thrown
                # away when it ends, and read again, unless it can take the version it started at and follow
                # the journal from it (``_read_all``); only a copy of a known version follows the journal
                self._stale = True
            # a short hold (a write, a follow) — or a versioned load that clears the stale mark: the mirror
            # follows the journal up to this version
            if followable and version is not None and (self._latest is None or _newer(version, self._latest)):
                self._latest = version
            return
        try:
            if version is not None and self._mirror is not None and self.mirror_version == version:
                return
            if version is not None and self._mirror is not None and self.mirror_version is not None and followable:
                # followed by the ids the journal names (``_follow``), before the next query uses the mirror
                if self._latest is None or _newer(version, self._latest):
                    self._latest = version
                return
            self._mirror = None  # the other process's writes are on disk only: load it again
            self._mirror_off = False
            self.mirror_version = None
        finally:
            self._mirror_lock.release()

    def mirrored(self) -> bool:
        """True while the in-memory mirror serves queries."""
        return self._mirror is not None

    def behind(self) -> bool:
        """True when another process wrote after the version the mirror matches (it is followed by the journal)."""
        latest, version = self._latest, self.mirror_version
        return self._mirror is not None and latest is not None and version is not None and _newer(latest, version)

    def _follow(self, limit: int | None = None) -> bool | None:
        """Bring the mirror up to the newest write the journal files: read the vectors of the ids written since
        the version it matches (one ``get`` by ids per thousand) and drop the deleted ones. True: it matches (or
        there is nothing to follow); False: the journal cannot say what changed, and the mirror was dropped (it is
        read again whole); None: not now (more than ``limit`` vectors to read, this process wrote meanwhile, or it
        closes), tried again by a later query. The vectors are read without the lock (queries go on)."""
        with self._mirror_lock:
            mirror, base, latest, writes = self._mirror, self.mirror_version, self._latest, self._writes
        if mirror is None or base is None or latest is None or self.journal is None:
            return True
        if not _newer(latest, base):
            return True
        changes = self.journal(base, latest)
        if changes is None:
            with self._mirror_lock:
                if self._mirror is mirror and self.mirror_version == base:
                    self._mirror, self.mirror_version = None, None
            return False
        if limit is not None and len(changes.added) > limit:
            return None
        ids: list[str] = []
        parts: list[np.ndarray] = []
        for start in range(0, len(changes.added), _FOLLOW_BATCH):
            if self._closing.is_set():
                return None
            got = self.collection.get(ids=changes.added[start : start + _FOLLOW_BATCH], include=["embeddings"])
            if len(got["ids"]):
                ids.extend(got["ids"])
                parts.append(np.asarray(got["embeddings"], dtype=np.float32))
        gone = changes.removed + sorted(set(changes.added) - set(ids))  # deleted again since they were written
        with self._mirror_lock:
            if self._mirror is not mirror or self.mirror_version != base:
                return None  # dropped, loaded again or followed meanwhile
            if self._writes != writes:
                return None  # a write of this process may hold newer vectors than the ones just read
            if gone:
                mirror.delete(gone)
            if ids:
                mirror.upsert(ids, np.concatenate(parts))
            if len(mirror) > MIRROR_MAX:
                self._mirror, self._mirror_off, self.mirror_version = None, True, None
                return False
            self.mirror_version = changes.version
        if limit is None:  # in the background: the writes are applied here rather than by the next question
            mirror.apply()
        log.info("vector mirror followed to version %s: %d vectors read, %d dropped", changes.version, len(ids),
                 len(gone))
        return True

    def load_mirror(self, up_to: int | None = None) -> bool:
        """Load every vector into the in-memory mirror (when the index is small enough); True when it serves
        queries. Called by the first query, or ahead of it (start-up). From the kept file when it matches the
        knowledge base's state, else from Chroma (then kept for the next process); ``up_to``: from Chroma only
        when it holds at most that many vectors (``qifa ingest`` follows the mirror only when that is cheap)."""
        with self._mirror_lock:
            loaded = self._load_mirror(up_to)
        self._keep_loaded()
        return loaded

    def _load_mirror(self, up_to: int | None = None) -> bool:
        """(call with ``_mirror_lock`` held) The vectors go straight into one preallocated matrix, normalised in
        place: at laws-all size (157,000 vectors, 322 MB) a list of parts, their concatenation and a normalised
        copy were three matrices at once, and the process peaked 650 MB above where it settled."""
        if self._mirror is not None or self._mirror_off:
            return self._mirror is not None
        self._stale = False  # what is read from here on is at least as new as any write marked so far
        writes = self._writes
        state = self._state()
        if state is not None and self._from_file(*state):
            return True
        total = self.count()
        if total > MIRROR_MAX:
            self._mirror_off = True  # HNSW from here on (a write that shrinks it does not bring it back)
            return False
        if up_to is not None and total > up_to:
            return False
        self._loading = True
        try:
            return self._read_all(writes, state)
        finally:
            self._loading = False

    def _read_all(self, writes: int, state: tuple[str | None, str] | None) -> bool:
        """(call with ``_mirror_lock`` held) Every vector from Chroma into a new mirror: the ids first, then their
        vectors by id, so a write meanwhile shifts nothing (pages by offset skipped live rows after a delete).

        The copy matches the version ``state`` names, read before the ids: a write after it (another process's,
        filed in the change journal) may or may not be in what was read, and following the journal from that
        version afterwards (``_follow``) reads every id it changed again and drops the deleted ones. So a load
        that overlaps another process's write still ends current and of a known version."""
        listed = list(self.collection.get(include=[])["ids"])
        ids: list[str] = []
        # spare rows past the end: the writes followed later go there instead of into a new matrix (DenseMirror)
        matrix = np.empty((len(listed) + len(listed) // 8 + 1024, self.dimension), dtype=np.float32)
        for start in range(0, len(listed), _LOAD_BATCH):
            if self._closing.is_set():  # the process ends: never be inside Chroma when the interpreter goes
                return False
            got = self.collection.get(ids=listed[start : start + _LOAD_BATCH], include=["embeddings"])
            n = len(got["ids"])  # fewer when deleted meanwhile
            if n:
                matrix[len(ids) : len(ids) + n] = np.asarray(got["embeddings"], dtype=np.float32)
                ids.extend(got["ids"])
        buffer, matrix = matrix, matrix[: len(ids)]
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        matrix /= np.where(norms > 0, norms, 1.0)
        if self._writes != writes:  # this process wrote meanwhile (its mirror was not there to follow it)
            return False
        after = self._state()
        versioned = self._followable_from(state, after)
        # another process wrote while these were read: without a version to follow the journal from, the next
        # query reads them again
        if self._stale and not versioned:
            return False
        self._stale = False
        mirror = DenseMirror()
        mirror.fill_normalised(ids, matrix, buffer)
        self._mirror = mirror
        if versioned and state is not None and after is not None:
            self.mirror_version = state[0]
            if after[0] is not None and _newer(after[0], state[0] or "") and (
                    self._latest is None or _newer(after[0], self._latest)):
                self._latest = after[0]  # followed by the journal before the next query uses the copy
        else:  # kept only when no write moved the state while the vectors were read
            self.mirror_version = state[0] if state is not None and after == state else None
        # kept on disk only when it is exactly the state it was read at
        exact = state is not None and after == state and self.mirror_version is not None
        self._unkept = (state[1], ids, matrix) if exact and state is not None else None
        return True

    def _followable_from(self, state: tuple[str | None, str] | None,
                         after: tuple[str | None, str] | None) -> bool:
        """True when a copy read between the states ``state`` and ``after`` can take the version ``state`` names
        and follow the journal from it (both counters are numbers, in order, and there is a journal)."""
        if self.journal is None or state is None or after is None:
            return False
        first, last = number(state[0]), number(after[0])
        return first is not None and last is not None and last >= first

    def _state(self) -> tuple[str | None, str] | None:
        if self.kept is None:
            return None
        try:
            return self.kept.state()
        except Exception as exc:  # the database is down: load from Chroma, keep nothing
            log.warning("vector mirror: state of the knowledge base not read: %s: %s", type(exc).__name__,
                        str(exc)[:200])
            return None

    def _from_file(self, version: str | None, key: str) -> bool:
        assert self.kept is not None
        if self.kept.file is None:
            return False
        rows = self.kept.file.load(key, self.dimension)
        if rows is None or len(rows[0]) > MIRROR_MAX:
            return False
        mirror = DenseMirror()
        mirror.fill_normalised(*rows)
        self._mirror, self.mirror_version = mirror, version
        return True

    def _keep_loaded(self) -> None:
        """Write the vectors just read from Chroma to the kept file (outside the lock: queries use them
        meanwhile; the matrix is never changed in place)."""
        unkept, self._unkept = self._unkept, None
        if unkept is not None and self.kept is not None and self.kept.file is not None:
            key, ids, matrix = unkept
            self.kept.file.save(key, ids, matrix)

    def keep_mirror(self) -> bool:
        """Keep the mirror, with this process's writes applied, under the knowledge base's current state, when it
        is known to match it (loaded at a state and followed through every write since: ``advance``). The state
        and the rows are read with the lock held, so a write of this process cannot fall between the two."""
        if self.kept is None or self.kept.file is None:
            return False
        with self._mirror_lock:
            mirror, version = self._mirror, self.mirror_version
            state = self._state() if mirror is not None and version is not None else None
            if mirror is None or state is None or state[0] != version:
                return False
            ids, matrix = mirror.rows()
        return self.kept.file.save(state[1], ids, matrix)

    def advance(self, prior: str | None, value: str) -> None:
        """The knowledge base moved its version counter from ``prior`` to ``value`` with a write of this process
        (whose vectors went through ``upsert``/``delete``): a mirror that matched ``prior`` matches ``value``."""
        # never wait for a load under way: the caller holds the counter's row lock (other workers' writes queue
        # behind it); a load that ends after this write keeps no version it cannot vouch for (_load_mirror)
        if not self._mirror_lock.acquire(blocking=False):
            return
        try:
            if self._mirror is not None and self.mirror_version is not None and self.mirror_version == prior:
                self.mirror_version = value
            elif self._mirror is not None and self.mirror_version is not None and self.journal is not None:
                # others wrote before this write and the mirror has not followed them yet: it still matches its
                # version with this write applied on top, and following the journal reads this write's ids again
                if self._latest is None or _newer(value, self._latest):
                    self._latest = value
            else:
                self.mirror_version = None
        finally:
            self._mirror_lock.release()

    def _mirror_ready(self) -> bool:
        """True when the mirror serves this query. While another thread loads it (the start-up warm-up; many
        seconds at laws-all size) queries go to Chroma instead of waiting. A query that finds no mirror loads it
        from the kept file, or from Chroma when the index is small; a big index (another process wrote and kept
        no file yet) is read in a background thread while queries go to Chroma."""
        if self._mirror is not None and not self._stale:
            if not self.behind():
                return True
            # another process wrote: an embedded store reads a few changed vectors itself; a Chroma server's are
            # read in the background (never inside a question) while Chroma answers. One question follows at a
            # time, and none while the background thread does (each would read the journal's backlog again).
            if self._loader is not None and self._loader.is_alive():
                return False
            if not self._follow_lock.acquire(blocking=False):
                return False
            try:
                followed = self._follow(FOLLOW_INLINE) if self.path is not None else None
            except Exception as exc:  # the store or the database fails: Chroma is asked (else the copy answers)
                log.warning("vector mirror not followed: %s: %s", type(exc).__name__, str(exc)[:200])
                return False
            finally:
                self._follow_lock.release()
            if followed:
                return True
            if followed is None:
                self._behind_start()
                return False
        if self._mirror_off or not self._mirror_lock.acquire(blocking=False):
            return False
        try:
            if self._stale:  # marked while its load held the lock, which had already installed it
                self._mirror, self.mirror_version = None, None
            # a worker on a Chroma server never reads the vectors inside a question (seconds over HTTP)
            loaded = self._load_mirror(up_to=INLINE_MAX if self.path is not None else 0)
            behind = not loaded and not self._mirror_off
        finally:
            self._mirror_lock.release()
        if behind:
            self._behind_start()
            return False
        self._keep_loaded()
        return loaded

    def _behind_start(self) -> None:
        if self._loader is None or not self._loader.is_alive():
            self._loader = threading.Thread(target=self._load_behind, name="qifa-vector-mirror", daemon=True)
            self._loader.start()

    def _load_behind(self) -> None:
        """Follow the journal when the mirror can, else read every vector again."""
        try:
            if self._follow() is not False and self._mirror is not None:
                return
            if self.load_mirror() and self.behind() and self.path is None:
                # another process wrote during the load: a server's client sees its writes, follow them now (an
                # embedded client sees them only once reopened: the next question's look at the counter does)
                self._follow()
        except Exception as exc:  # the store failed: queries keep going to Chroma, the next one tries again
            log.warning("vector mirror not loaded: %s: %s", type(exc).__name__, str(exc)[:200])

    def stop_loading(self) -> None:
        """Stop a background load (between two pages) and wait for it: at close, and at interpreter exit, since a
        daemon thread still inside embedded Chroma when the process ends crashes it."""
        self._closing.set()
        loader = self._loader
        if loader is not None and loader is not threading.current_thread():
            loader.join(timeout=30)

    def count(self) -> int:
        return int(self.collection.count())

    def upsert(self, ids: list[str], vectors: np.ndarray, metadatas: list[dict[str, Any]]) -> None:
        for start in range(0, len(ids), 1000):
            end = start + 1000
            self._writes += 1
            self.collection.upsert(
                ids=ids[start:end], embeddings=vectors[start:end].tolist(), metadatas=metadatas[start:end]
            )
            self._mirrored(lambda m, s=start, e=end: m.upsert(ids[s:e], vectors[s:e]))

    def _mirrored(self, change: Any) -> None:
        with self._mirror_lock:
            if self._mirror is not None:
                change(self._mirror)
                if len(self._mirror) > MIRROR_MAX:
                    self._mirror, self._mirror_off, self.mirror_version = None, True, None

    def existing(self, ids: list[str]) -> set[str]:
        found: set[str] = set()
        for start in range(0, len(ids), 1000):
            got = self.collection.get(ids=ids[start : start + 1000], include=[])
            found.update(got["ids"])
        return found

    def delete(self, ids: list[str]) -> None:
        for start in range(0, len(ids), 1000):
            self._writes += 1
            self.collection.delete(ids=ids[start : start + 1000])
            self._mirrored(lambda m, s=start: m.delete(ids[s : s + 1000]))

    def all_ids(self) -> set[str]:
        return set(self.collection.get(include=[])["ids"])

    def query(self, vector: np.ndarray, k: int, where: dict[str, Any] | None = None, rows: bool = False,
              ordered: bool = True, among: Callable[[list[str], np.ndarray], ActiveRows] | None = None,
              ) -> list[tuple[str, float]] | Nearest:
        """The ``k`` nearest chunks, best first, as (id, similarity) pairs: from the in-memory mirror when it
        serves and there is no filter, else from Chroma. ``rows``: the mirror's answer as :class:`Nearest`
        (arrays, which iterate as the pairs) rather than a list; with ``ordered=False`` its rows are the same
        ones in no particular order (Chroma's answer stays best first). ``among``: the mirror considers only the
        rows it chooses (``DenseMirror.nearest``; Chroma's answer is over every chunk)."""
        if k <= 0:
            return []
        if where is None and self._mirror_ready():
            mirror = self._mirror
            if mirror is not None:
                return mirror.nearest(vector, k, ordered, among) if rows else mirror.query(vector, k)
        try:
            res = self.collection.query(
                query_embeddings=[vector.tolist()], n_results=k, where=where, include=["distances"]
            )
        except Exception:
            mirror = self._mirror
            if where is not None or mirror is None:
                raise
            # the store is down: the copy answers even when it is behind another process's writes or marked
            # stale (older vectors beat no dense search; a chunk deleted since has no row and is dropped by the
            # knowledge base, a new one is found by keyword search until the store is back)
            return mirror.nearest(vector, k, ordered, among) if rows else mirror.query(vector, k)
        ids = res["ids"][0]
        dists = (res.get("distances") or [[1.0] * len(ids)])[0]
        return [(i, 1.0 - float(d)) for i, d in zip(ids, dists, strict=True)]


_STORES: weakref.WeakSet[VectorStore] = weakref.WeakSet()


@atexit.register
def _stop_loads() -> None:
    for store in list(_STORES):
        store.stop_loading()
