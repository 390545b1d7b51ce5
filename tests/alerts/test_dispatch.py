"""The dispatcher on a real SQLite store: a fan-out to 1,000 subscribers by two dispatchers at once (each sent
exactly once, none missed, in bounded time), a failure then its retry with backoff, a permanent failure, a lost
claim taken back after its lease, the token buckets, ``qifa alerts dispatch``, and a broken topics file."""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from pathlib import Path

import pytest
from postgres_support import ADMIN_URL, SKIP_REASON, fresh_database
from sqlalchemy import func, insert, select, update

from alerts import (
    DeliveryFailed,
    Dispatcher,
    Job,
    Notices,
    SendLimits,
    Subscriptions,
    TokenBucket,
    TopicsFileError,
    WebSender,
    load_topics,
    shipped_topics,
    subscribe,
)
from cli.main import main
from config import Settings
from curation import AuditLog
from db import Database, open_database
from db.base import utcnow
from db.models_alerts import Delivery
from db.models_chat import ChatMessage, ChatSession


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = open_database(Settings(data_dir=tmp_path / "var"))
    yield database  # type: ignore[misc]
    database.dispose()


def sessions(db: Database, n: int, channel: str = "web", prefix: str = "s") -> list[str]:
    ids = [f"{prefix}{i:05d}" for i in range(n)]
    with db.session() as s:
        s.execute(insert(ChatSession), [{"id": i, "channel": channel, "external_id": str(10_000 + k) if
                                         channel == "telegram" else None, "lang": "zh", "state": {}}
                                        for k, i in enumerate(ids)])
    return ids


def notices(db: Database) -> Notices:
    return Notices(db, AuditLog(db))


class Flaky:
    """A channel that fails ``fails`` times per chat before it delivers (recording what it delivered)."""

    limited = True

    def __init__(self, fails: int = 1, permanent: set[str] | None = None) -> None:
        self.fails, self.permanent = fails, permanent or set()
        self.tries: Counter[str] = Counter()
        self.sent: list[tuple[str, int]] = []

    async def send(self, job: Job) -> None:
        self.tries[job.session_id] += 1
        if job.session_id in self.permanent:
            raise DeliveryFailed("Forbidden: bot was blocked by the user", permanent=True)
        if self.tries[job.session_id] <= self.fails:
            raise DeliveryFailed("NetworkError: connection reset")
        self.sent.append((job.session_id, job.notice.notice_id))


def test_a_thousand_subscribers_each_get_the_notice_exactly_once(db: Database) -> None:
    ids = sessions(db, 1000)
    book = Subscriptions(db)
    for sid in ids:
        book.set(sid, ["crystal", "labour"] if int(sid[1:]) % 2 else ["labour"])
    quiet = sessions(db, 5, prefix="q")  # subscribed to something else
    for sid in quiet:
        book.set(sid, ["tax"])
    notice = notices(db).publish("新规", "正文", ["labour", "crystal"], [], "chen")
    assert notice.recipients == 1000
    topics = shipped_topics()
    one, two = (Dispatcher(db, {"web": WebSender(db, topics)}, batch=100) for _ in range(2))

    async def both() -> list[int]:
        reports = await asyncio.gather(one.run_once(), two.run_once())
        return [r.sent for r in reports]

    started = time.monotonic()
    sent = asyncio.run(both())
    elapsed = time.monotonic() - started
    assert sum(sent) == 1000 and elapsed < 60
    with db.session() as s:
        per_session = Counter(s.scalars(select(ChatMessage.session_id).where(ChatMessage.route == "alert")))
        statuses = Counter(s.scalars(select(Delivery.status)))
    assert set(per_session) == set(ids) and set(per_session.values()) == {1}  # none missed, none twice
    assert statuses == {"sent": 1000}
    assert asyncio.run(one.run_once()).sent == 0
    # a second publication of the same notice is impossible: one row per (notice, subscriber)
    with pytest.raises(Exception, match="UNIQUE"), db.session() as s:
        s.execute(insert(Delivery).values(notice_id=notice.id, session_id=ids[0], channel="web", status="pending",
                                          attempts=0, next_attempt_at=utcnow()))


