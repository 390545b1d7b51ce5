"""``qifa words add|list|remove``: the staff-edited sensitive-word list (the shipped list is always in force).

Only the SQL store is opened. Running servers pick up a change within 30 s.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from cli.errors import UserError
from config import get_settings


def add_parser(sub: Any) -> None:
    p = sub.add_parser("words", help="sensitive words: add, list, remove (on messages and answers)")
    wsub = p.add_subparsers(dest="action", required=True)
    add = wsub.add_parser("add", help="add a word or phrase")
    add.add_argument("word")
    add.set_defaults(func=words_add)
    ls = wsub.add_parser("list", help="list the words (staff-added, and with --shipped the shipped ones too)")
    ls.add_argument("--shipped", action="store_true")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=words_list)
    rm = wsub.add_parser("remove", help="remove a staff-added word")
    rm.add_argument("word")
    rm.set_defaults(func=words_remove)


def _run(func_name: str, *a: str) -> Any:
    from assistant.moderation import SensitiveWords, WordError
    from db import DataDirError, open_database

    try:
        db = open_database(get_settings())
    except DataDirError as exc:
        raise UserError(str(exc)) from exc
    try:
        return getattr(SensitiveWords(db), func_name)(*a)
    except WordError as exc:
        raise UserError(str(exc)) from exc
    finally:
        db.dispose()


def words_add(args: argparse.Namespace) -> int:
    print(f"added: {_run('add', args.word)}")
    return 0


def words_remove(args: argparse.Namespace) -> int:
    _run("remove", args.word)
    print(f"removed: {args.word.strip()}")
    return 0


def words_list(args: argparse.Namespace) -> int:
    from assistant.moderation import shipped_words

    staff = _run("staff_words")
    rows = [{"word": w, "source": "staff"} for w in staff]
    if args.shipped:
        rows = [{"word": w, "source": "shipped"} for w in shipped_words()] + rows
    if args.json:
        print(json.dumps(rows, ensure_ascii=False))
        return 0
    for r in rows:
        print(f"{r['word']}\t{r['source']}")
    print(f"{len(rows)} words")
    return 0
