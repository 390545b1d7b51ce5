"""``qifa sites add|list|remove`` through ``cli.main.main`` on a SQLite data dir."""

from __future__ import annotations

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

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    yield run
    get_settings.cache_clear()


def test_add_prints_the_key_last_then_list_and_remove(qifa: Run) -> None:
    code, out, err = qifa("sites", "add", "pujiang", "--origin", "https://sfj.pujiang.gov.cn",
                          "--origin", "http://127.0.0.1:8080")
    assert code == 0, err
    lines = out.strip().splitlines()
    key = lines[-1]
    assert key.startswith("qs_") and " " not in key
    assert f'data-site-key="{key}"' in out and "https://sfj.pujiang.gov.cn" in lines[0]

    code, out, _ = qifa("sites", "list", "--json")
    listed = json.loads(out)
    assert code == 0 and [(s["name"], s["key"], s["active"]) for s in listed] == [("pujiang", key, True)]
    assert listed[0]["origins"] == ["https://sfj.pujiang.gov.cn", "http://127.0.0.1:8080"]
    code, out, _ = qifa("sites", "list")
    assert code == 0 and key in out and "1 sites" in out

    assert qifa("sites", "remove", "pujiang")[:2] == (0, "removed site pujiang (its key no longer works)\n")
    code, out, _ = qifa("sites", "list", "--json")
    assert [s["active"] for s in json.loads(out)] == [False]


@pytest.mark.parametrize(("argv", "words"), [
    (("sites", "add", "pujiang", "--origin", "https://other.example.cn"), "already exists"),
    (("sites", "add", "fresh"), "at least one --origin"),
    (("sites", "add", "fresh", "--origin", "sfj.pujiang.gov.cn"), "https://"),
    (("sites", "add", "fresh", "--origin", "https://sfj.pujiang.gov.cn/index.html"), "without a path"),
    (("sites", "add", "two words", "--origin", "https://x.example.cn"), "not a valid site name"),
    (("sites", "remove", "nope"), "no site named"),
])
def test_errors_are_clear_and_exit_2(qifa: Run, argv: tuple[str, ...], words: str) -> None:
    assert qifa("sites", "add", "pujiang", "--origin", "https://sfj.pujiang.gov.cn")[0] == 0
    code, out, err = qifa(*argv)
    assert code == 2 and out == ""
    assert err.startswith("qifa: ") and words in err
    code, out, _ = qifa("sites", "list", "--json")
    assert [s["name"] for s in json.loads(out)] == ["pujiang"]  # nothing half-written
