"""Engine and sessions: SQLite (WAL) by default, any SQLAlchemy URL otherwise; ``open_database`` opens and
migrates the store named by ``Settings`` (the one place the database is opened)."""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from config import Settings

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).parent / "migrations"
START_UP_LOCK = "qifa:start-up"  # held while a process migrates or installs the shipped knowledge


class Database:
    """Owns the engine; ``session()`` is a unit of work that commits or rolls back."""

    def __init__(self, url: str) -> None:
        self.url = url
        kwargs: dict[str, Any] = {}
        if url.startswith("sqlite"):
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        self.engine: Engine = create_engine(url, **kwargs)
        if url.startswith("sqlite"):
            event.listen(self.engine, "connect", _sqlite_pragmas)
        # SQLite lets one writer in at a time and makes the others sleep and retry (1, 2, 5 … ms apart): this
        # process's hot-path writers take turns on a lock instead (see ``transaction``)
        self._writer = threading.Lock() if url.startswith("sqlite") else None
        self._factory = sessionmaker(self.engine, expire_on_commit=False)
        self._lock_dir: tempfile.TemporaryDirectory[str] | None = None  # lock files of an in-memory database
        self._lock_dir_guard = threading.Lock()
        self._local = threading.local()  # ``held``: the writes this thread holds back (see ``hold``)

    def migrate(self) -> None:
        """Bring the schema to the newest Alembic revision."""
        from alembic import command
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        cfg.attributes["connection_url"] = self.url
        with self.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")

    def hold(self, key: str, write: Callable[[Connection], None]) -> None:
        """Hold a write back (a new conversation's first rows, ``assistant.conversations``): it runs, in a write
        transaction of its own, before anything else this thread does through ``session`` or
        ``transaction(write=True)``, unless ``release(key)`` takes it back first to run it in the caller's own
        transaction. A turn that only reads the knowledge base between its start and its end then commits once;
        one that opens a case or an order meanwhile finds the rows stored, as if they had never been held."""
        held: dict[str, Callable[[Connection], None]] | None = getattr(self._local, "held", None)
        if held is None:
            held = self._local.held = {}
        held[key] = write

    def release(self, key: str) -> Callable[[Connection], None] | None:
        """The write held back under ``key`` by this thread, now the caller's to run (None: none, or already run)."""
        held: dict[str, Callable[[Connection], None]] | None = getattr(self._local, "held", None)
        return held.pop(key, None) if held else None

    def settle(self) -> None:
        """Run the writes this thread holds back, now, in one write transaction (a turn that failed keeps what it
        would have stored at its start)."""
        held: dict[str, Callable[[Connection], None]] | None = getattr(self._local, "held", None)
        if not held:
            return
        writes = list(held.values())
        held.clear()  # before the transaction, which would otherwise settle them again
        with self.transaction(write=True) as conn:
            for write in writes:
                write(conn)

    @contextmanager
    def session(self) -> Iterator[Session]:
        if getattr(self._local, "held", None):
            self.settle()
        s = self._factory()
        try:
            yield s
            s.commit()
        except BaseException:
            s.rollback()
            raise
        finally:
            s.close()

    @contextmanager
    def transaction(self, *, write: bool = False) -> Iterator[Connection]:
        """A Core connection in one transaction that commits or rolls back: for a hot path's few prepared
        statements, without an ORM session around them. ``write``: the block writes; on SQLite the writers of
        this process then go one after another, each woken the moment the one before commits, where two at once
        would send the second into SQLite's busy handler, which sleeps a millisecond or more between tries.
        A write first runs what this thread holds back (``hold``)."""
        if write and getattr(self._local, "held", None):
            self.settle()
        if write and self._writer is not None:
            with self._writer, self.engine.begin() as conn:
                yield conn
            return
        with self.engine.begin() as conn:
            yield conn

    @contextmanager
    def exclusive(self, key: str) -> Iterator[None]:
        """A lock on ``key`` shared by every process using this store: on PostgreSQL an advisory lock, held
        on a connection of its own until the block ends. SQLite has no such lock: there the caller's
        in-process lock is the whole guarantee (one server process per SQLite file)."""
        if self.engine.dialect.name != "postgresql":
            yield
            return
        with self.engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(hashtextextended(:k, 0))"), {"k": key})
            conn.commit()
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(hashtextextended(:k, 0))"), {"k": key})
                conn.commit()

    @contextmanager
    def held(self, key: str, *, shared: bool = False, wait: bool = True) -> Iterator[bool]:
        """A read/write lock on ``key`` shared by every process (and thread) using this store: many ``shared``
        holders at once, or one exclusive holder. On PostgreSQL an advisory lock (shared or not) on a connection
        of its own; on SQLite ``flock`` on a lock file beside the database file (in a temporary folder of this
        ``Database`` for an in-memory one). Each acquisition opens its own file, so threads of one process
        exclude each other too. ``wait=False``: one try; the block is told whether it got the lock (True with
        ``wait``). A shared holder may take it shared again, as long as nobody ever waits for it exclusive
        (an exclusive waiter would queue the second shared request behind it on PostgreSQL)."""
        if self.engine.dialect.name == "postgresql":
            fn = "pg_advisory_lock" if wait else "pg_try_advisory_lock"
            mode = "_shared" if shared else ""
            with self.engine.connect() as conn:
                got = conn.execute(text(f"SELECT {fn}{mode}(hashtextextended(:k, 0))"), {"k": key}).scalar()
                conn.commit()
                got = wait or bool(got)
                try:
                    yield got
                finally:
                    if got:
                        try:
                            conn.execute(text(f"SELECT pg_advisory_unlock{mode}(hashtextextended(:k, 0))"),
                                         {"k": key})
                            conn.commit()
                        except Exception as exc:  # the connection dropped: the server released the lock with it
                            log.warning("lock %s lost with its connection (%s: %s); the work it guarded is done",
                                        key, type(exc).__name__, str(exc)[:200])
                            conn.invalidate()
            return
        # read-only, readable by all: a lock needs no write access, and a file created by another user (a root
        # `qifa ingest`) must not stop the service's own writers
        path = self._lock_file(key)
        try:
            fd = os.open(path, os.O_RDONLY | os.O_CREAT, 0o644)
        except PermissionError:
            fd = os.open(path, os.O_RDONLY)
        try:
            try:
                fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | (0 if wait else fcntl.LOCK_NB))
                got = True
            except BlockingIOError:
                got = False
            yield got
        finally:
            os.close(fd)  # releases the lock

    def _lock_file(self, key: str) -> str:
        name = hashlib.sha1(key.encode()).hexdigest()[:16]
        database = self.engine.url.database
        if database and database != ":memory:" and not database.startswith("file:"):
            return f"{database}.{name}.lock"
        with self._lock_dir_guard:
            if self._lock_dir is None:
                self._lock_dir = tempfile.TemporaryDirectory(prefix="qifa-locks-")
            return os.path.join(self._lock_dir.name, name)

    def dispose(self) -> None:
        self.engine.dispose()


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


class DataDirError(RuntimeError):
    """The data directory cannot be used."""


def open_database(settings: Settings, *, migrate: bool = True) -> Database:
    """The SQL store of ``settings`` (SQLite in the data dir unless QIFA_DATABASE_URL is set), migrated to head
    (``migrate=False``: the workers of ``qifa serve --workers N``, whose parent migrated once). Processes
    starting together on one PostgreSQL migrate one after the other (an advisory lock)."""
    if not settings.database_url:
        _check_data_dir(settings.data_dir)
    database = Database(settings.sqlalchemy_url)
    if migrate:
        with database.exclusive(START_UP_LOCK):
            database.migrate()
    return database


def _check_data_dir(path: Path) -> None:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataDirError(f"cannot create the data directory {path}: {exc.strerror}") from exc
    probe = path / ".write-test"
    try:
        probe.write_text("ok")
        probe.unlink()
    except OSError as exc:
        raise DataDirError(
            f"the data directory {path.resolve()} is not writable ({exc.strerror}); "
            "set QIFA_DATA_DIR to a writable folder"
        ) from exc
