"""Benchmark: a data dir kept by ``bench_ingest_all.py --keep DIR`` measured again with this checkout's code.

    python bench/bench_big_index.py DIR [--rounds 2] [--questions 40] [--base ../main] [--starts 2] [--serve-only]
                                        [--out big.json]

1. The big index opened in this process: ``warm_up`` seconds (keyword snapshot, vector mirror) and memory.
2. Beside it a fresh runtime with the statutes pack only; ``kb.search`` hybrid and ``assistant.handle`` p50 / p95
   at both sizes, the questions going to both in turn (interleaved), as ``bench_ingest_all.py`` does.
3. ``qifa serve`` on DIR ``--starts`` times: seconds to ``/healthz``, first answer, seconds until its background
   warm-up is done, CPU seconds, resident memory (a later start finds the keyword snapshot and the vectors the
   first one kept). With ``--base``, the other checkout's ``qifa serve`` on the same DIR too, the starts
   alternating (this checkout first). ``--serve-only``: step 3 alone.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common
from bench_ingest_all import serve_rss


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data_dir")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--questions", type=int, default=40)
    ap.add_argument("--settle", type=float, default=60.0, help="seconds after the first answer before memory is read")
    ap.add_argument("--starts", type=int, default=2)
    ap.add_argument("--base", help="another checkout whose qifa serve starts on DIR too, alternating")
    ap.add_argument("--serve-only", action="store_true")
    ap.add_argument("--out")
    ap.add_argument("--timeout", type=float, default=3600.0)
    args = ap.parse_args(argv)
    common.deadline(args.timeout)
    big_dir = Path(args.data_dir).resolve()
    if not (big_dir / "qifa.db").is_file():
        sys.exit(f"bench: no qifa.db in {big_dir} (build one with bench_ingest_all.py --keep {big_dir})")
    info = common.machine_info()
    print(f"machine: {info}", flush=True)
    queries = common.questions(args.questions)
    mem = {"start": common.memory_mb()}
    latency: dict[str, Any] = {}
    mirrored, chunks, warm_s = None, None, None
    if not args.serve_only:
        with common.temp_dir("pack") as pack_dir:
            rt = common.make_runtime(big_dir, shipped_packs="laws")
            mem["runtime built"] = common.memory_mb()
            with common.Timer() as t_warm:
                rt.kb.warm_up()
            mem["warmed up"] = common.memory_mb()
            chunks, warm_s = rt.kb.stats()["chunks"], round(t_warm.seconds, 1)
            latency, mirrored = common.pack_beside_big(pack_dir, rt, queries, args.rounds, "big index")
            rt.close()
    base = Path(args.base).resolve() if args.base else None
    servers: dict[str, list[dict[str, Any]]] = {"this": []}
    if base is not None:
        servers["base"] = []
    for _ in range(args.starts):
        servers["this"].append(serve_rss(big_dir, args.settle))
        print(f"this: {servers['this'][-1]}", flush=True)
        if base is not None:
            servers["base"].append(serve_rss(big_dir, args.settle, repo=base))
            print(f"base: {servers['base'][-1]}", flush=True)
    if not args.serve_only:
        print(f"\nbig index: {chunks} chunks; warm_up {warm_s} s; exact dense search {mirrored}")
        common.print_table(["path", "n", "p50 ms", "p95 ms", "max ms"],
                           [[k, v["n"], v["p50_ms"], v["p95_ms"], v["max_ms"]] for k, v in latency.items()])
        print("\nthis process (MB):")
        common.print_table(["stage", "VmRSS", "VmHWM"], [[k, v["VmRSS"], v["VmHWM"]] for k, v in mem.items()])
    print("\nqifa serve on the big index:")
    cols = ["ready_s", "first_answer_s", "quiet_s", "cpu_at_ready_s", "cpu_at_end_s", "VmRSS", "VmHWM"]
    common.print_table(["checkout", "start", *cols],
                       [[name, i + 1, *[f.get(c, f.get("error")) for c in cols]]
                        for name, runs in servers.items() for i, f in enumerate(runs)])
    common.save_json(args.out, {"machine": info, "chunks": chunks, "warm_up_s": warm_s, "latency": latency,
                                "mirrored": mirrored, "memory_mb": mem, "serve": servers,
                                "base": str(base) if base else None})
    return 0


if __name__ == "__main__":
    sys.exit(main())
