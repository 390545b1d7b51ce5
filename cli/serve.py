"""``qifa serve``: the HTTP API (and, when configured, the Telegram bot); ``--workers N`` for server mode.

One worker (the default) runs everything in one process, on the embedded defaults or not. Several workers
need a store every process can share: PostgreSQL (``QIFA_DATABASE_URL``) and a Chroma server
(``QIFA_CHROMA_URL``); anything else is refused with exit code 2. The start-up work (migrations, the shipped
knowledge, the intent model's fit) is done once, in a process of its own, before uvicorn starts the workers;
each worker then only opens what is there (``api.server.worker_app``).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
from typing import Any

from cli.errors import UserError
from config import Settings, get_settings

MAX_WORKERS = 64
NEEDS_CHROMA = ("--workers {n} 需要 Chroma 服务器：请设置 QIFA_CHROMA_URL（嵌入式 Chroma 索引不能被多个进程同时使用）"
                " / --workers {n} needs a Chroma server: set QIFA_CHROMA_URL (the embedded Chroma index is not safe"
                " across processes)")
NEEDS_POSTGRES = ("--workers {n} 需要 PostgreSQL：请设置 QIFA_DATABASE_URL=postgresql+psycopg://…"
                  "（SQLite 只供单个进程）/ --workers {n} needs PostgreSQL: set"
                  " QIFA_DATABASE_URL=postgresql+psycopg://… (SQLite serves one process)")


def add_parser(sub: Any) -> None:
    p = sub.add_parser("serve", help="run the HTTP API")
    p.add_argument("--host", help="bind address (default QIFA_HOST, 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default QIFA_PORT, 8000)")
    p.add_argument("--workers", type=int, default=1,
                   help="worker processes (default 1); more than 1 needs PostgreSQL and a Chroma server")
    p.set_defaults(func=serve)


def check_workers(settings: Settings, workers: int) -> None:
    """Refuse a number of workers the configured stores cannot serve (raises UserError, exit code 2)."""
    if not 1 <= workers <= MAX_WORKERS:
        raise UserError(f"--workers 应在 1 到 {MAX_WORKERS} 之间 / --workers must be between 1 and {MAX_WORKERS}")
    if workers == 1:
        return
    if not settings.chroma_url:
        raise UserError(NEEDS_CHROMA.format(n=workers))
    if not settings.sqlalchemy_url.startswith("postgresql"):
        raise UserError(NEEDS_POSTGRES.format(n=workers))


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from api.server import uvicorn_options
    from staff import SecretKeyError, signing_secret

    settings = get_settings()
    check_workers(settings, args.workers)
    try:
        signing_secret(settings)  # refuse a weak or published secret before the server starts
    except SecretKeyError as exc:
        raise UserError(str(exc)) from exc
    host, port = args.host or settings.host, args.port or settings.port
    if args.workers == 1:
        from api.app import create_app

        uvicorn.run(create_app(settings), host=host, port=port, log_level="info", **uvicorn_options(settings))
        return 0
    prepare_once()
    limit_threads(args.workers)
    uvicorn.run("api.server:worker_app", factory=True, workers=args.workers, host=host, port=port,
                log_level="info", **uvicorn_options(settings))
    return 0


THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def limit_threads(workers: int) -> None:
    """Each worker's numeric libraries (BLAS, OpenMP, torch) get their share of the cores, not every core: N
    workers each spinning one thread per core would fight over the cores. Set before the workers start (the
    libraries read it when loaded); a value the operator gave is kept."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    share = str(max(1, cores // workers))
    for name in THREAD_VARS:
        os.environ.setdefault(name, share)


def prepare_once() -> None:
    """Migrations, the shipped knowledge and the intent model's fit, once for every worker, in a process of its
    own (so the parent, which only supervises the workers, does not keep the embedding model in memory)."""
    proc = multiprocessing.get_context("spawn").Process(target=_prepare, name="qifa-prepare")
    proc.start()
    proc.join()
    if proc.exitcode != 0:
        raise UserError("启动准备失败（见上方日志）/ start-up preparation failed (see the log above)")


def _prepare() -> None:
    from composition import build_runtime

    build_runtime(Settings()).close()
