"""Benchmark: the 13 statutes + the seed report.

1. Ingest them into a fresh data dir (through ``ingest.pipeline.ingest``): seconds, chunks/s.
2. Retrieval latency over ~40 questions of eval/tune.jsonl after 5 warm-up queries, 5 rounds:
   ``kb.search(q, k=5)`` hybrid, bm25-only, dense-only, and the full ``assistant.handle(None, q)``.
3. PASS/FAIL against the targets: hybrid median < 50 ms and ``handle`` median < 50 ms; ingest < 60 s.

    python bench/bench_laws.py [--rounds 5] [--questions 40] [--out laws.json]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common

TARGET_QUERY_MS = 50.0
TARGET_INGEST_S = 60.0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--questions", type=int, default=40)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--out", help="save the figures as JSON")
    ap.add_argument("--timeout", type=float, default=600.0, help="stop (with stack dump) after this many seconds")
    args = ap.parse_args(argv)
    common.deadline(args.timeout)

    files = common.statute_files() + common.seed_files()
    queries = common.questions(args.questions)
    info = common.machine_info()
    print(f"machine: {info}")

    from ingest.pipeline import ingest

    with common.temp_dir("laws") as data_dir:
        with common.Timer() as t_start:
            rt = common.make_runtime(data_dir)
        shipped_chunks = int(rt.kb.stats()["chunks"])  # type: ignore[call-overload]
        with common.Timer() as t_ingest:
            report = ingest(rt.kb, files, int(rt.settings.max_file_mb * 1e6))
        if report.failures:
            print(f"ingest failures: {report.failures}", file=sys.stderr)
            return 2
        chunks_per_s = report.chunks / t_ingest.seconds
        with common.Timer() as t_warm:
            rt.kb.warm_up()  # builds the BM25 snapshot and loads jieba, as `qifa serve` does at start-up
        print(f"\nstart-up (runtime, shipped guides: {shipped_chunks} chunks): {t_start.seconds:.2f} s; "
              f"snapshot warm-up: {t_warm.seconds:.2f} s")
        print(f"ingest: {len(files)} files, {report.chunks} chunks in {t_ingest.seconds:.2f} s "
              f"= {chunks_per_s:.1f} chunks/s (CPU {t_ingest.cpu_seconds:.2f} s, all threads)")

        paths = {
            "kb.search hybrid": lambda q: rt.kb.search(q, k=5, mode="hybrid"),
            "kb.search bm25": lambda q: rt.kb.search(q, k=5, mode="bm25"),
            "kb.search dense": lambda q: rt.kb.search(q, k=5, mode="dense"),
            "embed query only": lambda q: rt.kb.embeddings.encode([q]),
            "assistant.handle": lambda q: rt.assistant.handle(None, q),
        }
        latency = {}
        for name, fn in paths.items():
            latency[name] = common.summarize_ms(common.time_queries(fn, queries, args.rounds, args.warmup))
        mem = common.memory_mb()
        rt.close()

    print(f"\nretrieval latency: {len(queries)} questions x {args.rounds} rounds after {args.warmup} warm-up queries")
    common.print_table(
        ["path", "n", "p50 ms", "p95 ms", "mean ms", "max ms"],
        [[k, v["n"], v["p50_ms"], v["p95_ms"], v["mean_ms"], v["max_ms"]] for k, v in latency.items()],
    )
    print(f"machine load at the end: loadavg_1m {common.machine_info()['loadavg_1m']}")
    print(f"\nmemory: VmRSS {mem['VmRSS']:.0f} MB, peak VmHWM {mem['VmHWM']:.0f} MB")

    checks = [
        (f"hybrid search median < {TARGET_QUERY_MS:.0f} ms", latency["kb.search hybrid"]["p50_ms"] < TARGET_QUERY_MS,
         f"{latency['kb.search hybrid']['p50_ms']:.1f} ms"),
        (f"qifa ask (assistant.handle) median < {TARGET_QUERY_MS:.0f} ms",
         latency["assistant.handle"]["p50_ms"] < TARGET_QUERY_MS, f"{latency['assistant.handle']['p50_ms']:.1f} ms"),
        (f"ingest 13 statutes + seed < {TARGET_INGEST_S:.0f} s", t_ingest.seconds < TARGET_INGEST_S,
         f"{t_ingest.seconds:.1f} s"),
    ]
    print()
    for label, ok, got in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {label}: {got}")

    common.save_json(args.out, {
        "machine": info,
        "ingest": {"files": len(files), "chunks": report.chunks, "seconds": round(t_ingest.seconds, 2),
                   "chunks_per_s": round(chunks_per_s, 1),
                   "cpu_seconds": round(t_ingest.cpu_seconds, 2)},
        "startup_s": round(t_start.seconds, 2),
        "latency": latency,
        "memory_mb": mem,
        "checks": {label: {"pass": ok, "value": got} for label, ok, got in checks},
    })
    return 0 if all(ok for _, ok, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
