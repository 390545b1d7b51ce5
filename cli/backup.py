"""``qifa backup PATH`` and ``qifa restore PATH`` (see composition/backup.py for what is copied and how)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from cli.errors import UserError
from config import get_settings


def add_parser(sub: Any) -> None:
    b = sub.add_parser("backup", help="a consistent copy of the data dir (store, index, files), server running or not")
    b.add_argument("path", help="a new folder for the backup")
    b.set_defaults(func=backup)
    r = sub.add_parser("restore", help="restore a backup into an empty data dir (QIFA_DATA_DIR)")
    r.add_argument("path", help="a folder written by qifa backup")
    r.set_defaults(func=restore)


def backup(args: argparse.Namespace) -> int:
    from composition.backup import BackupError
    from composition.backup import backup as take

    try:
        report = take(get_settings(), Path(args.path))
    except BackupError as exc:
        raise UserError(str(exc)) from exc
    print(report.summary())
    return 0


def restore(args: argparse.Namespace) -> int:
    from composition import build_runtime
    from composition.backup import BackupError, RestoreReport, copy_in

    settings = get_settings()
    try:
        files = copy_in(settings, Path(args.path))
    except BackupError as exc:
        raise UserError(str(exc)) from exc
    rt = build_runtime(settings)  # migrates a backup of an older version to this one
    try:
        removed, embedded = rt.kb.repair()
        chunks = int(str(rt.kb.stats()["chunks"]))
    finally:
        rt.close()
    print(RestoreReport(settings.data_dir, files, chunks, removed, embedded).summary())
    return 0
