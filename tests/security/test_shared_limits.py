"""Rate limits and the stream cap shared by several workers: ``QIFA_RATE_LIMIT_STORAGE=database`` (the SQL store:
SQLite here, PostgreSQL when QIFA_TEST_POSTGRES_URL is set) and ``redis://`` (a throw-away redis-server started
here; skipped when the binary is absent). Two app instances on one store stand for two workers."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from live_server import free_port, live_server
from postgres_support import ADMIN_URL, SKIP_REASON, fresh_database
from pydantic import ValidationError
from reliability.server_proc import serve
from sqlalchemy import text

from api.app import create_app
from composition import Runtime, build_runtime
from config import Settings
from db import Database
from db.counters import SharedCounters
from knowledge.embeddings import QifaEmbeddings

CHAT = {"message": "你好"}


@pytest.fixture
def make(tmp_path: Path, embeddings: QifaEmbeddings) -> Iterator[Any]:
    """Runtimes on ONE store (the SQLite file of ``tmp_path/var`` unless a database URL is given), each with
    its own engine, as separate worker processes would have."""
    built: list[Runtime] = []

    def build(**settings: Any) -> Runtime:
        settings.setdefault("data_dir", tmp_path / "var")
        rt = build_runtime(Settings(**settings), shipped=False, embeddings=embeddings)
        built.append(rt)
        return rt

    yield build
    for rt in built:
        rt.close()


def assert_429(r: httpx.Response, code: str = "rate_limited") -> None:
    assert r.status_code == 429, r.text
    assert int(r.headers["Retry-After"]) >= 1
    assert r.json()["error"]["code"] == code


def two_workers_share_the_address_limit(one: Runtime, two: Runtime) -> None:
    with TestClient(create_app(runtime=one)) as a, TestClient(create_app(runtime=two)) as b:
        assert a.post("/api/v1/chat", json=CHAT).status_code == 200
        assert b.post("/api/v1/chat", json=CHAT).status_code == 200
        assert a.get("/api/v1/services").status_code == 200  # the third request of this address
        assert_429(b.post("/api/v1/chat", json=CHAT))  # the second worker has seen only one of them
        assert_429(a.get("/api/v1/services"))
        with TestClient(create_app(runtime=two), client=("203.0.113.9", 5000)) as other:
            assert other.post("/api/v1/chat", json=CHAT).status_code == 200  # another address: its own count


# ---------------------------------------------------------------- database: SQLite


def test_database_storage_is_shared_by_two_app_instances_on_one_sqlite_file(make: Any) -> None:
    limits = {"rate_limit_storage": "database", "rate_limit_per_ip": 3, "rate_limit_per_session": 0}
    one, two = make(**limits), make(**limits)
    assert one.db.engine is not two.db.engine and one.db.url == two.db.url
    two_workers_share_the_address_limit(one, two)


def test_memory_storage_is_per_worker(make: Any) -> None:
    """The default, for contrast: each app counts alone."""
    limits = {"rate_limit_per_ip": 2, "rate_limit_per_session": 0}
    one, two = make(**limits), make(**limits)
    with TestClient(create_app(runtime=one)) as a, TestClient(create_app(runtime=two)) as b:
        assert [a.get("/api/v1/services").status_code for _ in range(2)] == [200, 200]
        assert [b.get("/api/v1/services").status_code for _ in range(2)] == [200, 200]
        assert_429(a.get("/api/v1/services"))


def test_database_storage_shares_session_and_login_limits(make: Any) -> None:
    limits = {"rate_limit_storage": "database", "rate_limit_per_ip": 0, "rate_limit_per_session": 2,
              "rate_limit_login": 2}
    one, two = make(**limits), make(**limits)
    one.accounts.add("root", "admin", "root-pass-123")
    with TestClient(create_app(runtime=one)) as a, TestClient(create_app(runtime=two)) as b:
        sid = a.post("/api/v1/chat", json=CHAT).json()["session_id"]
        assert a.get(f"/api/v1/sessions/{sid}/messages").status_code == 200
        assert b.get(f"/api/v1/sessions/{sid}/messages").status_code == 200
        assert_429(a.post("/api/v1/chat", json={"message": "服务清单", "session_id": sid}))
        assert [m.role for m in one.conversations.messages(sid)].count("user") == 1  # the refused one left nothing
        form = {"username": "root", "password": "root-pass-123"}
        assert a.post("/api/v1/auth/token", data=form).status_code == 200
        assert b.post("/api/v1/auth/token", data=form).status_code == 200
        assert_429(a.post("/api/v1/auth/token", data=form))


def test_the_failed_login_throttle_is_shared_with_a_shared_storage(make: Any) -> None:
    """Five wrong passwords spread over two workers lock the name out on both (in memory each would allow 5)."""
    limits = {"rate_limit_storage": "database", "rate_limit_login": 0}
    one, two = make(**limits), make(**limits)
    one.accounts.add("root", "admin", "root-pass-123")
    wrong, right = {"username": "root", "password": "wrong"}, {"username": "root", "password": "root-pass-123"}
    with TestClient(create_app(runtime=one)) as a, TestClient(create_app(runtime=two)) as b:
        assert [c.post("/api/v1/auth/token", data=wrong).status_code for c in (a, b, a, b, a)] == [401] * 5
        for client in (a, b):
            r = client.post("/api/v1/auth/token", data=right)  # locked out, even with the right password
            assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1
        # another address is not locked out, and its success clears only its own count
        with TestClient(create_app(runtime=two), client=("203.0.113.9", 5000)) as other:
            assert other.post("/api/v1/auth/token", data=right).status_code == 200
        assert a.post("/api/v1/auth/token", data=right).status_code == 429
    with one.db.engine.connect() as conn:
        keys = [k for (k,) in conn.execute(text("SELECT key FROM login_failures"))]
    assert len(keys) == 1 and "root" not in keys[0]


def test_the_shared_throttle_doubles_and_forgets(tmp_path: Path) -> None:
    from staff.throttle import SharedLoginThrottle

    db = Database(f"sqlite:///{tmp_path / 'c.db'}")
    db.migrate()
    try:
        throttle = SharedLoginThrottle(db, max_failures=2, window_s=100, base_lock_s=10, max_lock_s=25)
        counters, key = throttle.counters, throttle._key("Root", "a")
        now = 1_000_000.0
        assert counters.login_failed(key, 100, throttle._lock, now) == 0
        assert counters.login_failed(key, 100, throttle._lock, now + 1) == 10
        assert counters.login_wait(key, now + 5) == pytest.approx(6)
        assert counters.login_failed(key, 100, throttle._lock, now + 20) == 20  # doubled
        assert counters.login_failed(key, 100, throttle._lock, now + 50) == 25  # capped
        assert counters.login_failed(key, 100, throttle._lock, now + 200) == 0  # a quiet spell: counted afresh
        throttle.succeeded("ROOT", "a")
        assert throttle.retry_after("root", "a") == 0
    finally:
        db.dispose()


def test_database_counters_store_digests_and_windows_end(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'c.db'}")
    db.migrate()
    try:
        shared = SharedCounters(db)
        now = 1_000_000.0
        assert [shared.hit("ip/198.51.100.7", 2, 60, now + i) for i in range(2)] == [0, 0]
        assert shared.hit("ip/198.51.100.7", 2, 60, now + 10) == pytest.approx(50)  # until the window ends
        assert shared.hit("ip/198.51.100.8", 2, 60, now + 10) == 0  # another key
        assert shared.hit("ip/198.51.100.7", 2, 60, now + 60) == 0  # a new window
        with db.engine.connect() as conn:
            keys = [k for (k,) in conn.execute(text("SELECT key FROM rate_counters"))]
        assert len(keys) == 2 and all(len(k) == 64 and "198.51" not in k for k in keys)
        assert shared.forget_expired(now + 200) == 2
    finally:
        db.dispose()


def test_stream_leases_cap_per_address_and_in_total_and_expire(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'c.db'}")
    db.migrate()
    try:
        shared = SharedCounters(db)
        now = 1_000_000.0
        a1 = shared.take_stream("a", 2, 3, 30, now)
        a2 = shared.take_stream("a", 2, 3, 30, now)
        assert a1 and a2 and shared.take_stream("a", 2, 3, 30, now) is None  # 2 per address
        b1 = shared.take_stream("b", 2, 3, 30, now)
        assert b1 and shared.take_stream("c", 2, 3, 30, now) is None  # 3 in total
        shared.release_stream(b1)
        assert shared.take_stream("c", 2, 3, 30, now) is not None
        # a1 and a2 renewed (an open stream); the rest lapse as a killed worker's would
        assert shared.renew_streams([a1, a2], 30, now + 20) == 2
        assert shared.open_streams(now + 31) == 2
        assert shared.take_stream("a", 2, 3, 30, now + 31) is None
        assert shared.take_stream("d", 2, 3, 30, now + 31) is not None
    finally:
        db.dispose()


def test_the_stream_cap_in_total_is_shared_by_two_servers(make: Any) -> None:
    limits = {"rate_limit_storage": "database", "rate_limit_per_ip": 0, "rate_limit_per_session": 0,
              "max_streams_per_ip": 5, "max_streams_total": 2}
    one, two = make(**limits), make(**limits)
    with ExitStack() as stack:
        urls = [stack.enter_context(live_server(create_app(runtime=rt))) for rt in (one, two)]
        http = [stack.enter_context(httpx.Client(base_url=u, timeout=10)) for u in urls]
        sid = http[0].post("/api/v1/chat", json=CHAT).json()["session_id"]
        url = f"/api/v1/sessions/{sid}/events"
        first = stack.enter_context(http[0].stream("GET", url))
        second = stack.enter_context(http[1].stream("GET", url))
        assert first.status_code == second.status_code == 200
        assert_429(http[0].get(url), "too_many_streams")
        assert_429(http[1].get(url), "too_many_streams")
        assert SharedCounters(one.db).open_streams() == 2
        second.close()
        deadline = time.monotonic() + 10
        while True:  # the second server gives its slot back once it sees the stream closed
            with http[0].stream("GET", url) as again:
                if again.status_code == 200:
                    break
                assert again.status_code == 429 and time.monotonic() < deadline, "the closed stream kept its slot"
            time.sleep(0.1)


# ---------------------------------------------------------------- database: PostgreSQL


@pytest.fixture
def postgres_url() -> Iterator[str]:
    if not ADMIN_URL:
        pytest.skip(SKIP_REASON)
    with fresh_database("qifa_test") as url:
        yield url


def test_database_storage_is_shared_by_two_app_instances_on_postgresql(make: Any, tmp_path: Path,
                                                                       postgres_url: str) -> None:
    limits = {"rate_limit_storage": "database", "rate_limit_per_ip": 3, "rate_limit_per_session": 0,
              "database_url": postgres_url}
    one, two = make(data_dir=tmp_path / "one", **limits), make(data_dir=tmp_path / "two", **limits)
    assert one.db.engine.dialect.name == "postgresql"
    two_workers_share_the_address_limit(one, two)


def test_stream_leases_hold_the_cap_under_concurrency_on_postgresql(postgres_url: str) -> None:
    """Twenty takers at once on two engines: exactly the cap gets a lease (the advisory lock serialises them)."""
    dbs = [Database(postgres_url), Database(postgres_url)]
    dbs[0].migrate()
    try:
        counters = [SharedCounters(db) for db in dbs]
        got = pool_map(lambda i: counters[i % 2].take_stream(f"addr{i % 4}", 5, 7, 30), 20)
        assert sum(lease is not None for lease in got) == 7
        hits = pool_map(lambda i: counters[i % 2].hit("k", 5, 60), 20)
        assert sum(wait == 0 for wait in hits) == 5
    finally:
        for db in dbs:
            db.dispose()


def pool_map(fn: Any, n: int) -> list[Any]:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(10) as pool:
        return list(pool.map(fn, range(n)))


def test_sqlite_leases_and_counters_hold_under_concurrency(tmp_path: Path) -> None:
    """The same on one SQLite file with two engines: the write lock serialises the takers."""
    dbs = [Database(f"sqlite:///{tmp_path / 'c.db'}"), Database(f"sqlite:///{tmp_path / 'c.db'}")]
    dbs[0].migrate()
    try:
        counters = [SharedCounters(db) for db in dbs]
        got = pool_map(lambda i: counters[i % 2].take_stream(f"addr{i % 4}", 5, 7, 30), 20)
        assert sum(lease is not None for lease in got) == 7
        hits = pool_map(lambda i: counters[i % 2].hit("k", 5, 60), 20)
        assert sum(wait == 0 for wait in hits) == 5
    finally:
        for db in dbs:
            db.dispose()


# ---------------------------------------------------------------- redis://


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """A throw-away redis-server on a free loopback port, without persistence."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server; .ci/run does it as root)")
    port = free_port()
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", str(tmp_path)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        import redis

        client = redis.Redis(host="127.0.0.1", port=port)
        deadline = time.monotonic() + 10
        while True:
            assert proc.poll() is None, "redis-server exited"
            try:
                if client.ping():
                    break
            except redis.ConnectionError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)
        client.close()
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_redis_storage_is_shared_by_two_app_instances(make: Any, redis_url: str) -> None:
    import redis

    limits = {"rate_limit_storage": redis_url, "rate_limit_per_ip": 3, "rate_limit_per_session": 0}
    one, two = make(**limits), make(**limits)
    two_workers_share_the_address_limit(one, two)
    keys = redis.Redis.from_url(redis_url).keys("*")
    assert any(b"from this address" in k for k in keys), keys  # the counters are in Redis


