"""How soon a running server-mode worker serves a document that ``qifa ingest`` wrote in another process, and what
its copy of the vectors costs to bring up to date (issue 15 / issue 10: "seen within 5 s, without a restart").

    python bench/bench_follow.py --postgres postgresql+psycopg://USER@HOST:PORT/postgres \
        [--filler 0,150000] [--checkout DIR] [--out follow.json]

For each size: a Chroma server (``chroma run``, temporary folder) and a throw-away PostgreSQL database; the shipped
statutes pack is installed, then ``--filler`` extra vectors (random unit vectors of the model's dimension, written
straight into the collection: every worker's in-memory copy holds every vector of the collection, so they cost a
reload what a real index of that size costs; one filler document's chunk rows name them, text "填充", so that
``qifa ingest``'s clean-up of stray vectors keeps them). A worker
process (``build_runtime`` + ``warm_up`` of ``--checkout``'s code, as a ``qifa serve`` worker does) then asks a
dense question every 0.25 s while ``qifa ingest`` (same code) writes one new document in another process. Reported:
``ingest_s`` the whole ``qifa ingest`` run, ``written_s`` when it committed the document (its ``updated_at``) from
the run's start, and from that commit: when the new article is first in a dense answer (``served``: from the
Chroma server or the worker's copy), when the worker's own copy holds its vectors (``copy``), the worker's CPU
seconds in its vector loader thread until then (the reload or the follow), the Chroma server's, and the slowest
dense question meanwhile (``kb.search``: the keyword snapshot's rebuild, and what a question reads itself).
``--embedded``: the same on the embedded defaults (one data dir, SQLite, embedded Chroma) with no Chroma server.
``--checkout``: the code under test (default: this one); run it once with the main branch's for "before".
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

REPO = Path(__file__).resolve().parents[1]  # the worker imports nothing from here: it runs --checkout's code

QUESTION = "星河县蓝莓种植合作社的社员每年应当向合作社缴纳多少养护基金？"
DOC = """# 星河县蓝莓种植合作社管理办法

第一条 为规范星河县蓝莓种植合作社的管理，制定本办法。

第二条 星河县蓝莓种植合作社的社员每年应当向合作社缴纳养护基金，养护基金用于蓝莓园的灌溉设施维护。

第三条 本办法自发布之日起施行。
"""
FACT = "养护基金用于蓝莓园的灌溉设施维护"
POLL_S = 0.25


def _env(folder: Path, chroma: str, database: str, checkout: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QIFA_")}
    env.update(QIFA_DATA_DIR=str(folder / "var"), QIFA_CHROMA_URL=chroma, QIFA_DATABASE_URL=database,
               QIFA_SHIPPED_PACKS="laws", QIFA_LOG_FORMAT="text", PYTHONPATH=str(checkout))
    return env


def worker(out: Path, timeout: float) -> int:
    """(in the worker process) Warm up, then ask every POLL_S until the worker's copy holds the new document."""
    import numpy as np

    from composition import build_runtime
    from config import get_settings
    from knowledge.dense_mirror import Nearest

    rt = build_runtime(get_settings())
    kb = rt.kb
    profile = os.environ.get("BENCH_FOLLOW_PROFILE")  # a file for the cProfile of the loader thread's work
    if profile:
        import cProfile

        from knowledge.vectors import VectorStore

        real = VectorStore._load_behind

        def profiled(store: Any) -> None:
            prof = cProfile.Profile()
            prof.runcall(real, store)
            prof.dump_stats(f"{profile}.{time.time():.3f}")

        VectorStore._load_behind = profiled  # type: ignore[method-assign]
    started = time.monotonic()
    kb.warm_up()
    while not kb.vectors.mirrored():  # a big index is read in the background
        time.sleep(0.2)
    warm_s = time.monotonic() - started
    vec = kb.embeddings.encode([QUESTION])[0]
    out.write_text(json.dumps({"ready": time.time(), "warm_s": warm_s, "vectors": kb.vectors.count()}))
    served = copy = None
    loader = _LoaderCpu()
    deadline = time.monotonic() + timeout
    slowest = 0.0
    while time.monotonic() < deadline and copy is None:
        asked = time.perf_counter()
        hits = kb.search(QUESTION, k=5, mode="dense")
        slowest = max(slowest, time.perf_counter() - asked)
        if served is None and any(FACT in p.text for p in hits):
            served = time.time()
        near = kb.vectors.query(np.asarray(vec), 5, rows=True)
        if isinstance(near, Nearest) and any(FACT in p.text for p in kb._passages(list(near), {}, {})):
            copy = time.time()
        time.sleep(POLL_S)
    background = loader.stop()
    stamps = [d.ingested_at for d in kb.documents() if d.title.startswith("星河县")]
    written = datetime.fromisoformat(stamps[0].replace("Z", "+00:00")).timestamp() if stamps and stamps[0] else None
    out.write_text(json.dumps({"warm_s": warm_s, "vectors": kb.vectors.count(), "served": served, "copy": copy,
                               "written": written,
                               "background_cpu_s": background, "slowest_question_s": slowest}))
    rt.close()
    return 0


