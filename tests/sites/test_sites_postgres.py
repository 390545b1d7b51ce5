"""Sites on PostgreSQL: migration 0006 (a foreign key added to chat_sessions), the gate and the recorded site,
then down to 0004 and up again. Runs when QIFA_TEST_POSTGRES_URL names a server (.ci/run starts one)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from fastapi.testclient import TestClient
from postgres_support import ADMIN_URL, SKIP_REASON, fresh_database
from sqlalchemy import create_engine, inspect, text

from api.app import create_app
from composition import build_runtime
from config import Settings
from db.engine import MIGRATIONS
from knowledge.embeddings import QifaEmbeddings
from sites import Sites

pytestmark = pytest.mark.skipif(not ADMIN_URL, reason=SKIP_REASON)
ORIGIN = "https://sfj.pujiang.gov.cn"


@pytest.fixture
def database_url() -> Iterator[str]:
    with fresh_database("qifa_test") as url:
        yield url


def test_sites_on_postgresql(tmp_path: Path, database_url: str, embeddings: QifaEmbeddings) -> None:
    rt = build_runtime(Settings(data_dir=tmp_path / "var", database_url=database_url), shipped=False,
                       embeddings=embeddings)
    try:
        site = Sites(rt.db).add("pujiang", [ORIGIN])
        with TestClient(create_app(runtime=rt)) as client:
            r = client.post("/api/v1/chat", json={"message": "你好"},
                            headers={"X-Qifa-Site-Key": site.key, "Origin": ORIGIN})
            assert r.status_code == 200 and r.headers["access-control-allow-origin"] == ORIGIN
            assert Sites(rt.db).site_of(r.json()["session_id"]) == site.id
            refused = client.post("/api/v1/chat", json={"message": "你好"},
                                  headers={"X-Qifa-Site-Key": site.key, "Origin": "https://elsewhere.example.cn"})
            assert refused.status_code == 403 and refused.json()["error"]["code"] == "site_not_enabled"
        keys = inspect(rt.db.engine).get_foreign_keys("chat_sessions")
        assert [(k["referred_table"], k["constrained_columns"]) for k in keys] == [("sites", ["site_id"])]
    finally:
        rt.close()
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection_url"] = database_url
    command.downgrade(cfg, "0004")
    engine = create_engine(database_url)
    try:
        assert "sites" not in inspect(engine).get_table_names()
        assert "site_id" not in {c["name"] for c in inspect(engine).get_columns("chat_sessions")}
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM chat_messages")).scalar() == 2
    finally:
        engine.dispose()
    command.upgrade(cfg, "head")
