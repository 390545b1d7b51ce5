"""The keyword side of the knowledge base's in-memory snapshot: read from SQL, and kept on disk.

:func:`read` streams the chunk rows (``ROWS`` at a time) into the two BM25 builders, so the rows and their
tokens are never all in memory as Python objects at once (at laws-all size, 170,000 chunks, that transient
left the process several hundred MB larger than the index itself).

:class:`DiskCache` keeps what :func:`read` built in one ``.npz`` file in the data dir, named by a key that moves
with every write to the knowledge base (the ``kb_meta`` version counter, the row counts, the newest document
change, this module's format and the tokenizer's fingerprint). A process that starts on an unchanged knowledge
base loads the file (numbers and two joined strings: well under a second) instead of reading and counting every
chunk's tokens again; the first process to read a new version writes it. A file that does not match, or cannot
be read, is ignored and rebuilt.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db import Database
from db.models_kb import KbChunk, KbDocument, KbMeta
from knowledge.bm25 import Bm25Builder, Bm25Index
from knowledge.charindex import CharBuilder

log = logging.getLogger(__name__)

ROWS = 5_000  # chunk rows read per batch
FORMAT = "2"  # bump when what is stored changes
_NONE = "\x00"  # a missing English title, in the joined list of English titles


@dataclass
class KeywordTables:
    """What the snapshot needs from SQL: chunk ids (sorted), each chunk's document, the documents' titles, which
    chunks may answer, and the three BM25 indexes (chunk text; the law's name; the characters of the chunk text's
    words, knowledge.charindex)."""

    version: str | None
    key: str
    ids: list[str]
    doc_of: np.ndarray  # the position in ``doc_ids`` of each chunk's document
    doc_ids: list[str]
    titles: list[str]
    titles_en: list[str | None]
    active: np.ndarray
    bm25: Bm25Index
    names: Bm25Index
    chars: Bm25Index

    @property
    def chunk_docs(self) -> list[str]:
        """Each chunk's document id (one shared string per document)."""
        return [self.doc_ids[i] for i in self.doc_of.tolist()]

    @property
    def doc_titles(self) -> dict[str, tuple[str, str | None]]:
        return {d: (t, e) for d, t, e in zip(self.doc_ids, self.titles, self.titles_en, strict=True)}


def content_key(s: Session, version: str | None, tokenizer: str, kind: str = FORMAT) -> str:
    """Moves with every write: the version counter, the row counts, the newest document change. ``kind`` and
    ``tokenizer`` name what is kept at that state (the kept vectors pass their format, collection and model)."""
    docs, newest = s.execute(select(func.count(), func.max(KbDocument.updated_at)).select_from(KbDocument)).one()
    chunks = s.scalar(select(func.count()).select_from(KbChunk)) or 0
    raw = f"{kind}|{version}|{docs}|{chunks}|{newest}|{tokenizer}"
    return hashlib.sha256(raw.encode()).hexdigest()[:24]


def read(db: Database, version_key: str, name_tokens: Callable[[str], list[str]], tokenizer: str,
         cache: DiskCache | None = None) -> KeywordTables:
    """The tables at the current version: from ``cache`` when it holds them, else from SQL (then cached)."""
    with db.session() as s:
        meta = s.get(KbMeta, version_key)
        version = meta.value if meta is not None else None
        key = content_key(s, version, tokenizer)
        if cache is not None:
            kept = cache.load(key, version)
            if kept is not None:
                return kept
        tables = _from_sql(s, version, key, name_tokens)
    if cache is not None:
        cache.save(tables)
    return tables


def _from_sql(s: Session, version: str | None, key: str, name_tokens: Callable[[str], list[str]]) -> KeywordTables:
    doc_index: dict[str, int] = {}
    titles: list[str] = []
    titles_en: list[str | None] = []
    heads: list[list[str]] = []  # the law's name as tokens, per document
    ids: list[str] = []
    doc_of: list[int] = []
    active: list[bool] = []
    body, names, chars = Bm25Builder(), Bm25Builder(), CharBuilder()
    stmt = (
        select(KbChunk.id, KbChunk.tokens, KbDocument.id.label("doc"), KbDocument.title, KbDocument.title_en,
               KbDocument.active)
        .join(KbDocument)
        .order_by(KbChunk.id)
        .execution_options(yield_per=ROWS)
    )
    for r in s.execute(stmt):
        d = doc_index.get(r.doc)
        if d is None:
            d = doc_index[r.doc] = len(titles)
            titles.append(r.title)
            titles_en.append(r.title_en)
            heads.append(name_tokens(r.title))
        ids.append(r.id)
        doc_of.append(d)
        active.append(bool(r.active))
        toks, head = r.tokens.split(), heads[d]
        # stored tokens start with the law's name (see index_text); it is indexed apart
        text = toks[len(head):] if toks[: len(head)] == head else toks
        body.add(text)
        chars.add(text)
        names.add(head)
    return KeywordTables(
        version=version, key=key, ids=ids, doc_of=np.array(doc_of, dtype=np.int32), doc_ids=list(doc_index),
        titles=titles, titles_en=titles_en, active=np.array(active, dtype=bool),
        bm25=body.build(ids), names=names.build(ids, b=0.0), chars=chars.build(ids),
    )


