"""Knowledge packs shipped inside the package: a folder with ``manifest.yaml``, the texts, and the vectors
of the bundled embedding model with the search tokens (``vectors-<model>.npz``, see knowledge/precomputed.py).
Installing a pack upserts its documents; a chunk whose vector is shipped is not embedded again, so a fresh
data dir is ready in seconds. Another model, or a changed text, embeds only what it must.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from knowledge.base import KnowledgeBase
from knowledge.chunking import ParsedDocument, index_text, parse_document
from knowledge.precomputed import load_precomputed, vector_key, vectors_file

PACKS_DIR = Path(__file__).parent / "content" / "packs"
KINDS = ("法律", "行政法规", "司法解释", "地方性法规", "指引")
STATUSES = ("现行有效", "已修订", "已废止")
IN_FORCE = "现行有效"
ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,31}$")
REQUIRED = ("id", "file", "title", "title_en", "kind", "issuer", "effective", "status")


class PackError(ValueError):
    """A pack's manifest is missing, unreadable or inconsistent; the message lists every problem."""


@dataclass(frozen=True)
class PackDocument:
    id: str
    file: str
    title: str
    title_en: str
    kind: str
    issuer: str
    effective: str
    status: str
    version: str | None = None
    url: str | None = None
    corpus_file: tuple[str, ...] = ()


@dataclass(frozen=True)
class Pack:
    name: str
    title: str
    title_en: str
    root: Path
    documents: tuple[PackDocument, ...]

    @property
    def meta_key(self) -> str:
        return f"pack:{self.name}"

    def source(self, doc: PackDocument) -> str:
        """Stable across machines: never a server path."""
        return f"pack:{self.name}/{doc.file}"

    def vectors_path(self, model_id: str) -> Path:
        return vectors_file(self.root, model_id)

    def digest(self) -> str:
        """Changes when the manifest or any text changes (the installed state is compared with it)."""
        h = hashlib.sha256((self.root / "manifest.yaml").read_bytes())
        for d in self.documents:
            h.update((self.root / d.file).read_bytes())
        return h.hexdigest()

    def parsed(self, doc: PackDocument) -> ParsedDocument:
        meta = {
            "id": doc.id, "title": doc.title, "title_en": doc.title_en, "category": doc.kind,
            "issuer": doc.issuer, "effective": doc.effective, "status": doc.status, "url": doc.url or "",
            "pack": self.name,
        }
        parsed = parse_document((self.root / doc.file).read_text(encoding="utf-8"), self.source(doc), meta)
        parsed.source = self.source(doc)  # a public URL is shown as ``url``, the source stays the pack's
        return parsed

    def chunk_texts(self) -> list[str]:
        """What the embedding model sees for every chunk of every document (for the vector file)."""
        out: list[str] = []
        for d in self.documents:
            p = self.parsed(d)
            out.extend(index_text(p.title, c.heading_path, c.locator, c.text) for c in p.chunks)
        return out


def _date(value: Any, where: str, problems: list[str]) -> str:
    text = value.isoformat() if isinstance(value, date) else str(value or "")
    try:
        date.fromisoformat(text)
    except ValueError:
        problems.append(f"{where}: '{text}' is not a date (YYYY-MM-DD)")
    return text


def load_pack(root: Path) -> Pack:
    path = root / "manifest.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise PackError(f"cannot read {path}: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("documents"), list):
        raise PackError(f"{path}: expected a mapping with a 'documents' list")
    problems: list[str] = []
    docs: list[PackDocument] = []
    for n, d in enumerate(data["documents"], start=1):
        where = f"{path.name} document {n} ({d.get('id') if isinstance(d, dict) else '?'})"
        if not isinstance(d, dict):
            problems.append(f"{where}: not a mapping")
            continue
        missing = [k for k in REQUIRED if not d.get(k)]
        if missing:
            problems.append(f"{where}: missing {', '.join(missing)}")
            continue
        if not ID.match(str(d["id"])):
            problems.append(f"{where}: id must be 2-32 lowercase letters, digits or '-'")
        if d["kind"] not in KINDS:
            problems.append(f"{where}: kind '{d['kind']}' is not one of {' / '.join(KINDS)}")
        if d["status"] not in STATUSES:
            problems.append(f"{where}: status '{d['status']}' is not one of {' / '.join(STATUSES)}")
        if not (root / str(d["file"])).is_file():
            problems.append(f"{where}: file {d['file']} does not exist")
        corpus = d.get("corpus_file") or ()
        docs.append(PackDocument(
            id=str(d["id"]), file=str(d["file"]), title=str(d["title"]), title_en=str(d["title_en"]),
            kind=str(d["kind"]), issuer=str(d["issuer"]), effective=_date(d["effective"], where, problems),
            status=str(d["status"]), version=_date(d["version"], where, problems) if d.get("version") else None,
            url=str(d["url"]) if d.get("url") else None,
            corpus_file=tuple(corpus) if isinstance(corpus, list) else (str(corpus),),
        ))
    problems.extend(_version_problems(docs))
    if problems:
        raise PackError(f"pack {root.name}: " + "; ".join(problems))
    return Pack(str(data.get("pack") or root.name), str(data.get("name") or root.name),
                str(data.get("name_en") or root.name), root, tuple(docs))


