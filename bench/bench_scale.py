"""Benchmark at scale: N documents of laws-all (default 500) plus the 13 statutes, qifa beside a baseline.

qifa:      ``ingest.pipeline.ingest`` into a fresh data dir (chunks/s), hybrid ``kb.search(q, k=5)`` p50/p95.
baseline:  plain LangChain ``langchain_chroma.Chroma`` with the same embedder (``rt.kb.embeddings``) over the
           same chunk texts read back from qifa's SQL store, indexed with ``add_texts`` in batches (chunks/s),
           ``similarity_search(q, k=5)`` p50/p95; run in the same process, queries interleaved with qifa's.
quality:   hit@5 (a returned passage contains any ``expect_any`` string) on the cases of eval/tune.jsonl
           whose expected strings occur in the 13 statutes.
memory:    VmRSS after each stage and the process peak (VmHWM).

    python bench/bench_scale.py [--docs 500] [--rounds 5] [--questions 40] [--out scale.json]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common

BATCH = 256


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=500, help="documents sampled from laws-all (default 500)")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--questions", type=int, default=40)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--baseline-encoder", choices=["same", "stock"], default="same",
                    help="the baseline embeds with qifa's embedder object (same) or with the USE package's own "
                         "forward pass (stock: a plain LangChain pipeline would not have qifa's token cache)")
    ap.add_argument("--out", help="save the figures as JSON")
    ap.add_argument("--timeout", type=float, default=3600.0, help="stop (with stack dump) after this many seconds")
    args = ap.parse_args(argv)
    common.deadline(args.timeout)

    statutes = common.statute_files()
    queries = common.questions(args.questions)
    info = common.machine_info()
    print(f"machine: {info}")

    with common.temp_dir("corpus") as corpus, common.temp_dir("qifa") as data_dir, \
            common.temp_dir("baseline") as base_dir:
        common.unpack_laws_all(corpus)
        sample = common.sample_docs(corpus, args.docs)
        files = sample + statutes
        print(f"documents: {len(sample)} sampled from laws-all + {len(statutes)} statutes")
        mem: dict[str, dict[str, float]] = {"start": common.memory_mb()}

        # ---- qifa ------------------------------------------------------------------------------
        from ingest.pipeline import ingest

        rt = common.make_runtime(data_dir)
        mem["runtime built"] = common.memory_mb()
        with common.Timer() as t_ingest:
            report = ingest(rt.kb, files, int(rt.settings.max_file_mb * 1e6))
        for f in report.failures:
            print(f"  ingest failure: {f.path}: {f.reason}", file=sys.stderr)
        with common.Timer() as t_snap:
            rt.kb.warm_up()  # BM25 snapshot rebuilt from SQL after the content changed
        stats = rt.kb.stats()
        mem["qifa ingested"] = common.memory_mb()
        print(f"qifa ingest: {report.summary()} in {t_ingest.seconds:.1f} s; snapshot rebuild {t_snap.seconds:.2f} s; "
              f"index {stats['chunks']} chunks ({stats['active_documents']} active documents)")

        # ---- baseline: same chunk texts, same embedder -------------------------------------------
        from langchain_chroma import Chroma

        rows = common.chunk_texts(rt)  # active chunks only (the ones qifa may answer from)
        raw_text = _raw_texts(rt)
        base_embedder = rt.kb.embeddings
        if args.baseline_encoder == "stock":
            from knowledge.embeddings import UseEmbeddings

            base_embedder = UseEmbeddings(rt.settings.embedding_threads, token_cache=False)
            base_embedder.encode(["预热"])  # its weights load outside the timed part
        base = Chroma(collection_name="baseline", embedding_function=base_embedder,
                      persist_directory=str(base_dir))
        with common.Timer() as t_base:
            for start in range(0, len(rows), BATCH):
                batch = rows[start:start + BATCH]
                base.add_texts([r[2] for r in batch], metadatas=[{"document_id": r[1]} for r in batch],
                               ids=[r[0] for r in batch])
        mem["baseline indexed"] = common.memory_mb()
        print(f"baseline index: {len(rows)} chunks in {t_base.seconds:.1f} s")

        # ---- latency, interleaved so both see the same machine load ------------------------------
        fns: dict[str, Any] = {
            "qifa hybrid": lambda q: rt.kb.search(q, k=5),
            "baseline similarity_search": lambda q: base.similarity_search(q, k=5),
            "qifa dense": lambda q: rt.kb.search(q, k=5, mode="dense"),
            "qifa bm25": lambda q: rt.kb.search(q, k=5, mode="bm25"),
            "embed query only": lambda q: rt.kb.embeddings.encode([q]),
        }
        for q in queries[:args.warmup]:
            for fn in fns.values():
                fn(q)
        samples: dict[str, list[float]] = {k: [] for k in fns}
        names = list(fns)
        for r in range(args.rounds):
            order = names if r % 2 == 0 else names[::-1]
            for q in queries:
                for name in order:
                    t0 = time.perf_counter()
                    fns[name](q)
                    samples[name].append(time.perf_counter() - t0)
        latency = {k: common.summarize_ms(v) for k, v in samples.items()}
        mem["after queries"] = common.memory_mb()

        # ---- quality on the statute cases --------------------------------------------------------
        quality = _quality(rt, base, statutes, raw_text)
        rt.close()

    qifa_cps = report.chunks / t_ingest.seconds
    base_cps = len(rows) / t_base.seconds
    qifa_cpu_cps = report.chunks / t_ingest.cpu_seconds
    base_cpu_cps = len(rows) / t_base.cpu_seconds
    print(f"machine load at the end: loadavg_1m {common.machine_info()['loadavg_1m']}")
    print(f"\n{len(queries)} questions x {args.rounds} rounds after {args.warmup} warm-up queries, interleaved")
    q50, q95 = latency["qifa hybrid"]["p50_ms"], latency["qifa hybrid"]["p95_ms"]
    b50, b95 = latency["baseline similarity_search"]["p50_ms"], latency["baseline similarity_search"]["p95_ms"]
    common.print_table(
        ["figure", "qifa", "baseline (LangChain Chroma)", "ratio qifa/baseline"],
        [
            ["chunks indexed", report.chunks, len(rows), ""],
            ["index seconds", round(t_ingest.seconds, 1), round(t_base.seconds, 1),
             f"{t_ingest.seconds / t_base.seconds:.2f}"],
            ["chunks/s", round(qifa_cps, 1), round(base_cps, 1), f"{qifa_cps / base_cps:.2f}"],
            ["index CPU seconds (all threads)", round(t_ingest.cpu_seconds, 1), round(t_base.cpu_seconds, 1),
             f"{t_ingest.cpu_seconds / t_base.cpu_seconds:.2f}"],
            ["chunks per CPU second", round(qifa_cpu_cps, 1), round(base_cpu_cps, 1),
             f"{qifa_cpu_cps / base_cpu_cps:.2f}"],
            ["retrieval p50 ms (hybrid vs similarity_search)", q50, b50, f"{q50 / b50:.2f}"],
            ["retrieval p95 ms", q95, b95, f"{q95 / b95:.2f}"],
            *([[f"hit@5 ({quality['cases']} statute cases)", f"{quality['qifa hybrid']}/{quality['cases']}",
                f"{quality['baseline']}/{quality['cases']}", ""]] if quality.get("cases") else []),
        ],
    )
    print("\nall paths:")
    common.print_table(["path", "n", "p50 ms", "p95 ms", "mean ms", "max ms"],
                       [[k, v["n"], v["p50_ms"], v["p95_ms"], v["mean_ms"], v["max_ms"]] for k, v in latency.items()])
    if quality.get("cases"):
        print(f"\nhit@5: qifa hybrid {quality['qifa hybrid']}, qifa bm25 {quality['qifa bm25']}, "
              f"qifa dense {quality['qifa dense']}, baseline {quality['baseline']} of {quality['cases']}")
    else:
        print(f"\nhit@5 skipped: {quality.get('skipped')}")
    print("\nresident memory (MB):")
    common.print_table(["stage", "VmRSS", "VmHWM"], [[k, v["VmRSS"], v["VmHWM"]] for k, v in mem.items()])

    common.save_json(args.out, {
        "machine": info,
        "baseline_encoder": args.baseline_encoder,
        "docs": {"sampled": len(sample), "statutes": len(statutes), "failures": report.failed},
        "qifa": {"chunks": report.chunks, "seconds": round(t_ingest.seconds, 2), "chunks_per_s": round(qifa_cps, 1),
                 "cpu_seconds": round(t_ingest.cpu_seconds, 2), "snapshot_rebuild_s": round(t_snap.seconds, 2),
                 "index_chunks": stats["chunks"]},
        "baseline": {"chunks": len(rows), "seconds": round(t_base.seconds, 2), "chunks_per_s": round(base_cps, 1),
                     "cpu_seconds": round(t_base.cpu_seconds, 2)},
        "latency": latency,
        "ratios": {"chunks_per_s": round(qifa_cps / base_cps, 3), "p50": round(q50 / b50, 3),
                   "p95": round(q95 / b95, 3)},
        "quality": quality,
        "memory_mb": mem,
    })
    return 0


def _raw_texts(rt: Any) -> dict[str, str]:
    from sqlalchemy import select

    from db.models_kb import KbChunk

    with rt.db.session() as s:
        return {cid: text for cid, text in s.execute(select(KbChunk.id, KbChunk.text))}


def _quality(rt: Any, base: Any, statutes: list[Path], raw_text: dict[str, str]) -> dict[str, Any]:
    """hit@5 on the cases whose expected strings come from the 13 statutes (both systems hold them)."""
    from knowledge.loaders import load_file

    texts = [load_file(p, 50_000_000).text for p in statutes]
    titles = {d.title for d in rt.kb.documents() if d.active}
    from knowledge.chunking import parse_document

    missing = [p.name for p, t in zip(statutes, texts, strict=True) if parse_document(t, str(p)).title not in titles]
    if missing:
        return {"skipped": f"statutes not among the active documents: {missing}"}
    cases = [c for c in common.load_cases()
             if c.get("expect_any") and any(e in t for e in c["expect_any"] for t in texts)]
    hits = {"qifa hybrid": 0, "qifa bm25": 0, "qifa dense": 0, "baseline": 0}
    misses: dict[str, list[str]] = {k: [] for k in hits}
    for c in cases:
        got = {
            "qifa hybrid": [p.text for p in rt.kb.search(c["message"], k=5)],
            "qifa bm25": [p.text for p in rt.kb.search(c["message"], k=5, mode="bm25")],
            "qifa dense": [p.text for p in rt.kb.search(c["message"], k=5, mode="dense")],
            "baseline": [raw_text.get(d.id or "", d.page_content) for d in base.similarity_search(c["message"], k=5)],
        }
        for name, passages in got.items():
            if any(e in p for p in passages for e in c["expect_any"]):
                hits[name] += 1
            else:
                misses[name].append(c["id"])
    return {"cases": len(cases), **hits, "misses": misses}


if __name__ == "__main__":
    sys.exit(main())
