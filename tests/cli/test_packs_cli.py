"""The real statutes pack on a fresh data dir (built once for the module: the slow part of the suite),
``qifa packs list``, ``qifa documents list``, citations as enterprises read them, and QIFA_SHIPPED_KNOWLEDGE."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from cli.main import main
from composition import build_runtime
from config import Settings, get_settings
from knowledge.embeddings import QifaEmbeddings
from knowledge.factory import ensure_shipped
from knowledge.packs import PACKS_DIR, load_pack

Run = Callable[..., tuple[int, str, str]]
LABOUR = {"中华人民共和国劳动法", "中华人民共和国劳动合同法", "中华人民共和国劳动争议调解仲裁法",
          "劳动保障监察条例", "最高人民法院关于审理劳动争议案件适用法律问题的解释（一）"}


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory, embeddings: QifaEmbeddings) -> Path:
    """A data dir where the guides, the catalogue and the laws pack were installed at first start."""
    data = tmp_path_factory.mktemp("pack") / "var"
    rt = build_runtime(Settings(_env_file=None, data_dir=data), embeddings=embeddings)
    try:
        assert ensure_shipped(rt.kb, rt.settings, rt.catalogue) == 0  # a later start: nothing to do
    finally:
        rt.close()
    return data


@pytest.fixture
def qifa(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Iterator[Callable[..., Run]]:
    for name in list(os.environ):
        if name.startswith("QIFA_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(Path(__file__).parent)  # no .env from the working directory

    def configure(data_dir: Path, **env: str) -> Run:
        monkeypatch.setenv("QIFA_DATA_DIR", str(data_dir))
        for key, value in env.items():
            monkeypatch.setenv(key, value)

        def run(*args: str) -> tuple[int, str, str]:
            capsys.readouterr()
            get_settings.cache_clear()
            try:
                code = main(list(args))
            finally:
                get_settings.cache_clear()
            out, err = capsys.readouterr()
            return code, out, err

        return run

    yield configure
    get_settings.cache_clear()


def copy(installed: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(installed, tmp_path / "var"))


def test_packs_list_says_what_is_shipped_and_installed(installed: Path, tmp_path: Path, qifa) -> None:
    code, out, _ = qifa(installed)("packs", "list", "--json")
    assert code == 0
    (laws,) = json.loads(out)
    pack = load_pack(PACKS_DIR / "laws")
    assert laws["name"] == "laws" and laws["documents"] == len(pack.documents) >= 50
    assert laws["installed"] and laws["selected"] and laws["vectors"] and laws["chunks"] > 5000

    code, out, _ = qifa(tmp_path / "fresh", QIFA_SHIPPED_KNOWLEDGE="false")("packs", "list")
    assert code == 0
    assert "not installed" in out and "not selected" in out

    run = qifa(tmp_path / "other", QIFA_SHIPPED_KNOWLEDGE="true", QIFA_SHIPPED_PACKS="laws,tax")
    code, _, err = run("packs", "list")
    assert code == 2 and err.strip() == "qifa: QIFA_SHIPPED_PACKS names unknown pack(s) tax; shipped: laws"


def test_shipped_knowledge_off_installs_nothing(tmp_path: Path, qifa) -> None:
    run = qifa(tmp_path / "var", QIFA_SHIPPED_KNOWLEDGE="false", QIFA_SHIPPED_PACKS="laws")
    code, out, _ = run("stats", "--json")
    assert code == 0 and json.loads(out)["documents"] == 0


def test_documents_list_shows_each_documents_metadata(installed: Path, qifa) -> None:
    code, out, _ = qifa(installed)("documents", "list")
    assert code == 0
    civil = next(ln for ln in out.splitlines() if ln.startswith("civil-code "))
    assert "2021-01-01" in civil and "《中华人民共和国民法典》" in civil and "Civil Code of the PRC" in civil
    assert "法律" in civil and "现行有效" in civil and "全国人民代表大会" in civil
    old = next(ln for ln in out.splitlines() if ln.startswith("sme-payment-regulations-2020 "))
    assert old.endswith("[已修订]")


def test_a_fresh_install_answers_wage_arrears_from_the_labour_statutes(installed: Path, tmp_path: Path,
                                                                        qifa) -> None:
    code, out, _ = qifa(copy(installed, tmp_path))("ask", "公司拖欠工资，员工可以怎么办？", "--json")
    assert code == 0
    reply = json.loads(out)
    assert reply["route"] == "answer"
    titles = [c["title"] for c in reply["citations"]]
    assert titles[0] in LABOUR and "双倍" not in reply["reply"].split("\n")[1]
    for c in reply["citations"]:
        assert "/" not in c["source"] and c["status"] == "现行有效" and c["kind"]


def test_citations_name_the_code_the_article_and_the_date(installed: Path, tmp_path: Path, qifa) -> None:
    run = qifa(copy(installed, tmp_path))
    code, out, _ = run("ask", "对方签了合同又不按约定交货，要承担什么违约责任？", "--json")
    assert code == 0
    reply = json.loads(out)
    # among the sources (the thesaurus no longer adds 赔偿责任 to 违约, so another contract article may rank first)
    top = next(c for c in reply["citations"] if (c["source"], c["locator"]) == ("civil-code", "第五百七十七条"))
    assert top["effective"] == "2021-01-01"
    assert (top["title_en"], top["kind"], top["issuer"]) == ("Civil Code of the PRC", "法律", "全国人民代表大会")
    assert "《中华人民共和国民法典》第五百七十七条（2021-01-01）" in reply["reply"]

    code, out, _ = run("ask", "The other side signed the contract but never delivered. What liability do they bear "
                       "for breach of contract?", "--json")
    reply = json.loads(out)
    assert reply["lang"] == "en"
    civil = [c for c in reply["citations"] if c["source"] == "civil-code"]
    assert civil, "an English question on breach of contract cites the Civil Code"
    for c in civil:  # the English name, the article in English numbers, the date
        number = re.fullmatch(r"第(.+)条", c["locator"])
        assert number and re.search(r"Civil Code of the PRC, Article \d+ \(2021-01-01\)", reply["reply"])
