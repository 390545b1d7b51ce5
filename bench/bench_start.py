"""Benchmark: how long ``qifa serve`` takes to answer /healthz on a fresh data dir (installing the shipped
guides, catalogue and statutes pack from their shipped vectors) and on a later start (nothing to do), and its
resident memory with the pack loaded. Needs no shared data.

    python bench/bench_start.py [--rounds 3] [--packs laws] [--out start.json]

Each round: a real ``python -m cli.main serve`` subprocess on a free port with a new temporary data dir
(first start), stopped, then started again on the same data dir (warm start). The memory (VmRSS, VmHWM from
/proc/<pid>/status) is read after one chat answer of the warm server. Targets: first < 30 s, warm < 10 s.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGET_FIRST_S, TARGET_WARM_S = 30.0, 10.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def memory_mb(pid: int) -> dict[str, float]:
    out: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = round(int(value.split()[0]) / 1024, 1)
    return out


def start(data_dir: Path, packs: str) -> tuple[subprocess.Popen[bytes], int, float]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QIFA_")}
    env.update(QIFA_DATA_DIR=str(data_dir), QIFA_SHIPPED_PACKS=packs, PYTHONPATH=str(REPO))
    port = free_port()
    began = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "cli.main", "serve", "--port", str(port)], cwd=data_dir.parent,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while time.monotonic() - began < 300:
        if proc.poll() is not None:
            sys.exit(f"bench: qifa serve exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
                if r.status == 200:
                    return proc, port, time.monotonic() - began
        except OSError:
            time.sleep(0.05)
    proc.kill()
    sys.exit("bench: /healthz did not answer within 300 s")


def ask(port: int, message: str) -> float:
    began = time.monotonic()
    req = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/chat", method="POST",
                                 data=json.dumps({"message": message}).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        json.loads(r.read())
    return time.monotonic() - began


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    proc.wait(timeout=30)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--packs", default="laws", help="QIFA_SHIPPED_PACKS for the server ('none': guides only)")
    ap.add_argument("--out", help="save the figures as JSON")
    args = ap.parse_args(argv)
    rows = []
    for n in range(args.rounds):
        tmp = Path(tempfile.mkdtemp(prefix="qifa-bench-start-"))
        try:
            proc, _, first = start(tmp / "var", args.packs)
            stop(proc)
            proc, port, warm = start(tmp / "var", args.packs)
            first_answer = ask(port, "公司拖欠工资，员工可以怎么办？")
            mem = memory_mb(proc.pid)
            stop(proc)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        rows.append({"first_s": round(first, 2), "warm_s": round(warm, 2), "first_answer_s": round(first_answer, 2),
                     **mem})
        print(f"round {n + 1}: first start {first:.1f} s, warm start {warm:.1f} s, first answer "
              f"{first_answer:.2f} s, RSS {mem.get('VmRSS')} MB (peak {mem.get('VmHWM')} MB)", flush=True)
    first_med = statistics.median(r["first_s"] for r in rows)
    warm_med = statistics.median(r["warm_s"] for r in rows)
    load = os.getloadavg()[0]
    print(f"median: first start {first_med:.1f} s (target < {TARGET_FIRST_S:.0f} s: "
          f"{'PASS' if first_med < TARGET_FIRST_S else 'FAIL'}), warm start {warm_med:.1f} s (target < "
          f"{TARGET_WARM_S:.0f} s: {'PASS' if warm_med < TARGET_WARM_S else 'FAIL'}); load average {load:.1f}, "
          f"{os.cpu_count()} cores")
    if args.out:
        Path(args.out).write_text(json.dumps({"rounds": rows, "load": load}, indent=1))
    return 0 if first_med < TARGET_FIRST_S and warm_med < TARGET_WARM_S else 1


if __name__ == "__main__":
    sys.exit(main())
