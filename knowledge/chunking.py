"""Split a document into retrieval chunks that follow its structure.

Statutes: one article (第X条) per chunk, with its chapter/section path. Other text: by headings, then
sentences (。！？) packed into chunks of about 200-500 characters; a sentence is never cut.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from knowledge.markup import plain

CN_NUM = "零〇一二三四五六七八九十百千两"
ARTICLE = re.compile(rf"^第[{CN_NUM}\d]+条(?:之[{CN_NUM}]+)?(?=[\s　]|$)")
MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*$")
CN_HEADING = re.compile(rf"^(?:[{CN_NUM}]+、|[(（][{CN_NUM}]+[)）]|第[{CN_NUM}\d]+[章节编部分])")
SENTENCE_END = re.compile(r"(?<=[。！？!?])|(?<=\.)\s+")
DATE_IN_NAME = re.compile(r"[(（](\d{4}-\d{2}-\d{2})[)）]")
DATE_CN = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
PUBLISHED = re.compile(r"(?:发布日期|发布时间|施行日期)[:：]\s*(\d{4}-\d{2}-\d{2})")
INFO_END = "<!-- INFO END -->"
TITLE_ENDINGS = ("规定", "细则", "规则", "意见", "通知", "决定", "方案")  # how a normative document's name ends

MIN_CHARS, MAX_CHARS, MAX_ARTICLE = 200, 500, 1500
STATUSES = ("现行有效", "已修订", "已废止", "已失效")
INACTIVE = {"已修订", "已废止", "已失效"}


@dataclass
class Chunk:
    id: str
    ordinal: int
    locator: str
    heading_path: str
    text: str


@dataclass
class ParsedDocument:
    id: str
    title: str
    source: str
    kind: str
    effective: str | None
    status: str | None
    content_hash: str
    chunks: list[Chunk] = field(default_factory=list)
    # what citations show: English title, category (法律 / 行政法规 / 司法解释 / 地方性法规 / 指引), issuing
    # body, public URL; and the knowledge pack the document came with (None: ingested by a user)
    title_en: str | None = None
    category: str | None = None
    issuer: str | None = None
    url: str | None = None
    pack: str | None = None


def document_id(source: str) -> str:
    return hashlib.sha1(source.encode("utf-8")).hexdigest()[:16]


def short_title(title: str) -> str:
    return title.removeprefix("中华人民共和国")


def parse_document(text: str, source: str, meta: dict[str, str] | None = None) -> ParsedDocument:
    meta = meta or {}
    info, body = _split_info(text)
    lines = [ln.strip() for ln in body.split("\n")]
    title = plain(meta.get("title") or "") or _first_heading(lines) or _title_from_name(source)
    body_lines = _drop_title(lines, title)
    statute = sum(1 for ln in body_lines if ARTICLE.match(ln)) >= 3
    doc_id = meta.get("id") or document_id(source)
    pieces = _articles(body_lines) if statute else _prose(body_lines)
    chunks = _with_ids(doc_id, pieces)
    return ParsedDocument(
        id=doc_id,
        title=title,
        source=meta.get("source_url") or source,
        kind=meta.get("kind") or ("statute" if statute else ("guide" if meta else "text")),
        effective=meta.get("effective") or _effective(source, info, body),
        status=_status(meta.get("status"), info),
        content_hash=_content_hash(text, meta),
        chunks=chunks,
        title_en=meta.get("title_en") or None,
        category=meta.get("category") or None,
        issuer=meta.get("issuer") or None,
        url=meta.get("url") or None,
        pack=meta.get("pack") or None,
    )


def _content_hash(text: str, meta: dict[str, str]) -> str:
    """The text and its front matter: a changed ``status: 已废止`` or title must not read as unchanged."""
    extra = "" if not meta else "\n" + json.dumps(meta, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256((text + extra).encode("utf-8")).hexdigest()


def _split_info(text: str) -> tuple[str, str]:
    if INFO_END in text:
        info, _, body = text.partition(INFO_END)
        head = [ln for ln in info.split("\n") if ln.startswith("# ")]
        return info, "\n".join(head) + "\n" + body
    return "", text


def _first_heading(lines: list[str]) -> str | None:
    for ln in lines[:40]:
        m = MD_HEADING.match(ln)
        if m and len(m.group(1)) == 1 and plain(m.group(2)):
            return plain(m.group(2))
    for ln in map(plain, lines[:15]):  # a line found by its wording: "## …办法", "**…条例**" without the marks
        if 4 <= len(ln) <= 60 and ("报告" in ln or "办法" in ln or "指南" in ln or "条例" in ln or "法" in ln[-3:]
                                   or ln.endswith(TITLE_ENDINGS)):
            return ln
    return None


def _title_from_name(source: str) -> str:
    stem = Path(source).stem
    return plain(DATE_IN_NAME.sub("", stem)) or stem


def _drop_title(lines: list[str], title: str) -> list[str]:
    out = list(lines)
    for i, ln in enumerate(out[:40]):
        m = MD_HEADING.match(ln)
        if (m and plain(m.group(2)) == title) or plain(ln) == title:
            del out[i]
            break
    return out


def _effective(source: str, info: str, body: str) -> str | None:
    m = DATE_IN_NAME.search(Path(source).name) or PUBLISHED.search(body[:2000])
    if m:
        return m.group(1)
    dates = DATE_CN.findall(info)
    if dates:
        y, mo, d = dates[-1]
        return f"{y}-{int(mo):02d}-{int(d):02d}"
    return None


def _status(declared: str | None, info: str) -> str | None:
    if declared in STATUSES:
        return declared
    if "废止" in info or "失效" in info:
        return "已废止"
    return declared or None


def _articles(lines: list[str]) -> list[tuple[str, str, str]]:
    """(locator, heading path, text) per article; text before the first article becomes 序言."""
    path: dict[int, str] = {}
    out: list[tuple[str, str, str]] = []
    current: list[str] = []
    locator, heading = "", ""

    def flush() -> None:
        text = "\n".join(p for p in current if p).strip()
        if text and locator:
            out.extend(_split_long_article(locator, heading, text))
        elif text and len(text) > 20:
            out.append(("序言", heading, text))

    for ln in lines:
        h = MD_HEADING.match(ln)
        if h:
            flush()
            current, locator = [], ""
            level = len(h.group(1))
            path = {k: v for k, v in path.items() if k < level}
            path[level] = re.sub(r"\s+", "", plain(h.group(2)))
            heading = " ".join(path[k] for k in sorted(path))
            continue
        a = ARTICLE.match(ln)
        if a:
            flush()
            current, locator = [ln], a.group(0)
            continue
        current.append(ln)
    flush()
    return out


def _split_long_article(locator: str, heading: str, text: str) -> list[tuple[str, str, str]]:
    if len(text) <= MAX_ARTICLE:
        return [(locator, heading, text)]
    parts = _pack([p for p in text.split("\n") if p], MAX_ARTICLE)
    return [(locator if i == 0 else f"{locator}（续{i}）", heading, p) for i, p in enumerate(parts)]


def _prose(lines: list[str]) -> list[tuple[str, str, str]]:
    sections: list[tuple[str, list[str]]] = []
    path: dict[int, str] = {}
    heading = ""
    buf: list[str] = []
    for ln in lines:
        h = MD_HEADING.match(ln)
        cn = CN_HEADING.match(ln) if not h else None
        if h or cn:
            if buf:
                sections.append((heading, buf))
            buf = []
            inline = bool(cn) and (len(ln) > 40 or ln.endswith(("。", "！", "？")))
            level = len(h.group(1)) if h else (2 if ln.startswith(("(", "（")) else 1)
            name = plain(h.group(2) if h else (_lead(ln, 24) if inline else ln))
            path = {k: v for k, v in path.items() if k < level}
            path[level] = name
            heading = " / ".join(path[k] for k in sorted(path))
            if inline:
                buf.append(ln)
            continue
        if ln:
            buf.append(ln)
    if buf:
        sections.append((heading, buf))
    out: list[tuple[str, str, str]] = []
    for heading, paras in sections:
        sentences: list[str] = []
        for p in paras:
            sentences.extend(s for s in SENTENCE_END.split(p) if s.strip())
            sentences[-1:] = [sentences[-1] + "\n"] if sentences else []
        for text in _pack(sentences, MAX_CHARS):
            locator = heading.split(" / ")[-1] if heading else _lead(text)
            out.append((locator, heading, text.strip()))
    return out


def _lead(text: str, limit: int = 30) -> str:
    """The text's first phrase as a label: never cut inside a word, never with a bracket left open."""
    first = re.split(r"[。！？,，:：；\n]", text, maxsplit=1)[0].strip()
    if len(first) <= limit:
        return first
    cut = first[:limit]
    if re.match(r"[A-Za-z0-9]", first[limit]):  # inside a Latin word: back to its start
        cut = re.sub(r"[A-Za-z0-9'-]+$", "", cut)
    for opening, closing in (("（", "）"), ("(", ")"), ("《", "》"), ("“", "”")):
        if cut.rfind(opening) > cut.rfind(closing):
            cut = cut[: cut.rfind(opening)]
    return cut.rstrip(" -—·、") + "…"


