"""Change markers in ``kb_meta``: a writer bumps one inside the transaction of its change, and every process
polls it (at most once a second) to learn that another process changed what it caches (FAQ phrasings,
document links, curated intent examples, catalogue edits)."""

from __future__ import annotations

import time
import uuid
from typing import Any

from db import Database
from db.meta import put_meta, read_meta

FRESH_S = 1.0


def bump_version(s: Any, key: str) -> str:
    """Give the counter ``key`` a new value in the open session ``s`` and return it. Readers only compare values
    for equality, so the value is a fresh random token: two processes changing things at once both produce a
    value no reader has seen (an increment read then written could give both the same)."""
    value = uuid.uuid4().hex
    put_meta(s, key, value)
    return value


class VersionPoll:
    """Reads the counter ``key``, but tells callers to look only once every ``every_s`` seconds."""

    def __init__(self, db: Database, key: str, every_s: float = FRESH_S) -> None:
        self.db, self.key, self.every_s = db, key, every_s
        self._checked = 0.0

    def due(self) -> bool:
        """True at most once every ``every_s`` seconds (and then the next look starts the wait again)."""
        now = time.monotonic()
        if now - self._checked < self.every_s:
            return False
        self._checked = now
        return True

    def read(self) -> str | None:
        return read_meta(self.db, self.key)
