"""Stored keyword tokens follow the tokenizer. Every chunk's BM25 tokens are cut once, at ingest, and kept in SQL
(``kb_chunks.tokens``); a question is cut at ask time. When the tokenizer changes (``legal_terms.txt``,
``knowledge/tokens.py``, jieba's version: ``tokenizer_fingerprint``) an existing data dir would keep the old cut
until a full re-ingest — an unchanged pack or guide is skipped at start-up — and a compound the new dictionary keeps
whole in a question (安全出口) would meet only its parts in the index.

So ``kb_meta`` records the fingerprint the stored tokens were made with (``TOKENIZER_KEY``), and the process that
does the start-up work (``composition.build_runtime``: ``qifa serve``, the preparing process of ``serve --workers``,
``qifa ingest`` and the other commands; never a prepared worker) re-tokenises every chunk when it differs: the
shipped tokens of the text where a pack or the guides carry them for this tokenizer, jieba for the rest. Vectors are
untouched. Chunks go in id order, ``BATCH`` to a transaction, and each transaction also records how far it got
(``PROGRESS_KEY``), so a crash midway leaves a state the next start finishes from there. The last transaction
records the fingerprint and moves the version counter (an empty journal entry: no vector changed), by which every
other process rebuilds its keyword snapshot (``KnowledgeBase._look_for_changes``). One process at a time does it
(``LOCK``, held across processes); another that finds it taken goes on with the tokens as they are and follows the
same counter.

A row is rewritten only if its tokens are still the ones read (a write that replaced the chunk meanwhile made it
with its own tokenizer) and only if the new cut differs.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, column, delete, func, select, table, update
from sqlalchemy.orm import Session

from db import Database
from db.meta import put_meta, read_meta
from db.models_kb import KbChunk, KbDocument, KbMeta
from knowledge.chunking import index_text
from knowledge.precomputed import shipped_tokens, vector_key
from knowledge.tokens import tokenize, tokenizer_fingerprint

log = logging.getLogger(__name__)

TOKENIZER_KEY = "kb_tokenizer"  # the fingerprint the stored tokens were made with
PROGRESS_KEY = "kb_tokenizer_progress"  # "<fingerprint> <last chunk id done>" while a re-tokenisation is unfinished
LOCK = "qifa:retokenise"
BATCH = 1_000  # chunks per transaction

_CHUNKS = table("kb_chunks", column("id"), column("tokens"))  # Core: one executemany, no ORM bulk update
_REWRITE = (update(_CHUNKS).where(_CHUNKS.c.id == bindparam("b_id"), _CHUNKS.c.tokens == bindparam("b_old"))
            .values(tokens=bindparam("b_new")))


@dataclass
class Rebuilt:
    """What one re-tokenisation did: ``chunks`` walked (from ``resumed_at`` on), ``changed`` rewritten,
    ``shipped`` cut taken from a shipped file instead of jieba."""

    chunks: int
    changed: int
    shipped: int
    seconds: float
    resumed_at: str | None = None


def stale(db: Database) -> bool:
    """True when stored tokens may be another tokenizer's: the fingerprint recorded is not this one, or none is
    recorded and chunks exist (a data dir from before it was recorded)."""
    stored = read_meta(db, TOKENIZER_KEY)
    if stored == tokenizer_fingerprint():
        return read_meta(db, PROGRESS_KEY) is not None  # never left behind by a finished run; checked all the same
    if stored is not None:
        return True
    with db.session() as s:
        return s.scalar(select(KbChunk.id).limit(1)) is not None


def record(db: Database) -> None:
    """On a data dir with no fingerprint recorded and nothing stored (``stale`` is False): its first tokens will be
    this tokenizer's, so record it now (else its first start after an ingest would re-tokenise for nothing)."""
    if read_meta(db, TOKENIZER_KEY) is None:
        with db.session() as s:
            put_meta(s, TOKENIZER_KEY, tokenizer_fingerprint())


def status(db: Database) -> str | None:
    """None when the stored tokens are this tokenizer's; else one line (Chinese, then English) saying whether they
    are being rebuilt now (by another process, how far) or will be at the next start."""
    if not stale(db):
        return None
    with db.session() as s:
        total = s.scalar(select(func.count()).select_from(KbChunk)) or 0
        progress = read_meta(db, PROGRESS_KEY)
        ours = progress is not None and progress.split(" ", 1)[0] == tokenizer_fingerprint()
        done = _done(s, _resume_point(progress)) if ours else 0
    with db.held(LOCK, wait=False) as free:
        running = not free
    if running:
        return (f"关键词切分正按新分词重建（{done:,}/{total:,} 块）/ keyword tokens are being rebuilt for a new "
                f"tokenizer ({done:,} of {total:,} chunks)")
    return (f"关键词切分出自旧分词，下次启动时重建（{total:,} 块）/ keyword tokens were made by another tokenizer; "
            f"the next start rebuilds them ({total:,} chunks)")


