"""Sending limits: token buckets, one shared by every chat (Telegram allows about 30 messages a second per
bot; qifa keeps under it) and one per chat (about one message a second to the same chat)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable


class TokenBucket:
    """``rate`` tokens a second, at most ``burst`` saved up. ``reserve()`` takes a token now or books the next
    free one and says how long to wait for it, so callers queue fairly without polling."""

    def __init__(self, rate: float, burst: float = 1.0, clock: Callable[[], float] = time.monotonic) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be > 0 and burst >= 1")
        self.rate, self.burst, self.clock = rate, burst, clock
        self.tokens = burst
        self.at = clock()

    def reserve(self) -> float:
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        self.tokens -= 1
        return 0.0 if self.tokens >= 0 else -self.tokens / self.rate


class SendLimits:
    """A global bucket and one bucket per chat; ``wait(chat)`` returns when a message to ``chat`` may go."""

    def __init__(self, global_rate: float = 25.0, chat_rate: float = 1.0, global_burst: float = 25.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.chat_rate = chat_rate
        self.all = TokenBucket(global_rate, global_burst, clock)
        self.chats: dict[str, TokenBucket] = {}

    def reserve(self, chat: str) -> float:
        """Seconds to wait before sending to ``chat`` (a token of both buckets is booked)."""
        bucket = self.chats.get(chat)
        if bucket is None:
            if len(self.chats) > 10_000:  # forget idle chats (their buckets are full again anyway)
                self.chats = {k: b for k, b in self.chats.items() if b.tokens < b.burst - 1e-9}
            bucket = self.chats[chat] = TokenBucket(self.chat_rate, 1.0, self.clock)
        mine = bucket.reserve()
        shared = self.all.reserve()
        return max(mine, shared)

    async def wait(self, chat: str) -> None:
        delay = self.reserve(chat)
        if delay > 0:
            await asyncio.sleep(delay)
