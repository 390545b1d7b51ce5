"""Loading files into plain text: every supported format, and every way a bad file is refused clearly."""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

import docx
import pytest

from knowledge.loaders import LoadError, load_file

LIMIT = 20_000_000


def test_markdown_front_matter_is_read_and_removed(docs) -> None:
    path = docs.write(
        "办法.md",
        "---\ntitle: 企业合规管理办法\nstatus: 已废止\neffective: \"2020-01-01\"\n---\n"
        "# 企业合规管理办法\n\n第一条 企业应当建立合规管理制度。\n",
    )
    loaded = load_file(path, LIMIT)
    assert loaded.meta == {"title": "企业合规管理办法", "status": "已废止", "effective": "2020-01-01"}
    assert loaded.text.startswith("# 企业合规管理办法")
    assert "---" not in loaded.text
    assert "第一条 企业应当建立合规管理制度。" in loaded.text


def test_markdown_with_bom_crlf_and_ideographic_spaces_is_normalised(docs) -> None:
    path = docs.write_bytes("w.md", "\ufeff# 标题\r\n\r\n\r\n\r\n第一条\u3000内容足够长的一句话。  \r\n".encode())
    loaded = load_file(path, LIMIT)
    assert loaded.text == "# 标题\n\n第一条 内容足够长的一句话。"


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_txt_in_utf8_and_gb18030(docs, encoding: str) -> None:
    text = "企业申请法治体检，可以到县企业综合服务中心法治服务窗口咨询。"
    path = docs.write(f"note-{encoding}.txt", text, encoding=encoding)
    loaded = load_file(path, LIMIT)
    assert loaded.text == text
    assert loaded.meta == {}


def test_html_drops_scripts_styles_and_navigation_and_keeps_headings(docs) -> None:
    path = docs.write(
        "page.html",
        """<html><head><title>行政复议指南</title><style>p { color: red }</style>
        <script>var secret = "脚本里的文字";</script></head>
        <body><nav>首页 | 导航栏文字</nav>
        <h1>行政复议指南</h1>
        <h2>一、申请期限</h2>
        <p>认为行政行为侵犯合法权益的，可以自知道之日起六十日内申请行政复议。</p>
        <ul><li><p>列表里的段落只出现一次。</p></li></ul>
        <footer>版权所有 页脚文字</footer></body></html>""",
    )
    text = load_file(path, LIMIT).text
    assert text.splitlines()[0] == "# 行政复议指南"
    assert text.count("行政复议指南") == 1  # <title> and <h1> are the same heading
    assert "## 一、申请期限" in text
    assert "六十日内申请行政复议。" in text
    assert text.count("列表里的段落只出现一次。") == 1
    for dropped in ("脚本里的文字", "color", "导航栏文字", "页脚文字"):
        assert dropped not in text


def test_html_with_text_only_in_divs_is_not_lost(docs) -> None:
    path = docs.write(
        "plain.htm",
        "<html><body><div>第一条 企业应当依法经营。<br>第二条 企业应当诚信经营。</div></body></html>",
    )
    text = load_file(path, LIMIT).text
    assert "第一条 企业应当依法经营。" in text
    assert "第二条 企业应当诚信经营。" in text


def test_html_in_gb18030_is_decoded(docs) -> None:
    text = "公证机构依法办理公证事项，内容真实合法。"
    path = docs.write("gbk.html", f"<html><body><p>{text}</p></body></html>", "gb18030")
    assert load_file(path, LIMIT).text == text


def test_docx_headings_become_markdown_headings(docs) -> None:
    document = docx.Document()
    document.add_heading("企业合规指引", 0)
    document.add_heading("一、总体要求", 1)
    document.add_paragraph("企业应当建立合规管理制度，明确合规责任。")
    document.add_paragraph("")
    document.add_heading("二、重点领域", 2)
    document.add_paragraph("劳动用工、税务、知识产权是合规的重点领域。")
    path = docs.root / "guide.docx"
    document.save(str(path))
    loaded = load_file(path, LIMIT)
    assert loaded.text.split("\n\n") == [
        "# 企业合规指引",
        "## 一、总体要求",
        "企业应当建立合规管理制度，明确合规责任。",
        "### 二、重点领域",
        "劳动用工、税务、知识产权是合规的重点领域。",
    ]


def test_pdf_text_is_extracted_from_every_page(docs) -> None:
    path = docs.pdf(
        "wages.pdf",
        ["Article 1. Employers shall pay wages in full and on time.",
         "Article 2. A labour dispute may be submitted to arbitration."],
    )
    text = load_file(path, LIMIT).text
    assert "Article 1. Employers shall pay wages in full and on time." in text
    assert "Article 2. A labour dispute may be submitted to arbitration." in text
    assert text.index("Article 1") < text.index("Article 2")


