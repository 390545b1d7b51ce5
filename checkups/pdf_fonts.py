"""Which fonts a PDF embeds: the subset of Noto Sans CJK SC shipped in ``checkups/fonts`` (SIL Open Font
License), then a system Noto Sans CJK for characters the subset lacks; ``FontMissing`` when there is neither.
Kept apart from ``checkups.pdf`` so that importing the error does not import fpdf2 (~0.7 s at start-up)."""

from __future__ import annotations

import functools
from pathlib import Path

FONTS = Path(__file__).parent / "fonts"
SHIPPED_FONT = FONTS / "NotoSansSC-qifa.ttf"
SYSTEM_FONTS = (  # (path, font number in a collection)
    (Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"), 2),
    (Path("/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf"), 0),
    (Path("/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc"), 2),
)


class FontMissing(RuntimeError):
    """No CJK font to embed."""

    code = "font_missing"


@functools.cache
def _shipped_chars() -> frozenset[int]:
    """The code points the shipped subset draws (read once per process)."""
    from fontTools.ttLib import TTFont

    with TTFont(str(SHIPPED_FONT), lazy=True) as font:
        return frozenset(font.getBestCmap())


def fonts(text: str | None = None) -> list[tuple[Path, int]]:
    """The fonts to embed, the main one first: the shipped subset, then an installed Noto Sans CJK — only when
    ``text`` (None: unknown) has a character the subset lacks, since reading the system collection costs more
    than half a second per PDF."""
    found = [(SHIPPED_FONT, 0)] if SHIPPED_FONT.is_file() else []
    needed = not found or text is None or any(ord(c) not in _shipped_chars() for c in text if not c.isspace())
    found += [(p, n) for p, n in SYSTEM_FONTS if p.is_file()][:1] if needed else []
    if not found:
        raise FontMissing(f"no CJK font: {SHIPPED_FONT} is missing and no Noto Sans CJK is installed "
                          "(reinstall qifa, or install fonts-noto-cjk) / 缺少中文字体")
    return found