def test_storage_settings(tmp_path: Path) -> None:
    assert Settings(data_dir=tmp_path, rate_limit_storage="redis://127.0.0.1:6379/0").shared_limits
    assert Settings(data_dir=tmp_path, rate_limit_storage="database").shared_limits
    assert not Settings(data_dir=tmp_path).shared_limits
    with pytest.raises(ValidationError, match="rate-limit storage"):
        Settings(data_dir=tmp_path, rate_limit_storage="databse")


# ---------------------------------------------------------------- two real processes, one killed


def test_two_processes_share_the_limits_and_a_killed_ones_streams_expire(tmp_path: Path) -> None:
    """Two ``qifa serve`` processes on one SQLite file: a conversation's limit counts the requests of both; the
    stream cap in total holds across them, and the slot of a stream on a killed (SIGKILL) server comes free once
    its lease expires (``QIFA_STREAM_LEASE_S``)."""
    env = {"QIFA_RATE_LIMIT_STORAGE": "database", "QIFA_RATE_LIMIT_PER_SESSION": "4", "QIFA_MAX_STREAMS_TOTAL": "2",
           "QIFA_STREAM_LEASE_S": "3"}
    data = tmp_path / "var"
    with serve(data, **env) as one, serve(data, **env) as two, \
            httpx.Client(base_url=one.url, timeout=10) as a, httpx.Client(base_url=two.url, timeout=10) as b:
        sid, *streams = (a.post("/api/v1/chat", json=CHAT).json()["session_id"] for _ in range(4))
        for client in (a, b, a, b):
            assert client.get(f"/api/v1/sessions/{sid}/messages").status_code == 200
        assert_429(a.get(f"/api/v1/sessions/{sid}/messages"))
        assert_429(b.get(f"/api/v1/sessions/{sid}/messages"))

        events = [f"/api/v1/sessions/{s}/events" for s in streams]
        with a.stream("GET", events[0]) as s1, b.stream("GET", events[1]) as s2:
            assert s1.status_code == s2.status_code == 200
            assert_429(b.get(events[2]), "too_many_streams")
            one.kill9()  # s1's lease stays behind, renewed by nobody
            assert_429(b.get(events[2]), "too_many_streams")
            time.sleep(3.5)
            with b.stream("GET", events[2]) as s3:
                assert s3.status_code == 200  # the killed server's slot is free again


def test_migration_0016_down_and_up(tmp_path: Path) -> None:
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import inspect

    from db.engine import MIGRATIONS

    db = Database(f"sqlite:///{tmp_path / 'm.db'}")
    db.migrate()
    try:
        tables = {"rate_counters", "stream_leases", "login_failures"}
        assert tables <= set(inspect(db.engine).get_table_names())
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        cfg.attributes["connection_url"] = db.url
        with db.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0011")
        assert not tables & set(inspect(db.engine).get_table_names())
        db.migrate()
        assert SharedCounters(db).hit("k", 1, 60) == 0
    finally:
        db.dispose()
