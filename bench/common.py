"""Shared helpers for the qifa benchmarks (not part of the package; run the scripts directly).

Everything a benchmark writes goes to temporary folders outside the repository; nothing here reads
``QIFA_DATABASE_URL`` / ``QIFA_CHROMA_URL`` — the benchmarks always use a fresh embedded store.
"""

from __future__ import annotations

import faulthandler
import json
import os
import platform
import resource
import shutil
import statistics
import sys
import tarfile
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
QUESTIONS = REPO / "eval" / "tune.jsonl"

if str(REPO) not in sys.path:  # allow `python bench/x.py` without the editable install on sys.path
    sys.path.insert(0, str(REPO))


# ---- locations -------------------------------------------------------------------------------------
def shared_dir() -> Path:
    """The ``shared`` folder beside the repository root; exit with a clear message when it is absent."""
    if not (SHARED / "corpus" / "laws").is_dir():
        sys.exit(
            f"bench: the shared data folder was not found at {SHARED} (expected {SHARED / 'corpus' / 'laws'}). "
            "The benchmarks need the 'shared' folder (corpus/laws, corpus/laws-all.tar.gz, seeds) next to the "
            "repository root."
        )
    return SHARED


def statute_files() -> list[Path]:
    files = sorted((shared_dir() / "corpus" / "laws").glob("*.md"))
    if not files:
        sys.exit(f"bench: no statutes (*.md) in {shared_dir() / 'corpus' / 'laws'}")
    return files


def seed_files() -> list[Path]:
    return sorted(p for p in (shared_dir() / "seeds").glob("*") if p.is_file() and p.suffix in {".txt", ".md"})


def _outside_repo_tmp() -> Path:
    base = Path(tempfile.gettempdir()).resolve()
    if base == REPO or REPO in base.parents:  # TMPDIR inside the repository: refuse it
        base = Path("/tmp")
    return base


@contextmanager
def temp_dir(prefix: str) -> Iterator[Path]:
    """A temporary folder outside the repository, removed afterwards."""
    path = Path(tempfile.mkdtemp(prefix=f"qifa-bench-{prefix}-", dir=_outside_repo_tmp()))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@contextmanager
def kept_dir(path: str | None, prefix: str) -> Iterator[Path]:
    """``path`` (created; refused when it holds anything) and kept afterwards, or a temporary folder."""
    if path is None:
        with temp_dir(prefix) as tmp:
            yield tmp
        return
    kept = Path(path).resolve()
    if kept == REPO or REPO in kept.parents:
        raise SystemExit(f"--keep {kept}: choose a folder outside the repository")
    kept.mkdir(parents=True, exist_ok=True)
    if any(kept.iterdir()):
        raise SystemExit(f"--keep {kept}: the folder is not empty")
    yield kept


# ---- timing and statistics -----------------------------------------------------------------------
@dataclass
class Timer:
    """Wall seconds, and CPU seconds of this process (all threads): on a shared machine the CPU figure
    moves much less with other processes' load than the wall figure does."""

    seconds: float = 0.0
    cpu_seconds: float = 0.0
    _start: float = field(default=0.0, repr=False)
    _cpu: float = field(default=0.0, repr=False)

    def __enter__(self) -> Timer:
        self._start, self._cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self._start
        self.cpu_seconds = time.process_time() - self._cpu


def percentile(values: list[float], p: float) -> float:
    """Linear-interpolated percentile (p in 0..100), like numpy's default."""
    if not values:
        return float("nan")
    xs = sorted(values)
    pos = (len(xs) - 1) * p / 100.0
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def summarize_ms(samples_s: list[float]) -> dict[str, float]:
    ms = [s * 1000.0 for s in samples_s]
    return {
        "n": len(ms),
        "p50_ms": round(statistics.median(ms), 2),
        "p95_ms": round(percentile(ms, 95), 2),
        "mean_ms": round(statistics.fmean(ms), 2),
        "max_ms": round(max(ms), 2),
    }


def time_queries(fn: Any, queries: list[str], rounds: int, warmup: int = 5) -> list[float]:
    """Call ``fn(q)`` for ``warmup`` queries (discarded), then every query ``rounds`` times; seconds each."""
    for q in queries[:warmup]:
        fn(q)
    out: list[float] = []
    for _ in range(rounds):
        for q in queries:
            t0 = time.perf_counter()
            fn(q)
            out.append(time.perf_counter() - t0)
    return out


# ---- memory --------------------------------------------------------------------------------------
def memory_mb() -> dict[str, float]:
    """Resident memory now (VmRSS) and its peak (VmHWM), in MB; ru_maxrss when /proc is missing."""
    out: dict[str, float] = {}
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            key, _, val = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = round(int(val.split()[0]) / 1024.0, 1)  # kB -> MB
    except OSError:
        pass
    if "VmHWM" not in out:
        maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        out["VmHWM"] = round(maxrss / (1024.0 * 1024.0 if sys.platform == "darwin" else 1024.0), 1)
    out.setdefault("VmRSS", float("nan"))
    return out


# ---- CPU of a server process (from /proc) ------------------------------------------------------------
TICK = os.sysconf("SC_CLK_TCK")