def rebuild(db: Database, bump: Callable[[Session], None], *, on_total: Callable[[int], None] | None = None,
            on_done: Callable[[int], None] | None = None) -> Rebuilt | None:
    """Re-tokenise the stored chunks when another tokenizer made them (see the module's docstring); None when
    nothing was to do or another process is doing it. ``bump(session)`` moves the version counter inside the
    last transaction; ``on_total(n)`` gets the chunks left before the first batch, ``on_done(n)`` each batch's."""
    if not stale(db):
        return None
    with db.held(LOCK, wait=False) as alone:
        if not alone:
            log.info("keyword tokens are being rebuilt by another process; this one follows it when done")
            return None
        if not stale(db):  # the process that held it has just finished
            return None
        return _run(db, bump, on_total, on_done)


def _run(db: Database, bump: Callable[[Session], None], on_total: Callable[[int], None] | None,
         on_done: Callable[[int], None] | None) -> Rebuilt:
    started = time.monotonic()
    current = tokenizer_fingerprint()
    stored = read_meta(db, TOKENIZER_KEY)
    progress = read_meta(db, PROGRESS_KEY)
    after = _resume_point(progress) if progress is not None and progress.split(" ", 1)[0] == current else None
    with db.session() as s:
        left = s.scalar(select(func.count()).select_from(KbChunk).where(KbChunk.id > (after or ""))) or 0
    if left == 0 and after is None:  # nothing stored (a new data dir): its first tokens are this tokenizer's
        with db.session() as s:
            put_meta(s, TOKENIZER_KEY, current)
        return Rebuilt(0, 0, 0, time.monotonic() - started)
    log.info("keyword tokens were made by tokenizer %s, this one is %s: re-tokenising %d chunks%s",
             stored or "(not recorded)", current, left, f" (resuming after {after})" if after else "")
    if on_total is not None:
        on_total(left)
    shipped = shipped_tokens()
    report = Rebuilt(0, 0, 0, 0.0, after)
    cursor = after or ""
    while True:
        with db.session() as s:  # read, then written in a transaction of its own (see _rewrite)
            rows = s.execute(
                select(KbChunk.id, KbChunk.tokens, KbChunk.heading_path, KbChunk.locator, KbChunk.text,
                       KbDocument.title).join(KbDocument)
                .where(KbChunk.id > cursor).order_by(KbChunk.id).limit(BATCH)).all()
        if not rows:
            break
        cursor = rows[-1].id
        changed, taken = _rewrite(db, rows, shipped, f"{current} {cursor}")
        report.chunks += len(rows)
        report.changed += changed
        report.shipped += taken
        if on_done is not None:
            on_done(len(rows))
    with db.session() as s:
        put_meta(s, TOKENIZER_KEY, current)
        s.execute(delete(KbMeta).where(KbMeta.key == PROGRESS_KEY))
        bump(s)  # every process's keyword snapshot is rebuilt from the new tokens
    report.seconds = time.monotonic() - started
    log.info("keyword tokens rebuilt: %d chunks (%d from shipped tokens), %d changed, in %.1f s",
             report.chunks, report.shipped, report.changed, report.seconds)
    return report


def _rewrite(db: Database, rows: Sequence[Any], shipped: dict[str, str], progress: str) -> tuple[int, int]:
    """One batch: each row's tokens cut again (shipped ones taken by their text's key), the changed ones written
    with the progress mark in one transaction. Returns (rows changed, cuts taken from shipped tokens)."""
    params: list[dict[str, str]] = []
    taken = 0
    for r in rows:
        text = index_text(r.title, r.heading_path, r.locator, r.text)
        new = shipped.get(vector_key(text))
        if new is None:
            new = " ".join(tokenize(text))
        else:
            taken += 1
        if new != r.tokens:
            params.append({"b_id": r.id, "b_old": r.tokens, "b_new": new})
    with db.session() as s:
        if params:
            s.connection().execute(_REWRITE, params)
        put_meta(s, PROGRESS_KEY, progress)
    return len(params), taken


def _resume_point(progress: str | None) -> str | None:
    """The last chunk id an unfinished run wrote (None: no run to resume)."""
    if progress is None or " " not in progress:
        return None
    return progress.split(" ", 1)[1]


def _done(s: Session, after: str | None) -> int:
    """The chunks an unfinished run has walked (those up to its mark, in id order)."""
    if after is None:
        return 0
    return s.scalar(select(func.count()).select_from(KbChunk).where(KbChunk.id <= after)) or 0
