"""A throw-away PostgreSQL database for the tests that need one: created on the server named by
QIFA_TEST_POSTGRES_URL (.ci/run starts one), dropped afterwards. Plain functions, not a conftest (see
chat_support.py for why)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import create_engine, make_url, text

if TYPE_CHECKING:
    from db import Database

ADMIN_URL = os.environ.get("QIFA_TEST_POSTGRES_URL", "")
SKIP_REASON = "QIFA_TEST_POSTGRES_URL is not set (.ci/run starts PostgreSQL)"


@contextmanager
def fresh_database(prefix: str = "qifa_test") -> Iterator[str]:
    """The URL of a new, empty database on the test server; dropped (connections and all) on exit."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def dialect_params() -> list[object]:
    """pytest parameters for a test run on SQLite and on PostgreSQL (skipped without QIFA_TEST_POSTGRES_URL)."""
    import pytest

    return [pytest.param("sqlite", id="sqlite"),
            pytest.param("postgresql", id="postgresql", marks=pytest.mark.skipif(not ADMIN_URL, reason=SKIP_REASON))]


@contextmanager
def store(dialect: str, data_dir: Path) -> Iterator[Database]:
    """A migrated qifa store: SQLite in ``data_dir``, or a fresh PostgreSQL database."""
    from config import Settings
    from db import open_database

    if dialect == "sqlite":
        db = open_database(Settings(_env_file=None, data_dir=data_dir))
        try:
            yield db
        finally:
            db.dispose()
        return
    with fresh_database() as url:
        db = open_database(Settings(_env_file=None, data_dir=data_dir, database_url=url))
        try:
            yield db
        finally:
            db.dispose()