def proc_cpu(pid: int) -> float:
    """User + system CPU seconds of one process (its own, not its children's)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def _children(pid: int) -> list[int]:
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return out


def tree_cpu(pid: int) -> float:
    """CPU seconds of a process and all its descendants alive now (the uvicorn parent and its workers)."""
    total, todo = 0.0, [pid]
    while todo:
        p = todo.pop()
        total += proc_cpu(p)
        todo += _children(p)
    return total


# ---- qifa ----------------------------------------------------------------------------------------
def make_settings(data_dir: Path, **overrides: Any) -> Any:
    """A fresh ``Settings`` on an embedded store in ``data_dir`` (no .env file, no server URLs). The statutes
    pack is left out: these benchmarks index the sample corpus themselves (bench_start.py measures the pack)."""
    from config import Settings

    values: dict[str, Any] = {"data_dir": data_dir, "database_url": None, "chroma_url": None,
                              "shipped_packs": "none"}
    values.update(overrides)
    return Settings(_env_file=None, **values)


def make_runtime(data_dir: Path, **overrides: Any) -> Any:
    from composition import build_runtime

    return build_runtime(make_settings(data_dir, **overrides))


def chunk_texts(rt: Any) -> list[tuple[str, str, str]]:
    """(chunk id, document id, text as qifa indexes it) for every active chunk in the SQL store."""
    from sqlalchemy import select

    from db.models_kb import KbChunk, KbDocument
    from knowledge.chunking import index_text

    with rt.db.session() as s:
        rows = s.execute(
            select(KbChunk.id, KbChunk.document_id, KbChunk.locator, KbChunk.heading_path, KbChunk.text,
                   KbDocument.title).join(KbDocument).where(KbDocument.active).order_by(KbChunk.id)
        ).all()
    return [(r.id, r.document_id, index_text(r.title, r.heading_path, r.locator, r.text)) for r in rows]


# ---- data ----------------------------------------------------------------------------------------
def load_cases(limit: int | None = None) -> list[dict[str, Any]]:
    if not QUESTIONS.is_file():
        sys.exit(f"bench: question set not found: {QUESTIONS}")
    cases = [json.loads(ln) for ln in QUESTIONS.read_text(encoding="utf-8").splitlines() if ln.strip()]
    return cases[:limit] if limit else cases


def questions(n: int = 40) -> list[str]:
    """``n`` question texts, spread evenly over the question set (every k-th, deterministic)."""
    msgs = [c["message"] for c in load_cases()]
    if len(msgs) <= n:
        return msgs
    step = len(msgs) / n
    return [msgs[int(i * step)] for i in range(n)]


def unpack_laws_all(dest: Path) -> Path:
    tarball = shared_dir() / "corpus" / "laws-all.tar.gz"
    if not tarball.is_file():
        sys.exit(f"bench: {tarball} not found")
    with tarfile.open(tarball) as tar:
        tar.extractall(dest, filter="data")
    return dest


def sample_docs(root: Path, n: int) -> list[Path]:
    """``n`` Markdown files from ``root``: sorted paths, every k-th (k = total // n)."""
    files = sorted(root.rglob("*.md"), key=lambda p: p.relative_to(root).as_posix())
    if n >= len(files):
        return files
    k = max(len(files) // n, 1)
    return files[::k][:n]


# ---- reporting -----------------------------------------------------------------------------------
def machine_info() -> dict[str, Any]:
    info: dict[str, Any] = {
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE"),
        "loadavg_1m": round(os.getloadavg()[0], 2),  # other processes share the cores: read figures with it
    }
    try:
        import numpy

        info["numpy"] = numpy.__version__
        from threadpoolctl import threadpool_info

        info["numpy_threads"] = [
            {"api": p.get("internal_api"), "threads": p.get("num_threads")} for p in threadpool_info()
        ]
    except Exception as exc:  # threadpoolctl is optional
        info["numpy_threads"] = f"unknown ({exc})"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return info


def deadline(seconds: float) -> None:
    """Dump every thread's stack and exit if the benchmark runs longer than ``seconds``."""
    faulthandler.dump_traceback_later(seconds, exit=True)


def print_table(headers: list[str], rows: list[list[Any]]) -> None:
    cells = [[str(h) for h in headers]] + [[_fmt(c) for c in r] for r in rows]
    widths = [max(_width(r[i]) for r in cells) for i in range(len(headers))]
    for n, r in enumerate(cells):
        print("  ".join(c + " " * (widths[i] - _width(c)) for i, c in enumerate(r)))
        if n == 0:
            print("  ".join("-" * w for w in widths))


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.2f}" if abs(v) < 1000 else f"{v:.0f}"
    return str(v)


def _width(s: str) -> int:
    return sum(2 if "\u4e00" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" else 1 for ch in s)


def save_json(path: str | None, data: dict[str, Any]) -> None:
    if path:
        Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
        print(f"\nfigures saved to {path}")


def pack_beside_big(pack_dir: Path, big: Any, queries: list[str], rounds: int,
                    big_label: str) -> tuple[dict[str, dict[str, float]], dict[str, object]]:
    """Hybrid search and ``assistant.handle`` latency on a pack-only runtime (built in ``pack_dir``) beside the big
    runtime ``big``, interleaved (order reversed every round); and whether each uses the exact in-memory search.
    Closes the pack-only runtime."""
    small = make_runtime(pack_dir, shipped_packs="laws")
    small.kb.warm_up()
    fns = {
        "hybrid, pack only": lambda q: small.kb.search(q, k=5),
        f"hybrid, {big_label}": lambda q: big.kb.search(q, k=5),
        "chat (assistant.handle), pack only": lambda q: small.assistant.handle(None, q),
        f"chat (assistant.handle), {big_label}": lambda q: big.assistant.handle(None, q),
    }
    for q in queries[:5]:
        for fn in fns.values():
            fn(q)
    samples: dict[str, list[float]] = {k: [] for k in fns}
    for r in range(rounds):
        for q in queries:
            for name in (list(fns) if r % 2 == 0 else list(fns)[::-1]):
                t0 = time.perf_counter()
                fns[name](q)
                samples[name].append(time.perf_counter() - t0)
    mirrored = {"pack only": small.kb.vectors.load_mirror(), big_label: big.kb.vectors.load_mirror()}
    small.close()
    return {k: summarize_ms(v) for k, v in samples.items()}, mirrored
