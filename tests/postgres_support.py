"""A throw-away PostgreSQL database for the tests that need one: created on the server named by
QIFA_TEST_POSTGRES_URL (.ci/run starts one), dropped afterwards. Plain functions, not a conftest (see
chat_support.py for why)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, make_url, text

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
