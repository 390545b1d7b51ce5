"""Retrieval-only sweep of module constants: hit@1 / hit@5 / MRR of the hybrid search for each setting, from one
runtime with the questions embedded once (``qifa eval`` opens a runtime and embeds every question per run, and
routes every case too: minutes for a grid that this measures in seconds per setting).

    python bench/sweep_retrieval.py DATA_DIR --sets eval/lead_train.jsonl \
        --configs '[{}, {"knowledge.coverage.COVER_GAIN": 0.1}]' [--no-packs]

Each config maps ``module.CONSTANT`` to a value, applied on top of the module's own values (``{}``: as shipped).
The data dir is copied to a temporary folder first (a runtime may write to it: the original stays as it was);
``--no-packs`` sets QIFA_SHIPPED_PACKS=none. For every setting after the first, the cases whose hit@5 it gained and
lost against the first are counted (a net figure hides churn); ``--moved`` names them. Constants read when the
keyword snapshot is built cannot be swept this way (the document level prior is read per question for this reason,
``knowledge.docrank.DocView.prior``). Held-out sets are refused: parameters are chosen
on the development set only."""

from __future__ import annotations

import argparse
import importlib
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run from a checkout without the editable install pointing at it
    sys.path.insert(0, str(REPO))


def _apply(config: dict[str, Any], shipped: dict[str, Any]) -> None:
    """Set every constant named by ``config``, and put back the shipped value of those it leaves out."""
    for key, value in {**shipped, **config}.items():
        module, _, name = key.rpartition(".")
        setattr(importlib.import_module(module), name, value)


def _shipped(configs: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in {k for c in configs for k in c}:
        module, _, name = key.rpartition(".")
        out[key] = getattr(importlib.import_module(module), name)  # an unknown name fails here, before any run
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data_dir", type=Path)
    ap.add_argument("--sets", nargs="+", type=Path, required=True)
    ap.add_argument("--configs", default="[{}]", help="JSON list of {module.CONSTANT: value}")
    ap.add_argument("--no-packs", action="store_true", help="QIFA_SHIPPED_PACKS=none")
    ap.add_argument("--moved", action="store_true",
                    help="name the cases each setting gained and lost at hit@5, and whose rank it moved")
    args = ap.parse_args()

    from assistant.evaluation import _rank, is_held_out, load_cases

    for path in args.sets:
        if is_held_out(path):
            ap.error(f"{path} is held out: nothing is tuned on it")
    configs: list[dict[str, Any]] = json.loads(args.configs)
    shipped = _shipped(configs)
    with tempfile.TemporaryDirectory(prefix="sweep.") as tmp:
        shutil.copytree(args.data_dir, tmp, dirs_exist_ok=True)
        os.environ["QIFA_DATA_DIR"] = tmp
        if args.no_packs:
            os.environ["QIFA_SHIPPED_PACKS"] = "none"
        from composition import build_runtime
        from config import get_settings

        rt = build_runtime(get_settings())
        try:
            rt.kb.warm_up()
            sets = {}
            for path in args.sets:
                cases = [c for c in load_cases(path) if c.expect_any]
                sets[path.stem] = (cases, rt.kb.embeddings.encode([c.message for c in cases]))
            first: dict[str, list[int | None]] = {}
            moved: list[str] = []
            for config in configs:
                _apply(config, shipped)
                parts = []
                for name, (cases, vectors) in sets.items():
                    t0 = time.process_time()
                    ranks = [_rank([p.text for p in rt.kb.search(c.message, k=5, vector=v)], c.expect_any)
                             for c, v in zip(cases, vectors, strict=True)]
                    cpu_ms = (time.process_time() - t0) / max(len(cases), 1) * 1000
                    n = max(len(cases), 1)
                    hit1 = sum(r == 1 for r in ranks)
                    hit5 = sum(r is not None for r in ranks)
                    mrr = sum(1 / r for r in ranks if r) / n
                    part = f"{name}: hit@1 {hit1} hit@5 {hit5}/{len(cases)} MRR {mrr:.3f} cpu {cpu_ms:.1f} ms"
                    if name in first:
                        pairs = list(zip(cases, first[name], ranks, strict=True))
                        gained = [c.id for c, a, b in pairs if a is None and b is not None]
                        lost = [c.id for c, a, b in pairs if a is not None and b is None]
                        part += f" (+{len(gained)} -{len(lost)})"
                        if gained or lost:
                            moved.append(f"  {name} hit@5: +{' +'.join(gained) or '0'} -{' -'.join(lost) or '0'}")
                        up = [f"{c.id} {a or '-'}->{b}" for c, a, b in pairs if b and (not a or b < a)]
                        down = [f"{c.id} {a}->{b or '-'}" for c, a, b in pairs if a and (not b or b > a)]
                        if up or down:
                            moved.append(f"  {name} rank up: {', '.join(up) or '0'}; down: {', '.join(down) or '0'}")
                    else:
                        first[name] = ranks
                    parts.append(part)
                print(json.dumps(config, ensure_ascii=False), " | ".join(parts), flush=True)
                if args.moved and moved:
                    print("\n".join(moved), flush=True)
                moved.clear()
        finally:
            rt.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
