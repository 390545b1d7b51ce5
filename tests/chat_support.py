"""Helpers shared by tests/assistant and tests/api: a data dir with the shipped guides, the service
catalogue and the Labour Contract Law indexed once per test session, copied afresh for every test.

Plain functions, not a conftest: a second ``conftest.py`` without ``__init__.py`` replaces the module
``conftest`` in ``sys.modules`` and breaks ``from conftest import ...`` in other test folders.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from composition import Runtime, build_runtime
from config import Settings
from ingest.pipeline import ingest
from knowledge.embeddings import QifaEmbeddings

SHARED_LABOUR_LAW = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "laws" / "劳动合同法(2012-12-28).md"
LABOUR_TITLE = "中华人民共和国劳动合同法"

# used when the shared corpus is absent: the same law, cut down to the articles the tests ask about
FIXTURE_ARTICLES = {
    "第三章 劳动合同的订立": [
        "第十九条 劳动合同期限三个月以上不满一年的，试用期不得超过一个月；劳动合同期限一年以上不满三年的，"
        "试用期不得超过二个月；三年以上固定期限和无固定期限的劳动合同，试用期不得超过六个月。"
        "同一用人单位与同一劳动者只能约定一次试用期。",
        "第二十条 劳动者在试用期的工资不得低于本单位相同岗位最低档工资或者劳动合同约定工资的百分之八十，"
        "并不得低于用人单位所在地的最低工资标准。",
    ],
    "第四章 劳动合同的解除和终止": [
        "第四十七条 经济补偿按劳动者在本单位工作的年限，每满一年支付一个月工资的标准向劳动者支付。"
        "六个月以上不满一年的，按一年计算；不满六个月的，向劳动者支付半个月工资的经济补偿。",
    ],
    "第七章 法律责任": [
        "第八十三条 用人单位违反本法规定与劳动者约定试用期的，由劳动行政部门责令改正；违法约定的试用期已经履行的，"
        "由用人单位以劳动者试用期满月工资为标准，按已经履行的超过法定试用期的期间向劳动者支付赔偿金。",
    ],
}


def fixture_labour_law() -> str:
    lines = [f"# {LABOUR_TITLE}", "", "2012年12月28日 全国人民代表大会常务委员会修正", "", "<!-- INFO END -->", ""]
    for chapter, articles in FIXTURE_ARTICLES.items():
        lines += [f"## {chapter}", ""]
        for article in articles:
            lines += [article, ""]
    return "\n".join(lines)


_template: Path | None = None


def make_settings(data_dir: Path, **overrides: Any) -> Settings:
    """Settings for a test data dir, ignoring any ``.env`` file (keeps the LLM off unless asked for).
    The statutes pack is left out unless asked for (tests/knowledge/test_packs.py installs it)."""
    return Settings(_env_file=None, data_dir=data_dir, **{"shipped_packs": "none", **overrides})


def template_dir(tmp_path_factory: pytest.TempPathFactory, embeddings: QifaEmbeddings) -> Path:
    """Build (once per session) a data dir with the shipped knowledge and the Labour Contract Law."""
    global _template
    if _template is None:
        root = tmp_path_factory.mktemp("chat-template")
        law = SHARED_LABOUR_LAW
        if not law.is_file():
            law = root / "劳动合同法(2012-12-28).md"
            law.write_text(fixture_labour_law(), encoding="utf-8")
        rt = build_runtime(make_settings(root / "var"), embeddings=embeddings)
        try:
            report = ingest(rt.kb, [law], 20_000_000)
            assert report.added == 1 and not report.failures, report.summary()
        finally:
            rt.close()
        _template = root / "var"
    return _template


_pack_template: Path | None = None


def pack_data_dir(tmp_path_factory: pytest.TempPathFactory, embeddings: QifaEmbeddings, dest: Path) -> Path:
    """A private copy of a data dir holding what a deployment holds: the shipped guides and catalogue and the shipped
    statutes pack (``shipped_packs="laws"``), installed once per test session (about half a minute)."""
    global _pack_template
    if _pack_template is None:
        root = tmp_path_factory.mktemp("pack-template") / "var"
        build_runtime(make_settings(root, shipped_packs="laws"), embeddings=embeddings).close()
        _pack_template = root
    shutil.copytree(_pack_template, dest)
    return dest


def fresh_data_dir(tmp_path_factory: pytest.TempPathFactory, embeddings: QifaEmbeddings, dest: Path) -> Path:
    """A private copy of the template data dir at ``dest`` (the copy takes milliseconds)."""
    shutil.copytree(template_dir(tmp_path_factory, embeddings), dest)
    return dest


def open_runtime(data_dir: Path, embeddings: QifaEmbeddings, chat_model: Any = None, **settings: Any) -> Runtime:
    return build_runtime(make_settings(data_dir, **settings), embeddings=embeddings, chat_model=chat_model)


def ingest_text(rt: Runtime, folder: Path, name: str, text: str) -> Path:
    """Write one document and ingest it into the runtime's knowledge base."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    report = ingest(rt.kb, [path], 20_000_000)
    assert report.added == 1 and not report.failures, report.summary()
    return path