@contextmanager
def _stores(folder: Path, admin: str | None, checkout: Path) -> Iterator[tuple[dict[str, str], int | None]]:
    """The environment of the worker and of ``qifa ingest``, and the Chroma server's pid (None: embedded)."""
    from bench_workers import chroma_server, throwaway_database

    if admin is None:  # the embedded defaults: SQLite and Chroma in the data dir
        env = {k: v for k, v in os.environ.items() if not k.startswith("QIFA_")}
        env.update(QIFA_DATA_DIR=str(folder / "var"), QIFA_SHIPPED_PACKS="laws", QIFA_LOG_FORMAT="text",
                   PYTHONPATH=str(checkout))
        yield env, None
        return
    with chroma_server(folder) as (chroma, chroma_pid), throwaway_database(admin) as database:
        yield _env(folder, chroma, database, checkout), chroma_pid


class _LoaderCpu:
    """CPU seconds of the worker's vector loader threads (``qifa-vector-mirror``: the reload, or the follow), read
    from /proc every 20 ms while they live (the last 20 ms of one may be missed)."""

    def __init__(self) -> None:
        self.seen: dict[int, float] = {}
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        tick = os.sysconf("SC_CLK_TCK")
        while not self._done.wait(0.02):
            for th in threading.enumerate():
                if th.name.startswith("qifa-vector-mirror") and th.native_id is not None:
                    try:
                        fields = Path(f"/proc/self/task/{th.native_id}/stat").read_text().rsplit(")", 1)[1].split()
                    except (OSError, IndexError):
                        continue
                    cpu = (int(fields[11]) + int(fields[12])) / tick
                    self.seen[th.native_id] = max(cpu, self.seen.get(th.native_id, 0.0))

    def stop(self) -> float:
        self._done.set()
        self._thread.join()
        return sum(self.seen.values())


