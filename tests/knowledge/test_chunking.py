"""Chunks that follow the legal structure: one article per chunk, prose packed by sentences, stable ids."""

from __future__ import annotations

import re

import pytest
from conftest import LABOUR_2012, LABOUR_TITLE, REPEALED, REPEALED_TITLE, cn_number, statute_text

from knowledge.chunking import MAX_CHARS, MIN_CHARS, document_id, index_text, parse_document
from knowledge.loaders import split_front_matter

SOURCE = "/laws/劳动合同法(2012-12-28).md"
ARTICLE_LOCATOR = re.compile(r"第[一二三四五六七八九十百零]+条(之[一二三四五六七八九十]+)?")


def _parse(text: str, source: str = SOURCE):
    meta, body = split_front_matter(text)
    return parse_document(body, source, meta)


def test_statute_has_one_chunk_per_article_with_heading_path_and_locator() -> None:
    doc = _parse(statute_text(LABOUR_TITLE, LABOUR_2012))
    articles = [a for chapter in LABOUR_2012.values() for a in chapter]
    assert doc.kind == "statute"
    assert doc.title == LABOUR_TITLE
    assert doc.id == document_id(SOURCE)
    assert [c.locator for c in doc.chunks] == [f"第{cn_number(n)}条" for n in range(1, len(articles) + 1)]
    assert [c.ordinal for c in doc.chunks] == list(range(len(articles)))
    for chunk, article in zip(doc.chunks, articles, strict=True):
        assert chunk.text == f"{chunk.locator} {article}"
    assert [c.heading_path for c in doc.chunks] == (
        ["第一章总则"] * 2 + ["第二章劳动合同的订立"] * 3 + ["第三章劳动合同的解除和终止"] * 2
    )
    # the info block above <!-- INFO END --> is not a chunk
    assert not any("常务委员会通过" in c.text for c in doc.chunks)


def test_article_paragraphs_and_items_stay_in_their_article_and_sections_nest() -> None:
    text = (
        "# 中华人民共和国测试法\n\n<!-- INFO END -->\n\n## 第二章 劳动合同\n\n### 第一节 订立\n\n"
        "第一条 劳动合同应当具备以下条款：\n\n（一）用人单位的名称；\n\n（二）劳动者的姓名。\n\n"
        "第二条 建立劳动关系，应当订立书面劳动合同。\n\n"
        "### 第二节 履行\n\n第三条 用人单位应当按时足额支付劳动报酬。\n\n第三条之一 劳动者有权拒绝违章指挥。\n"
    )
    doc = _parse(text, "/laws/测试法.md")
    assert [(c.locator, c.heading_path) for c in doc.chunks] == [
        ("第一条", "第二章劳动合同 第一节订立"),
        ("第二条", "第二章劳动合同 第一节订立"),
        ("第三条", "第二章劳动合同 第二节履行"),
        ("第三条之一", "第二章劳动合同 第二节履行"),
    ]
    assert doc.chunks[0].text == "第一条 劳动合同应当具备以下条款：\n（一）用人单位的名称；\n（二）劳动者的姓名。"


def test_effective_date_comes_from_the_file_name() -> None:
    doc = _parse(statute_text(LABOUR_TITLE, LABOUR_2012, passed="2007年6月29日"))
    assert doc.effective == "2012-12-28"
    full_width = _parse(statute_text(LABOUR_TITLE, LABOUR_2012), "/laws/劳动合同法（2008-01-01）.md")
    assert full_width.effective == "2008-01-01"


def test_effective_date_falls_back_to_the_info_block_and_title_to_the_file_name() -> None:
    doc = _parse(statute_text(LABOUR_TITLE, LABOUR_2012, passed="2007年6月29日"), "/laws/labour.md")
    assert doc.effective == "2007-06-29"
    untitled = "\n\n".join(f"第{cn_number(n)}条 第{n}条的内容写在这里。" for n in range(1, 4))
    doc = _parse(untitled, "/laws/企业登记办法(2019-05-01).md")
    assert doc.title == "企业登记办法"
    assert doc.effective == "2019-05-01"


def test_repealed_status_from_front_matter() -> None:
    doc = _parse(statute_text(REPEALED_TITLE, REPEALED, front="status: 已废止\neffective: 2015-03-01"), "/x/办法.md")
    assert doc.status == "已废止"
    assert doc.effective == "2015-03-01"
    assert doc.kind == "statute"
    assert len(doc.chunks) == 3


def test_repealed_status_from_the_info_block() -> None:
    text = statute_text(REPEALED_TITLE, REPEALED, passed="2015年3月1日发布，2020年1月1日废止")
    assert _parse(text, "/x/办法.md").status == "已废止"
    assert _parse(statute_text(REPEALED_TITLE, REPEALED), "/x/办法.md").status is None


def test_chunk_ids_are_deterministic_and_change_only_with_their_article() -> None:
    text = statute_text(LABOUR_TITLE, LABOUR_2012)
    first, second = _parse(text), _parse(text)
    assert [c.id for c in first.chunks] == [c.id for c in second.chunks]
    assert len({c.id for c in first.chunks}) == len(first.chunks)
    assert all(c.id.startswith(first.id + "-") for c in first.chunks)

    changed = text.replace("试用期不得超过六个月", "试用期不得超过三个月")
    third = _parse(changed)
    differ = [i for i, (a, b) in enumerate(zip(first.chunks, third.chunks, strict=True)) if a.id != b.id]
    assert differ == [3]  # 第四条 only
    assert third.content_hash != first.content_hash


