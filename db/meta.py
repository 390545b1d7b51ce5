"""Writing one ``kb_meta`` value (a version counter, a setting) so that two processes writing the same key at once
both succeed: one ``INSERT … ON CONFLICT DO UPDATE`` on SQLite and PostgreSQL (a read-then-insert ``merge`` let two
first writes both insert, and PostgreSQL refused the second with a duplicate key). Reading one (``read_meta``): a
plain statement on a connection, no ORM session, since version counters are polled on the turn's path."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from db.engine import Database
from db.models_kb import KbMeta

_VALUE = select(KbMeta.value).where(KbMeta.key == bindparam("b_key"))


def _insert(s: Any) -> Any:
    """The dialect's ``INSERT … ON CONFLICT`` construct, or None for a database without one."""
    assert isinstance(s, Session)
    dialect = s.get_bind().dialect.name
    return pg_insert if dialect == "postgresql" else sqlite_insert if dialect == "sqlite" else None


def put_meta(s: Any, key: str, value: str) -> None:
    """Set ``key`` to ``value`` inside the open session ``s`` (committed with it)."""
    insert = _insert(s)
    if insert is None:  # another database: the ORM's merge (a read, then an insert or an update)
        s.merge(KbMeta(key=key, value=value))
        return
    stmt = insert(KbMeta).values(key=key, value=value)
    s.execute(stmt.on_conflict_do_update(index_elements=["key"], set_={"value": stmt.excluded.value}))


def seed_meta(s: Any, key: str, value: str) -> None:
    """Insert ``key`` with ``value`` unless it is there; an insert meeting another transaction's waits for it and
    then does nothing (ON CONFLICT DO NOTHING), so it never fails. A database without it relies on its migration."""
    insert = _insert(s)
    if insert is not None:
        s.execute(insert(KbMeta).values(key=key, value=value).on_conflict_do_nothing(index_elements=["key"]))


def read_meta(db: Database, key: str) -> str | None:
    """The value of ``key`` as committed (None: no such key). A read of its own, outside any session: it neither
    waits for this process's writers nor makes the thread store what it holds back (``Database.hold``)."""
    with db.transaction() as conn:
        value = conn.execute(_VALUE, {"b_key": key}).scalar()
    return None if value is None else str(value)