def one_size(admin: str | None, filler: int, checkout: Path, timeout: float) -> dict[str, Any]:
    from bench_workers import stop
    from common import temp_dir, tree_cpu

    with temp_dir("qifa-follow-") as folder, _stores(folder, admin, checkout) as (env, chroma_pid):
        t = time.monotonic()
        subprocess.run([sys.executable, "-c", _SETUP, str(filler)], env=env, check=True, cwd=checkout)
        setup_s = time.monotonic() - t
        state = folder / "worker.json"
        log = (folder / "worker.log").open("wb")
        proc = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--worker", str(state),
                                 "--timeout", str(timeout)], env=env, cwd=checkout, stdout=log, stderr=log)
        try:
            deadline = time.monotonic() + timeout
            while not (state.exists() and "ready" in json.loads(state.read_text() or "{}")):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"bench: the worker did not start: {(folder / 'worker.log').read_text()[-2000:]}")
                time.sleep(0.5)
            time.sleep(2)  # past the worker's first look at the version counter
            doc = folder / "星河县蓝莓种植合作社管理办法.md"
            doc.write_text(DOC, encoding="utf-8")
            chroma0 = tree_cpu(chroma_pid) if chroma_pid else 0.0
            began = time.time()
            done = subprocess.run([sys.executable, "-m", "cli.main", "ingest", str(doc)], env=env, cwd=checkout,
                                  capture_output=True, text=True)
            if done.returncode != 0:
                raise SystemExit(f"bench: qifa ingest failed: {done.stderr[-3000:]}")
            ended = time.time()
            proc.wait(timeout=timeout + 60)
            chroma_cpu = tree_cpu(chroma_pid) - chroma0 if chroma_pid else None
        finally:
            stop(proc)
            log.close()
        got = json.loads(state.read_text())
    return {
        "filler": filler, "vectors": got["vectors"], "setup_s": round(setup_s, 1), "warm_s": round(got["warm_s"], 1),
        "ingest_s": round(ended - began, 2),
        "written_s": None if got["written"] is None else round(got["written"] - began, 2),
        "served_after_write_s": _after(got["served"], got["written"]),
        "copy_after_write_s": _after(got["copy"], got["written"]),
        "worker_loader_cpu_s": round(got["background_cpu_s"], 2),
        "slowest_question_s": round(got.get("slowest_question_s", 0.0), 2),
        "chroma_cpu_s": None if chroma_cpu is None else round(chroma_cpu, 2),
        "mode": "embedded" if admin is None else "server",
    }


def _after(t: float | None, written: float | None) -> float | None:
    return None if t is None or written is None else round(t - written, 2)


_SETUP = """
import sys
import numpy as np
from composition import build_runtime
from config import get_settings
from db.models_kb import KbChunk, KbDocument
rt = build_runtime(get_settings())  # installs the statutes pack into the vector store
filler = int(sys.argv[1])
col, dim = rt.kb.vectors.collection, rt.kb.vectors.dimension
rng = np.random.default_rng(15)
if filler:  # one document of short chunks, so that qifa ingest's clean-up of stray vectors keeps them
    with rt.kb.db.session() as s:
        s.add(KbDocument(id="filler", title="填充文档", source="bench:filler", kind="text", content_hash="filler",
                         chunk_count=filler, active=True))
        s.flush()
        s.add_all(KbChunk(id=f"filler-{i}", document_id="filler", ordinal=i, locator="", heading_path="",
                          text="填充", tokens="填充") for i in range(filler))
for start in range(0, filler, 4000):
    n = min(4000, filler - start)
    m = rng.standard_normal((n, dim)).astype(np.float32)
    m /= np.linalg.norm(m, axis=1, keepdims=True)
    col.add(ids=[f"filler-{start + i}" for i in range(n)], embeddings=m.tolist(),
            metadatas=[{"document_id": "filler"}] * n)
print("vectors", rt.kb.vectors.count(), flush=True)
rt.close()
"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--postgres", default=os.environ.get("QIFA_TEST_POSTGRES_URL", ""))
    ap.add_argument("--filler", default="0", help="extra vectors per run, comma-separated sizes (default 0)")
    ap.add_argument("--checkout", default=str(REPO), help="the code under test (default: this checkout)")
    ap.add_argument("--timeout", type=float, default=300.0)
    ap.add_argument("--embedded", action="store_true", help="the embedded defaults instead (SQLite, Chroma in the data "
                    "dir): the worker is a qifa serve on one data dir, the ingest a second process on it")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--out")
    args = ap.parse_args()
    if args.worker:
        return worker(Path(args.worker), args.timeout)
    if not args.postgres and not args.embedded:
        sys.exit("bench: give --postgres (or QIFA_TEST_POSTGRES_URL): server mode runs on PostgreSQL")
    from common import machine_info, print_table, save_json

    checkout = Path(args.checkout).resolve()
    print(f"machine: {machine_info()}\ncheckout: {checkout}", flush=True)
    admin = None if args.embedded else args.postgres
    rows = [one_size(admin, int(n), checkout, args.timeout) for n in args.filler.split(",")]
    print_table(list(rows[0]), [list(r.values()) for r in rows])
    save_json(args.out, {"checkout": str(checkout), "runs": rows})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