def test_a_failure_is_retried_with_backoff_and_a_permanent_one_is_not(db: Database) -> None:
    ids = sessions(db, 3, channel="telegram")
    for sid in ids:
        subscribe(db, sid, ["padlock"])
    channel = Flaky(fails=1, permanent={ids[2]})
    dispatcher = Dispatcher(db, {"telegram": channel}, SendLimits(1000, 1000), backoff_s=0.3, max_attempts=3)
    nid = notices(db).publish("挂锁出口新规", "正文", ["padlock"], [], "chen").id
    first = asyncio.run(dispatcher.run_once())
    assert (first.sent, first.retried, first.failed) == (0, 2, 1)
    assert "blocked" in first.errors[0]
    assert asyncio.run(dispatcher.run_once()).sent == 0  # not due yet: the backoff holds them back
    time.sleep(0.35)
    second = asyncio.run(dispatcher.run_once())
    assert (second.sent, second.retried, second.failed) == (2, 0, 0)
    assert sorted(channel.sent) == [(ids[0], nid), (ids[1], nid)]
    with db.session() as s:
        rows = {d.session_id: d for d in s.scalars(select(Delivery))}
    assert [(rows[i].status, rows[i].attempts) for i in ids] == [("sent", 2), ("sent", 2), ("failed", 1)]
    assert rows[ids[2]].error is not None and "blocked" in rows[ids[2]].error
    assert rows[ids[0]].error is None


def test_attempts_are_bounded(db: Database) -> None:
    (sid,) = sessions(db, 1, channel="telegram")
    subscribe(db, sid, ["tax"])
    notices(db).publish("税务", "正文", ["tax"], [], "chen")
    dispatcher = Dispatcher(db, {"telegram": Flaky(fails=99)}, SendLimits(1000, 1000), backoff_s=0.01,
                            max_attempts=3)
    outcomes = []
    for _ in range(5):
        report = asyncio.run(dispatcher.run_once())
        outcomes.append((report.retried, report.failed))
        time.sleep(0.05)
    assert outcomes == [(1, 0), (1, 0), (0, 1), (0, 0), (0, 0)]


def test_a_claim_whose_process_died_is_taken_back_after_its_lease(db: Database) -> None:
    (sid,) = sessions(db, 1)
    subscribe(db, sid, ["ip"])
    notices(db).publish("商标", "正文", ["ip"], [], "chen")
    crashed = Dispatcher(db, {"web": WebSender(db, shipped_topics())}, lease_s=60)
    assert len(crashed.claim()) == 1  # claimed, then the process "dies" before sending
    assert crashed.claim() == []  # claimed rows are nobody else's
    with db.session() as s:
        s.execute(update(Delivery).values(claimed_at=utcnow().replace(year=2000)))
    assert asyncio.run(crashed.run_once()).sent == 1
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(ChatMessage).where(ChatMessage.route == "alert")) == 1



def test_a_delivery_under_way_when_its_notice_is_withdrawn_is_not_tried_again(db: Database) -> None:
    """Claimed, then withdrawn by a curator, then the send fails (or its process dies): the retry never comes."""
    failing, dying = sessions(db, 2, channel="telegram")
    for sid in (failing, dying):
        subscribe(db, sid, ["padlock"])
    book = notices(db)
    nid = book.publish("错发的通知", "正文", ["padlock"], [], "chen").id
    channel = Flaky(fails=99)
    dispatcher = Dispatcher(db, {"telegram": channel}, SendLimits(1000, 1000), backoff_s=0.0)
    jobs = dispatcher.claim()
    assert sorted(j.session_id for j in jobs) == [failing, dying]
    assert book.withdraw(nid, "chen").withdrawn_by == "chen"
    job = next(j for j in jobs if j.session_id == failing)
    dispatcher._finish(job, "pending", "NetworkError", 0.0)  # what a failed send does: back to the queue
    with db.session() as s:  # the other process died: its lease runs out
        s.execute(update(Delivery).where(Delivery.session_id == dying).values(claimed_at=utcnow().replace(year=2000)))
    report = asyncio.run(dispatcher.run_once())
    assert (report.sent, report.retried, report.failed) == (0, 0, 0) and channel.sent == []
    with db.session() as s:
        assert sorted(s.scalars(select(Delivery.status))) == ["withdrawn", "withdrawn"]


