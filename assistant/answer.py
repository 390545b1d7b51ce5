"""Extractive answers: the best passages, quoted and numbered, with English labels for English replies."""

from __future__ import annotations

import re

from assistant.reply import Citation
from assistant.texts import t

QUOTE_CHARS = 260
CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}
LAW_EN = {
    "中华人民共和国公司法": "Company Law of the PRC",
    "中华人民共和国劳动合同法": "Labour Contract Law of the PRC",
    "中华人民共和国劳动争议调解仲裁法": "Law on Mediation and Arbitration of Labour Disputes",
    "中华人民共和国行政复议法": "Administrative Reconsideration Law of the PRC",
    "中华人民共和国行政处罚法": "Administrative Penalty Law of the PRC",
    "中华人民共和国行政许可法": "Administrative Licensing Law of the PRC",
    "中华人民共和国外商投资法": "Foreign Investment Law of the PRC",
    "中华人民共和国个人信息保护法": "Personal Information Protection Law of the PRC",
    "中华人民共和国人民调解法": "People's Mediation Law of the PRC",
    "中华人民共和国公证法": "Notarization Law of the PRC",
    "中华人民共和国律师法": "Lawyers Law of the PRC",
    "中华人民共和国中小企业促进法": "SME Promotion Law of the PRC",
    "优化营商环境条例": "Regulations on Optimizing the Business Environment",
}


def cn_number(s: str) -> int | None:
    if s.isascii() and s.isdigit():
        return int(s)
    total, digit = 0, 0
    for ch in s:
        if ch in CN_DIGITS:
            digit = CN_DIGITS[ch]
        elif ch in CN_UNITS:
            total += (digit or 1) * CN_UNITS[ch]
            digit = 0
        else:
            return None
    return total + digit


def english_locator(locator: str) -> str:
    m = re.fullmatch(r"第(.+?)条(.*)", locator)
    if m and (n := cn_number(m.group(1))) is not None:
        return f"Article {n}{m.group(2)}"
    return locator


def english_label(c: Citation) -> str:
    name = c.title_en or LAW_EN.get(c.title)
    where = english_locator(c.locator)
    head = f"{name}, {where}" if name else f"{c.title} — {where}" if where else c.title
    return head + (f" ({c.effective})" if c.effective else "") + (f" 《{c.title}》" if name else "")


def quote(text: str, limit: int = QUOTE_CHARS) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit]
    for end in ("。", "；", "！", "？"):
        i = cut.rfind(end)
        if i > limit // 2:
            return cut[: i + 1] + "……"
    return cut + "……"


def extractive(citations: list[Citation], lang: str, shown: int = 3) -> str:
    lines = [t("answer_intro", lang)]
    if lang == "en" and citations:
        lines.append(f"The most relevant source is {english_label(citations[0])}; the Chinese text is authoritative.")
    for n, c in enumerate(citations[:shown], start=1):
        label = english_label(c) if lang == "en" else c.label()
        lines.append(f"[{n}] {label}：{quote(c.snippet)}")
    return "\n".join(lines)


def with_notice(body: str, citations: list[Citation], lang: str) -> str:
    sources = [f"[{n}] {english_label(c) if lang == 'en' else c.label()}" for n, c in enumerate(citations, start=1)]
    head = "Sources:" if lang == "en" else "出处："
    return f"{body}\n\n{head}\n" + "\n".join(sources) + f"\n\n{t('notice', lang)}"
