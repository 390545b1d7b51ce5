"""``ingest(paths)``: every supported file under the paths goes in; a bad file is reported, not fatal.

Files are read and parsed a window at a time (``WINDOW`` files). The chunks of a window that have no vector yet
are embedded together: each distinct text once (a law's versions share some articles, word for word), none that
ships with the product (``precomputed.shipped_vectors``: a statute of the pack, from whatever file), split
over ``workers`` threads that run the encoder at once (numpy lets go of the GIL in its matrix products), and
written to the vector store in one call. Each document's rows are then written as before, one transaction per
document (``KnowledgeBase.upsert`` finds its vectors there and embeds nothing).

The stages overlap: while the encoder works on window n+1, the main thread writes the rows of window n and then
parses window n+2, so the cores are not left to one thread while files are read, cut and tokenised.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from knowledge.base import KnowledgeBase
from knowledge.chunking import ParsedDocument, index_text, parse_document
from knowledge.loaders import SUPPORTED, LoadError, load_file
from knowledge.precomputed import shipped_vectors, vector_key

WINDOW = 32  # files read, parsed and embedded together
BATCH = 32  # texts per encode call
SEEN_MAX = 50_000  # vectors of recent texts kept to skip embedding a repeat (50,000 x 2 KB = 100 MB)


@dataclass
class Failure:
    path: str
    reason: str


@dataclass
class IngestReport:
    added: int = 0
    replaced: int = 0
    unchanged: int = 0
    chunks: int = 0
    failures: list[Failure] = field(default_factory=list)
    stray_removed: int | None = 0  # None: another write was in progress, the clean-up was left to a later ingest

    @property
    def failed(self) -> int:
        return len(self.failures)

    def summary(self) -> str:
        return (
            f"documents: {self.added} added, {self.replaced} replaced, {self.unchanged} unchanged, "
            f"{self.failed} failed; chunks written: {self.chunks}"
            + ("; stray vectors not looked for (another write was in progress)" if self.stray_removed is None
               else f"; stray vectors removed: {self.stray_removed}" if self.stray_removed else "")
        )


def collect(paths: Iterable[Path], report: IngestReport) -> list[Path]:
    """Expand folders (recursively, supported types only, sorted); missing paths become failures."""
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUPPORTED
                                and not any(part.startswith(".") for part in f.relative_to(p).parts)))
        elif p.exists():
            files.append(p)
        else:
            report.failures.append(Failure(str(p), "path does not exist"))
    return list(dict.fromkeys(f.resolve() for f in files))


def ingest(
    kb: KnowledgeBase,
    paths: Iterable[Path],
    max_bytes: int,
    progress: Callable[[Path], None] | None = None,
    on_files: Callable[[int], None] | None = None,
    workers: int = 2,
) -> IngestReport:
    """``workers``: encode calls run at once (``QIFA_INGEST_WORKERS``; about the number of cores)."""
    report = IngestReport()
    files = collect(paths, report)
    if on_files:
        on_files(len(files))
    # skipped while another writer is mid-write (its vectors must not be taken for strays): said in the summary
    report.stray_removed = kb.reconcile()
    kb.follow_vectors()
    with kb.writing():  # vectors of a window are written ahead of its rows: no reconcile meanwhile
        _write_all(kb, files, max_bytes, workers, report, progress)
    # the vectors of replaced documents' old chunks, left meanwhile (``KnowledgeBase._drop_stale``)
    kb.reconcile()
    return report


def _write_all(kb: KnowledgeBase, files: list[Path], max_bytes: int, workers: int, report: IngestReport,
               progress: Callable[[Path], None] | None) -> None:
    embedder = _WindowEmbedder(kb, workers)
    windows = [files[i : i + WINDOW] for i in range(0, len(files), WINDOW)]
    ahead = ThreadPoolExecutor(1, thread_name_prefix="qifa-ingest")  # embeds one window while the next is parsed
    try:
        parsed = _parse_window(windows[0], max_bytes) if windows else []
        pending = ahead.submit(embedder.embed, _docs(parsed)) if windows else None
        for n in range(len(windows)):
            following = _parse_window(windows[n + 1], max_bytes) if n + 1 < len(windows) else []
            assert pending is not None
            pending.result()  # this window's vectors are in the store
            if following:
                pending = ahead.submit(embedder.embed, _docs(following))
            for f, doc, size in parsed:  # written while the encoder works on the next window
                if isinstance(doc, Failure):
                    report.failures.append(doc)
                else:
                    _write(kb, f, doc, size, report)
                if progress:
                    progress(f)
            parsed = following
    finally:
        ahead.shutdown(cancel_futures=True)
        embedder.close()


def _parse_window(window: list[Path], max_bytes: int) -> list[tuple[Path, ParsedDocument | Failure, int]]:
    return [(f, *_parse(f, max_bytes)) for f in window]


def _docs(parsed: list[tuple[Path, ParsedDocument | Failure, int]]) -> list[ParsedDocument]:
    return [doc for _, doc, _ in parsed if isinstance(doc, ParsedDocument)]


def _parse(f: Path, max_bytes: int) -> tuple[ParsedDocument | Failure, int]:
    try:
        loaded = load_file(f, max_bytes)
        doc = parse_document(loaded.text, str(f), loaded.meta)
        if not doc.chunks:
            raise LoadError("no text to index after cleaning")
        return doc, f.stat().st_size
    except LoadError as exc:
        return Failure(str(f), str(exc)), 0
    except OSError as exc:
        return Failure(str(f), f"cannot read: {exc.strerror or exc}"), 0


def _write(kb: KnowledgeBase, f: Path, doc: ParsedDocument, size: int, report: IngestReport) -> None:
    try:
        outcome = kb.upsert(doc, size)
    except OSError as exc:
        report.failures.append(Failure(str(f), f"cannot read: {exc.strerror or exc}"))
        return
    if outcome == "added":
        report.added += 1
    elif outcome == "replaced":
        report.replaced += 1
    else:
        report.unchanged += 1
    if outcome != "unchanged":
        report.chunks += len(doc.chunks)


class _WindowEmbedder:
    """Gives the chunks of a window of documents their vectors in the store, ahead of ``kb.upsert``."""

    def __init__(self, kb: KnowledgeBase, workers: int) -> None:
        self.kb = kb
        self.workers = max(1, workers)
        self.pool = ThreadPoolExecutor(self.workers, thread_name_prefix="qifa-embed") if self.workers > 1 else None
        self.seen: OrderedDict[str, np.ndarray] = OrderedDict()  # vector_key(text) -> vector, most recent last
        self.shipped = shipped_vectors(kb.embeddings.model_id)
        if self.pool is not None:
            kb.embeddings.encode(["预热"])  # the encoder loads its weights at its first call: not in two threads

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown()

    def embed(self, docs: list[ParsedDocument]) -> None:
        docs = self.kb.changed(docs)
        ids = [c.id for d in docs for c in d.chunks]
        have = self.kb.vectors.existing(ids) if ids else set()
        todo: list[tuple[str, str, str]] = []  # chunk id, document id, key
        texts: dict[str, str] = {}  # key -> text, each distinct text once
        for d in docs:
            for c in d.chunks:
                if c.id in have:
                    continue
                text = index_text(d.title, c.heading_path, c.locator, c.text)
                key = vector_key(text)
                todo.append((c.id, d.id, key))
                if key not in self.seen:
                    shipped = self.shipped.get(key)
                    if shipped is not None:
                        self.seen[key] = shipped
                    else:
                        texts.setdefault(key, text)
        if not todo:
            return
        keys = list(texts)
        for key, vec in zip(keys, self._encode([texts[k] for k in keys]), strict=True):
            self.seen[key] = vec
        vectors = np.stack([self.seen[key] for _, _, key in todo])
        for _, _, key in todo:
            self.seen.move_to_end(key)
        while len(self.seen) > SEEN_MAX:
            self.seen.popitem(last=False)
        self.kb.vectors.upsert([cid for cid, _, _ in todo], vectors, [{"document_id": did} for _, did, _ in todo])

    def _encode(self, texts: list[str]) -> list[np.ndarray]:
        if not texts:
            return []
        batches = [texts[i : i + BATCH] for i in range(0, len(texts), BATCH)]
        encode = self.kb.embeddings.encode
        done = self.pool.map(encode, batches) if self.pool is not None else map(encode, batches)
        return [row for block in done for row in block]