def test_a_web_delivery_under_way_when_its_notice_is_withdrawn_shows_nothing(db: Database) -> None:
    (sid,) = sessions(db, 1)
    subscribe(db, sid, ["ip"])
    book = notices(db)
    nid = book.publish("错发的通知", "正文", ["ip"], [], "chen").id
    dispatcher = Dispatcher(db, {"web": WebSender(db, shipped_topics())})
    [job] = dispatcher.claim()
    book.withdraw(nid, "chen")
    asyncio.run(WebSender(db, shipped_topics()).send(job))
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(ChatMessage).where(ChatMessage.route == "alert")) == 0
        assert list(s.scalars(select(Delivery.status))) == ["withdrawn"]


def test_withdrawing_a_notice_of_many_web_subscribers_replaces_every_copy(db: Database) -> None:
    ids = sessions(db, 1500)
    for sid in ids:
        subscribe(db, sid, ["tax"])
    book = notices(db)
    nid = book.publish("税务通知", "正文", ["tax"], [], "chen").id
    web = WebSender(db, shipped_topics())
    jobs = Dispatcher(db, {"web": web}).claim(limit=500)  # a third delivered, the rest still queued

    async def deliver() -> None:
        for job in jobs:
            await web.send(job)

    asyncio.run(deliver())
    book.withdraw(nid, "chen")
    with db.session() as s:
        texts = Counter(s.scalars(select(ChatMessage.text).where(ChatMessage.route == "alert")))
        statuses = Counter(s.scalars(select(Delivery.status)))
    assert len(texts) == 1 and "撤回" in next(iter(texts)) and sum(texts.values()) == 500
    assert statuses == {"sent": 500, "withdrawn": 1000}


def test_unsubscribed_sessions_get_nothing_and_channels_without_a_sender_wait(db: Database) -> None:
    web = sessions(db, 2)
    tg = sessions(db, 1, channel="telegram", prefix="t")
    for sid in (*web, *tg):
        subscribe(db, sid, ["safety"])
    Subscriptions(db).clear(web[1])
    assert notices(db).publish("安全生产", "正文", ["safety"], [], "chen").recipients == 2
    dispatcher = Dispatcher(db, {"web": WebSender(db, shipped_topics())})
    assert asyncio.run(dispatcher.run_once()).sent == 1
    assert dispatcher.pending() == 1  # the Telegram one waits for a dispatcher that can send it


def test_token_buckets_pace_all_chats_and_each_chat() -> None:
    now = [0.0]
    bucket = TokenBucket(rate=25, burst=25, clock=lambda: now[0])
    waits = [bucket.reserve() for _ in range(75)]
    assert waits[:25] == [0.0] * 25 and waits[-1] == pytest.approx(50 / 25)  # 75 messages take 2 s at 25/s
    limits = SendLimits(global_rate=25, chat_rate=1, global_burst=25, clock=lambda: now[0])
    assert limits.reserve("chat-1") == 0.0
    assert limits.reserve("chat-1") == pytest.approx(1.0)  # the same chat: a second later
    assert limits.reserve("chat-2") == 0.0  # another chat: at once
    now[0] = 5.0
    assert limits.reserve("chat-1") == 0.0
    with pytest.raises(ValueError):
        TokenBucket(rate=0)


def test_the_telegram_limits_hold_while_sending(db: Database) -> None:
    ids = sessions(db, 30, channel="telegram")
    for sid in ids:
        subscribe(db, sid, ["data"])
    channel = Flaky(fails=0)
    notices(db).publish("个人信息保护", "正文", ["data"], [], "chen")
    notices(db).publish("数据出境", "正文", ["data"], [], "chen")
    stamps: list[tuple[str, float]] = []
    original = channel.send

    async def timed(job: Job) -> None:
        stamps.append((job.session_id, time.monotonic()))
        await original(job)

    channel.send = timed  # type: ignore[method-assign]
    dispatcher = Dispatcher(db, {"telegram": channel}, SendLimits(global_rate=40, chat_rate=2, global_burst=10))
    assert asyncio.run(dispatcher.run_once()).sent == 60
    times = sorted(t for _, t in stamps)
    assert times[-1] - times[0] >= (60 - 10) / 40 * 0.9  # at most 40 a second after a burst of 10
    for sid in ids:
        mine = sorted(t for s, t in stamps if s == sid)
        assert mine[1] - mine[0] >= 0.5 * 0.9  # at most 2 a second to one chat


