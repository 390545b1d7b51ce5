"""The engine's places (``QIFA_MAX_CONCURRENT_MESSAGES``): at most n at once, waiters served in arrival order."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest

from assistant.serial import FairSlots


def _wait_until(cond: Callable[[], bool], timeout: float = 5.0) -> None:
    end = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > end:
            raise AssertionError("timed out")
        time.sleep(0.001)


def test_waiters_get_a_freed_place_in_the_order_they_came_and_a_newcomer_waits_behind_them() -> None:
    slots = FairSlots(1)
    slots.acquire()
    served: list[int] = []

    def worker(i: int) -> None:
        with slots:
            served.append(i)

    threads = []
    for i in range(6):
        t = threading.Thread(target=worker, args=(i,))
        t.start()
        threads.append(t)
        _wait_until(lambda: slots.waiting() == len(threads))
    slots.release()
    # a thread arriving now, while the place is being handed over, queues behind the six
    late = threading.Thread(target=worker, args=(99,))
    late.start()
    for t in [*threads, late]:
        t.join(5)
    assert served == [0, 1, 2, 3, 4, 5, 99]


def test_never_more_holders_than_places() -> None:
    slots = FairSlots(2)
    inside, peak = [0], [0]
    guard = threading.Lock()

    def worker() -> None:
        for _ in range(50):
            with slots:
                with guard:
                    inside[0] += 1
                    peak[0] = max(peak[0], inside[0])
                time.sleep(0.0002)
                with guard:
                    inside[0] -= 1

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert peak[0] == 2 and inside[0] == 0 and slots.waiting() == 0


def test_bad_use_is_refused() -> None:
    with pytest.raises(ValueError):
        FairSlots(0)
    slots = FairSlots(1)
    with pytest.raises(ValueError):
        slots.release()
