"""Files as staff make them, built in the test: a Word file with its title in "Heading 1", and PDFs made by
fpdf2 with an embedded CJK font, whose text extracts behind NULs, or (the font's text map blanked) not at all."""

from __future__ import annotations

import io
import re
from pathlib import Path

import docx
import pytest
from fpdf import FPDF

CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
DRILL_TITLE = "浦江县企业消防演练办法"
DRILL = ["第一条 企业每半年至少组织一次消防演练，并保存演练记录不少于二年。",
         "第二条 员工五十人以上的企业应当设立专职或者兼职消防管理人员。",
         "第三条 消防演练应当包括疏散逃生、初起火灾扑救和报警程序。"]
TRAINING = ("浦江县企业安全生产培训规定\n第一条 新入职员工上岗前应当接受不少于二十四学时的安全培训。\n"
            "第二条 特种作业人员必须持证上岗，证书到期前三个月申请复审。")
REFUSAL = "无法从该文件读取文字（可能是扫描件或字体未嵌入），请上传可复制文字的版本"

needs_font = pytest.mark.skipif(not CJK_FONT.exists(), reason=f"the CJK font {CJK_FONT} is absent")


def word_file(title: str, paragraphs: list[str]) -> bytes:
    """A .docx as Word writes it: the title in the "Heading 1" style, then plain paragraphs."""
    d = docx.Document()
    d.add_heading(title, 1)
    for p in paragraphs:
        d.add_paragraph(p)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def cjk_pdf(text: str, text_map: bool = True) -> bytes:
    """A PDF made by fpdf2 with an embedded CJK font; pypdf reads its text as "\\x00浦\\x00江…". Without the
    font's text map (``/ToUnicode``, blanked in place so the offsets hold), only raw glyph codes come out."""
    pdf = FPDF()
    pdf.set_compression(False)
    pdf.add_page()
    pdf.add_font("cjk", fname=str(CJK_FONT))
    pdf.set_font("cjk", size=12)
    pdf.multi_cell(0, 8, text)
    data = bytes(pdf.output())
    if not text_map:
        data, n = re.subn(rb"/ToUnicode \d+ 0 R", lambda m: b" " * len(m.group(0)), data)
        assert n == 1
    return data
