"""Copy the texts a pack's manifest names from an unpacked laws-all corpus into the pack.

    python -m ingest.build_pack --corpus /tmp/laws-all/laws [--pack knowledge/content/packs/laws]

A document with several corpus files (the Civil Code, stored there one book per file) becomes one text:
the code's title and history once, then each book as a ``##`` heading with its own headings one level down.
Run ``python -m ingest.build_pack_vectors`` afterwards.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from knowledge.chunking import INFO_END
from knowledge.packs import PACKS_DIR, PackError, load_pack

BOOK_NUMBERS = "一二三四五六七八九"


def combine(texts: list[str]) -> str:
    """One document from several book files that share a title line (``# 中华人民共和国民法典``)."""
    head = texts[0].partition(INFO_END)[0]
    title = head.split("\n", 1)[0]
    history = "\n".join(ln for ln in head.split("\n")[1:] if ln.strip() and not ln.startswith("#"))
    parts = [f"{title}\n\n{history}\n\n{INFO_END}\n"]
    for n, text in enumerate(texts):
        info, _, body = text.partition(INFO_END)
        book = next(ln[2:].strip() for ln in info.split("\n")[1:] if ln.startswith("# "))
        name = book if book == "附则" else f"第{BOOK_NUMBERS[n]}编 {book.removesuffix('编')}"
        body = re.sub(r"^(#+)(?=\s)", r"#\1", body.strip(), flags=re.M)
        parts.append(f"## {name}\n\n{body}\n")
    return "\n".join(parts)


def build(corpus: Path, pack_dir: Path) -> int:
    # the manifest is read before the texts exist: validate it after copying
    import yaml

    data = yaml.safe_load((pack_dir / "manifest.yaml").read_text(encoding="utf-8"))
    for d in data["documents"]:
        files = d["corpus_file"] if isinstance(d["corpus_file"], list) else [d["corpus_file"]]
        texts = [(corpus / f).read_text(encoding="utf-8") for f in files]
        out = pack_dir / d["file"]
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(texts[0] if len(texts) == 1 else combine(texts), encoding="utf-8")
    load_pack(pack_dir)
    return len(data["documents"])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--corpus", type=Path, required=True, help="the unpacked laws-all folder (holding 民法典/ …)")
    p.add_argument("--pack", type=Path, default=PACKS_DIR / "laws", help="the pack folder (with manifest.yaml)")
    args = p.parse_args(argv)
    try:
        n = build(args.corpus, args.pack)
    except (OSError, KeyError, PackError) as exc:
        print(f"build_pack: {exc}", file=sys.stderr)
        return 2
    print(f"{n} documents written to {args.pack}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
