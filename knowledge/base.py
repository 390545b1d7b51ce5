"""The knowledge base: SQL holds documents and chunks (the truth), Chroma holds their vectors, and an
in-memory BM25 index is rebuilt from SQL when the content changes.

Writing one document: embed its new chunks and upsert them into Chroma, then replace its rows in one
SQL transaction, then delete vectors no row points to. A crash at any point leaves SQL either old or
new, never half; stray vectors are ignored by search and removed by the next ingest (``reconcile``). The old
vectors a write replaced are deleted only while no other write is in flight (one may be putting the same chunk ids
back), else at the end of the ingest or by the next ``reconcile``.
Between its vector write and its commit a writer holds ``VECTOR_WRITES`` shared (every process and thread);
``reconcile`` deletes only while it holds it alone, so it never takes another writer's in-flight vectors
for strays.

Every write also moves a version counter in ``kb_meta``. A searching process looks at it at most once a
second (FRESH_S): when another process (``qifa ingest`` beside ``qifa serve``) moved it, the BM25 snapshot
is rebuilt and the embedded Chroma client reopened (it keeps its vector index in memory and would not see
the other process's vectors otherwise). The same transaction files the write's changed chunk ids in the change
journal (``knowledge.journal``), by which the in-memory vector mirror of every other process follows it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.orm import Session

from db import Database
from db.base import iso_utc
from db.meta import read_meta, seed_meta
from db.models_kb import KbChunk, KbDocument, KbMeta
from knowledge import journal, mirror_file, retokenize, snapshot
from knowledge.active_rows import ActiveRows, active_rows
from knowledge.bm25 import Bm25Index
from knowledge.charindex import CHAR_WEIGHT, query_chars
from knowledge.chunking import INACTIVE, ParsedDocument, index_text
from knowledge.coverage import cover
from knowledge.dense_mirror import Nearest
from knowledge.docrank import DocView, build_view, document_prior
from knowledge.embeddings import QifaEmbeddings
from knowledge.liability import liable
from knowledge.precomputed import Precomputed, shipped_vectors, vector_key
from knowledge.selection import nth_largest
from knowledge.specificity import specific
from knowledge.termweights import query_weights
from knowledge.tokens import tokenize, tokenizer_fingerprint
from knowledge.vectors import INLINE_MAX, KeptVectors, VectorStore

log = logging.getLogger(__name__)

Outcome = Literal["added", "replaced", "unchanged"]
Mode = Literal["hybrid", "bm25", "dense"]
# Hybrid ranking: each ranker's scores are scaled so its best active chunk is 1 and its POOL-th best is 0
# (below that 0), then mixed with BM25_WEIGHT. Measured better than reciprocal-rank fusion, which pushed
# an article one ranker puts first below the top five whenever the other ranker disagreed. The characters of
# the question's words add CHAR_WEIGHT times their own scaled BM25 (knowledge.charindex).
POOL = 100
# The dense pool: the POOL + (inactive chunks) nearest chunks, active ones only when the in-memory mirror answers
# (knowledge.active_rows: superseded and removed documents' rows cost the product nothing and no longer take
# places in the pool); from Chroma (no mirror): the nearest of every chunk, the inactive ones dropped afterwards.
DENSE_ACTIVE_ONLY = True
BM25_WEIGHT = 0.5
TITLE_WEIGHT = 0.5  # the law's name is its own BM25 field, so its words count once, not in every chunk
VERSION_KEY = "kb_version"  # moved by every write, in the same SQL transaction
VECTOR_WRITES = "qifa:vector-writes"  # held shared from a write's vectors to its commit; reconcile holds it alone
RECONCILE_POLL_S = 0.2  # how often reconcile tries for VECTOR_WRITES alone
LEFT_MAX = 100_000  # replaced chunks' vector ids a process keeps to drop at its next write (beyond: reconcile's)
STRAY_CHECK_BATCH = 500  # candidate ids per SQL IN (...) when reconcile checks them again
REPAIR_WAIT_S = 30.0  # how long repair keeps trying before it leaves the stray vectors to a later one
FRESH_S = 1.0  # how often a reader looks at the version counter
EMBED_BATCH = 64


@dataclass
class Passage:
    chunk_id: str
    document_id: str
    title: str
    source: str
    locator: str
    heading_path: str
    text: str
    effective: str | None
    status: str | None
    kind: str
    score: float
    bm25: float = 0.0  # keyword score with each query term counted once (the units of keyword_scale)
    dense: float = 0.0
    title_en: str | None = None
    category: str | None = None
    issuer: str | None = None
    url: str | None = None
    linked: bool = False  # put first because a curator linked a question like this one to its document


@dataclass
class DocumentInfo:
    id: str
    title: str
    source: str
    kind: str
    effective: str | None
    status: str | None
    active: bool
    chunks: int
    title_en: str | None = None
    category: str | None = None
    issuer: str | None = None
    url: str | None = None
    pack: str | None = None
    ingested_at: str | None = None  # when its row was last written (ISO 8601, UTC, ``Z``)


@dataclass
class _Snapshot:
    ids: list[str]
    position: dict[str, int]
    active: np.ndarray
    inactive: int
    bm25: Bm25Index  # heading, place and text of each chunk
    titles: Bm25Index  # the law's name (full and short) of each chunk
    chars: Bm25Index  # the characters of each chunk's words (knowledge.charindex)
    view: DocView  # document-level evidence (knowledge.docrank)
    version: str | None  # the kb_meta version counter it was built at


class KnowledgeBase:
    def __init__(self, db: Database, vectors: VectorStore, embeddings: QifaEmbeddings,
                 snapshot_dir: Path | None = None) -> None:
        """``snapshot_dir``: where the keyword snapshot is kept between processes (knowledge.snapshot)."""
        self.db = db
        self.snapshot_cache = snapshot.DiskCache(snapshot_dir) if snapshot_dir is not None else None
        self.vectors = vectors
        self.embeddings = embeddings
        self._lock = threading.Lock()
        self._snapshot: _Snapshot | None = None
        self.vector_error: str | None = None  # set while the vector store fails (search falls back to BM25)
        self._checked = 0.0  # monotonic time of the last look at the version counter
        self._seen: str | None = None  # the last version this process built a snapshot at or wrote
        self._foreign = False  # another process wrote between two of ours: reopen the vector client
        self._row_places: tuple[list[str], _Snapshot, np.ndarray] | None = None  # see _places
        self._row_active: tuple[list[str], _Snapshot, ActiveRows] | None = None  # see _active_rows
        self._left: set[str] = set()  # replaced chunks' vectors not yet dropped (``_drop_stale``)
        self._left_lock = threading.Lock()
        if snapshot_dir is not None and vectors.path is not None:  # an embedded store: its mirror is kept too
            vectors.kept = KeptVectors(mirror_file.MirrorFile(snapshot_dir), self._vector_state)
        else:  # a Chroma server (or no data dir): the mirror's version is known, nothing is kept on disk
            vectors.kept = KeptVectors(None, self._version_state)
        vectors.journal = self._changes  # another process's writes are followed by the ids they changed

    # ---- writing -------------------------------------------------------------------------------
    def upsert(
        self,
        doc: ParsedDocument,
        size_bytes: int = 0,
        pre: Precomputed | None = None,
        on_embedded: Callable[[int], None] | None = None,
    ) -> Outcome:
        """``pre``: vectors and tokens shipped with the text, used instead of computing them again;
        ``on_embedded(n)`` is called after each batch of n chunks the model embedded (progress bars)."""
        pre = pre or Precomputed()
        with self.writing():
            with self.db.session() as s:
                old = s.get(KbDocument, doc.id)
                if old is not None and old.content_hash == doc.content_hash and old.title == doc.title:
                    return "unchanged"
                old_title = old.title if old is not None else None
            new_ids = [c.id for c in doc.chunks]
            have = self.vectors.existing(new_ids)
            todo = [c for c in doc.chunks if c.id not in have]
            if todo:
                texts = [index_text(doc.title, c.heading_path, c.locator, c.text) for c in todo]
                vecs = self._vectors_for(texts, pre, on_embedded)
                self.vectors.upsert([c.id for c in todo], vecs, [{"document_id": doc.id} for _ in todo])
            with self.db.session() as s:
                # the rows this write takes out, as they are now (another write of the document may have replaced
                # the ones read above meanwhile): what the journal files and whose vectors are dropped
                replaced = set(s.scalars(delete(KbChunk).where(KbChunk.document_id == doc.id)
                                         .returning(KbChunk.id)))
                row = s.get(KbDocument, doc.id) or KbDocument(id=doc.id)
                row.title, row.source, row.kind = doc.title, doc.source, doc.kind
                row.effective, row.status, row.content_hash = doc.effective, doc.status, doc.content_hash
                row.size_bytes, row.chunk_count = size_bytes, len(doc.chunks)
                row.title_en, row.category, row.issuer, row.url = doc.title_en, doc.category, doc.issuer, doc.url
                row.pack = doc.pack
                s.add(row)
                s.flush()
                s.add_all(
                    KbChunk(
                        id=c.id,
                        document_id=doc.id,
                        ordinal=c.ordinal,
                        locator=c.locator,
                        heading_path=c.heading_path,
                        text=c.text,
                        tokens=_tokens(index_text(doc.title, c.heading_path, c.locator, c.text), pre),
                    )
                    for c in doc.chunks
                )
                s.flush()
                _recompute_active(s, doc.title)
                if old_title is not None and old_title != doc.title:
                    _recompute_active(s, old_title)
                stale = sorted(replaced - set(new_ids))
                self._bump(s, added=[i for i in new_ids if i not in replaced], removed=stale)
        if stale:
            self._drop_stale(stale)
        self._invalidate()
        return "replaced" if old is not None else "added"

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Hold while vectors written are not yet pointed to by committed chunk rows (``upsert``, and an ingest
        that writes a window's vectors ahead of its rows): ``reconcile`` deletes nothing meanwhile. Shared by
        any number of writers in any process; never waited for exclusively, so writers never wait."""
        with self.db.held(VECTOR_WRITES, shared=True):
            yield

    def changed(self, docs: list[ParsedDocument]) -> list[ParsedDocument]:
        """The documents ``upsert`` would write (new, or their text or title changed), in one read."""
        if not docs:
            return []
        with self.db.session() as s:
            stored = {r.id: (r.content_hash, r.title) for r in s.execute(
                select(KbDocument.id, KbDocument.content_hash, KbDocument.title)
                .where(KbDocument.id.in_([d.id for d in docs])))}
        return [d for d in docs if stored.get(d.id) != (d.content_hash, d.title)]

    def remove(self, doc_id: str) -> DocumentInfo | None:
        with self.db.session() as s:
            row = s.get(KbDocument, doc_id)
            if row is None:
                return None
            info = _info(row)
            ids = list(s.scalars(select(KbChunk.id).where(KbChunk.document_id == doc_id)))
            s.delete(row)
            s.flush()
            _recompute_active(s, info.title)
            self._bump(s, removed=ids)
        if ids:
            self._drop_stale(sorted(ids))
        self._invalidate()
        return info

    def update_metadata(self, doc_id: str, changes: dict[str, str | None]) -> DocumentInfo | None:
        """Change a document's citation metadata and validity (``status``, ``effective``, ``title_en``,
        ``category``, ``issuer``, ``url``); which version of its title is used is worked out again."""
        allowed = {"status", "effective", "title_en", "category", "issuer", "url"}
        unknown = set(changes) - allowed
        if unknown:
            raise ValueError(f"not editable: {', '.join(sorted(unknown))}")
        with self.db.session() as s:
            row = s.get(KbDocument, doc_id)
            if row is None:
                return None
            for key, value in changes.items():
                setattr(row, key, value)
            s.flush()
            _recompute_active(s, row.title)
            self._bump(s)
            info = _info(row)
        self._invalidate()
        return info

    def retitle(self, doc_id: str, title: str) -> DocumentInfo | None:
        """Rename a document: its name is part of what each chunk is indexed and embedded as (``index_text``),
        so every chunk is embedded again (same ids, vectors overwritten) and its keyword tokens rewritten; which
        version is used is worked out again under the old title and the new one."""
        with self.db.session() as s:
            row = s.get(KbDocument, doc_id)
            if row is None:
                return None
            if row.title == title:
                return _info(row)
            chunks = list(s.scalars(select(KbChunk).where(KbChunk.document_id == doc_id).order_by(KbChunk.ordinal)))
            texts = [index_text(title, c.heading_path, c.locator, c.text) for c in chunks]
        if chunks:
            vecs = self._vectors_for(texts, Precomputed(), None)
            self.vectors.upsert([c.id for c in chunks], vecs, [{"document_id": doc_id} for _ in chunks])
        with self.db.session() as s:
            row = s.get(KbDocument, doc_id)
            if row is None:  # removed meanwhile
                return None
            old_title, row.title = row.title, title
            for c, text in zip(chunks, texts, strict=True):
                stored = s.get(KbChunk, c.id)
                if stored is not None:
                    stored.tokens = " ".join(tokenize(text))
            s.flush()
            _recompute_active(s, title)
            _recompute_active(s, old_title)
            self._bump(s, added=[c.id for c in chunks])
            info = _info(row)
        self._invalidate()
        return info

    def reconcile(self, wait_s: float = 0.0) -> int | None:
        """Delete vectors that no chunk row points to (left by an interrupted ingest). The candidates are listed
        without any lock (every vector id against every chunk row: the long part at a large index); with none,
        nothing more is done. Otherwise only the candidates are checked again and deleted, and only while no
        writer is between its vector write and its commit (``writing``), whose new vectors would look stray: it
        tries for the lock alone every RECONCILE_POLL_S up to ``wait_s`` seconds (trying, never waiting in the
        lock's queue, where it would hold up every writer behind it) and returns None without deleting anything
        if writes were in flight throughout; their leftovers, if any, go at a later ingest or repair. Held alone,
        the lock covers the candidates' second check and deletion only, not the listing. The deletion moves the
        version counter and is filed in the change journal like any other, so every other process's copy of the
        vectors drops them too."""
        candidates = self._stray_candidates()
        if not candidates:
            return 0
        deadline = time.monotonic() + wait_s
        while True:
            with self.db.held(VECTOR_WRITES, wait=False) as alone:
                if alone:
                    removed = self._delete_stray(candidates)
                    with self._left_lock:
                        self._left.difference_update(candidates)
                    return removed
            if time.monotonic() >= deadline:
                log.info("stray vectors not looked for: a write to the knowledge base is in progress")
                return None
            time.sleep(RECONCILE_POLL_S)

    def _stray_candidates(self) -> list[str]:
        """Vector ids no chunk row points to right now; an in-flight write's new vectors among them (its rows
        are not committed yet), which is why ``_delete_stray`` checks them again under the lock."""
        with self.db.session() as s:
            known = set(s.scalars(select(KbChunk.id)))
        return sorted(self.vectors.all_ids() - known)

    def _drop_stale(self, ids: list[str]) -> None:
        """Delete the vectors of the chunk rows a write just took out (``upsert``, ``remove``; their removal is
        already journalled) — only holding VECTOR_WRITES alone, checked again like strays: a write in flight may
        be putting the same chunk ids back (it found their vectors in place and did not embed them again), and a
        late delete would leave its rows without vectors. Otherwise (another write in flight, or this one inside an
        ingest's ``writing``) they are kept and tried again at this process's next write, and any ``reconcile``
        (the end of every ingest, the next one's start, restore's repair) takes them as strays; search never
        returns a vector no row points to."""
        with self._left_lock:
            ids = sorted(set(ids) | self._left)
            self._left.clear()
        with self.db.held(VECTOR_WRITES, wait=False) as alone:
            if alone:
                self._delete_stray(ids, journal=False)
                return
        with self._left_lock:  # tried again at this process's next write (and taken by any reconcile meanwhile)
            if len(self._left) + len(ids) <= LEFT_MAX:
                self._left.update(ids)

    def _delete_stray(self, candidates: list[str], journal: bool = True) -> int:
        """Of ``candidates``, delete the vectors that still exist and that still no chunk row points to. Called
        holding VECTOR_WRITES alone: every write that was in flight at the listing has committed or given up.
        ``journal``: move the version counter and file the deletion (not when the write that took the rows out
        has filed it already)."""
        known: set[str] = set()
        with self.db.session() as s:
            for start in range(0, len(candidates), STRAY_CHECK_BATCH):
                batch = candidates[start : start + STRAY_CHECK_BATCH]
                known.update(s.scalars(select(KbChunk.id).where(KbChunk.id.in_(batch))))
        unclaimed = [c for c in candidates if c not in known]
        stray = sorted(self.vectors.existing(unclaimed)) if unclaimed else []
        if stray:
            # deleted first: a whole read between the two never keeps them under the version that files their
            # deletion (a copy read at that version would be taken as exact, and kept on disk with them)
            self.vectors.delete(stray)
            if journal:
                with self.db.session() as s:
                    self._bump(s, removed=stray)
                self._invalidate()
        return len(stray)

    def repair(self, wait_s: float = REPAIR_WAIT_S) -> tuple[int | None, int]:
        """Make the vector index match the chunk rows (SQL is the truth): delete stray vectors, embed chunks
        that have none. Returns (removed, embedded); removed is None when writes were in flight for all of
        ``wait_s`` seconds (``reconcile``): the chunks that have no vector are embedded all the same."""
        removed = self.reconcile(wait_s)
        with self.db.session() as s:
            known = sorted(s.scalars(select(KbChunk.id)))
        missing = set(known) - self.vectors.existing(known)
        if missing:
            self.reembed_all(only=missing)
        return removed, len(missing)

    def reembed_all(
        self, on_total: Callable[[int], None] | None = None, on_embedded: Callable[[int], None] | None = None,
        only: set[str] | None = None,
    ) -> int:
        """Embed every stored chunk again (after the vector collection was rebuilt); ``only``: just those chunks."""
        with self.db.session() as s:
            rows = [r for r in s.execute(
                select(KbChunk.id, KbChunk.document_id, KbChunk.locator, KbChunk.heading_path, KbChunk.text,
                       KbDocument.title).join(KbDocument)
            ).all() if only is None or r.id in only]
        if on_total:
            on_total(len(rows))
        for start in range(0, len(rows), 256):
            batch = rows[start : start + 256]
            vecs = self.embeddings.encode([index_text(r.title, r.heading_path, r.locator, r.text) for r in batch])
            self.vectors.upsert([r.id for r in batch], vecs, [{"document_id": r.document_id} for r in batch])
            if on_embedded:
                on_embedded(len(batch))
        with self.db.session() as s:
            if only is None:
                self._bump(s, everything=True)  # a rebuild: every other copy of the vectors is read again whole
            else:
                self._bump(s, added=[r.id for r in rows])
        self._invalidate()
        return len(rows)

    def _vectors_for(
        self, texts: list[str], pre: Precomputed, on_embedded: Callable[[int], None] | None
    ) -> np.ndarray:
        vecs = np.zeros((len(texts), self.embeddings.dimension), dtype=np.float32)
        missing: list[int] = []
        shipped = shipped_vectors(self.embeddings.model_id)
        for i, text in enumerate(texts):
            key = vector_key(text)
            v = pre.vectors.get(key)
            if v is None:
                v = shipped.get(key)
            if v is not None and v.shape == (self.embeddings.dimension,):
                vecs[i] = v
            else:
                missing.append(i)
        for start in range(0, len(missing), EMBED_BATCH):
            batch = missing[start : start + EMBED_BATCH]
            vecs[batch] = self.embeddings.encode([texts[i] for i in batch])
            if on_embedded:
                on_embedded(len(batch))
        return vecs

    def _bump(self, s: object, added: list[str] | None = None, removed: list[str] | None = None,
              everything: bool = False) -> None:
        """Move the version counter (inside the caller's transaction) and file the write's vector changes under the
        new value in the change journal (``knowledge.journal``): ``added`` chunk ids whose vectors were written (or
        written again), ``removed`` ones deleted (or to be deleted once the transaction commits)."""
        assert isinstance(s, Session)
        # locked until the caller commits: two workers writing at once each move it (read without the lock, both
        # read 5 and wrote 6: neither saw the other's write, and the journal kept one of the two entries). SQLite
        # takes no lock for SELECT … FOR UPDATE: the no-op update takes its write lock before the counter is read.
        # The row is there before the first write (migration 0022; put back here if it was lost, an insert that
        # waits for another writer's and then does nothing): two first writes at once both inserting it met a
        # duplicate key on PostgreSQL.
        seed_meta(s, VERSION_KEY, "")
        s.execute(update(KbMeta).where(KbMeta.key == VERSION_KEY).values(value=KbMeta.value))
        row = s.get(KbMeta, VERSION_KEY, with_for_update=True, populate_existing=True)
        prior = row.value if row is not None else None
        value = str(int(prior) + 1 if prior is not None and prior.isdigit() else 1)
        if row is not None:
            row.value = value
        else:  # a database without INSERT … ON CONFLICT: the row is seeded by the migration
            s.merge(KbMeta(key=VERSION_KEY, value=value))
        journal.record(s, value, added or (), removed or (), everything)
        if (prior or None) != (self._seen or None):  # "" (seeded, never written) is no write, as no row is
            self._foreign = True
        self._seen = value
        self.vectors.advance(prior or "", value)

    def _vector_state(self) -> tuple[str | None, str]:
        """The version counter ("" before the first write) and the key the kept vectors of this state are filed
        under (knowledge.mirror_file)."""
        v = self.vectors
        with self.db.session() as s:
            meta = s.get(KbMeta, VERSION_KEY)
            version = meta.value if meta is not None else ""
            key = snapshot.content_key(s, version, f"{v.name}|{v.model_id}|{v.dimension}",
                                       kind=f"vectors{mirror_file.FORMAT}")
        return version, key

    def _version_state(self) -> tuple[str | None, str]:
        """The version counter alone (no vectors are kept on disk, so no key is needed)."""
        return self.get_meta(VERSION_KEY) or "", ""

    def _changes(self, version: str, until: str) -> journal.Changes | None:
        """The vector changes filed after ``version`` up to at least ``until`` (None: read every vector again)."""
        with self.db.session() as s:
            return journal.since(s, version, until)

    def get_meta(self, key: str) -> str | None:
        return read_meta(self.db, key)

    def set_meta(self, key: str, value: str) -> None:
        with self.db.session() as s:
            s.merge(KbMeta(key=key, value=value))

    # ---- reading -------------------------------------------------------------------------------
    def documents(self) -> list[DocumentInfo]:
        with self.db.session() as s:
            return [_info(r) for r in s.scalars(select(KbDocument).order_by(KbDocument.title, KbDocument.source))]

    def document(self, doc_id: str) -> DocumentInfo | None:
        with self.db.session() as s:
            row = s.get(KbDocument, doc_id)
            return _info(row) if row else None

    def stats(self) -> dict[str, object]:
        with self.db.session() as s:
            docs = s.scalar(select(func.count()).select_from(KbDocument)) or 0
            active = s.scalar(select(func.count()).select_from(KbDocument).where(KbDocument.active)) or 0
            chunks = s.scalar(select(func.count()).select_from(KbChunk)) or 0
        snap = self._snap()
        return {
            "documents": docs,
            "active_documents": active,
            "chunks": chunks,
            "embedding_model": self.embeddings.model_id,
            "embedding_dimension": self.embeddings.dimension,
            "vector_index_size": self.vectors.count(),
            "keyword_index_size": len(snap.bm25),
            "keyword_vocabulary": len(snap.bm25.vocab),
        }

    def search(self, query: str, k: int = 5, mode: Mode = "hybrid", vector: np.ndarray | None = None,
               ) -> list[Passage]:
        """``vector``: the query's embedding when the caller already has it (it is not computed twice)."""
        query = query.strip()
        if not query:
            return []
        snap = self._snap()
        n = len(snap.ids)
        if n == 0:
            return []
        bm: np.ndarray = np.zeros(n)
        dn: np.ndarray = np.zeros(n)
        in_pool = np.zeros(n, dtype=bool)
        terms = query_weights(query)  # ranks by weighted terms; passages report the plain keyword score
        ranked_kw, plain = _keyword(snap, terms) if mode != "dense" else (bm, bm)
        if mode in ("hybrid", "bm25"):
            bm = np.where(snap.active, ranked_kw, 0.0)
        if mode in ("hybrid", "dense"):
            found = self._dense(query, min(n, POOL + snap.inactive), vector, snap)
            if found is None:  # the vector store is unavailable: keyword-only answers
                if mode == "dense":
                    return []
                bm = np.where(snap.active, ranked_kw, 0.0)
                mode = "bm25"
            if found:  # the pool's similarities, at their chunks' places in the snapshot (active chunks only)
                if isinstance(found, Nearest):  # the in-memory mirror: rows mapped to places with one array
                    pos, sims = self._places(snap, found.ids)[found.rows], found.sims
                else:
                    pos = np.fromiter((snap.position.get(c, -1) for c, _ in found), dtype=np.int64, count=len(found))
                    sims = np.fromiter((sim for _, sim in found), dtype=np.float64, count=len(found))
                keep = pos >= 0
                keep[keep] = snap.active[pos[keep]]
                dn[pos[keep]] = sims[keep]
                in_pool[pos[keep]] = True
        if mode == "bm25":
            score = bm
        elif mode == "dense":
            score = dn
        else:
            score = BM25_WEIGHT * _scaled(bm, snap.active) + (1 - BM25_WEIGHT) * _scaled(dn, in_pool)
            chars = query_chars(query)
            if chars:
                score = score + CHAR_WEIGHT * _scaled(np.where(snap.active, snap.chars.scores(chars), 0.0), snap.active)
            score = score + np.where(score > 0, document_prior(snap.view, query), 0.0)
        cand = np.flatnonzero(((bm > 0) | in_pool) & snap.active)
        cand = cand[np.argsort(-score[cand], kind="stable")]
        if mode == "hybrid":
            cand, score = specific(snap.bm25, snap.view, terms, cand, score)
            cand, score = liable(snap.bm25, snap.view, query, cand, score)
            cand, score = cover(snap.bm25, terms, cand, score)
        cand = cand[:k]
        best = [(snap.ids[i], float(score[i])) for i in cand]
        return self._passages(
            best,
            {snap.ids[i]: float(plain[i]) for i in cand},
            {snap.ids[i]: float(dn[i]) for i in cand},
        )

    def search_document(self, document_id: str, query: str, k: int = 1,
                        vector: np.ndarray | None = None) -> list[Passage]:
        """The best passages of one active document for a query: dense similarity within the document (the
        vector store filtered by document) mixed with the keyword score scaled to the document's best chunk."""
        query = query.strip()
        snap = self._snap()
        if not query or not snap.ids:
            return []
        vec = self.embeddings.encode([query])[0] if vector is None else vector
        try:
            found = self.vectors.query(vec, POOL, where={"document_id": document_id})
        except Exception as exc:  # the vector store is down: no boost, the ordinary search goes on
            log.warning("vector store unavailable for a document search: %s", str(exc)[:200])
            return []
        pos = [(cid, sim, snap.position[cid]) for cid, sim in found
               if cid in snap.position and snap.active[snap.position[cid]]]
        if not pos:
            return []
        terms = query_weights(query)
        bm_all, plain = _keyword(snap, terms)
        top = max(float(bm_all[p]) for _, _, p in pos) or 1.0
        ranked = sorted(((cid, BM25_WEIGHT * float(bm_all[p]) / top + (1 - BM25_WEIGHT) * sim) for cid, sim, p in pos),
                        key=lambda x: -x[1])[:k]
        return self._passages(ranked, {cid: float(plain[p]) for cid, _, p in pos}, {cid: sim for cid, sim, _ in pos})

    def _places(self, snap: _Snapshot, ids: list[str]) -> np.ndarray:
        """The snapshot's place of each of the mirror's rows (-1: not in the snapshot), computed once for each
        pair of the two (the mirror's id list is a new object whenever its rows change)."""
        known = self._row_places
        if known is not None and known[0] is ids and known[1] is snap:
            return known[2]
        places = np.fromiter((snap.position.get(c, -1) for c in ids), dtype=np.int64, count=len(ids))
        self._row_places = (ids, snap, places)
        return places

    def _active_rows(self, snap: _Snapshot, ids: list[str], matrix: np.ndarray) -> ActiveRows:
        """The mirror's rows that are active chunks of ``snap`` (``knowledge.active_rows``), built once for each
        pair of the two (the mirror's id list is a new object whenever its rows change, the snapshot whenever the
        version moves: an activation change, here or in another process, moves it)."""
        known = self._row_active
        if known is not None and known[0] is ids and known[1] is snap:
            return known[2]
        chosen = active_rows(self._places(snap, ids), snap.active, matrix)
        self._row_active = (ids, snap, chosen)
        return chosen

    def _dense(self, query: str, k: int, vector: np.ndarray | None = None, snap: _Snapshot | None = None,
               ) -> list[tuple[str, float]] | Nearest | None:
        """The vector store's nearest chunks, or None when it fails (logged once per outage; ``vector_error``
        says why until a query succeeds again). ``snap``: from the in-memory mirror, consider only its active
        chunks (``DENSE_ACTIVE_ONLY``)."""
        vec = self.embeddings.encode([query])[0] if vector is None else vector
        among = None
        if snap is not None and DENSE_ACTIVE_ONLY:
            def among(ids: list[str], matrix: np.ndarray, snap: _Snapshot = snap) -> ActiveRows:
                return self._active_rows(snap, ids, matrix)
        try:
            found = self.vectors.query(vec, k, rows=True, ordered=False, among=among)  # marked, not ranked
        except Exception as exc:  # Chroma down, unreachable or corrupt: answer from keywords
            if self.vector_error is None:
                log.warning("vector store unavailable (%s: %s); answering with keyword search only",
                            type(exc).__name__, str(exc)[:200])
            self.vector_error = f"{type(exc).__name__}: {str(exc)[:200]}"
            return None
        if self.vector_error is not None and not isinstance(found, Nearest):  # the store itself answered
            log.warning("vector store available again")
            self.vector_error = None
        return found

    def vector_status(self) -> str | None:
        """None when the vector store answers; else why not (checked now, with a count). While it is down,
        questions keep their dense search when this process holds the vectors in memory (``answers_dense``)."""
        try:
            self.vectors.count()
        except Exception as exc:
            if self.vector_error is None:
                log.warning("vector store unavailable (%s: %s)", type(exc).__name__, str(exc)[:200])
            self.vector_error = f"{type(exc).__name__}: {str(exc)[:200]}"
            return self.vector_error
        if self.vector_error is not None:
            log.warning("vector store available again")
            self.vector_error = None
        return None

    def answers_dense(self) -> bool:
        """True when questions get dense search even while the vector store is down (its vectors are in memory)."""
        return self.vectors.mirrored()

    def _passages(self, ranked: list[tuple[str, float]], bm: dict[str, float], dn: dict[str, float]) -> list[Passage]:
        if not ranked:
            return []
        ids = [cid for cid, _ in ranked]
        with self.db.transaction() as conn:
            # plain rows, not ORM objects (a search reads them and lets go); documents repealed or removed since
            # the snapshot (here or in another process) drop out at once
            rows = {r.chunk_id: r for r in conn.execute(_PASSAGES, {"ids": ids})}
        out: list[Passage] = []
        for cid, score in ranked:
            r = rows.get(cid)
            if r is None:
                continue
            out.append(
                Passage(
                    chunk_id=r.chunk_id, document_id=r.document_id, title=r.title, source=r.source, locator=r.locator,
                    heading_path=r.heading_path, text=r.text, effective=r.effective, status=r.status,
                    kind=r.kind, score=round(score, 6), bm25=round(bm.get(cid, 0.0), 4),
                    dense=round(dn.get(cid, 0.0), 4), title_en=r.title_en, category=r.category,
                    issuer=r.issuer, url=r.url,
                )
            )
        return out

    # ---- the in-memory snapshot ------------------------------------------------------------------
    def _invalidate(self) -> None:
        with self._lock:
            self._snapshot = None

    def _look_for_changes(self) -> None:
        """At most once a second: has any process written since the snapshot was built?"""
        now = time.monotonic()
        if self._snapshot is None or now - self._checked < FRESH_S:
            return
        self._checked = now
        if self.get_meta(VERSION_KEY) != self._snapshot.version:
            self._invalidate()

    def _snap(self) -> _Snapshot:
        self._look_for_changes()
        snap = self._snapshot
        if snap is not None:
            return snap
        with self._lock:
            if self._snapshot is None:
                self._checked = time.monotonic()
                t = snapshot.read(self.db, VERSION_KEY, lambda title: tokenize(index_text(title, "", "", "")),
                                  tokenizer_fingerprint(), self.snapshot_cache)
                version = t.version
                if self._foreign or (self._seen is not None and version != self._seen):
                    self.vectors.reopen(version or "")  # another process wrote: its vectors are on disk
                    self._foreign = False
                self._seen = version
                self._snapshot = _Snapshot(
                    ids=t.ids,
                    position={cid: i for i, cid in enumerate(t.ids)},
                    active=t.active,
                    inactive=int((~t.active).sum()),
                    bm25=t.bm25,
                    titles=t.names,
                    chars=t.chars,
                    view=build_view(t.chunk_docs, t.doc_titles),
                    version=version,
                )
            return self._snapshot

    def term_weights(self, terms: list[str]) -> dict[str, float]:
        """Each term's IDF in the keyword index, in units of ``keyword_scale`` (0 for an unknown term)."""
        snap, scale = self._snap(), self.keyword_scale()
        return {t: float(snap.bm25.idf[snap.bm25.vocab[t]]) / scale if t in snap.bm25.vocab else 0.0
                for t in terms}

    def keyword_scale(self) -> float:
        """The largest IDF a term can have in this index: BM25 scores in these units compare across
        knowledge bases of different sizes (the engine's confidence thresholds are given in them)."""
        return float(np.log(1.0 + (len(self._snap().ids) + 0.5) / 0.5))

    def follow_vectors(self) -> None:
        """Load the vector mirror when that is cheap (a kept file matches, or the index is small), so that this
        process's writes keep it current and ``keep_snapshot`` can keep it for the next process (``ingest`` calls
        this first; a big index with no kept file is left to the server, which reads it in the background)."""
        self.vectors.load_mirror(up_to=INLINE_MAX)

    def keep_snapshot(self) -> None:
        """Build the keyword snapshot now (and keep it on disk), so the next process to open this knowledge
        base loads it instead of reading every chunk (``qifa ingest`` calls this after writing); the vector
        mirror too, when this process followed it through its writes (``follow_vectors``)."""
        self._snap()
        self.vectors.keep_mirror()

    def follow_tokenizer(self, on_total: Callable[[int], None] | None = None,
                         on_done: Callable[[int], None] | None = None) -> retokenize.Rebuilt | None:
        """Re-tokenise the stored chunks when another tokenizer made their keyword tokens (``knowledge.retokenize``;
        None: nothing to do, or another process does it). The vector mirror is loaded first when that is cheap and
        kept again after the counter moved, so the next start need not read every vector back for a write that
        changed none."""
        if not retokenize.stale(self.db):
            retokenize.record(self.db)
            return None
        self.follow_vectors()
        done = retokenize.rebuild(self.db, self._bump, on_total=on_total, on_done=on_done)
        if done is not None:
            self._invalidate()
            self.vectors.keep_mirror()
        return done

    def warm_up(self) -> None:
        self._snap()
        self.embeddings.encode(["预热"])
        self._load_mirror()

    def _load_mirror(self) -> None:
        """The exact in-memory search, loaded before a question needs it (at start-up, and in the background
        after another process wrote: questions meanwhile go to the store itself)."""
        try:
            self.vectors.load_mirror()  # the exact in-memory search, before the first question needs it
            self.vectors.keep_mirror()  # for the next process, when this one's writes moved it past the kept file
        except Exception as exc:  # the store is down: the first search says so and falls back to keywords
            log.warning("vector mirror not loaded: %s: %s", type(exc).__name__, str(exc)[:200])


