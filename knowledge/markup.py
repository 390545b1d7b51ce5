"""Titles and headings without Markdown markers: what enterprises see cited is 《浦江县企业消防演练办法》.

Why: the loaders hand the chunker Markdown (a Word heading becomes ``## …``, an HTML <h2> too), and a title
found by its wording rather than as a ``#`` heading (``chunking._first_heading``) is a whole raw line, so a
heading's ``##``, a bold ``**…**``, a bullet or a link's ``[…](…)`` would otherwise be shown and cited as is.
"""

from __future__ import annotations

import re

from knowledge.legibility import strip_controls

_LINK = re.compile(r"!?\[([^\]\n]*)\]\([^)\n]*\)")  # [text](url), ![alt](src): the text
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")  # <b>, </strong>, <br/>: never 《…》 or 〈…〉
_EMPHASIS = re.compile(r"\*\*|__|~~|`+")
_LEAD = re.compile(r"^(?:#{1,6}(?:\s+|$)|>\s*|[-*+•·]\s+)+")  # heading, quote and bullet markers
_CLOSING = re.compile(r"\s+#+$")  # "## 标题 ##"
_EDGE = " \t*_="  # left around the words once the markers above are gone (*斜体*, 标题 ===)


def plain(text: str) -> str:
    """``text`` as a reader sees it rendered; unchanged when it holds no markup."""
    t = _EMPHASIS.sub("", _TAG.sub("", _LINK.sub(r"\1", strip_controls(text))))
    t = _CLOSING.sub("", _LEAD.sub("", t.strip()))
    return re.sub(r"\s+", " ", t.strip(_EDGE).lstrip("#").strip(_EDGE))  # "##标题", with no space