def _version_problems(docs: list[PackDocument]) -> list[str]:
    """Ids and files unique; of the versions of one title exactly the newest is in force (unless repealed)."""
    problems: list[str] = []
    for attr in ("id", "file"):
        seen: set[str] = set()
        for d in docs:
            value = getattr(d, attr)
            if value in seen:
                problems.append(f"{attr} '{value}' appears twice")
            seen.add(value)
    by_title: dict[str, list[PackDocument]] = {}
    for d in docs:
        by_title.setdefault(d.title, []).append(d)
    for title, versions in by_title.items():
        versions.sort(key=lambda d: d.effective)
        in_force = [d.id for d in versions if d.status == IN_FORCE]
        if len(in_force) > 1:
            problems.append(f"《{title}》: {len(in_force)} versions in force ({', '.join(in_force)})")
        elif in_force and in_force[0] != versions[-1].id:
            problems.append(f"《{title}》: {in_force[0]} is in force but {versions[-1].id} is newer")
    return problems


def shipped_packs(root: Path = PACKS_DIR) -> list[Pack]:
    return [load_pack(p) for p in sorted(root.iterdir()) if (p / "manifest.yaml").is_file()] if root.is_dir() else []


@dataclass
class PackStatus:
    name: str
    title: str
    documents: int
    in_force: int
    chunks: int
    installed: bool  # the installed state matches the shipped pack
    vectors: bool  # the pack ships vectors for the configured model


def pack_status(kb: KnowledgeBase, pack: Pack) -> PackStatus:
    docs = {d.id: d for d in kb.documents() if d.pack == pack.name}
    return PackStatus(
        name=pack.name, title=pack.title, documents=len(pack.documents),
        in_force=sum(d.status == IN_FORCE for d in pack.documents), chunks=sum(d.chunks for d in docs.values()),
        installed=kb.get_meta(pack.meta_key) == pack.digest() and len(docs) == len(pack.documents),
        vectors=pack.vectors_path(kb.embeddings.model_id).is_file(),
    )


def install_pack(
    kb: KnowledgeBase,
    pack: Pack,
    on_total: Callable[[int], None] | None = None,
    on_embedded: Callable[[int], None] | None = None,
) -> int:
    """Bring the pack's documents into the knowledge base when new or changed; returns how many were
    (re)indexed. ``on_total(n)`` gets the number of chunks the model must embed before it starts."""
    digest = pack.digest()
    if kb.get_meta(pack.meta_key) == digest:
        return 0
    pre = load_precomputed(pack.vectors_path(kb.embeddings.model_id), kb.embeddings.model_id)
    parsed = [pack.parsed(d) for d in pack.documents]
    if on_total is not None:
        todo = sum(vector_key(index_text(p.title, c.heading_path, c.locator, c.text)) not in pre.vectors
                   for p in parsed for c in p.chunks)
        on_total(todo)
    changed = 0
    for p, d in zip(parsed, pack.documents, strict=True):
        size = (pack.root / d.file).stat().st_size
        changed += kb.upsert(p, size, pre=pre, on_embedded=on_embedded) != "unchanged"
    current = {p.id for p in parsed}
    for info in kb.documents():
        if info.pack == pack.name and info.id not in current:
            kb.remove(info.id)
            changed += 1
    kb.set_meta(pack.meta_key, digest)
    return changed
