"""The knowledge base's change journal (table ``kb_changes``): for each move of the version counter, the chunk ids
whose vectors that write put into the vector store and the ones it deleted, written in the same transaction as the
move.

A process holding a copy of every vector (``knowledge.dense_mirror.DenseMirror``) that sees another process's write
reads the journal from the version its copy matches and then only the vectors of the ids written since (one
``get`` by ids), instead of every vector again (at laws-all size ~157,000 vectors, ~35 s over HTTP). When the
journal does not reach back to that version (pruned, written by an older version of qifa, or a rebuild rewrote
every vector), ``since`` says so and the copy is read again whole.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from db.models_kb import KbChange

KEEP = 20_000  # moves of the counter kept (an ingest of the whole laws-all is ~3,500); older ones are pruned


@dataclass
class Changes:
    """What changed after a version, up to ``version``: ``added`` ids whose vectors are to be read again (written,
    or written again), ``removed`` ids whose vectors are gone (the last change of an id decides)."""

    version: str
    added: list[str]
    removed: list[str]


def number(version: str | None) -> int | None:
    """The counter as a number ("" before the first write is 0); None when it is not one."""
    if version is None:
        return None
    if version == "":
        return 0
    return int(version) if version.isdigit() else None


def record(s: Session, version: str, added: Iterable[str] = (), removed: Iterable[str] = (),
           everything: bool = False) -> None:
    """File a write under ``version`` (inside the transaction that moves the counter to it) and prune old entries."""
    n = number(version)
    if n is None:
        raise ValueError(f"the version counter is not a number: {version!r}")
    stale = KbChange.version >= n  # filed before the counter went back (never, unless its row was lost)
    if n > KEEP and n % 100 == 0:
        stale = stale | (KbChange.version <= n - KEEP)
    s.execute(delete(KbChange).where(stale))
    s.add(KbChange(version=n, added=_joined(added), removed=_joined(removed), everything=everything))


def since(s: Session, version: str, until: str) -> Changes | None:
    """The net changes after ``version`` up to at least ``until`` (further when more are filed); None when the
    journal cannot say them all: an entry is missing (pruned, or written before the journal existed), one rewrote
    every vector, or the counter does not read as a number."""
    base, target = number(version), number(until)
    if base is None or target is None or target < base:
        return None
    rows = s.execute(select(KbChange.version, KbChange.added, KbChange.removed, KbChange.everything)
                     .where(KbChange.version > base).order_by(KbChange.version)).all()
    last: dict[str, bool] = {}  # id -> True: its vector is to be read, False: deleted
    reached = base
    for row in rows:
        if row.version != reached + 1 or row.everything:
            return None
        reached = row.version
        for cid in _split(row.removed):
            last[cid] = False
        for cid in _split(row.added):
            last[cid] = True
    if reached < target:
        return None
    return Changes(str(reached), [c for c, put in last.items() if put], [c for c, put in last.items() if not put])


def _joined(ids: Iterable[str]) -> str:
    ids = list(ids)
    if any("\n" in i for i in ids):
        raise ValueError("a chunk id holds a line break")
    return "\n".join(ids)


def _split(text: str | None) -> list[str]:
    return text.split("\n") if text else []
