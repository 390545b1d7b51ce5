"""Benchmark: ingest ``laws-all.tar.gz`` (or a fraction of it) beside the statutes pack, with a progress bar.

    python bench/bench_ingest_all.py [--fraction 1.0] [--rounds 2] [--questions 40] [--out all.json]

1. A runtime with the default pack installed (``QIFA_SHIPPED_PACKS=laws``) in a fresh data dir; every k-th
   Markdown file of the tarball (sorted paths; ``--fraction 1`` = all ~3,500) goes in through
   ``ingest.pipeline.ingest`` with a tqdm bar: seconds, chunks/s, CPU seconds, this process's memory.
2. A second runtime with the pack only, in the same process; retrieval latency (``kb.search`` hybrid and
   ``assistant.handle``), the questions going to both runtimes in turn (interleaved): p50 / p95 at both sizes.
3. ``qifa serve`` on the big data dir: seconds to ``/healthz``, and its resident memory after one answer.

With a fraction, the full figures are extrapolated linearly (time and chunks) and marked so.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common
from bench_chat import free_port


def cpu_s(pid: int) -> float:
    """CPU seconds (user + system, all threads) a process has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def serve_rss(data_dir: Path, settle: float = 5.0, repo: Path | None = None) -> dict[str, Any]:
    """``settle``: seconds waited after the first answer before memory is read (the background warm-up of a big
    index, keyword snapshot and vector mirror, takes half a minute on a busy machine). ``repo``: the checkout
    whose ``qifa serve`` runs (this one by default). Besides ready time, first answer and memory: the server's
    CPU seconds at ready and at the end, and ``quiet_s``, seconds from launch until the server first used under
    0.1 CPU s in a second after its first answer (its background warm-up done)."""
    repo = repo or common.REPO
    env = {k: v for k, v in os.environ.items() if not k.startswith("QIFA_")}
    env.update(QIFA_DATA_DIR=str(data_dir), QIFA_SHIPPED_PACKS="laws", PYTHONPATH=str(repo))
    port = free_port()
    began = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "cli.main", "serve", "--port", str(port)], cwd=repo,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            if proc.poll() is not None:
                return {"error": f"qifa serve exited with {proc.returncode}"}
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        ready = time.monotonic() - began
        cpu_ready = cpu_s(proc.pid)
        req = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/chat", method="POST",
                                     data=json.dumps({"message": "公司拖欠工资，员工可以怎么办？"}).encode(),
                                     headers={"Content-Type": "application/json"})
        t0 = time.monotonic()
        with urllib.request.urlopen(req, timeout=300) as r:
            r.read()
        first = time.monotonic() - t0
        quiet: float | None = None
        last = cpu_s(proc.pid)
        end = time.monotonic() + settle  # the background warm-up (keyword snapshot, vectors) finishes
        while time.monotonic() < end:
            time.sleep(1.0)
            now = cpu_s(proc.pid)
            if quiet is None and now - last < 0.1:
                quiet = time.monotonic() - began - 1.0
            last = now
        mem: dict[str, Any] = {"ready_s": round(ready, 2), "first_answer_s": round(first, 2),
                               "quiet_s": None if quiet is None else round(quiet, 1),
                               "cpu_at_ready_s": round(cpu_ready, 1), "cpu_at_end_s": round(last, 1)}
        for line in Path(f"/proc/{proc.pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                mem[key] = round(int(value.split()[0]) / 1024, 1)
        return mem
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fraction", type=float, default=1.0)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--questions", type=int, default=40)
    ap.add_argument("--out")
    ap.add_argument("--timeout", type=float, default=4 * 3600.0)
    ap.add_argument("--keep", help="build the big index in this (new or empty) folder and keep it afterwards")
    args = ap.parse_args(argv)
    common.deadline(args.timeout)
    info = common.machine_info()
    print(f"machine: {info}", flush=True)
    queries = common.questions(args.questions)

    from tqdm import tqdm

    from ingest.pipeline import ingest

    with common.temp_dir("corpus") as corpus, common.kept_dir(args.keep, "all") as big_dir, \
            common.temp_dir("pack") as pack_dir:
        common.unpack_laws_all(corpus)
        every = sorted(corpus.rglob("*.md"), key=lambda p: p.relative_to(corpus).as_posix())
        files = common.sample_docs(corpus, max(1, round(len(every) * args.fraction)))
        print(f"{len(files)} of {len(every)} documents (fraction {args.fraction})", flush=True)
        rt = common.make_runtime(big_dir, shipped_packs="laws")
        pack_chunks = int(rt.kb.stats()["chunks"])  # type: ignore[call-overload]
        bar = tqdm(total=len(files), unit="doc", file=sys.stderr, mininterval=5)
        with common.Timer() as t_ingest:
            report = ingest(rt.kb, files, int(rt.settings.max_file_mb * 1e6), progress=lambda _: bar.update(1),
                            workers=rt.settings.ingest_workers)
        bar.close()
        mem_ingest = common.memory_mb()
        with common.Timer() as t_snap:
            rt.kb.warm_up()
        total_chunks = int(rt.kb.stats()["chunks"])  # type: ignore[call-overload]
        print(f"ingest: {report.summary()} in {t_ingest.seconds:.1f} s ({report.chunks / t_ingest.seconds:.1f} "
              f"chunks/s, CPU {t_ingest.cpu_seconds:.1f} s); snapshot + vectors {t_snap.seconds:.1f} s; "
              f"index {total_chunks} chunks", flush=True)

        latency, mirrored = common.pack_beside_big(pack_dir, rt, queries, args.rounds, "pack + laws-all")
        rt.close()
        server = serve_rss(big_dir)

    scale = 1.0 / args.fraction
    full = {"extrapolated": args.fraction < 1.0, "seconds": round(t_ingest.seconds * scale, 1),
            "chunks": round(report.chunks * scale)}
    print(f"\n{len(files)} documents, {report.chunks} chunks in {t_ingest.seconds:.1f} s; "
          f"{'extrapolated to' if args.fraction < 1 else 'whole'} laws-all: {full['seconds']:.0f} s, "
          f"{full['chunks']} chunks")
    common.print_table(["path", "n", "p50 ms", "p95 ms", "max ms"],
                       [[k, v["n"], v["p50_ms"], v["p95_ms"], v["max_ms"]] for k, v in latency.items()])
    print(f"exact in-memory dense search: {mirrored}")
    print(f"ingesting process memory: {mem_ingest}; qifa serve on the big index: {server}")
    print(f"load average now {os.getloadavg()[0]:.1f}")
    common.save_json(args.out, {
        "machine": info, "fraction": args.fraction, "documents": len(files), "documents_total": len(every),
        "pack_chunks": pack_chunks, "index_chunks": total_chunks,
        "ingest": {"chunks": report.chunks, "failed": report.failed, "seconds": round(t_ingest.seconds, 1),
                   "cpu_seconds": round(t_ingest.cpu_seconds, 1),
                   "chunks_per_s": round(report.chunks / t_ingest.seconds, 1)},
        "full": full, "latency": latency, "mirrored": mirrored, "memory_ingest_mb": mem_ingest, "server": server})
    return 0


if __name__ == "__main__":
    sys.exit(main())
