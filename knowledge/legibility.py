"""Whether text taken out of a file can be read: control characters out, then a share of letters and digits.

Why: a PDF whose font carries no text map (no ToUnicode) extracts as raw glyph codes, control characters
between stray Latin-1 punctuation ("\\x00\\x01\\x00\\x02!\\"#$…"); stored, such a document reads as 现行有效 with a
chunk that no question can ever find. fpdf2's own CJK output extracts as each character behind a NUL
("\\x00浦\\x00江…"), which is good text once the NULs are gone. So control characters are always removed, and
what is left must be mostly letters and digits (CJK, Latin, other scripts, fullwidth) to be indexed.
"""

from __future__ import annotations

import re
import unicodedata

UNREADABLE_ZH = "无法从该文件读取文字（可能是扫描件或字体未嵌入），请上传可复制文字的版本"
UNREADABLE = ("no readable text in the file (a scan, or a font whose text does not extract?); "
              "upload a version whose text can be copied")

MIN_SHARE = 0.5  # under half letters or digits: mostly unreadable (Chinese statutes ~0.9, English prose ~0.95)
# Text that came out interleaved with control characters (at least half of it) is raw glyph codes unless what
# is left reads clearly as text: glyph codes leave 0.35-0.56 letters or digits, fpdf2's NUL-padded CJK 0.8-0.95.
PADDED_CONTROLS, PADDED_MIN_SHARE = 0.5, 0.7

_LINE_BREAKS = str.maketrans({"\u2028": "\n", "\u2029": "\n\n", "\x85": "\n", "\x0b": "\n", "\x0c": "\n"})
_KEPT = {"\n", "\t", "\r"}
_RUN = re.compile(r"([^\w\s]|_)\1+")  # a run of one mark (blanks to fill "____", leaders "……", rules "----")


def _control(c: str) -> bool:
    """C0/C1 controls and format characters (zero-width spaces, BOMs, soft hyphens, direction marks)."""
    return c not in _KEPT and unicodedata.category(c) in ("Cc", "Cf")


def strip_controls(text: str) -> str:
    text = text.translate(_LINE_BREAKS)
    return "".join(c for c in text if not _control(c)) if any(map(_control, text)) else text


def _readable(c: str) -> bool:
    # the Latin-1 letters (À-ÿ, ª, µ, ², …) are where raw glyph codes land; real text holds few of them
    return c.isalnum() and not "\x80" <= c <= "\xff"


def readable_share(text: str) -> float:
    """Letters and digits among the visible characters (a run of one mark counted once); 0 for none."""
    visible = _RUN.sub(r"\1", re.sub(r"\s+", "", text))
    return sum(map(_readable, visible)) / len(visible) if visible else 0.0


def legible(raw: str, clean: str) -> bool:
    """``clean``: ``raw`` with its control characters removed (and otherwise normalised)."""
    share = readable_share(clean)
    if share < MIN_SHARE:
        return False
    visible = [c for c in raw if not c.isspace()]
    padded = bool(visible) and sum(map(_control, visible)) / len(visible) >= PADDED_CONTROLS
    return not padded or share >= PADDED_MIN_SHARE
