"""``qifa users`` through ``cli.main.main``, the password on a monkeypatched stdin."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from cli.main import main
from config import get_settings

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def qifa(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Iterator[Run]:
    monkeypatch.setenv("QIFA_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("QIFA_DATABASE_URL", raising=False)
    get_settings.cache_clear()

    def run(*argv: str, stdin: str = "") -> tuple[int, str, str]:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    yield run
    get_settings.cache_clear()


def test_add_list_disable_passwd(qifa: Run) -> None:
    assert qifa("users", "add", "wang", "--role", "adviser", "--password-stdin", stdin="s3cret-pass\n")[:2] == (
        0, "added adviser wang\n")
    assert qifa("users", "add", "li", "--role", "admin", "--password-stdin", stdin="another-pass")[0] == 0
    code, out, _ = qifa("users", "list", "--json")
    assert code == 0
    assert [(u["name"], u["role"], u["active"]) for u in json.loads(out)] == [("li", "admin", True),
                                                                              ("wang", "adviser", True)]
    code, out, _ = qifa("users", "list")
    assert code == 0 and "wang" in out and "2 users" in out
    assert qifa("users", "passwd", "wang", "--password-stdin", stdin="changed-pass\n")[:2] == (
        0, "password changed for wang\n")
    assert qifa("users", "disable", "wang")[:2] == (0, "disabled wang\n")
    code, out, _ = qifa("users", "list", "--json")
    assert [u["active"] for u in json.loads(out)] == [True, False]


@pytest.mark.parametrize(("argv", "stdin", "words"), [
    (("users", "add", "wang", "--role", "boss", "--password-stdin"), "s3cret-pass", "unknown role"),
    (("users", "add", "wang", "--role", "adviser", "--password-stdin"), "short", "too short"),
    (("users", "add", "wang", "--role", "adviser", "--password-stdin"), "", "empty"),
    (("users", "add", "wang", "--role", "adviser"), "s3cret-pass", "--password-stdin"),
    (("users", "disable", "nobody"), "", "no staff user named 'nobody'"),
    (("users", "passwd", "nobody", "--password-stdin"), "s3cret-pass", "no staff user named 'nobody'"),
])
def test_errors_exit_2(qifa: Run, argv: tuple[str, ...], stdin: str, words: str) -> None:
    code, _, err = qifa(*argv, stdin=stdin)
    assert code == 2 and err.startswith("qifa: ") and words in err, err
    assert json.loads(qifa("users", "list", "--json")[1]) == []


def test_duplicate_exits_2(qifa: Run) -> None:
    assert qifa("users", "add", "wang", "--role", "adviser", "--password-stdin", stdin="s3cret-pass")[0] == 0
    code, _, err = qifa("users", "add", "wang", "--role", "curator", "--password-stdin", stdin="s3cret-pass")
    assert code == 2 and "already exists" in err
