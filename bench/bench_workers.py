"""Throughput of ``qifa serve`` by configuration: one process on the embedded defaults, one worker and two
workers in server mode (PostgreSQL + a Chroma server), 16 concurrent clients posting whole chats.

    python bench/bench_workers.py --postgres postgresql+psycopg://USER@HOST:PORT/postgres \
        [--configs embedded-1,server-1,server-2] [--clients 16] [--duration 20] [--packs laws] [--out workers.json]

``--postgres`` (default: ``QIFA_TEST_POSTGRES_URL``) names a server database from which a throw-away database is
created per configuration (and dropped after). The Chroma server is started here (``chroma run`` on a free
loopback port, data in a temporary folder). The load is ``wrk`` (``-t2 -c<clients>``, a Lua script posting
``/api/v1/chat`` with questions from ``eval/tune.jsonl``, each request a new conversation) when it is on the PATH,
else an httpx client with the same shape. Rate limits are off (``QIFA_RATE_LIMIT_PER_IP=0``,
``QIFA_RATE_LIMIT_PER_SESSION=0``). wrk shares the machine with the server: on 2 cores it takes part of one.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from common import REPO, machine_info, percentile, print_table, proc_cpu, questions, save_json, temp_dir, tree_cpu

TARGET_TWO_WORKERS = 150.0  # chat requests/s with two workers, 16 clients (issue 15)
SECRET = "bench-workers-secret-key-0123456789abcdef0123456789"


def backends_cpu(database: str) -> float:
    """CPU seconds of the PostgreSQL backends serving ``database`` (their command line names it)."""
    total = 0.0
    for d in Path("/proc").glob("[0-9]*"):
        try:
            cmd = (d / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if cmd.startswith("postgres: ") and f" {database} " in cmd:
            total += proc_cpu(int(d.name))
    return total


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_http(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            sys.exit(f"bench: {proc.args} exited:\n{log.read_text(errors='replace')[-3000:]}")
        if time.monotonic() > deadline:
            sys.exit(f"bench: {url} did not answer within {timeout:.0f} s")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextmanager
def chroma_server(folder: Path) -> Iterator[tuple[str, int]]:
    exe = shutil.which("chroma", path=str(Path(sys.executable).parent)) or shutil.which("chroma")
    if exe is None:
        sys.exit("bench: the `chroma` command (package chromadb) was not found")
    port = free_port()
    log = folder / "chroma.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([exe, "run", "--path", str(folder / "chroma"), "--host", "127.0.0.1",
                                 "--port", str(port)], stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(url + "/api/v2/heartbeat", proc, log, 60)
        yield url, proc.pid
    finally:
        stop(proc)


@contextmanager
def throwaway_database(admin_url: str) -> Iterator[str]:
    from sqlalchemy import create_engine, text

    name = f"qifa_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def qifa_serve(folder: Path, workers: int, packs: str, query_cache: int = 0,
               **extra: str) -> Iterator[tuple[str, int]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QIFA_")}
    env.update(QIFA_DATA_DIR=str(folder / "var"), QIFA_SHIPPED_PACKS=packs, QIFA_SECRET_KEY=SECRET,
               QIFA_QUERY_CACHE_SIZE=str(query_cache),
               QIFA_RATE_LIMIT_PER_IP="0", QIFA_RATE_LIMIT_PER_SESSION="0", QIFA_RATE_LIMIT_PER_SITE="0",
               QIFA_LOG_FORMAT="text", PYTHONPATH=str(REPO), **extra)
    port = free_port()
    log = folder / f"serve-{workers}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "cli.main", "serve", "--workers", str(workers),
                                 "--port", str(port)], cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(url + "/healthz", proc, log, 600)
        if workers > 1:  # /healthz answers once the first worker is up: wait for every worker
            deadline = time.monotonic() + 300
            while log.read_text(errors="replace").count("Application startup complete") < workers:
                if time.monotonic() > deadline:
                    sys.exit("bench: not every worker started")
                time.sleep(0.3)
        yield url, proc.pid
    finally:
        stop(proc)


LUA = """
local qs = {%s}
local n = 0
request = function()
  n = n + 1
  return wrk.format("POST", "/api/v1/chat", {["Content-Type"] = "application/json"}, qs[(n %% #qs) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRKJSON {\\"requests\\": %%d, \\"duration_us\\": %%d, \\"status_errors\\": %%d, " ..
    "\\"socket_errors\\": %%d, \\"p50_ms\\": %%.2f, \\"p95_ms\\": %%.2f, \\"p99_ms\\": %%.2f}\\n",
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""


def lua_script(folder: Path, msgs: list[str]) -> Path:
    bodies = [json.dumps(json.dumps({"message": m}, ensure_ascii=False), ensure_ascii=False) for m in msgs]
    path = folder / "chat.lua"
    path.write_text(LUA % ", ".join(bodies), encoding="utf-8")
    return path


def load_wrk(url: str, script: Path, clients: int, duration: int) -> dict[str, Any]:
    done = subprocess.run(["wrk", "-t2", f"-c{clients}", f"-d{duration}s", "--timeout", "10s", "-s", str(script),
                           url], capture_output=True, text=True, timeout=duration + 60)
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("WRKJSON ")), None)
    if line is None:
        sys.exit(f"bench: wrk said:\n{done.stdout}\n{done.stderr}")
    raw = json.loads(line[len("WRKJSON "):])
    seconds = raw["duration_us"] / 1e6
    ok = raw["requests"] - raw["status_errors"]
    return {"tool": "wrk", "requests": raw["requests"], "errors": raw["status_errors"] + raw["socket_errors"],
            "rps": round(ok / seconds, 1), "p50_ms": raw["p50_ms"], "p95_ms": raw["p95_ms"], "p99_ms": raw["p99_ms"],
            "seconds": round(seconds, 1)}


async def _load_httpx(url: str, msgs: list[str], clients: int, duration: int) -> dict[str, Any]:
    lat: list[float] = []
    errors = 0
    stop_at = time.monotonic() + duration

    async def one(i: int, client: httpx.AsyncClient) -> None:
        nonlocal errors
        n = i
        while time.monotonic() < stop_at:
            n += clients
            t0 = time.perf_counter()
            try:
                r = await client.post("/api/v1/chat", json={"message": msgs[n % len(msgs)]})
                ok = r.status_code == 200
            except httpx.HTTPError:
                ok = False
            if ok:
                lat.append(time.perf_counter() - t0)
            else:
                errors += 1

    started = time.monotonic()
    limits = httpx.Limits(max_connections=clients)
    async with httpx.AsyncClient(base_url=url, timeout=10, limits=limits) as client:
        await asyncio.gather(*(one(i, client) for i in range(clients)))
    seconds = time.monotonic() - started
    return {"tool": "httpx", "requests": len(lat) + errors, "errors": errors, "rps": round(len(lat) / seconds, 1),
            "p50_ms": round(percentile(lat, 50) * 1000, 2), "p95_ms": round(percentile(lat, 95) * 1000, 2),
            "p99_ms": round(percentile(lat, 99) * 1000, 2), "seconds": round(seconds, 1)}


def measure(url: str, folder: Path, msgs: list[str], clients: int, duration: int,
            meters: dict[str, Callable[[], float]]) -> dict[str, Any]:
    """The load's figures, and the CPU each part used per answered request (``meters``: part -> CPU seconds
    so far), a figure the other jobs on a shared machine disturb far less than requests/s."""
    for m in msgs[:10]:  # warm-up: every worker's first answers (caches, lazy imports)
        httpx.post(url + "/api/v1/chat", json={"message": m}, timeout=30)
    before = {k: f() for k, f in meters.items()}
    if shutil.which("wrk"):
        figures = load_wrk(url, lua_script(folder, msgs), clients, duration)
    else:
        figures = asyncio.run(_load_httpx(url, msgs, clients, duration))
    answered = max(1, figures["requests"] - figures["errors"])
    cpu = {k: round((f() - before[k]) * 1000 / answered, 1) for k, f in meters.items()}
    figures["cpu_ms_per_request"] = {**cpu, "total": round(sum(cpu.values()), 1)}
    return figures


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--postgres", default=os.environ.get("QIFA_TEST_POSTGRES_URL", ""),
                    help="a PostgreSQL server database to create throw-away databases from")
    ap.add_argument("--configs", default="embedded-1,server-1,server-2")
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--duration", type=int, default=20)
    ap.add_argument("--packs", default="laws", help="QIFA_SHIPPED_PACKS of the server (default laws)")
    ap.add_argument("--query-cache", type=int, default=0,
                    help="QIFA_QUERY_CACHE_SIZE of the servers (default 0: off, since the bench repeats its questions)")
    ap.add_argument("--out")
    args = ap.parse_args()
    configs = [c.strip() for c in args.configs.split(",") if c.strip()]
    if any(c.startswith("server") for c in configs) and not args.postgres:
        sys.exit("bench: server mode needs --postgres (or QIFA_TEST_POSTGRES_URL)")
    msgs = questions(40)
    results: list[dict[str, Any]] = []
    with temp_dir("qifa-bench-workers-") as root:
        for config in configs:
            kind, _, n = config.partition("-")
            workers = int(n or 1)
            folder = root / config
            folder.mkdir()
            print(f"{config}: starting qifa serve --workers {workers} …", flush=True)
            if kind == "embedded":
                with qifa_serve(folder, workers, args.packs, args.query_cache) as (url, pid):
                    figures = measure(url, folder, msgs, args.clients, args.duration,
                                      {"api": lambda pid=pid: tree_cpu(pid)})
            else:
                with chroma_server(folder) as (chroma, chroma_pid), \
                        throwaway_database(args.postgres) as database, \
                        qifa_serve(folder, workers, args.packs, args.query_cache, QIFA_CHROMA_URL=chroma,
                                   QIFA_DATABASE_URL=database) as (url, pid):
                    name = database.rsplit("/", 1)[1]
                    figures = measure(url, folder, msgs, args.clients, args.duration,
                                      {"api": lambda pid=pid: tree_cpu(pid),
                                       "chroma": lambda cp=chroma_pid: tree_cpu(cp),
                                       "postgres": lambda n=name: backends_cpu(n)})
            figures.update(config=config, workers=workers, clients=args.clients,
                           loadavg_1m=round(os.getloadavg()[0], 2))
            results.append(figures)
            print(f"  {figures['rps']} req/s, p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms, "
                  f"{figures['errors']} errors, CPU ms/request {figures['cpu_ms_per_request']}", flush=True)
    base = next((r["rps"] for r in results if r["config"] == "server-1"), None)
    cores = len(os.sched_getaffinity(0))
    rows = []
    for r in results:
        cpu = r["cpu_ms_per_request"]
        # what the cores could answer if the benchmark had the machine to itself (wrk's own CPU not counted)
        r["idle_capacity_rps"] = round(cores * 1000 / cpu["total"], 1) if cpu["total"] else None
        rows.append([r["config"], r["workers"], r["clients"], r["requests"], r["errors"], r["rps"],
                     round(r["rps"] / base, 2) if base else "", r["p50_ms"], r["p95_ms"], r["p99_ms"],
                     cpu.get("api"), cpu.get("chroma", ""), cpu.get("postgres", ""), r["idle_capacity_rps"],
                     r["loadavg_1m"]])
    print()
    print_table(["config", "workers", "clients", "requests", "errors", "req/s", "× server-1", "p50 ms", "p95 ms",
                 "p99 ms", "cpu api", "cpu chroma", "cpu pg", f"{cores} cores/cpu", "load 1m"], rows)
    print("cpu …: CPU ms per answered request; "
          f"{cores} cores/cpu: requests/s the cores could answer at that CPU cost, on an otherwise idle machine")
    two = next((r for r in results if r["config"] == "server-2"), None)
    verdict = None
    if two is not None:
        verdict = two["rps"] >= TARGET_TWO_WORKERS
        print(f"\ntwo workers: {two['rps']} req/s, target ≥ {TARGET_TWO_WORKERS:.0f}: "
              f"{'PASS' if verdict else 'MISS'}")
    save_json(args.out, {"machine": machine_info(), "packs": args.packs, "duration_s": args.duration,
                         "results": results, "target_two_workers_rps": TARGET_TWO_WORKERS,
                         "two_workers_pass": verdict})
    return 0


if __name__ == "__main__":
    sys.exit(main())