def test_qifa_alerts_dispatch_and_topics(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("QIFA_DATA_DIR", str(tmp_path / "var"))
    db = open_database(Settings(data_dir=tmp_path / "var"))
    ids = sessions(db, 3)
    for sid in ids:
        subscribe(db, sid, ["environment"])
    notices(db).publish("排污许可", "正文", ["environment"], [], "chen")
    db.dispose()
    assert main(["alerts", "dispatch", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"sent": 3, "retried": 0, "failed": 0, "recalled": 0, "waiting": 0}
    assert main(["alerts", "dispatch"]) == 0
    assert "sent 0;" in capsys.readouterr().out
    assert main(["alerts", "topics"]) == 0
    assert "水晶产业 / Crystal industry" in capsys.readouterr().out


def test_a_broken_topics_file_names_the_file_the_topic_and_the_field(tmp_path: Path) -> None:
    path = tmp_path / "topics.yaml"
    path.write_text("topics:\n  - {id: labour, kind: area, zh: 劳动用工, en: Labour}\n"
                    "  - {id: labour, kind: sector, zh: 劳动用工, en: ''}\n"
                    "  - {id: Bad Id, kind: area, zh: 税, en: Tax, colour: red}\n", encoding="utf-8")
    with pytest.raises(TopicsFileError) as caught:
        load_topics(path)
    message = str(caught.value)
    for part in ("topics.yaml: topic 'labour': field 'id' is used twice", "field 'kind' must be one of",
                 "field 'en' is missing or empty", "field 'zh' names another topic too",
                 "topic 'Bad Id': field 'id' must be", "unknown field 'colour'"):
        assert part in message, part
    path.write_text("topics: []\n", encoding="utf-8")
    with pytest.raises(TopicsFileError, match="non-empty list"):
        load_topics(path)
    path.write_text("topics: [\n", encoding="utf-8")
    with pytest.raises(TopicsFileError, match="cannot be read"):
        load_topics(path)
    assert len(shipped_topics()) >= 12


class _Telegram:
    """A channel that keeps message ids (as Telegram's sender does) and recalls by doing nothing more."""

    limited = False

    async def send(self, job: Job) -> list[int]:
        return [42]

    async def recall(self, job: Job) -> None:
        return None


@pytest.mark.skipif(not ADMIN_URL, reason=SKIP_REASON)
def test_a_send_recorded_while_a_withdrawal_commits_is_recalled_on_postgresql(tmp_path: Path) -> None:
    """The withdrawal's own sent -> recall update sees the copy still sending; the send's record then waits for the
    withdrawal's lock on the notice and sees it, so the copy is recalled rather than left in the chat."""
    import threading

    with fresh_database() as url:
        db = open_database(Settings(data_dir=tmp_path / "var", database_url=url))
        try:
            with db.session() as s:
                s.execute(insert(ChatSession), [{"id": "t1", "channel": "telegram", "external_id": "5151",
                                                 "lang": "zh", "state": {}}])
            subscribe(db, "t1", ["labour"])
            audit = AuditLog(db)
            board = Notices(db, audit)
            notice = board.publish("通知", "正文", ["labour"], [], "chen")
            dispatcher = Dispatcher(db, {"telegram": _Telegram()})
            [job] = dispatcher.claim()
            inside, go = threading.Event(), threading.Event()
            record = audit.record

            def slow_record(*a: object, **k: object) -> None:  # the withdrawal, stopped before it commits
                inside.set()
                go.wait(10)
                record(*a, **k)  # type: ignore[arg-type]

            audit.record = slow_record  # type: ignore[method-assign]
            withdrawal = threading.Thread(target=board.withdraw, args=(notice.id, "chen"))
            withdrawal.start()
            assert inside.wait(10)
            finish = threading.Thread(target=dispatcher._finish, args=(job, "sent"), kwargs={"message_ids": [42]})
            finish.start()
            finish.join(1.0)
            assert finish.is_alive()  # waiting for the withdrawal's lock
            go.set()
            withdrawal.join(10)
            finish.join(10)
            with db.session() as s:
                assert s.scalars(select(Delivery.status)).one() == "recall"
            assert asyncio.run(dispatcher.run_once()).recalled == 1
        finally:
            db.dispose()
