"""Benchmark: a data dir kept by ``bench_ingest_all.py --keep DIR`` measured again with this checkout's code.

    python bench/bench_big_index.py DIR [--rounds 2] [--questions 40] [--out big.json]

1. The big index opened in this process: ``warm_up`` seconds (keyword snapshot, vector mirror) and memory.
2. Beside it a fresh runtime with the statutes pack only; ``kb.search`` hybrid and ``assistant.handle`` p50 / p95
   at both sizes, the questions going to both in turn (interleaved), as ``bench_ingest_all.py`` does.
3. ``qifa serve`` on DIR twice: seconds to ``/healthz``, first answer, resident memory (the second start finds
   the keyword snapshot the first one kept).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common
from bench_ingest_all import serve_rss


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data_dir")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--questions", type=int, default=40)
    ap.add_argument("--settle", type=float, default=60.0, help="seconds after the first answer before memory is read")
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
    with common.temp_dir("pack") as pack_dir:
        rt = common.make_runtime(big_dir, shipped_packs="laws")
        mem["runtime built"] = common.memory_mb()
        with common.Timer() as t_warm:
            rt.kb.warm_up()
        mem["warmed up"] = common.memory_mb()
        stats = rt.kb.stats()
        latency, mirrored = common.pack_beside_big(pack_dir, rt, queries, args.rounds, "big index")
        rt.close()
    servers = {"first start": serve_rss(big_dir, args.settle), "second start": serve_rss(big_dir, args.settle)}
    print(f"\nbig index: {stats['chunks']} chunks; warm_up {t_warm.seconds:.1f} s; exact dense search {mirrored}")
    common.print_table(["path", "n", "p50 ms", "p95 ms", "max ms"],
                       [[k, v["n"], v["p50_ms"], v["p95_ms"], v["max_ms"]] for k, v in latency.items()])
    print("\nthis process (MB):")
    common.print_table(["stage", "VmRSS", "VmHWM"], [[k, v["VmRSS"], v["VmHWM"]] for k, v in mem.items()])
    print("\nqifa serve on the big index:")
    for name, figures in servers.items():
        print(f"  {name}: {figures}")
    common.save_json(args.out, {"machine": info, "chunks": stats["chunks"], "warm_up_s": round(t_warm.seconds, 1),
                                "latency": latency, "mirrored": mirrored, "memory_mb": mem, "serve": servers})
    return 0


if __name__ == "__main__":
    sys.exit(main())
