"""The sites registry on a real SQLite store: origins as browsers send them, add / list / remove, the key and
origin check, the site recorded on a conversation, and migration 0006 on a store holding conversations."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config

from composition import Runtime
from db import Database
from db.engine import MIGRATIONS
from sites import InvalidOrigin, SiteError, SiteRefused, Sites, normalise_origin


@pytest.mark.parametrize(("given", "origin"), [
    ("https://SFJ.Pujiang.gov.cn", "https://sfj.pujiang.gov.cn"),
    ("https://sfj.pujiang.gov.cn:443/", "https://sfj.pujiang.gov.cn"),
    ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
    ("http://localhost:80", "http://localhost"),
    ("https://司法局.中国", "https://xn--sprq6q3no.xn--fiqs8s"),  # as a browser sends it (WHATWG URL)
    ("  https://example.gov.cn  ", "https://example.gov.cn"),
])
def test_origins_are_normalised(given: str, origin: str) -> None:
    assert normalise_origin(given) == origin


@pytest.mark.parametrize("bad", ["example.gov.cn", "ftp://example.gov.cn", "https://example.gov.cn/path",
                                 "https://example.gov.cn/?q=1", "https://user@example.gov.cn", "https://*.gov.cn",
                                 "null", "https://", "https://example.gov.cn:99999", ""])
def test_what_is_not_an_origin_is_refused_in_both_languages(bad: str) -> None:
    with pytest.raises(InvalidOrigin) as exc:
        normalise_origin(bad)
    assert "/" in str(exc.value) and any("\u4e00" <= ch <= "\u9fff" for ch in str(exc.value))


def test_add_list_check_remove(runtime: Runtime) -> None:
    sites = Sites(runtime.db)
    site = sites.add("pujiang", ["https://SFJ.pujiang.gov.cn", "https://sfj.pujiang.gov.cn:443", "http://127.0.0.1:9"])
    assert site.origins == ("https://sfj.pujiang.gov.cn", "http://127.0.0.1:9")
    assert site.key.startswith("qs_") and len(site.key) >= 24
    other = sites.add("park", ["https://park.example.cn"])
    assert other.key != site.key
    assert [s.name for s in sites.list()] == ["pujiang", "park"]

    assert sites.check(site.key, "https://sfj.pujiang.gov.cn").id == site.id
    assert sites.check(site.key, None).id == site.id  # no Origin header: a server, or a same-origin GET
    with pytest.raises(SiteRefused) as refused:
        sites.check(site.key, "https://park.example.cn")  # another site's origin
    assert refused.value.code == "site_not_enabled"
    with pytest.raises(SiteRefused) as unknown:
        sites.check("qs_unknown-key-0000", "https://sfj.pujiang.gov.cn")
    assert unknown.value.code == "unknown_site_key"
    assert sites.origin_registered("https://park.example.cn")
    assert not sites.origin_registered("https://elsewhere.example.cn")
    assert not sites.origin_registered("not an origin")

    sid = runtime.conversations.open(None, "web").id
    sites.record(sid, site.id)
    sites.record(sid, other.id)  # the first site keeps the conversation
    assert sites.site_of(sid) == site.id

    removed = sites.remove(site.key)  # by key as well as by name
    assert removed.name == "pujiang" and not removed.active
    with pytest.raises(SiteRefused):
        sites.check(site.key, "https://sfj.pujiang.gov.cn")
    assert [(s.name, s.active) for s in sites.list()] == [("pujiang", False), ("park", True)]
    assert [s.name for s in sites.list(include_removed=False)] == ["park"]
    assert sites.site_of(sid) == site.id  # its conversations still name it


@pytest.mark.parametrize(("name", "origins", "words"), [
    ("pujiang", ["https://x.example.cn"], "already exists"),
    ("bad name", ["https://x.example.cn"], "not a valid site name"),
    ("", ["https://x.example.cn"], "not a valid site name"),
    ("fresh", [], "at least one --origin"),
    ("fresh", ["https://x.example.cn/page"], "without a path"),
])
def test_refused_additions_write_nothing(runtime: Runtime, name: str, origins: list[str], words: str) -> None:
    sites = Sites(runtime.db)
    sites.add("pujiang", ["https://sfj.pujiang.gov.cn"])
    with pytest.raises(SiteError, match=words):
        sites.add(name, origins)
    assert [s.name for s in sites.list()] == ["pujiang"]


def test_removing_an_unknown_or_removed_site_is_refused(runtime: Runtime) -> None:
    sites = Sites(runtime.db)
    with pytest.raises(SiteError, match="no site named"):
        sites.remove("nope")
    sites.add("pujiang", ["https://sfj.pujiang.gov.cn"])
    sites.remove("pujiang")
    with pytest.raises(SiteError, match="no site named"):
        sites.remove("pujiang")


def _alembic(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection_url"] = url
    return cfg


def test_migration_0006_keeps_every_conversation_and_goes_back(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'qifa.db'}"
    command.upgrade(_alembic(url), "0004")
    with sqlite3.connect(tmp_path / "qifa.db") as conn:
        conn.execute("INSERT INTO chat_sessions (id, channel, lang, state, created_at, updated_at) "
                     "VALUES ('s1', 'web', 'zh', '{}', '2026-11-30 10:00:00', '2026-11-30 10:00:00')")
        conn.execute("INSERT INTO chat_messages (session_id, role, text, citations, created_at) "
                     "VALUES ('s1', 'user', '你好', '[]', '2026-11-30 10:00:00')")
    database = Database(url)
    try:
        database.migrate()  # to head, with foreign keys on, as at start-up
        sites = Sites(database)
        site = sites.add("pujiang", ["https://sfj.pujiang.gov.cn"])
        sites.record("s1", site.id)
        assert sites.site_of("s1") == site.id
    finally:
        database.dispose()
    with sqlite3.connect(tmp_path / "qifa.db") as conn:
        assert conn.execute("SELECT count(*) FROM chat_messages").fetchone() == (1,)
    command.downgrade(_alembic(url), "0004")
    with sqlite3.connect(tmp_path / "qifa.db") as conn:
        columns = [r[1] for r in conn.execute("PRAGMA table_info(chat_sessions)")]
        assert "site_id" not in columns
        assert conn.execute("SELECT count(*) FROM chat_messages").fetchone() == (1,)
        assert not conn.execute("SELECT name FROM sqlite_master WHERE name = 'sites'").fetchall()


def test_the_sites_package_imports_no_channel() -> None:
    """sites/ is a domain package: the API and the CLI use it, never the other way round."""
    import ast

    root = Path(__file__).resolve().parents[2] / "sites"
    imported: set[str] = set()
    for path in root.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module.split(".")[0])
    assert "db" in imported  # the scan sees the imports
    assert not imported & {"fastapi", "starlette", "telegram", "api", "bot", "cli"}
