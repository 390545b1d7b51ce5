"""Build the knowledge base from settings (once, at start-up) and index the shipped documents."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from typing import Any

from config import Settings
from db import Database
from knowledge.base import KnowledgeBase
from knowledge.catalogue import Catalogue, Service
from knowledge.chunking import ParsedDocument, parse_document
from knowledge.embeddings import QifaEmbeddings, QueryCache, make_embeddings
from knowledge.loaders import load_file
from knowledge.packs import Pack, PackError, install_pack, shipped_packs
from knowledge.precomputed import load_precomputed, vectors_file
from knowledge.retokenize import Rebuilt
from knowledge.vectors import VectorStore, chroma_client

SHIPPED_DIR = Path(__file__).parent / "content" / "guides"
SHIPPED_KEY = "shipped_hash"
RETOKENISE_BAR_FROM = 5_000  # chunks left to re-tokenise from which a progress bar is shown (else the log lines)


def open_knowledge_base(
    settings: Settings, database: Database, *, rebuild: bool = False, embeddings: QifaEmbeddings | None = None
) -> KnowledgeBase:
    """``embeddings`` may be passed in to share one loaded model (tests, several runtimes)."""
    if embeddings is None:
        embeddings = make_embeddings(settings.embedding_model, settings.embedding_threads)
        if settings.query_cache_size > 0:
            embeddings = QueryCache(embeddings, settings.query_cache_size)
    path = None if settings.chroma_url else settings.chroma_path
    if rebuild:
        _drop_collection(settings, path)
    vectors = VectorStore(
        settings.chroma_collection, embeddings.model_id, embeddings.dimension, path=path, url=settings.chroma_url
    )
    kb = KnowledgeBase(database, vectors, embeddings, snapshot_dir=settings.snapshot_path)
    if rebuild:
        bar = _Progress("embedding")
        kb.reembed_all(on_total=bar.start, on_embedded=bar.update)
        bar.close()
    return kb


def _drop_collection(settings: Settings, path: Path | None) -> None:
    client = chroma_client(settings.chroma_url, path)
    if settings.chroma_collection in [c.name for c in client.list_collections()]:
        client.delete_collection(settings.chroma_collection)


def shipped_files() -> list[Path]:
    return sorted(p for p in SHIPPED_DIR.glob("*.md") if p.is_file())


def service_document(svc: Service) -> ParsedDocument:
    """A catalogue entry as one searchable passage (source ``catalogue:<id>``)."""
    text = (
        f"{svc.name}（{svc.name_en}）属于{svc.category}类服务，适用场景：{'、'.join(svc.scenarios)}。{svc.summary}\n"
        f"适用对象：{svc.eligibility}\n所需材料：{'；'.join(svc.materials)}。\n办理流程：{'；'.join(svc.steps)}。\n"
        f"办理时限：{svc.time_limit}。费用：{svc.fee}。承办部门：{svc.department}。联系方式：{svc.contact}。\n"
        f"{svc.summary_en}"
    )
    meta = {"title": f"点单式服务：{svc.name}", "kind": "service", "status": "现行有效"}
    return parse_document(f"# {meta['title']}\n\n{text}", f"catalogue:{svc.id}", meta)


def selected_packs(settings: Settings) -> list[Pack]:
    """The shipped packs ``QIFA_SHIPPED_PACKS`` names (none when ``QIFA_SHIPPED_KNOWLEDGE`` is off or the
    value is ``none``: an empty variable counts as not set)."""
    names = [n.strip() for n in settings.shipped_packs.split(",") if n.strip() and n.strip().lower() != "none"]
    if not settings.shipped_knowledge or not names:
        return []
    packs = {p.name: p for p in shipped_packs()}
    unknown = [n for n in names if n not in packs]
    if unknown:
        raise PackError(f"QIFA_SHIPPED_PACKS names unknown pack(s) {', '.join(unknown)}; shipped: "
                        + (", ".join(packs) or "none"))
    return [packs[n] for n in names]


def ensure_packs(kb: KnowledgeBase, settings: Settings) -> int:
    """Install the selected packs when new or changed (an unchanged pack costs one hash); a chunk without a
    shipped vector for the configured model is embedded, with a progress bar on stderr."""
    changed = 0
    for pack in selected_packs(settings):
        bar = _Progress(f"embedding pack {pack.name}")
        changed += install_pack(kb, pack, on_total=bar.start, on_embedded=bar.update)
        bar.close()
    return changed


class _Progress:
    """A tqdm bar on stderr, opened only when there is something to embed."""

    def __init__(self, desc: str) -> None:
        self.desc = desc
        self.bar: Any = None

    def start(self, total: int) -> None:
        if total:
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="chunk", desc=self.desc, file=sys.stderr)

    def update(self, n: int) -> None:
        if self.bar is not None:
            self.bar.update(n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def ensure_tokens(kb: KnowledgeBase) -> Rebuilt | None:
    """Re-tokenise the stored chunks when another tokenizer made them (``knowledge.retokenize``), before the shipped
    knowledge is looked at: an unchanged pack is skipped, and its chunks must not keep the old cut. A progress bar
    on stderr for a large index."""
    bar = _Progress("re-tokenising")

    def start(total: int) -> None:
        if total >= RETOKENISE_BAR_FROM:
            bar.start(total)

    try:
        return kb.follow_tokenizer(on_total=start, on_done=bar.update)
    finally:
        bar.close()


def ensure_shipped(kb: KnowledgeBase, settings: Settings, catalogue: Catalogue | None = None) -> int:
    """Index the shipped guides, catalogue and packs when new or changed; returns how many were (re)indexed."""
    if not settings.shipped_knowledge:
        return 0
    return _ensure_guides(kb, settings, catalogue) + ensure_packs(kb, settings)


def guide_documents(settings: Settings, catalogue: Catalogue | None) -> list[tuple[ParsedDocument, int]]:
    """The shipped guides (category 指引) and the catalogue's services, parsed, with their sizes."""
    docs: list[tuple[ParsedDocument, int]] = []
    root = SHIPPED_DIR.parent.parent.parent
    for p in shipped_files():
        loaded = load_file(p, int(settings.max_file_mb * 1e6))
        loaded.meta.setdefault("category", "指引")
        docs.append((parse_document(loaded.text, p.relative_to(root).as_posix(), loaded.meta), p.stat().st_size))
    docs.extend((service_document(s), 0) for s in (catalogue.services if catalogue else []))
    return docs


def _ensure_guides(kb: KnowledgeBase, settings: Settings, catalogue: Catalogue | None) -> int:
    files = shipped_files()
    services = catalogue.services if catalogue else []
    digest = hashlib.sha256(
        b"metadata-v2"  # guides carry their category (指引) since the statutes pack came
        + b"".join(p.name.encode() + p.read_bytes() for p in files)
        + repr([s.to_public_dict() for s in services]).encode()
    ).hexdigest()
    if kb.get_meta(SHIPPED_KEY) == digest:
        return 0
    docs = guide_documents(settings, catalogue)
    model = kb.embeddings.model_id
    pre = load_precomputed(vectors_file(SHIPPED_DIR, model), model)
    changed = sum(kb.upsert(doc, size, pre=pre) != "unchanged" for doc, size in docs)
    current = {d.id for d, _ in docs}
    for info in kb.documents():
        if info.source.startswith("catalogue:") and info.id not in current:
            kb.remove(info.id)
    kb.set_meta(SHIPPED_KEY, digest)
    return changed