class DiskCache:
    """One file per content key in ``folder`` (older ones removed when a newer one is written)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, key: str) -> Path:
        return self.folder / f"keywords-{key}.npz"

    def load(self, key: str, version: str | None) -> KeywordTables | None:
        path = self.path(key)
        if not path.is_file():
            return None
        try:
            with np.load(path, allow_pickle=False) as z:
                ids = _split(z["ids"])
                tables = KeywordTables(
                    version=version, key=key, ids=ids, doc_of=z["doc_of"], doc_ids=_split(z["doc_ids"]),
                    titles=_split(z["titles"]),
                    titles_en=[None if t == _NONE else t for t in _split(z["titles_en"])],
                    active=z["active"], bm25=_index(z, "bm25", ids), names=_index(z, "names", ids),
                    chars=_index(z, "chars", ids),
                )
        except Exception as exc:  # truncated, or written by another format: build it again
            log.warning("keyword snapshot %s not used: %s: %s", path.name, type(exc).__name__, str(exc)[:200])
            return None
        if len(tables.doc_of) != len(ids) or len(tables.active) != len(ids):
            return None
        return tables

    def save(self, t: KeywordTables) -> None:
        """Written to a temporary name and renamed, so a reader never sees half a file; failures are logged."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            final = self.path(t.key)
            tmp = final.with_name(f".{final.name}.{os.getpid()}.tmp")
            arrays: dict[str, np.ndarray] = {
                "ids": _join(t.ids), "doc_of": t.doc_of, "doc_ids": _join(t.doc_ids), "titles": _join(t.titles),
                "titles_en": _join([_NONE if e is None else e for e in t.titles_en]), "active": t.active,
            }
            for name, index in (("bm25", t.bm25), ("names", t.names), ("chars", t.chars)):
                m = index.matrix.tocsc()
                arrays.update({f"{name}_data": m.data, f"{name}_indices": m.indices, f"{name}_indptr": m.indptr,
                               f"{name}_shape": np.array(m.shape, dtype=np.int64), f"{name}_idf": index.idf,
                               f"{name}_vocab": _join(sorted(index.vocab, key=index.vocab.__getitem__))})
            with open(tmp, "wb") as fh:
                np.savez(fh, **arrays)  # type: ignore[arg-type]
            os.replace(tmp, final)
            for old in self.folder.glob("keywords-*.npz"):
                if old != final:
                    old.unlink(missing_ok=True)
        except (OSError, ValueError) as exc:
            log.warning("keyword snapshot not kept on disk: %s", exc)


def _join(items: list[str]) -> np.ndarray:
    """The strings one to a line, after a marker (so that no strings and one empty string differ)."""
    for s in items:
        if "\n" in s:
            raise ValueError(f"a line break in a stored name: {s[:40]!r}")
    text = "\x01" + "\n".join(items) if items else ""
    return np.frombuffer(text.encode("utf-8"), dtype=np.uint8)


def _split(raw: np.ndarray) -> list[str]:
    text = raw.tobytes().decode("utf-8")
    return text[1:].split("\n") if text else []


def _index(z: np.lib.npyio.NpzFile, name: str, ids: list[str]) -> Bm25Index:
    shape = tuple(int(x) for x in z[f"{name}_shape"])
    matrix = sparse.csc_matrix((z[f"{name}_data"], z[f"{name}_indices"], z[f"{name}_indptr"]), shape=shape)
    vocab = {t: i for i, t in enumerate(_split(z[f"{name}_vocab"]))}
    if len(vocab) != shape[1]:
        raise ValueError(f"{name}: {len(vocab)} terms for {shape[1]} columns")
    return Bm25Index.from_parts(ids, vocab, z[f"{name}_idf"], matrix)
