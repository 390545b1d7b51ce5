"""Titles and headings from every loader come without Markdown marks, and text that cannot be read is refused
(review20 findings 7 and 8): control characters go at load; what is left must be mostly letters or digits."""

from __future__ import annotations

import docx
import pytest
from conftest import Docs
from upload_support import DRILL, DRILL_TITLE, REFUSAL, TRAINING, cjk_pdf, needs_font, word_file

from knowledge.chunking import parse_document
from knowledge.legibility import readable_share
from knowledge.loaders import LoadError, load_file
from knowledge.markup import plain

LIMIT = 20_000_000
BODY = "\n\n".join(DRILL)


def _parsed(path):
    loaded = load_file(path, LIMIT)
    return parse_document(loaded.text, str(path), loaded.meta)


@pytest.mark.parametrize(("name", "text"), [
    ("heading2.md", f"## {DRILL_TITLE}\n\n{BODY}\n"),  # no level-1 heading: the title is found by its wording
    ("bold.md", f"**{DRILL_TITLE}**\n\n{BODY}\n"),
    ("bold-heading.md", f"# **{DRILL_TITLE}** #\n\n{BODY}\n"),
    ("link.md", f"# [{DRILL_TITLE}](https://www.pj.gov.cn/a.html)\n\n{BODY}\n"),
    ("nospace.txt", f"##{DRILL_TITLE}\n\n{BODY}\n"),
    ("quoted.txt", f"> *{DRILL_TITLE}*\n\n{BODY}\n"),
    ("front.md", f"---\ntitle: \"**{DRILL_TITLE}**\"\n---\n{BODY}\n"),
    ("page.html", f"<html><body><h2><strong>{DRILL_TITLE}</strong></h2>"
                  + "".join(f"<p>{p}</p>" for p in DRILL) + "</body></html>"),
])
def test_a_title_from_any_text_loader_has_no_markup_and_is_not_left_in_the_body(docs: Docs, name: str,
                                                                                  text: str) -> None:
    doc = _parsed(docs.write(name, text))
    assert doc.title == DRILL_TITLE
    assert [c.locator for c in doc.chunks] == ["第一条", "第二条", "第三条"]
    assert not any(DRILL_TITLE in c.text for c in doc.chunks)


def test_a_word_file_titled_in_heading_1_has_that_title(docs: Docs) -> None:
    path = docs.write_bytes("消防演练办法.docx", word_file(DRILL_TITLE, DRILL))
    assert load_file(path, LIMIT).text.startswith(f"# {DRILL_TITLE}\n\n第一条")
    doc = _parsed(path)
    assert (doc.title, len(doc.chunks)) == (DRILL_TITLE, 3)


def test_word_chapters_in_heading_1_stay_headings_under_a_plain_title(docs: Docs) -> None:
    d = docx.Document()
    d.add_paragraph(DRILL_TITLE)
    for chapter, article in (("第一章 总则", DRILL[0]), ("第二章 管理", DRILL[1]), ("第三章 附则", DRILL[2])):
        d.add_heading(chapter, 1)
        d.add_paragraph(article)
    path = docs.root / "chapters.docx"
    d.save(str(path))
    doc = _parsed(path)
    assert doc.title == DRILL_TITLE
    assert [(c.heading_path, c.locator) for c in doc.chunks] == [
        ("第一章总则", "第一条"), ("第二章管理", "第二条"), ("第三章附则", "第三条")]


def test_headings_lose_their_markup_too(docs: Docs) -> None:
    text = (f"# {DRILL_TITLE}\n\n## **一、演练频次**\n\n{'企业每半年至少组织一次消防演练。' * 3}\n\n"
            f"## *二、人员配备* ##\n\n{'员工五十人以上的企业应当设立专职消防管理人员。' * 3}\n")
    doc = _parsed(docs.write("guide.md", text))
    assert [c.heading_path for c in doc.chunks] == ["一、演练频次", "二、人员配备"]


@pytest.mark.parametrize("title", ["中华人民共和国公司法", "《民法典》合同编解读", "C++ 与 C# 合规指南",
                                   "关于做好2024年安全生产工作的通知", "Labour Contract Law of the PRC (2012)",
                                   "企业“合规”管理 — 问答"])
def test_a_title_without_markup_is_left_as_it_is(title: str) -> None:
    assert plain(title) == title


# ------------------------------------------------------------------ control characters and unreadable text


def test_control_and_zero_width_characters_are_removed_at_load(docs: Docs) -> None:
    text = "企业\u200b申请\u00ad法治\ufeff体检，可以\x07到县企业综合服务中心\u2028法治服务窗口咨询。"
    path = docs.write("note.txt", text)
    assert load_file(path, LIMIT).text == "企业申请法治体检，可以到县企业综合服务中心\n法治服务窗口咨询。"


@needs_font
def test_a_pdf_whose_text_comes_out_behind_nuls_loads_clean(docs: Docs) -> None:
    doc = _parsed(docs.write_bytes("培训.pdf", cjk_pdf(TRAINING)))
    assert doc.title == "浦江县企业安全生产培训规定"
    assert "第一条 新入职员工上岗前应当接受不少于二十四学时的安全培训。" in doc.chunks[0].text


@needs_font
@pytest.mark.parametrize("chars", [len(TRAINING), 600, 1000, 3000])
def test_a_pdf_whose_font_gives_no_text_is_refused_chinese_first(docs: Docs, chars: int) -> None:
    """Short and long: the more distinct characters, the more of the raw glyph codes land on letters."""
    text = (TRAINING * (chars // len(TRAINING) + 1))[:chars]
    text = "".join(chr(0x4E00 + (i * 37) % 2000) if i % 3 == 0 else c for i, c in enumerate(text))  # many glyphs
    with pytest.raises(LoadError) as info:
        load_file(docs.write_bytes("培训.pdf", cjk_pdf(text, text_map=False)), LIMIT)
    assert info.value.zh == REFUSAL and str(info.value).startswith("no readable text")


def test_text_of_symbols_from_a_private_font_is_refused(docs: Docs) -> None:
    path = docs.write("symbols.txt", "".join(chr(0xE000 + i) for i in range(300)) + "第一条 企业应当依法经营。")
    with pytest.raises(LoadError, match="no readable text") as info:
        load_file(path, LIMIT)
    assert info.value.zh == REFUSAL


@pytest.mark.parametrize("text", [
    "合同编号：__________\n甲方：______________\n乙方：______________\n签订日期：______年____月____日\n" * 4,
    "目录\n第一章 总则……………………1\n第二章 申请……………………5\n第三章 审查……………………9\n",
    "收费项目 | 标准（元） | 依据\n--- | --- | ---\n工商登记 | 0 | 10-01\n年检 | 0 | 10-02\n复印 | 0.5 | 10-03\n",
])
def test_forms_with_blanks_contents_pages_and_tables_are_not_taken_for_unreadable(docs: Docs, text: str) -> None:
    assert readable_share(text) >= 0.5
    assert load_file(docs.write("form.txt", text), LIMIT).text
