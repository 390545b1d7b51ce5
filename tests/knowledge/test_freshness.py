"""A serving process sees what another process ingested, replaced or removed within seconds, without a
restart: in-process (two knowledge bases on one data dir) and across a real ``qifa`` subprocess, whose
vectors reach the reader's embedded Chroma only because the reader reopens it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import COMPANY, COMPANY_TITLE, LABOUR_2012, LABOUR_TITLE, REPO, Docs

from composition import Runtime, build_runtime
from config import Settings
from ingest.pipeline import ingest
from knowledge.base import Passage
from knowledge.chunking import document_id
from knowledge.embeddings import QifaEmbeddings

COMPANY_FACT = "有限责任公司的股东以其认缴的出资额为限对公司承担责任"
LIMIT = 20_000_000


def settings_for(data_dir: Path) -> Settings:
    return Settings(_env_file=None, data_dir=data_dir, shipped_knowledge=False)


@pytest.fixture
def reader(tmp_path: Path, docs: Docs, embeddings: QifaEmbeddings) -> Iterator[Runtime]:
    rt = build_runtime(settings_for(tmp_path / "var"), shipped=False, embeddings=embeddings)
    ingest(rt.kb, [docs.statute("劳动合同法(2012-12-28).md", LABOUR_TITLE, LABOUR_2012)], LIMIT)
    assert rt.kb.search("试用期", k=1)  # the reader has built its snapshot
    yield rt
    rt.close()


def wait_for(check: Callable[[], bool], seconds: float = 5.0) -> float:
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if check():
            return time.monotonic() - start
        time.sleep(0.1)
    raise AssertionError(f"not seen within {seconds} s")


def has(hits: list[Passage], text: str) -> bool:
    return any(text in p.text for p in hits)


def test_a_second_knowledge_base_on_the_same_data_dir_is_seen_within_a_second(
    reader: Runtime, tmp_path: Path, docs: Docs, embeddings: QifaEmbeddings
) -> None:
    writer = build_runtime(settings_for(tmp_path / "var"), shipped=False, embeddings=embeddings)
    try:
        path = docs.statute("公司法(2023-12-29).md", COMPANY_TITLE, COMPANY, passed="2023年12月29日")
        assert not has(reader.kb.search("股东以认缴的出资额为限承担责任", k=5, mode="bm25"), COMPANY_FACT)
        ingest(writer.kb, [path], LIMIT)
        assert wait_for(lambda: has(reader.kb.search("股东以认缴的出资额为限承担责任", k=5, mode="bm25"),
                                    COMPANY_FACT)) < 2.0
        writer.kb.remove(document_id(str(path.resolve())))
        wait_for(lambda: not has(reader.kb.search("股东以认缴的出资额为限承担责任", k=5), COMPANY_FACT))
        assert reader.kb.stats()["documents"] == 1
    finally:
        writer.close()


def qifa(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QIFA_")}
    env.update(QIFA_DATA_DIR=str(data_dir), QIFA_SHIPPED_KNOWLEDGE="false", PYTHONPATH=str(REPO))
    done = subprocess.run([sys.executable, "-m", "cli.main", *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    return done


def test_qifa_ingest_in_another_process_reaches_the_dense_index_of_a_running_reader(
    reader: Runtime, tmp_path: Path, docs: Docs
) -> None:
    path = docs.statute("公司法(2023-12-29).md", COMPANY_TITLE, COMPANY, passed="2023年12月29日")
    question = "有限责任公司股东对公司债务承担什么责任？"
    assert not has(reader.kb.search(question, k=5, mode="dense"), COMPANY_FACT)
    qifa(tmp_path / "var", "ingest", str(path))
    # dense only: the vectors came from the other process's Chroma client
    wait_for(lambda: has(reader.kb.search(question, k=5, mode="dense"), COMPANY_FACT))

    # replaced: the same file with a changed article
    path.write_text(path.read_text(encoding="utf-8").replace("认缴的出资额", "实缴的出资额"), encoding="utf-8")
    qifa(tmp_path / "var", "ingest", str(path))
    wait_for(lambda: has(reader.kb.search(question, k=5, mode="dense"), COMPANY_FACT.replace("认缴", "实缴")))
    assert not has(reader.kb.search(question, k=10), COMPANY_FACT)

    # removed
    qifa(tmp_path / "var", "documents", "remove", document_id(str(path.resolve())))
    wait_for(lambda: not has(reader.kb.search(question, k=10), "实缴的出资额"))
    assert [d.title for d in reader.kb.documents()] == [LABOUR_TITLE]
