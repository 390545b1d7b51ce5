"""``qifa serve``: the HTTP API (and, when configured, the Telegram bot) in one process."""

from __future__ import annotations

import argparse
from typing import Any

from cli.errors import UserError
from config import get_settings


def add_parser(sub: Any) -> None:
    p = sub.add_parser("serve", help="run the HTTP API")
    p.add_argument("--host", help="bind address (default QIFA_HOST, 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default QIFA_PORT, 8000)")
    p.set_defaults(func=serve)


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from api.app import create_app
    from staff import SecretKeyError, signing_secret

    settings = get_settings()
    try:
        signing_secret(settings)  # refuse a weak or published secret before the server starts
    except SecretKeyError as exc:
        raise UserError(str(exc)) from exc
    from api.server import uvicorn_options

    uvicorn.run(create_app(settings), host=args.host or settings.host, port=args.port or settings.port,
                log_level="info", **uvicorn_options(settings))
    return 0