_PASSAGE_COLUMNS = (
    KbChunk.id.label("chunk_id"), KbChunk.locator, KbChunk.heading_path, KbChunk.text,
    KbDocument.id.label("document_id"), KbDocument.title, KbDocument.source, KbDocument.effective, KbDocument.status,
    KbDocument.kind, KbDocument.title_en, KbDocument.category, KbDocument.issuer, KbDocument.url,
)
_PASSAGES = (select(*_PASSAGE_COLUMNS).join(KbDocument)
             .where(KbChunk.id.in_(bindparam("ids", expanding=True)), KbDocument.active))


def _tokens(text: str, pre: Precomputed) -> str:
    shipped = pre.tokens.get(vector_key(text))
    return shipped if shipped is not None else " ".join(tokenize(text))


def _keyword(snap: _Snapshot, terms: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:
    """Each chunk's keyword score, its text's BM25 plus TITLE_WEIGHT times its law's name's, twice from one pass:
    with the terms weighted (``query_weights``), which ranks, and in which the name counts less when the question
    covers only part of the law's distinctive name (``knowledge.namecore``: "设备" of 特种设备安全法), and plain
    (each term once, the whole name field), the score passages report, in the units the engine's confidence
    thresholds are given in (``keyword_scale``): the answer/fallback decision is left as it was."""
    text_ranked, text_plain = snap.bm25.scores_both(terms)
    name_ranked, name_plain = snap.titles.scores_both(terms)
    weight = TITLE_WEIGHT * snap.view.name_weights(terms)  # a fragment of a law's name counts less (namecore)
    return text_ranked + weight * name_ranked, text_plain + TITLE_WEIGHT * name_plain


def _scaled(scores: np.ndarray, among: np.ndarray) -> np.ndarray:
    """Scores scaled so the best of ``among`` is 1 and the POOL-th best is 0 (lower ones clipped to 0). The two
    ends are found by a partition, not a sort of all of ``among`` (thousands of chunks, three times a question):
    the same two values (the POOL-th best by ``knowledge.selection.nth_largest``, the faster way to the same one)."""
    values = scores[among]
    if len(values) == 0:
        return np.zeros_like(scores)
    best = values.max()
    if len(values) <= POOL:
        last = values.min()
    elif best != best:  # NaN: the partition as it always was
        last = np.partition(values, len(values) - POOL)[len(values) - POOL]
    else:
        last = nth_largest(values, POOL)
    if best <= last:
        return np.zeros_like(scores)
    return np.where(among, np.clip((scores - last) / (best - last), 0.0, None), 0.0)


def _recompute_active(s: object, title: str) -> None:
    """Within documents of one title, only the newest version not declared repealed is used."""
    assert isinstance(s, Session)
    docs = list(s.scalars(select(KbDocument).where(KbDocument.title == title)))
    live = [d for d in docs if d.status not in INACTIVE]
    newest = max(live, key=lambda d: (d.effective or "", d.updated_at)) if live else None
    for d in docs:
        d.active = d is newest


def _info(row: KbDocument) -> DocumentInfo:
    status = row.status
    if not row.active and status not in INACTIVE:
        status = "已修订"
    return DocumentInfo(
        id=row.id, title=row.title, source=row.source, kind=row.kind, effective=row.effective,
        status=status, active=row.active, chunks=row.chunk_count, title_en=row.title_en, category=row.category,
        issuer=row.issuer, url=row.url, pack=row.pack, ingested_at=iso_utc(row.updated_at),
    )
