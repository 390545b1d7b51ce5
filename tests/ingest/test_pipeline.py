"""``ingest(paths)``: folders recursively, every format, bad files reported by name, the rest goes in."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
from conftest import COMPANY, LABOUR_2012, LABOUR_TITLE, REVIEW, REVIEW_TITLE, Docs, statute_text
from sqlalchemy import select

from db.models_kb import KbChunk
from ingest.pipeline import IngestReport, ingest

LIMIT = 20_000_000


def _good_files(docs: Docs) -> list[Path]:
    """Five good files in five formats, spread over nested folders."""
    labour = docs.statute("laws/劳动合同法(2012-12-28).md", LABOUR_TITLE, LABOUR_2012)
    company = docs.write("laws/more/公司法.txt", statute_text("中华人民共和国公司法", COMPANY))
    html = docs.write(
        "web/行政复议.html",
        "<html><head><title>中华人民共和国行政复议法</title></head><body>"
        + "".join(
            f"<h2>{chapter}</h2>" + "".join(f"<p>第{'一二三'[i]}条 {a}</p>" for i, a in enumerate(articles))
            for chapter, articles in REVIEW.items()
        )
        + "</body></html>",
    )
    document = docx.Document()
    document.add_heading("企业合规指引", 0)
    document.add_heading("一、总体要求", 1)
    document.add_paragraph("企业应当建立合规管理制度，明确合规管理的责任部门和责任人员。")
    word = docs.root / "guides" / "deep" / "合规指引.docx"
    word.parent.mkdir(parents=True)
    document.save(str(word))
    english = docs.pdf(
        "guides/foreign.pdf",
        ["Foreign-invested enterprises may apply for the one-stop service. Bring the business licence."],
    )
    return [labour, company, html, word, english]


def _bad_files(docs: Docs) -> dict[str, str]:
    docs.write("bad/empty.md", "")
    docs.write("bad/fake.pdf", "不是 PDF 的文本文件，扩展名却是 PDF。")
    docs.write("bad/broken.docx", "不是 zip 压缩包。")
    docs.write_bytes("bad/garbage.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    docs.write("bad/headings-only.md", "# 某某管理办法\n\n## 第一章 总则\n\n## 第二章 附则\n")
    odd = docs.pdf("bad/odd-filter.pdf", ["Article 1. Employers shall pay wages on time."]).read_bytes()
    docs.write_bytes("bad/odd-filter.pdf", odd.replace(b"/FlateDecode", b"/FlateDecodX"))
    return {
        "odd-filter.pdf": "corrupt PDF (Unsupported filter /FlateDecodX)",
        "empty.md": "file is empty",
        "fake.pdf": "not a PDF (the file does not start with %PDF-)",
        "broken.docx": "not a DOCX (not a zip archive)",
        "garbage.txt": "binary content, not text",
        "headings-only.md": "no text to index after cleaning",
    }


def _unsupported_and_hidden(docs: Docs) -> None:
    docs.write("notes.xlsx", "表格")
    docs.write_bytes("scan.png", b"\x89PNG\r\n\x1a\n")
    docs.write("README", "没有扩展名的说明文件，内容足够长。")
    docs.statute(".hidden/秘密.md", "隐藏文件夹里的办法", COMPANY)
    docs.write("laws/.draft.md", "# 草稿\n\n第一条 草稿。\n\n第二条 草稿。\n\n第三条 草稿。")
    with zipfile.ZipFile(docs.root / "archive.zip", "w") as zf:
        zf.writestr("inner.md", "# 压缩包里的文件")


def _chunk_rows(rt) -> list[tuple[str, str]]:
    with rt.db.session() as s:
        return sorted(s.execute(select(KbChunk.id, KbChunk.document_id)).tuples())


def test_a_folder_goes_in_recursively_and_bad_files_are_reported(runtime, docs: Docs) -> None:
    good = _good_files(docs)
    expected_failures = _bad_files(docs)
    _unsupported_and_hidden(docs)

    seen: list[Path] = []
    totals: list[int] = []
    report = ingest(runtime.kb, [docs.root], LIMIT, progress=seen.append, on_files=totals.append)

    assert (report.added, report.replaced, report.unchanged, report.failed) == (5, 0, 0, 6)
    assert {Path(f.path).name: f.reason for f in report.failures} == expected_failures
    assert all(Path(f.path).is_absolute() for f in report.failures)
    assert totals == [11]  # five good and six bad; unsupported and hidden files are not even counted
    assert len(seen) == 11
    assert sorted(d.source for d in runtime.kb.documents()) == sorted(str(p.resolve()) for p in good)
    rows = _chunk_rows(runtime)
    assert report.chunks == len(rows) > 15
    assert report.summary() == (
        f"documents: 5 added, 0 replaced, 0 unchanged, 6 failed; chunks written: {len(rows)}"
    )
    kinds = {Path(d.source).suffix: (d.kind, d.title) for d in runtime.kb.documents()}
    assert kinds[".md"] == ("statute", LABOUR_TITLE)
    assert kinds[".txt"] == ("statute", "中华人民共和国公司法")
    assert kinds[".html"] == ("statute", REVIEW_TITLE)
    assert kinds[".docx"] == ("text", "企业合规指引")
    assert kinds[".pdf"][0] == "text"

    hits = runtime.kb.search("foreign-invested enterprise one-stop service", k=1, mode="bm25")
    assert hits and hits[0].source.endswith("foreign.pdf")


def test_reingesting_unchanged_files_changes_nothing(runtime, docs: Docs) -> None:
    _good_files(docs)
    first = ingest(runtime.kb, [docs.root], LIMIT)
    rows = _chunk_rows(runtime)
    vectors = runtime.kb.vectors.all_ids()

    again = ingest(runtime.kb, [docs.root], LIMIT)
    assert (again.added, again.replaced, again.unchanged, again.failed, again.chunks) == (0, 0, 5, 0, 0)
    assert again.summary() == "documents: 0 added, 0 replaced, 5 unchanged, 0 failed; chunks written: 0"
    assert _chunk_rows(runtime) == rows
    assert runtime.kb.vectors.all_ids() == vectors == {cid for cid, _ in rows}
    assert first.added == 5


def test_one_changed_file_is_replaced_and_the_rest_unchanged(runtime, docs: Docs) -> None:
    good = _good_files(docs)
    ingest(runtime.kb, [docs.root], LIMIT)
    good[0].write_text(statute_text(LABOUR_TITLE, LABOUR_2012).replace("六个月", "三个月"), encoding="utf-8")
    report = ingest(runtime.kb, [docs.root], LIMIT)
    assert (report.added, report.replaced, report.unchanged, report.failed) == (0, 1, 4, 0)
    assert report.chunks == 7
    hit = runtime.kb.search("试用期不得超过三个月", k=1, mode="bm25")[0]
    assert "试用期不得超过三个月" in hit.text


def test_named_files_missing_paths_and_duplicates(runtime, docs: Docs, tmp_path: Path) -> None:
    labour = docs.statute("劳动合同法(2012-12-28).md", LABOUR_TITLE, LABOUR_2012)
    sheet = docs.write("表格.xlsx", "表格")
    missing = tmp_path / "nowhere" / "法.md"
    report = ingest(runtime.kb, [labour, docs.root, labour.parent / "." / labour.name, sheet, missing], LIMIT)
    assert report.added == 1  # the same file named three ways goes in once
    assert report.unchanged == 0
    reasons = {Path(f.path).name: f.reason for f in report.failures}
    assert reasons["法.md"] == "path does not exist"
    assert reasons["表格.xlsx"].startswith("unsupported file type '.xlsx'")
    assert len(runtime.kb.documents()) == 1


def test_a_file_over_the_limit_is_reported_and_others_go_in(runtime, docs: Docs) -> None:
    docs.statute("劳动合同法(2012-12-28).md", LABOUR_TITLE, LABOUR_2012)
    big = docs.write("big.txt", "合同条款。" * 100_000)
    report = ingest(runtime.kb, [docs.root], 1_000_000)
    assert report.added == 1
    assert [(Path(f.path).name, f.reason) for f in report.failures] == [
        (big.name, "file is 1.5 MB, over the 1 MB limit")
    ]


def test_many_windows_go_in_as_one_at_a_time_would(runtime, docs: Docs, monkeypatch) -> None:
    """Windows overlap (one is embedded while the one before is written and the next is parsed): every chunk
    ends with its row and its vector, a text shared by files of different windows is embedded once, and a bad
    file in the middle is reported."""
    import ingest.pipeline as pipeline

    monkeypatch.setattr(pipeline, "WINDOW", 2)
    # seven files, two of each title but the last (a law and its copy in another window, word for word)
    files = [docs.statute(f"laws/办法{i}.md", f"某某{'甲乙丙丁'[i // 2]}管理办法", COMPANY,
                          passed=f"20{10 + i}年1月1日") for i in range(7)]
    files.insert(3, docs.write("bad/empty.md", ""))
    encoded: list[int] = []
    encode = runtime.kb.embeddings.encode
    monkeypatch.setattr(runtime.kb.embeddings, "encode", lambda texts: encoded.append(len(texts)) or encode(texts))
    report = ingest(runtime.kb, files, LIMIT)
    assert (report.added, report.failed) == (7, 1)
    ids = [cid for cid, _ in _chunk_rows(runtime)]
    assert runtime.kb.vectors.existing(ids) == set(ids)
    per_doc = report.chunks // 7
    assert sum(encoded) <= 4 * per_doc + 1  # each distinct text once (and at most one warm-up text)
    assert runtime.kb.search("某某丙管理办法", k=3)[0].title == "某某丙管理办法"


def test_a_text_that_ships_with_the_product_takes_its_shipped_vector(runtime, docs: Docs, monkeypatch) -> None:
    """A statute of the shipped pack ingested from a file of its own (another path, so other chunk ids) is not
    embedded again: each of its chunks gets the vector shipped for exactly that text; a changed article is."""
    import numpy as np

    from knowledge.chunking import index_text
    from knowledge.packs import shipped_packs
    from knowledge.precomputed import shipped_vectors, vector_key

    [pack] = [p for p in shipped_packs() if p.name == "laws"]
    text = (pack.root / "texts" / "accounting-law.md").read_text(encoding="utf-8")
    changed = text.replace("提高经济效益", "提高经营效益")
    assert changed != text
    path = docs.write("mine/会计法.md", changed)
    embedded: list[str] = []
    encode = runtime.kb.embeddings.encode
    monkeypatch.setattr(runtime.kb.embeddings, "encode", lambda texts: embedded.extend(texts) or encode(texts))
    assert ingest(runtime.kb, [path], LIMIT).added == 1
    shipped = shipped_vectors(runtime.kb.embeddings.model_id)
    with runtime.db.session() as s:
        mine = s.execute(select(KbChunk.id, KbChunk.heading_path, KbChunk.locator, KbChunk.text)
                         .where(KbChunk.document_id == _doc_id(path))).all()
    assert len(mine) > 20
    texts = {r.id: index_text("中华人民共和国会计法", r.heading_path, r.locator, r.text) for r in mine}
    fresh = [t for t in texts.values() if vector_key(t) not in shipped]
    assert len(fresh) == 1 and "提高经营效益" in fresh[0]
    assert [t for t in embedded if "会计" in t] == fresh  # only the changed article went through the encoder
    got = runtime.kb.vectors.collection.get(ids=list(texts), include=["embeddings"])
    for cid, vec in zip(got["ids"], got["embeddings"], strict=True):
        want = shipped.get(vector_key(texts[cid]))
        if want is not None:
            assert np.allclose(vec, want, atol=1e-6)


def _doc_id(path: Path) -> str:
    from knowledge.chunking import document_id

    return document_id(str(path.resolve()))


def test_the_summary_says_when_the_clean_up_of_stray_vectors_was_left_to_a_later_ingest() -> None:
    busy = IngestReport(added=1, chunks=3, stray_removed=None)  # another write held the knowledge base
    assert "stray vectors not looked for" in busy.summary()
    cleaned = IngestReport(added=1, chunks=3, stray_removed=2)
    assert "stray vectors removed: 2" in cleaned.summary()
    assert "stray" not in IngestReport(added=1, chunks=3).summary()  # nothing to say when nothing was stray
