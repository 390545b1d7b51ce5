"""``qifa packs list``: the knowledge packs shipped with qifa and whether each is installed in this data dir."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from typing import Any

from config import get_settings


def add_parser(sub: Any) -> None:
    p = sub.add_parser("packs", help="knowledge packs shipped with qifa")
    psub = p.add_subparsers(dest="action", required=True)
    pl = psub.add_parser("list", help="each pack: documents, chunks, installed or not")
    pl.add_argument("--json", action="store_true", help="print JSON")
    pl.set_defaults(func=packs_list)


def packs_list(args: argparse.Namespace) -> int:
    from cli.errors import UserError
    from db import DataDirError, open_database
    from knowledge.factory import open_knowledge_base, selected_packs
    from knowledge.packs import PackError, pack_status, shipped_packs
    from knowledge.retokenize import status
    from knowledge.vectors import IndexModelMismatch

    settings = get_settings()
    try:
        packs = shipped_packs()
        selected = {p.name for p in selected_packs(settings)}
        db = open_database(settings)
        kb = open_knowledge_base(settings, db)
    except (PackError, DataDirError, IndexModelMismatch) as exc:
        raise UserError(str(exc)) from exc
    rows = [{**asdict(pack_status(kb, p)), "selected": p.name in selected} for p in packs]
    tokens = status(db)  # this command does no start-up work: it says when the tokens are not current
    db.dispose()
    if args.json:
        print(json.dumps(rows, ensure_ascii=False))
        if tokens:
            print(tokens, file=sys.stderr)
        return 0
    for r in rows:
        state = "installed" if r["installed"] else "not installed"
        chosen = "" if r["selected"] else "  (not selected: QIFA_SHIPPED_PACKS / QIFA_SHIPPED_KNOWLEDGE)"
        vectors = "shipped vectors" if r["vectors"] else "no shipped vectors for this model"
        print(f"{r['name']:8s} {r['title']}  {r['documents']} documents ({r['in_force']} in force), "
              f"{r['chunks']} chunks, {state}, {vectors}{chosen}")
    if tokens:
        print(tokens)
    return 0
