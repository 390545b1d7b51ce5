"""``qifa backup PATH`` / ``qifa restore PATH``: a consistent snapshot of a data dir while the server runs.

- The SQL store (SQLite) is copied with SQLite's online backup API: one consistent copy, whatever the
  server writes meanwhile. A PostgreSQL store is backed up with ``pg_dump``; qifa refuses to pretend.
- The embedded Chroma index is copied file by file, its own SQLite file through the backup API too.
  SQL is the truth of the knowledge base, so restore then reconciles the index against the restored chunks:
  vectors no chunk points to are deleted and chunks without a vector are embedded again. A copy taken
  while an ingest ran is therefore still a consistent knowledge base once restored.
- Every other file in the data dir (uploaded files, keys) is copied as it is, except the caches under
  ``snapshot/`` (the keyword index and the kept vectors): rebuilt at the first start after a restore.

A ``manifest.json`` records what was taken; restore refuses a folder without one, and a data dir that is
not empty.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from config import Settings

MANIFEST = "manifest.json"
FORMAT = 1
SQL_FILE = "qifa.db"
CHROMA_DIR = "chroma"
SKIP = {f"{SQL_FILE}-wal", f"{SQL_FILE}-shm", f"{SQL_FILE}-journal", ".write-test"}
# derivable caches, rebuilt at the first start after a restore: the keyword snapshot and the kept vectors (up to
# ~320 MB at laws-all size), which a running server renames and removes while the backup would copy them
CACHE_DIRS = {"snapshot"}


class BackupError(RuntimeError):
    """A backup or restore that cannot be done, with the reason fit for the operator."""


@dataclass
class BackupReport:
    path: Path
    files: int
    bytes: int
    chunks: int
    vectors: bool

    def summary(self) -> str:
        return (f"backup written to {self.path}: {self.files} files, {self.bytes / 1e6:.1f} MB, "
                f"{self.chunks} chunks{'' if self.vectors else ' (vectors to be rebuilt on restore)'}")


@dataclass
class RestoreReport:
    data_dir: Path
    files: int
    chunks: int
    stray_removed: int | None  # None: a write was in progress throughout, strays were left to a later ingest
    embedded: int

    def summary(self) -> str:
        stray = ("stray vectors left to a later ingest (a write was in progress)" if self.stray_removed is None
                 else f"{self.stray_removed} stray vectors removed")
        return (f"restored into {self.data_dir}: {self.files} files, {self.chunks} chunks; index reconciled: "
                f"{stray}, {self.embedded} chunks embedded")


def _sqlite_copy(src: Path, dst: Path) -> None:
    """SQLite's online backup API: a consistent copy while other connections read and write."""
    source = sqlite3.connect(f"file:{src}?mode=ro", uri=True, timeout=30)
    target = sqlite3.connect(dst)
    try:
        with target:
            source.backup(target, pages=1024)
    finally:
        target.close()
        source.close()


def _is_sqlite(path: Path) -> bool:
    with path.open("rb") as f:
        return f.read(16) == b"SQLite format 3\x00"


def backup(settings: Settings, dest: Path) -> BackupReport:
    if settings.database_url:
        raise BackupError("the SQL store is PostgreSQL (QIFA_DATABASE_URL): back it up with pg_dump, "
                          "e.g. pg_dump -Fc -f qifa.dump URL; qifa backup copies a SQLite store")
    data = settings.data_dir
    if not (data / SQL_FILE).is_file():
        raise BackupError(f"no qifa store at {data.resolve()} (no {SQL_FILE}): nothing to back up")
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise BackupError(f"{dest} already exists and is not an empty folder: give a new path")
    if dest.resolve().is_relative_to(data.resolve()):
        raise BackupError("the backup cannot go inside the data dir it copies")
    work = dest.with_name(dest.name + ".partial")
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    _sqlite_copy(data / SQL_FILE, work / SQL_FILE)
    files = 1
    for src in sorted(data.rglob("*")):
        rel = src.relative_to(data)
        skipped = (rel.as_posix() == SQL_FILE or rel.name in SKIP or rel.name.startswith("chroma.sqlite3-")
                   or rel.parts[0] in CACHE_DIRS or _lock_file(rel.as_posix()))
        if skipped or not src.is_file():
            continue
        target = work / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            if src.suffix == ".sqlite3" and _is_sqlite(src):
                _sqlite_copy(src, target)
            else:
                shutil.copy2(src, target)
        except FileNotFoundError:  # removed by the running server since the listing (a file it replaces)
            continue
        files += 1
    with sqlite3.connect(work / SQL_FILE) as conn:
        chunks = int(conn.execute("SELECT count(*) FROM kb_chunks").fetchone()[0])
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    vectors = settings.chroma_url is None and (work / CHROMA_DIR).is_dir()
    manifest: dict[str, Any] = {
        "format": FORMAT, "created": datetime.now(UTC).isoformat(timespec="seconds"), "revision": revision,
        "chunks": chunks, "vectors": vectors, "collection": settings.chroma_collection,
        "embedding_model": settings.embedding_model,
    }
    (work / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    size = sum(p.stat().st_size for p in work.rglob("*") if p.is_file())
    if dest.exists():
        dest.rmdir()
    work.rename(dest)  # the backup appears whole or not at all
    return BackupReport(dest, files, size, chunks, vectors)


def _lock_file(rel: str) -> bool:
    """A lock file of the database (``Database.held``): empty, and meaningless outside the running processes."""
    return rel.startswith(f"{SQL_FILE}.") and rel.endswith(".lock") and "/" not in rel


def read_manifest(src: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((src / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{src} is not a qifa backup (no {MANIFEST})") from None
    except (OSError, ValueError) as exc:
        raise BackupError(f"{src}/{MANIFEST} cannot be read: {exc}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or not (src / SQL_FILE).is_file():
        raise BackupError(f"{src} is not a qifa backup this version can restore")
    return manifest


def copy_in(settings: Settings, src: Path) -> int:
    """Copies a backup into the (empty) data dir; returns the number of files. The index is reconciled by
    the caller once the runtime is open (``KnowledgeBase.repair``)."""
    if settings.database_url:
        raise BackupError("the SQL store is PostgreSQL (QIFA_DATABASE_URL): restore it with pg_restore")
    manifest = read_manifest(src)
    data = settings.data_dir
    if data.exists() and (not data.is_dir() or any(data.iterdir())):
        raise BackupError(f"the data dir {data.resolve()} is not empty: restore only into an empty or new "
                          "folder (set QIFA_DATA_DIR to one), so nothing is overwritten")
    data.mkdir(parents=True, exist_ok=True)
    files = 0
    for p in sorted(src.rglob("*")):
        rel = p.relative_to(src)
        if not p.is_file() or rel.as_posix() == MANIFEST:
            continue
        if rel.parts[0] == CHROMA_DIR and (settings.chroma_url or not manifest.get("vectors")):
            continue
        target = data / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(p, target)
        files += 1
    return files