def _pack(units: list[str], limit: int) -> list[str]:
    """Greedily join units up to ``limit`` characters; a chunk under MIN_CHARS takes the next unit."""
    chunks: list[str] = []
    cur = ""
    for u in units:
        if cur and len(cur) + len(u) > limit and len(cur) >= MIN_CHARS:
            chunks.append(cur)
            cur = ""
        cur += u
    if cur.strip():
        if chunks and len(cur) < MIN_CHARS // 2 and len(chunks[-1]) + len(cur) <= limit + MIN_CHARS:
            chunks[-1] += cur
        else:
            chunks.append(cur)
    return [c.strip() for c in chunks if c.strip()]


def _with_ids(doc_id: str, pieces: list[tuple[str, str, str]]) -> list[Chunk]:
    seen: dict[str, int] = {}
    chunks: list[Chunk] = []
    for i, (locator, heading, text) in enumerate(pieces):
        digest = hashlib.sha1(f"{locator}\n{text}".encode()).hexdigest()[:16]
        n = seen.get(digest, 0)
        seen[digest] = n + 1
        cid = f"{doc_id}-{digest}" + (f"-{n}" if n else "")
        chunks.append(Chunk(id=cid, ordinal=i, locator=locator, heading_path=heading, text=text))
    return chunks


def index_text(title: str, heading_path: str, locator: str, text: str) -> str:
    """What search sees: the law's name (full and short), its place, then the text."""
    names = title if short_title(title) == title else f"{title} {short_title(title)}"
    return f"{names} {heading_path} {locator}\n{text}"
