"""Rebuild the shipped subset font (``NotoSansSC-qifa.ttf``, TrueType outlines) from Noto Sans CJK SC
(SIL Open Font License 1.1).

The subset holds ASCII, Chinese punctuation, the 3,755 common characters of GB 2312 level 1, and every character
of the questionnaires and the report's texts, so a fresh clone renders reports with no system font. Run it after
adding text with rare characters: ``python -m checkups.fonts.make_subset /path/to/NotoSansCJK-Regular.ttc``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

HERE = Path(__file__).parent
OUT = HERE / "NotoSansSC-qifa.ttf"
SC_INDEX = 2  # Noto Sans CJK SC in NotoSansCJK-Regular.ttc


def characters() -> str:
    chars = {chr(c) for c in range(0x20, 0x7F)}
    chars |= set("，。、；：？！“”‘’（）《》【】—…·％～「」『』〔〕〈〉－／＋＝×÷①②③④⑤⑥⑦⑧⑨⑩　")
    for hi in range(0xB0, 0xD8):  # GB 2312 level 1: rows 16-55
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    root = HERE.parent
    for path in [*(root / "content").glob("*.yaml"), *root.glob("*.py")]:
        chars |= set(path.read_text(encoding="utf-8"))
    return "".join(sorted(c for c in chars if c.isprintable()))


def to_truetype(font: TTFont) -> None:
    """CFF outlines to TrueType (quadratic) ones: fpdf2 then writes the standard Identity-H encoding, which every
    PDF reader's text extraction understands (with CFF it writes an embedded CMap that some readers misread)."""
    glyph_order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in glyph_order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = glyph_order
    glyf.glyphs = glyphs
    font["loca"] = newTable("loca")
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attr in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                 "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    maxp.maxComponentDepth = 0
    post = font["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = glyph_order
    font["head"].indexToLocFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"


def main(source: str) -> None:
    font = TTCollection(source).fonts[SC_INDEX]
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    sub = subset.Subsetter(options)
    sub.populate(text=characters())
    sub.subset(font)
    to_truetype(font)
    font.save(str(OUT))
    print(f"{OUT}: {OUT.stat().st_size} bytes")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
