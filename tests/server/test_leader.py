"""The leading worker notices when the database ended its connection (and so freed its lock): it stops its jobs,
another worker takes the lead, and it leads again only after asking anew. Real PostgreSQL (QIFA_TEST_POSTGRES_URL,
.ci/run starts it); on SQLite one process always leads."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from postgres_support import ADMIN_URL, SKIP_REASON, fresh_database
from sqlalchemy import create_engine, text

from composition import Leadership
from db import Database

KEY = "qifa:test-leader"


def _end_lock_holders(url: str) -> int:
    """What a database restart or an idle-session kill does to the leader: its backend is terminated."""
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            return len(conn.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")).all())
    finally:
        admin.dispose()


def test_sqlite_always_leads(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'qifa.db'}")
    try:
        lead = Leadership(db, KEY)
        assert lead.try_lead() and lead.still_leading()
    finally:
        db.dispose()


@pytest.mark.skipif(not ADMIN_URL, reason=SKIP_REASON)
def test_a_leader_whose_connection_ended_gives_up_and_another_takes_over() -> None:
    with fresh_database("qifa_leader") as url:
        one_db, two_db = Database(url), Database(url)
        one, two = Leadership(one_db, KEY), Leadership(two_db, KEY)
        try:
            assert one.try_lead() and not two.try_lead()
            assert one.still_leading()
            assert _end_lock_holders(url) == 1
            assert not one.still_leading() and not one.leading
            assert two.try_lead()
            assert not one.try_lead()  # it asks anew and waits its turn
        finally:
            one.release()
            two.release()
            one_db.dispose()
            two_db.dispose()


@pytest.mark.skipif(not ADMIN_URL, reason=SKIP_REASON)
def test_hold_stops_the_job_when_the_lead_is_lost_and_starts_it_when_it_is_back() -> None:
    with fresh_database("qifa_leader") as url:
        db = Database(url)
        lead = Leadership(db, KEY)
        events: list[str] = []

        async def start() -> None:
            events.append("start")

        async def stop() -> None:
            events.append("stop")

        async def scenario() -> None:
            task = asyncio.create_task(lead.hold(start, stop, check_s=0.05, retry_s=0.05))
            try:
                await _until(lambda: events == ["start"])
                assert await asyncio.to_thread(_end_lock_holders, url) == 1
                await _until(lambda: events == ["start", "stop", "start"])  # noticed, stopped, led again
                assert lead.leading
            finally:
                task.cancel()
                with pytest.raises(asyncio.CancelledError):
                    await task
            assert events == ["start", "stop", "start", "stop"]  # shut-down stops the job too

        try:
            asyncio.run(scenario())
        finally:
            lead.release()
            db.dispose()


async def _until(check: Callable[[], bool], timeout: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not check():
        assert loop.time() < deadline, "timed out"
        await asyncio.sleep(0.02)


@pytest.mark.skipif(not ADMIN_URL, reason=SKIP_REASON)
def test_two_jobs_holding_one_lead_share_its_connection_safely() -> None:
    """Telegram polling and the purge hold the same worker's lead, each checking it from its own thread."""
    with fresh_database("qifa_leader") as url:
        db = Database(url)
        lead = Leadership(db, KEY)
        events: list[str] = []

        def job(name: str) -> tuple[Callable[[], Awaitable[None]], Callable[[], Awaitable[None]]]:
            async def start() -> None:
                events.append(f"start {name}")

            async def stop() -> None:
                events.append(f"stop {name}")
            return start, stop

        async def scenario() -> None:
            tasks = [asyncio.create_task(lead.hold(*job(n), check_s=0.001, retry_s=0.01)) for n in ("poll", "purge")]
            await asyncio.sleep(2.0)  # some thousand checks from two threads on one connection
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        try:
            asyncio.run(scenario())
            assert sorted(events) == ["start poll", "start purge", "stop poll", "stop purge"]  # never lost the lead
            assert lead.leading
        finally:
            lead.release()
            db.dispose()


def test_a_job_that_fails_to_start_is_tried_again_while_leading(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'qifa.db'}")
    lead = Leadership(db, KEY)
    events: list[str] = []

    async def start() -> None:
        events.append("start")
        if events.count("start") == 1:
            raise RuntimeError("Telegram unreachable")

    async def stop() -> None:
        events.append("stop")

    async def scenario() -> None:
        task = asyncio.create_task(lead.hold(start, stop, check_s=0.01, retry_s=0.05))
        await _until(lambda: events.count("start") == 2)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    try:
        asyncio.run(scenario())
        assert events == ["start", "stop", "start", "stop"]
    finally:
        db.dispose()
