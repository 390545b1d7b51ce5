"""A bounded load test on loopback: N web sessions chatting for a while, an adviser answering hand-offs, a curator
adding documents; then every acknowledged message is looked for in the store.

    python bench/bench_load.py [--sessions 50] [--duration 120] [--think 1.0-3.0] [--packs laws] [--out load.json]

A fresh data dir in a temporary folder, a real ``qifa serve`` on 127.0.0.1 (a free port), traffic with httpx
async. Nothing leaves the machine. The curator has no upload API yet: ``qifa ingest`` runs as a second process on
the same data dir (the server sees the new documents through the knowledge base's version counter). Exit code 1
when any request failed other than a deliberate 429, or when an acknowledged message is missing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
QUESTIONS = REPO / "eval" / "questions.jsonl"
PASSWORD = "bench-load-pass-1"


@dataclass
class Figures:
    chat_latency: list[float] = field(default_factory=list)
    chat_spans: list[tuple[float, float]] = field(default_factory=list)  # (sent, answered), monotonic
    samples: list[tuple[float, float, str]] = field(default_factory=list)  # (sent, seconds, route)
    ingest_span: tuple[float, float] | None = None
    chat_ok: int = 0
    rate_limited: int = 0
    errors: list[str] = field(default_factory=list)
    acked: dict[str, list[int]] = field(default_factory=dict)  # session -> bot message ids acknowledged
    handoffs: int = 0
    adviser_replies: list[tuple[str, str]] = field(default_factory=list)  # (session, text)
    ingest: dict[str, Any] = field(default_factory=dict)


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def env_for(data_dir: Path, packs: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QIFA_")}
    env.update(QIFA_DATA_DIR=str(data_dir), QIFA_SHIPPED_PACKS=packs, PYTHONPATH=str(REPO),
               QIFA_SECRET_KEY="bench-load-secret-key-0123456789abcdef0123",
               # every session comes from 127.0.0.1, so the per-address limit would stop the run; the per-session
               # limit (QIFA_RATE_LIMIT_PER_SESSION) stays on, and its 429s are the deliberate ones counted
               QIFA_RATE_LIMIT_PER_IP="0")
    return env


def qifa(env: dict[str, str], *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cli.main", *args], cwd=REPO, env=env, input=stdin,
                          capture_output=True, text=True, timeout=600)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def wait_ready(url: str, proc: subprocess.Popen[bytes]) -> float:
    began = time.monotonic()
    async with httpx.AsyncClient(timeout=2) as c:
        while time.monotonic() - began < 300:
            if proc.poll() is not None:
                sys.exit(f"bench: qifa serve exited with {proc.returncode}")
            try:
                if (await c.get(url + "/healthz")).status_code == 200:
                    return time.monotonic() - began
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    sys.exit("bench: /healthz did not answer within 300 s")


async def session(c: httpx.AsyncClient, n: int, questions: list[str], until: float, think: tuple[float, float],
                  fig: Figures) -> None:
    rng = random.Random(n)
    sid: str | None = None
    turn = 0
    while time.monotonic() < until:
        turn += 1
        # every 10th session asks for a person once, a third of the way in
        text = "转人工" if n % 10 == 0 and turn == 4 else rng.choice(questions)
        began = time.monotonic()
        try:
            r = await c.post("/api/v1/chat", json={"message": text, "session_id": sid})
        except httpx.HTTPError as exc:
            fig.errors.append(f"chat: {type(exc).__name__}")
            continue
        elapsed = time.monotonic() - began
        if r.status_code == 429:
            fig.rate_limited += 1
            await asyncio.sleep(float(r.headers.get("Retry-After", "1")))
            continue
        if r.status_code != 200:
            fig.errors.append(f"chat: {r.status_code} {r.text[:200]}")
            continue
        body = r.json()
        sid = body["session_id"]
        fig.chat_ok += 1
        fig.chat_latency.append(elapsed)
        fig.chat_spans.append((began, began + elapsed))
        fig.samples.append((began, elapsed, body["route"]))
        if body["message_id"] is not None:
            fig.acked.setdefault(sid, []).append(body["message_id"])
        if body["route"] == "handoff" and text == "转人工":
            fig.handoffs += 1
        await asyncio.sleep(rng.uniform(*think))


async def adviser(c: httpx.AsyncClient, until: float, fig: Figures) -> None:
    r = await c.post("/api/v1/auth/token", data={"username": "advisor", "password": PASSWORD})
    headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
    while time.monotonic() < until:
        try:
            queue = await c.get("/api/v1/handoffs", headers=headers, params={"status": "open"})
            if queue.status_code != 200:
                fig.errors.append(f"adviser queue: {queue.status_code}")
            for item in queue.json() if queue.status_code == 200 else []:
                case = item.get("case", item)
                cid, sid = case["id"], case["session_id"]
                claim = await c.post(f"/api/v1/handoffs/{cid}/claim", headers=headers)
                text = f"您好，我是法律顾问，已收到您的问题（案件 {cid}）。"
                reply = await c.post(f"/api/v1/handoffs/{cid}/reply", headers=headers, json={"text": text})
                if claim.status_code != 200 or reply.status_code != 201:
                    fig.errors.append(f"adviser: claim {claim.status_code} reply {reply.status_code}")
                else:
                    fig.adviser_replies.append((sid, text))
        except httpx.HTTPError as exc:
            fig.errors.append(f"adviser: {type(exc).__name__}")
        await asyncio.sleep(2.0)


async def curator(env: dict[str, str], docs: Path, delay: float, fig: Figures) -> None:
    await asyncio.sleep(delay)
    began = time.monotonic()
    done = await asyncio.to_thread(qifa, env, "ingest", str(docs))
    fig.ingest_span = (began, time.monotonic())
    fig.ingest = {"seconds": round(time.monotonic() - began, 1), "exit": done.returncode,
                  "summary": (done.stdout.strip().splitlines() or [""])[-1], "stderr": done.stderr.strip()[-300:]}
    if done.returncode != 0:
        fig.errors.append(f"curator ingest exited {done.returncode}: {done.stderr.strip()[-200:]}")


def curator_docs(root: Path) -> Path:
    folder = root / "curator"
    folder.mkdir()
    for i in range(1, 6):
        body = "\n\n".join(f"第{n}条 本县第{i}号涉企服务规定的第{n}项内容：企业应当按期报送年度报告，"
                           "逾期的由主管部门督促。" for n in "一二三四五六")
        (folder / f"县级规定{i}.md").write_text(f"# 浦江县涉企服务规定第{i}号\n\n{body}\n", encoding="utf-8")
    return folder


async def verify(c: httpx.AsyncClient, fig: Figures) -> dict[str, int]:
    """Every acknowledged bot message and every adviser reply is stored in its session."""
    missing_bot = missing_adviser = 0
    stored: dict[str, list[dict[str, Any]]] = {}
    for sid in set(fig.acked) | {s for s, _ in fig.adviser_replies}:
        r = await c.get(f"/api/v1/sessions/{sid}/messages")
        while r.status_code == 429:  # the per-session limit counts these reads too: wait as told
            await asyncio.sleep(float(r.headers.get("Retry-After", "1")))
            r = await c.get(f"/api/v1/sessions/{sid}/messages")
        if r.status_code != 200:
            fig.errors.append(f"verify: {r.status_code} {r.text[:200]}")
        stored[sid] = r.json() if r.status_code == 200 else []
    for sid, ids in fig.acked.items():
        have = {m["id"] for m in stored[sid]}
        missing_bot += sum(1 for i in ids if i not in have)
    for sid, text in fig.adviser_replies:
        if not any(m["role"] == "adviser" and m["text"] == text for m in stored[sid]):
            missing_adviser += 1
    return {"sessions_checked": len(stored), "bot_messages_acked": sum(len(v) for v in fig.acked.values()),
            "bot_messages_missing": missing_bot, "adviser_replies_missing": missing_adviser}


async def main_async(args: argparse.Namespace) -> int:
    lo, _, hi = args.think.partition("-")
    think = (float(lo), float(hi or lo))
    questions = [json.loads(line)["message"] for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line]
    with tempfile.TemporaryDirectory(prefix="qifa-load-") as tmp:
        root = Path(tmp)
        env = env_for(root / "var", args.packs)
        for name, role in (("advisor", "adviser"), ("curator", "curator")):
            done = qifa(env, "users", "add", name, "--role", role, "--password-stdin", stdin=PASSWORD + "\n")
            if done.returncode != 0:
                sys.exit(f"bench: qifa users add failed: {done.stderr}")
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        log = (root / "serve.log").open("wb")
        proc = subprocess.Popen([sys.executable, "-m", "cli.main", "serve", "--port", str(port)], cwd=REPO,
                                env=env, stdout=log, stderr=subprocess.STDOUT)
        fig = Figures()
        try:
            start_s = await wait_ready(url, proc)
            limits = httpx.Limits(max_connections=args.sessions + 10, max_keepalive_connections=args.sessions + 10)
            async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as c:
                began = time.monotonic()
                until = began + args.duration
                tasks = [session(c, n, questions, until, think, fig) for n in range(args.sessions)]
                tasks.append(adviser(c, until + 5, fig))
                if not args.no_curator:
                    tasks.append(curator(env, curator_docs(root), args.duration / 4, fig))
                await asyncio.gather(*tasks)
                wall = time.monotonic() - began
                check = await verify(c, fig)
                found = (await c.post("/api/v1/chat", json={"message": "浦江县涉企服务规定第3号 年度报告"})).json()
                curator_visible = any("涉企服务规定" in x["title"] for x in found.get("citations", []))
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
            log.close()
        lat = fig.chat_latency
        a, b = fig.ingest_span or (0.0, 0.0)
        during = [e - s for s, e in fig.chat_spans if s < b and e > a]  # overlapping the curator's ingest
        outside = [e - s for s, e in fig.chat_spans if not (s < b and e > a)]
        report = {
            "sessions": args.sessions, "duration_s": args.duration, "think_s": args.think, "packs": args.packs,
            "server_start_s": round(start_s, 1), "wall_s": round(wall, 1),
            "chat_ok": fig.chat_ok, "chat_per_s": round(fig.chat_ok / wall, 1),
            "latency_ms": {k: round(pct(lat, p) * 1000, 1) for k, p in (("p50", 50), ("p95", 95), ("p99", 99))}
            | {"max": round(max(lat) * 1000, 1) if lat else None,
               "mean": round(statistics.mean(lat) * 1000, 1) if lat else None},
            "latency_outside_ingest_ms": {k: round(pct(outside, p) * 1000, 1) for k, p in (("p50", 50), ("p95", 95))}
            | {"n": len(outside)},
            "latency_during_ingest_ms": {k: round(pct(during, p) * 1000, 1) for k, p in (("p50", 50), ("p95", 95))}
            | {"n": len(during)},
            "rate_limited_429": fig.rate_limited, "errors": len(fig.errors), "error_samples": fig.errors[:10],
            "handoffs_asked": fig.handoffs, "adviser_replies": len(fig.adviser_replies),
            "curator_ingest": fig.ingest, "curator_documents_answerable": curator_visible, **check,
            "load_average": os.getloadavg(),
        }
    print(json.dumps(report, ensure_ascii=False, indent=2))
    if args.out:
        Path(args.out).write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    if args.samples:
        t0 = min((t for t, _, _ in fig.samples), default=0.0)
        Path(args.samples).write_text("\n".join(f"{t - t0:.2f}\t{d * 1000:.0f}\t{r}" for t, d, r in fig.samples))
    bad = report["errors"] or check["bot_messages_missing"] or check["adviser_replies_missing"]
    return 1 if bad else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, default=50)
    ap.add_argument("--duration", type=float, default=120.0, help="seconds of chatting (default 120)")
    ap.add_argument("--think", default="1.0-3.0", help="pause between a session's messages, seconds: LO-HI")
    ap.add_argument("--packs", default="laws", help="QIFA_SHIPPED_PACKS for the server ('none': guides only)")
    ap.add_argument("--out", help="write the figures as JSON here")
    ap.add_argument("--samples", help="write every chat's start (s), latency (ms) and route here, one per line")
    ap.add_argument("--no-curator", action="store_true", help="no ingest during the run")
    return asyncio.run(main_async(ap.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
