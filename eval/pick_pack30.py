"""How eval/pack30_dev.jsonl's articles were drawn: 70 (document, article) pairs from the pack's documents in force
outside the 13 sample statutes, seed 30 (a document at random, then one of its articles). The set takes the first 40
in draw order, skipping purpose and entry-into-force articles, articles on state organs' own organisation, duties or
discipline, articles that only delegate or declare policy, and one whose rule a sample statute repeats (draw 20,
Labour Law art. 18, also in the Labour Contract Law). Prints the draw: ``python eval/pick_pack30.py``."""

from __future__ import annotations

import random
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1] / "knowledge/content/packs/laws"
SAMPLE13 = {"personal-info-protection-law", "sme-promotion-law", "people-mediation-law",
            "business-environment-regulations", "company-law", "notarization-law", "labour-dispute-law",
            "labour-contract-law", "foreign-investment-law", "lawyers-law", "administrative-penalty-law",
            "admin-reconsideration-law", "administrative-licensing-law"}
ARTICLE = re.compile(r"^(第[一二三四五六七八九十百零]+条)\s*(.*)")


def articles(doc: dict) -> list[list[str]]:
    out: list[list[str]] = []
    cur: list[str] | None = None
    for line in (ROOT / doc["file"]).read_text(encoding="utf-8").splitlines():
        m = ARTICLE.match(line)
        if m:
            cur = [m.group(1), m.group(2)]
            out.append(cur)
        elif line.startswith("#"):
            cur = None
        elif cur and line.strip():
            cur[1] += " / " + line.strip()
    return out


def main() -> None:
    manifest = yaml.safe_load((ROOT / "manifest.yaml").read_text(encoding="utf-8"))
    docs = [d for d in manifest["documents"] if d["status"] == "现行有效" and d["id"] not in SAMPLE13]
    rng = random.Random(30)
    seen: set[tuple[str, str]] = set()
    while len(seen) < 70:
        doc = rng.choice(docs)
        no, text = rng.choice(articles(doc))
        if (doc["id"], no) in seen:
            continue
        seen.add((doc["id"], no))
        print(f"{len(seen) - 1:02d} [{doc['id']}] {no} {text[:200]}")


if __name__ == "__main__":
    main()
