"""Read PDF, DOCX, HTML, Markdown and TXT files into plain text, with clear errors."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from knowledge.legibility import UNREADABLE, UNREADABLE_ZH, legible, strip_controls

SUPPORTED = {".pdf", ".docx", ".html", ".htm", ".md", ".markdown", ".txt"}
MAX_DOCX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_DOCX_RATIO = 200


NO_PDF_TEXT = ("no text found in the PDF (a scanned image?); OCR is not supported / "
               "PDF 中没有文字层（可能是扫描件），不支持 OCR")


class LoadError(Exception):
    """A file that cannot be ingested; the message says why, in plain words. ``str(exc)`` is English (the
    ingest command's log); ``zh`` says the same in Chinese for the console, which shows it first."""

    def __init__(self, message: str, zh: str = "无法读取该文件") -> None:
        super().__init__(message)
        self.zh = zh


@dataclass
class LoadedFile:
    text: str
    meta: dict[str, str] = field(default_factory=dict)  # front matter: title, effective, status, source


def load_file(path: Path, max_bytes: int) -> LoadedFile:
    if not path.exists():
        raise LoadError("file does not exist", "文件不存在")
    if not path.is_file():
        raise LoadError("not a regular file", "不是普通文件")
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise LoadError(f"unsupported file type '{suffix or '(none)'}' (supported: PDF, DOCX, HTML, Markdown, TXT)",
                        f"不支持的文件类型“{suffix or '（无扩展名）'}”（支持 PDF、DOCX、HTML、Markdown、TXT）")
    size = path.stat().st_size
    if size == 0:
        raise LoadError("file is empty", "文件为空")
    if size > max_bytes:
        raise LoadError(f"file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:g} MB limit",
                        f"文件大小 {size / 1e6:.1f} MB，超过 {max_bytes / 1e6:g} MB 的上限")
    data = path.read_bytes()
    if suffix == ".pdf":
        text = _pdf(path, data)
    elif suffix == ".docx":
        text = _docx(path)
    else:
        text = _decode(data)
        if suffix in {".html", ".htm"}:
            text = _html(text)
    meta: dict[str, str] = {}
    if suffix in {".md", ".markdown", ".txt"}:
        meta, text = split_front_matter(text)
    raw, text = text, normalise(text)
    if len(re.sub(r"\s", "", text)) < 10:
        if len(re.sub(r"\s", "", raw)) >= 10:  # there was text, all of it control characters
            raise LoadError(UNREADABLE, UNREADABLE_ZH)
        if suffix == ".pdf":
            raise LoadError(NO_PDF_TEXT, "PDF 中没有文字层（可能是扫描件），不支持 OCR")
        raise LoadError("no readable text in the file", "未识别到文字")
    if not legible(raw, text):
        raise LoadError(UNREADABLE, UNREADABLE_ZH)
    return LoadedFile(text=text, meta=meta)


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise LoadError("text starts as UTF-16 but does not decode as UTF-16",
                            "文本编码无法识别（UTF-16 解码失败）") from exc
    if b"\x00" in data[:8192]:
        raise LoadError("binary content, not text", "文件是二进制内容，不是文本")
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise LoadError("text is neither UTF-8 nor GB18030", "文本编码无法识别（既不是 UTF-8 也不是 GB18030）")


def _pdf(path: Path, data: bytes) -> str:
    if not data.startswith(b"%PDF-"):
        raise LoadError("not a PDF (the file does not start with %PDF-)", "不是有效的 PDF 文件")
    from pypdf import PdfReader

    try:
        reader = PdfReader(str(path))
        pages = [page.extract_text() or "" for page in reader.pages]
    except Exception as exc:  # pypdf raises many kinds on broken files (unsupported filters, limits reached …)
        raise LoadError(f"corrupt PDF ({exc})", "PDF 文件已损坏") from exc
    return "\n\n".join(pages)


def _docx(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            total = sum(i.file_size for i in infos)
            packed = sum(i.compress_size for i in infos) or 1
            if total > MAX_DOCX_UNCOMPRESSED or total / packed > MAX_DOCX_RATIO:
                raise LoadError("DOCX expands far beyond its size (a zip bomb?); refused",
                                "DOCX 解压后远大于文件本身（疑似压缩炸弹），已拒绝")
            if "word/document.xml" not in zf.namelist():
                raise LoadError("not a DOCX (no word/document.xml inside)", "不是有效的 DOCX 文件（缺少正文）")
    except zipfile.BadZipFile as exc:
        raise LoadError("not a DOCX (not a zip archive)", "不是有效的 DOCX 文件") from exc
    import docx

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises many kinds on broken XML
        raise LoadError(f"corrupt DOCX ({type(exc).__name__})", "DOCX 文件已损坏") from exc
    filled = [((p.style.name if p.style is not None else "") or "", p.text.strip()) for p in document.paragraphs
              if p.text.strip()]
    # headings come under the document's title (#, Word's Title style); a lone Heading 1 that opens a document
    # without a Title is that title (chapters styled Heading 1 are several, and stay under it)
    styles = [style for style, _ in filled]
    lone = bool(styles) and styles[0] == "Heading 1" and styles.count("Heading 1") == 1 and "Title" not in styles
    lines: list[str] = []
    for style, text in filled:
        if style.startswith("Heading"):
            level = style.removeprefix("Heading").strip()
            depth = min(int(level) + 1, 6) if level.isascii() and level.isdigit() else 2
            lines.append("#" * (1 if lone and style == "Heading 1" else depth) + " " + text)
        elif style == "Title":
            lines.append("# " + text)
        else:
            lines.append(text)
    return "\n\n".join(lines)


_HIDDEN_STYLE = re.compile(r"(display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0(?![.\d]*[1-9])"
                           r"|opacity\s*:\s*0(?![.\d]*[1-9]))", re.I)


def _hidden(tag: Any) -> bool:
    attrs = getattr(tag, "attrs", None) or {}
    return ("hidden" in attrs or str(attrs.get("aria-hidden", "")).lower() == "true"
            or bool(_HIDDEN_STYLE.search(str(attrs.get("style", "")))))


def _html(text: str) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(text, "html.parser")
    for tag in soup(["script", "style", "nav", "footer", "noscript", "template", "iframe", "object"]):
        tag.decompose()
    for tag in soup.find_all(_hidden):  # text a reader never sees (a place to hide instructions to the assistant)
        if not tag.decomposed:
            tag.decompose()
    out: list[str] = []
    title = soup.title.get_text(strip=True) if soup.title else ""
    if title:
        out.append("# " + title)
    blocks = ["h1", "h2", "h3", "h4", "p", "li", "td", "pre"]
    for el in soup.find_all(blocks):
        t = el.get_text(" ", strip=True)
        if not t or el.find_parent(blocks) is not None:  # nested (<li><p>…): its text is in the outer block
            continue
        if el.name in {"h1", "h2", "h3", "h4"}:
            level = int(el.name[1])
            if level == 1 and out and out[0] == "# " + t:
                continue
            out.append("#" * max(level, 2 if title else 1) + " " + t)
        else:
            out.append(t)
    if len(out) <= (1 if title else 0):  # no block elements: text in bare <div>/<br> lines
        root = soup.body or soup
        out.extend(ln.strip() for ln in root.get_text("\n").split("\n") if ln.strip() and ln.strip() != title)
    return "\n\n".join(out)


_FRONT = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """``key: value`` lines between ``---`` fences at the very top."""
    text = text.lstrip("\ufeff")
    m = _FRONT.match(text)
    if not m:
        return {}, text
    meta: dict[str, str] = {}
    for line in m.group(1).splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip():
            meta[key.strip().lower()] = value.strip().strip("\"'")
    return meta, text[m.end():]


def normalise(text: str) -> str:
    """Line ends and spaces made plain, control characters removed (``legibility.strip_controls``)."""
    text = strip_controls(text.replace("\r\n", "\n").replace("\r", "\n").replace("\u3000", " "))
    text = re.sub(r"[ \t]+\n", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()