# ------------------------------------------------------------------ refusals, each with its reason


def _refused(path: Path, limit: int = LIMIT) -> str:
    with pytest.raises(LoadError) as info:
        load_file(path, limit)
    return str(info.value)


def test_missing_path(tmp_path: Path) -> None:
    assert _refused(tmp_path / "nope.md") == "file does not exist"


def test_folder_is_not_a_file(tmp_path: Path) -> None:
    folder = tmp_path / "folder.md"
    folder.mkdir()
    assert _refused(folder) == "not a regular file"


@pytest.mark.parametrize("name", ["sheet.xlsx", "scan.png", "README"])
def test_unsupported_extension(docs, name: str) -> None:
    reason = _refused(docs.write(name, "一些文字内容，足够长的一句话。"))
    assert reason.startswith("unsupported file type")
    assert (Path(name).suffix or "(none)") in reason
    assert "PDF, DOCX, HTML, Markdown, TXT" in reason


def test_empty_file(docs) -> None:
    assert _refused(docs.write("empty.md", "")) == "file is empty"


def test_whitespace_only_file_has_no_readable_text(docs) -> None:
    assert _refused(docs.write("blank.txt", " \n\n\t\u3000\n")) == "no readable text in the file"


def test_binary_garbage_with_txt_extension(docs) -> None:
    garbage = random.Random(7).randbytes(4096) + b"\x00\x01\x02"
    assert _refused(docs.write_bytes("image.txt", garbage)) == "binary content, not text"


def test_undecodable_text(docs) -> None:
    # no NUL bytes, but 0x80 and 0xFF are invalid in both UTF-8 and GB18030
    assert _refused(docs.write_bytes("latin.txt", b"caf\xff \x80" * 20)) == "text is neither UTF-8 nor GB18030"


def test_pdf_that_is_not_a_pdf(docs) -> None:
    path = docs.write("report.pdf", "这其实是一个文本文件，只是扩展名写成了 PDF。")
    assert _refused(path) == "not a PDF (the file does not start with %PDF-)"


def test_corrupt_pdf(docs) -> None:
    path = docs.write_bytes("broken.pdf", b"%PDF-1.7\n" + random.Random(3).randbytes(3000))
    assert _refused(path).startswith("corrupt PDF (")


def test_pdf_with_an_unsupported_stream_filter_is_corrupt_not_a_crash(docs) -> None:
    good = docs.pdf("good.pdf", ["Article 1. Employers shall pay wages in full and on time."])
    data = good.read_bytes()
    assert b"/FlateDecode" in data
    odd = docs.write_bytes("odd.pdf", data.replace(b"/FlateDecode", b"/FlateDecodX"))  # same length: xref intact
    reason = _refused(odd)
    assert reason.startswith("corrupt PDF (") and "FlateDecodX" in reason


def test_docx_that_is_not_a_zip(docs) -> None:
    path = docs.write("letter.docx", "这不是 zip 压缩包，只是普通文字。")
    assert _refused(path) == "not a DOCX (not a zip archive)"


def test_zip_without_document_xml_is_not_a_docx(docs) -> None:
    path = docs.root / "other.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hello.txt", "hello")
    assert _refused(path) == "not a DOCX (no word/document.xml inside)"


def test_docx_zip_bomb_is_refused_without_expanding_it(docs) -> None:
    path = docs.root / "bomb.docx"
    zeros = bytes(1 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w", force_zip64=True) as member:
            for _ in range(300):  # 300 MB of zeros, about 300 KB on disk
                member.write(zeros)
    assert path.stat().st_size < 2_000_000
    assert _refused(path) == "DOCX expands far beyond its size (a zip bomb?); refused"


def test_file_over_the_size_limit(docs) -> None:
    path = docs.write("big.txt", "合同" * 800_000)  # 4.8 MB of UTF-8
    assert _refused(path, limit=2_000_000) == "file is 4.8 MB, over the 2 MB limit"
    assert _refused(path, limit=500_000) == "file is 4.8 MB, over the 0.5 MB limit"


def test_utf16_text_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    path = tmp_path / "utf16.txt"
    path.write_bytes("第一条 企业可以申请法治体检服务。这是一段用 UTF-16 保存的文字。".encode("utf-16"))
    loaded = load_file(path, 10_000_000)
    assert "法治体检" in loaded.text
