"""The report as a PDF, Chinese and English, with a CJK font embedded (fpdf2).

The font: the subset of Noto Sans CJK SC shipped in ``checkups/fonts`` (SIL Open Font License), so a fresh
clone needs no system font; a character outside the subset falls back to a system Noto Sans CJK when one is
installed. With neither, ``FontMissing`` says what to install.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from checkups.pdf_fonts import fonts

LEVEL_RGB = {"低风险": (46, 125, 50), "中风险": (230, 124, 0), "高风险": (198, 40, 40)}
INK, MUTED = (33, 33, 33), (110, 110, 110)
FIXED_TEXT = Path(__file__).read_text(encoding="utf-8")  # the labels this module writes, for the glyph check


class _Doc(FPDF):
    def __init__(self, footer_text: str, text: str | None = None) -> None:
        super().__init__(format="A4")
        self.footer_text = footer_text
        names = []
        for i, (path, number) in enumerate(fonts(text)):
            name = f"cjk{i}"
            self.add_font(name, "", str(path), collection_font_number=number)
            names.append(name)
        self.set_font(names[0], size=10)
        if len(names) > 1:
            self.set_fallback_fonts(names[1:])
        self.main_font = names[0]
        self.set_auto_page_break(True, margin=16)
        self.set_margins(16, 16, 16)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(self.main_font, size=8)
        self.set_text_color(*MUTED)
        self.cell(0, 6, f"{self.footer_text}    {self.page_no()}/{{nb}}", align="C")


def _para(doc: _Doc, text: str, size: float = 10, color: tuple[int, int, int] = INK, height: float = 5.2) -> None:
    doc.set_font(doc.main_font, size=size)
    doc.set_text_color(*color)
    doc.multi_cell(0, height, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _level_cell(doc: _Doc, level: str, level_en: str, width: float) -> None:
    doc.set_fill_color(*LEVEL_RGB.get(level, MUTED))
    doc.set_text_color(255, 255, 255)
    doc.cell(width, 7, f"{level} {level_en}", align="C", fill=True)
    doc.set_text_color(*INK)


def render_pdf(report: dict[str, Any], when: str) -> bytes:
    """The PDF of a stored report (``StoredReport.to_json()``); ``when`` is the local date shown."""
    all_text = json.dumps(report, ensure_ascii=False) + when + FIXED_TEXT
    doc = _Doc(f"{report['bureau']} {report['bureau_en']} · 报告编号 Report No. {report['id']}", all_text)
    doc.alias_nb_pages()
    doc.add_page()
    _para(doc, f"{report['bureau']}  {report['bureau_en']}", 10, MUTED)
    _para(doc, f"{report['title']}报告", 18, height=9)
    _para(doc, f"{report['title_en']} — report", 12, MUTED, 6)
    _para(doc, f"报告编号 Report No. {report['id']}    日期 Date {when}    行业 Industry {report['industry']} "
               f"{report['industry_en']}    已答 Answered {report['answered']}", 9, MUTED)
    doc.ln(3)
    overall = report["overall"]
    doc.set_font(doc.main_font, size=12)
    doc.cell(60, 7, "总体风险等级 Overall level")
    _level_cell(doc, overall["level"], overall["level_en"], 48)
    doc.set_font(doc.main_font, size=10)
    doc.cell(0, 7, f"  风险分 score {overall['score']}%", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    doc.ln(3)
    _para(doc, "各领域风险 Risk by area", 12, height=7)
    for area in report["areas"]:
        doc.set_font(doc.main_font, size=10)
        doc.cell(100, 7, f"{area['area']}  {area['area_en']}")
        _level_cell(doc, area["level"], area["level_en"], 42)
        doc.cell(0, 7, f"  {area['score']}%  ({area['findings']})", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    doc.ln(3)
    _para(doc, f"发现的风险与建议 Findings and actions（{len(report['findings'])}）", 12, height=7)
    if not report["findings"]:
        _para(doc, "未发现风险。No risk found in your answers.")
    answer_label = {"no": "否 No", "yes": "是 Yes", "unsure": "不确定 Unsure"}
    for n, f in enumerate(report["findings"], start=1):
        doc.ln(1.5)
        _para(doc, f"{n}.【{f['area']}】{f['question']}（回答：{answer_label[f['answer']]}）", 10.5)
        _para(doc, f"   {f['question_en']}", 9, MUTED)
        _para(doc, f"风险：{f['finding']}", 10)
        _para(doc, f"Risk: {f['finding_en']}", 9, MUTED)
        for b in f["basis"]:
            _para(doc, f"依据 Basis：{b['label']}", 9.5)
            _para(doc, f"“{b['snippet']}”", 8.5, MUTED, 4.6)
        _para(doc, f"建议：{f['action']}", 10)
        _para(doc, f"Action: {f['action_en']}", 9, MUTED)
    if report["services"]:
        doc.ln(2)
        _para(doc, "推荐服务 Recommended services", 12, height=7)
        for s in report["services"]:
            _para(doc, f"· {s['name']}  {s['name_en']}  （{s['id']}）", 9.5)
    doc.ln(2)
    _para(doc, "评分规则 Scoring rule", 11, height=6)
    _para(doc, report["rule"], 8.5, MUTED, 4.6)
    _para(doc, report["rule_en"], 8.5, MUTED, 4.6)
    doc.ln(2)
    _para(doc, "免责声明 Disclaimer", 11, height=6)
    _para(doc, report["disclaimer"], 8.5, MUTED, 4.6)
    _para(doc, report["disclaimer_en"], 8.5, MUTED, 4.6)
    return bytes(doc.output())
