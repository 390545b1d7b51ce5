"""Wake-ups for event streams: a stream waits on its session's ``asyncio.Event``; the worker's PostgreSQL
``LISTEN`` thread (``db.notify.MessageListener``) sets it when any worker stores a message in that session.
A stream still reads the store itself (the event only says "look now"), and looks every ``FALLBACK_S`` anyway,
so a notification lost while the listener reconnects costs a little delay, not a message."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager

FALLBACK_S = 2.0


class LiveEvents:
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self._waiting: dict[str, set[asyncio.Event]] = {}

    @contextmanager
    def subscribe(self, session_id: str) -> Iterator[asyncio.Event]:
        ev = asyncio.Event()
        self._waiting.setdefault(session_id, set()).add(ev)
        try:
            yield ev
        finally:
            waiting = self._waiting.get(session_id)
            if waiting is not None:
                waiting.discard(ev)
                if not waiting:
                    del self._waiting[session_id]

    def fire_threadsafe(self, session_id: str) -> None:
        """From the listener's thread."""
        if session_id in self._waiting:  # a racy read is fine: a miss is caught by the fallback poll
            self.loop.call_soon_threadsafe(self._fire, session_id)

    def _fire(self, session_id: str) -> None:
        for ev in self._waiting.get(session_id, ()):
            ev.set()
