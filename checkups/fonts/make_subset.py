"""Rebuild the shipped subset font (``NotoSansSC-qifa.otf``) from Noto Sans CJK SC (SIL Open Font License 1.1).

The subset holds ASCII, Chinese punctuation, the 3,755 common characters of GB 2312 level 1, and every character
of the questionnaires and the report's texts, so a fresh clone renders reports with no system font. Run it after
adding text with rare characters: ``python -m checkups.fonts.make_subset /path/to/NotoSansCJK-Regular.ttc``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

HERE = Path(__file__).parent
OUT = HERE / "NotoSansSC-qifa.otf"
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


def main(source: str) -> None:
    font = TTCollection(source).fonts[SC_INDEX]
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    sub = subset.Subsetter(options)
    sub.populate(text=characters())
    sub.subset(font)
    font.save(str(OUT))
    print(f"{OUT}: {OUT.stat().st_size} bytes")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
