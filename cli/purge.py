"""``qifa purge``: delete conversations past ``QIFA_CONVERSATION_RETENTION_DAYS`` and the personal details of
closed orders past their retention date (``qifa serve`` also does this once a day). Only the SQL store is
opened."""

from __future__ import annotations

import argparse
import json
from typing import Any

from cli.errors import UserError
from config import get_settings


def add_parser(sub: Any) -> None:
    p = sub.add_parser("purge", help="delete conversations and order details past their retention period")
    p.add_argument("--json", action="store_true", help="print the counts as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from composition import purge
    from db import DataDirError, open_database

    settings = get_settings()
    try:
        db = open_database(settings)
    except DataDirError as exc:
        raise UserError(str(exc)) from exc
    try:
        report = purge(db, settings)
    finally:
        db.dispose()
    if args.json:
        print(json.dumps(report.to_json()))
    else:
        print(f"deleted {report.conversations} conversations; erased the personal details of {report.orders} orders")
    return 0