def test_identical_articles_get_distinct_ids() -> None:
    text = "# 重复测试办法\n\n" + "\n\n".join(["第一条 同样的文字。"] * 2 + ["第二条 其他文字。"])
    doc = _parse(text, "/x/dup.md")
    ids = [c.id for c in doc.chunks]
    assert len(ids) == 3
    assert len(set(ids)) == 3
    assert ids[1] == ids[0] + "-1"


def test_front_matter_changes_the_content_hash() -> None:
    body = statute_text(REPEALED_TITLE, REPEALED)
    live = _parse(body, "/x/办法.md")
    repealed = _parse("---\nstatus: 已废止\n---\n" + body, "/x/办法.md")
    assert [c.id for c in live.chunks] == [c.id for c in repealed.chunks]
    assert live.content_hash != repealed.content_hash


# ------------------------------------------------------------------ prose (guides, reports)


def _sentences(n: int, stem: str, end: str = "。") -> str:
    return "".join(f"{stem}第{i}点，企业应当按照要求准备申请材料并按时提交有关部门审核{end}" for i in range(1, n + 1))


GUIDE = (
    "# 企业服务指南\n\n"
    "## 一、申请条件\n\n"
    + _sentences(30, "申请条件")
    + "\n\n## 二、办理流程\n\n"
    + "本节说明办理流程\n\n"  # a paragraph without a full stop
    + _sentences(8, "办理流程", "！")
    + "\n\n"
    + _sentences(6, "补充说明", "？")
    + "\n\n## 三、咨询方式\n\n拨打12345热线咨询。\n"
)


def test_prose_is_packed_by_sentences_into_200_to_500_characters() -> None:
    doc = _parse(GUIDE, "/guides/service.md")
    assert doc.kind == "text"
    assert doc.title == "企业服务指南"
    sections: dict[str, list[str]] = {}
    for c in doc.chunks:
        sections.setdefault(c.heading_path, []).append(c.text)
    assert list(sections) == ["一、申请条件", "二、办理流程", "三、咨询方式"]
    assert len(sections["一、申请条件"]) >= 2
    for texts in sections.values():
        for text in texts[:-1]:
            assert MIN_CHARS <= len(text) <= MAX_CHARS, text
        # the last piece of a section may be short, or take in a small tail, never much more
        assert len(texts[-1]) <= MAX_CHARS + MIN_CHARS
    assert sections["三、咨询方式"] == ["拨打12345热线咨询。"]


def test_prose_never_cuts_a_sentence() -> None:
    doc = _parse(GUIDE, "/guides/service.md")
    paragraphs = [p.strip() for p in GUIDE.split("\n\n") if p.strip() and not p.startswith("#")]
    sentences = [s for p in paragraphs for s in re.findall(r"[^。！？]+[。！？]|[^。！？]+$", p)]
    joined = "\n".join(c.text for c in doc.chunks)
    for sentence in sentences:
        assert sum(sentence in c.text for c in doc.chunks) >= 1, sentence
    assert sum(len(s) for s in sentences) <= len(joined)
    for c in doc.chunks:
        last_line = c.text.splitlines()[-1]
        assert c.text.endswith(("。", "！", "？")) or any(p.endswith(last_line) for p in paragraphs), c.text


def test_prose_without_meta_is_text_and_with_meta_is_guide() -> None:
    assert _parse(GUIDE, "/g.md").kind == "text"
    assert _parse("---\ntitle: 企业服务指南\n---\n" + GUIDE, "/g.md").kind == "guide"


@pytest.mark.parametrize(
    ("title", "names"),
    [(LABOUR_TITLE, "中华人民共和国劳动合同法 劳动合同法"), ("企业服务指南", "企业服务指南")],
)
def test_index_text_names_the_law_in_full_and_short(title: str, names: str) -> None:
    assert index_text(title, "第一章总则", "第一条", "正文。") == f"{names} 第一章总则 第一条\n正文。"


# ------------------------------------------------------------------ the real statutes in ../shared


def test_the_real_statutes_parse_into_articles(shared_dir) -> None:
    laws = sorted((shared_dir / "corpus" / "laws").glob("*.md"))
    if not laws:
        pytest.skip(f"no statutes in {shared_dir / 'corpus' / 'laws'}")
    for path in laws:
        meta, body = split_front_matter(path.read_text(encoding="utf-8"))
        doc = parse_document(body, str(path), meta)
        assert doc.kind == "statute", path.name
        assert doc.title.startswith(("中华人民共和国", "优化营商环境条例")), (path.name, doc.title)
        assert doc.effective == re.search(r"\((\d{4}-\d{2}-\d{2})\)", path.name).group(1)  # type: ignore[union-attr]
        assert len({c.id for c in doc.chunks}) == len(doc.chunks)
        articles = [c for c in doc.chunks if ARTICLE_LOCATOR.fullmatch(c.locator)]
        assert len(articles) >= 0.9 * len(doc.chunks) > 20, path.name
        assert all(c.text.startswith(c.locator) for c in articles)
    labour = parse_document(
        (shared_dir / "corpus" / "laws" / "劳动合同法(2012-12-28).md").read_text(encoding="utf-8"),
        "劳动合同法(2012-12-28).md",
    )
    assert [c.locator for c in labour.chunks][-1] == "第九十八条"
    seventeen = next(c for c in labour.chunks if c.locator == "第十七条")
    assert seventeen.text.startswith("第十七条 劳动合同应当具备以下条款")
    assert seventeen.heading_path == "第二章劳动合同的订立"
