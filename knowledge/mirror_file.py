"""The in-memory vector mirror (``knowledge.dense_mirror.DenseMirror``) kept on disk between processes, as the keyword
snapshot is (``knowledge.snapshot``).

At laws-all size (157,000 vectors) reading every vector back from embedded Chroma takes 24-44 s of both cores
at start-up; the same matrix read from one ``.npy`` file is memory-mapped at once and paged in by the first
query (322 MB, well under a second from the page cache).

One folder ``vectors-<key>`` holds ``matrix.npy`` (float32 rows, L2-normalised) and ``ids.npy`` (the chunk ids,
UTF-8, one a line). The key names the state of the knowledge base the vectors belong to (the ``kb_meta`` version
counter, the row counts, the newest document change: see ``snapshot.content_key``) and the collection, model and
dimension, so a process never opens a file of another state: it loads the vectors from Chroma instead and keeps
them under the new key. The folder is written under a temporary name and renamed, so a reader sees a whole
folder or none; a crash mid-write leaves the last whole folder as it was (and a temporary one, removed by the
next write). Older folders are removed when a new one is in place; a process that has one mapped keeps reading
it (the file stays until the mapping is closed).
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

FORMAT = "1"  # bump when what is stored changes
PREFIX = "vectors-"


class MirrorFile:
    """The kept vectors of one knowledge base, in ``folder`` (the data dir's snapshot folder)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, key: str) -> Path:
        return self.folder / f"{PREFIX}{key}"

    def load(self, key: str, dimension: int) -> tuple[list[str], np.ndarray] | None:
        """The ids and the (memory-mapped, read-only) matrix kept under ``key``; None when there is none, or it
        cannot be read or does not fit (then the caller loads from Chroma and keeps a new one)."""
        folder = self.path(key)
        if not folder.is_dir():
            return None
        try:
            raw = np.load(folder / "ids.npy", allow_pickle=False)
            text = raw.tobytes().decode("utf-8")
            ids = text.split("\n") if text else []
            matrix = np.asarray(np.load(folder / "matrix.npy", mmap_mode="r", allow_pickle=False))
        except (OSError, ValueError, UnicodeDecodeError) as exc:
            log.warning("kept vectors %s not used: %s: %s", folder.name, type(exc).__name__, str(exc)[:200])
            return None
        if matrix.dtype != np.float32 or matrix.ndim != 2 or matrix.shape != (len(ids), dimension):
            log.warning("kept vectors %s not used: %s rows of %s for %d ids", folder.name, matrix.shape,
                        matrix.dtype, len(ids))
            return None
        return ids, matrix

    def save(self, key: str, ids: list[str], matrix: np.ndarray) -> bool:
        """Keep ``matrix`` (rows L2-normalised, one per id) under ``key``; True when it is in place (written now
        or by another process meanwhile). Failures are logged: the next start loads from Chroma again."""
        final = self.path(key)
        if final.is_dir():
            if self.load(key, matrix.shape[1]) is not None:
                return True
            shutil.rmtree(final, ignore_errors=True)  # damaged (a crash, a full disk): written again below
        if matrix.shape[0] != len(ids) or any("\n" in i for i in ids):
            raise ValueError("one id without a line break per row is needed")
        tmp = self.folder / f".{final.name}.{os.getpid()}.tmp"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            shutil.rmtree(tmp, ignore_errors=True)
            tmp.mkdir()
            np.save(tmp / "ids.npy", np.frombuffer("\n".join(ids).encode("utf-8"), dtype=np.uint8))
            with open(tmp / "matrix.npy", "wb") as fh:
                np.save(fh, np.ascontiguousarray(matrix, dtype=np.float32))
                fh.flush()
                os.fsync(fh.fileno())
            try:
                os.rename(tmp, final)
            except OSError:  # another process put the same state in place first
                shutil.rmtree(tmp, ignore_errors=True)
                if not final.is_dir():
                    raise
        except OSError as exc:
            log.warning("vectors not kept on disk: %s", exc)
            shutil.rmtree(tmp, ignore_errors=True)
            return False
        self._remove_others(final)
        return True

    def _remove_others(self, keep: Path) -> None:
        """Older folders, and temporary ones a crashed writer left (any but a live writer's own)."""
        for old in self.folder.glob(f"{PREFIX}*"):
            if old != keep:
                shutil.rmtree(old, ignore_errors=True)
        for tmp in self.folder.glob(f".{PREFIX}*.tmp"):
            pid = tmp.name.rsplit(".", 2)[-2]
            if not (pid.isdigit() and _alive(int(pid))):
                shutil.rmtree(tmp, ignore_errors=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # our own temporary folders are renamed or removed before this runs
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
