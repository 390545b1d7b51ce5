"""``qifa users add|list|disable|passwd|logout``: staff accounts (advisers, curators, administrators).

Passwords are read from standard input (``--password-stdin``), never from the command line, where other
users of the machine could read them. Only the SQL store is opened: no knowledge base, no model.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from cli.errors import UserError
from config import get_settings


def add_parser(sub: Any) -> None:
    p = sub.add_parser("users", help="staff accounts: add, list, disable, change a password")
    usub = p.add_subparsers(dest="action", required=True)
    add = usub.add_parser("add", help="add a staff user")
    add.add_argument("name")
    add.add_argument("--role", required=True, help="adviser | curator | admin")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    add.set_defaults(func=users_add)
    ls = usub.add_parser("list", help="list staff users")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=users_list)
    dis = usub.add_parser("disable", help="disable a staff user (they can no longer log in)")
    dis.add_argument("name")
    dis.set_defaults(func=users_disable)
    pw = usub.add_parser("passwd", help="set a staff user's password")
    pw.add_argument("name")
    pw.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    pw.set_defaults(func=users_passwd)
    out = usub.add_parser("logout", help="log a staff user out everywhere (every login token stops working)")
    out.add_argument("name")
    out.set_defaults(func=users_logout)


def _accounts() -> Any:
    from db import DataDirError, open_database
    from staff import Accounts

    try:
        return Accounts(open_database(get_settings()))
    except DataDirError as exc:
        raise UserError(str(exc)) from exc


def _password(args: argparse.Namespace) -> str:
    if not args.password_stdin:
        raise UserError("give the password on standard input with --password-stdin "
                        "(e.g. printf '%s' \"$PW\" | qifa users add NAME --role adviser --password-stdin)")
    lines = sys.stdin.read().splitlines()
    return lines[0] if lines else ""


def _run(func: Any, *a: Any) -> Any:
    from staff import AccountError

    try:
        return func(*a)
    except AccountError as exc:
        raise UserError(str(exc)) from exc


def users_add(args: argparse.Namespace) -> int:
    password = _password(args)
    accounts = _accounts()
    try:
        user = _run(accounts.add, args.name, args.role, password)
    finally:
        accounts.db.dispose()
    print(f"added {user.role} {user.name}")
    return 0


def users_list(args: argparse.Namespace) -> int:
    accounts = _accounts()
    try:
        users = accounts.list()
    finally:
        accounts.db.dispose()
    if args.json:
        print(json.dumps([u.to_json() for u in users], ensure_ascii=False))
        return 0
    for u in users:
        state = "active" if u.active else "disabled"
        print(f"{u.name:20s} {u.role:8s} {state:8s} {u.created_at:%Y-%m-%d %H:%M}")
    print(f"{len(users)} users")
    return 0


def users_disable(args: argparse.Namespace) -> int:
    accounts = _accounts()
    try:
        user = _run(accounts.disable, args.name)
    finally:
        accounts.db.dispose()
    print(f"disabled {user.name}")
    return 0


def users_passwd(args: argparse.Namespace) -> int:
    password = _password(args)
    accounts = _accounts()
    try:
        user = _run(accounts.set_password, args.name, password)
    finally:
        accounts.db.dispose()
    print(f"password changed for {user.name}")
    return 0


def users_logout(args: argparse.Namespace) -> int:
    accounts = _accounts()
    try:
        user = _run(accounts.revoke_tokens, args.name)
    finally:
        accounts.db.dispose()
    print(f"logged out everywhere: {user.name}")
    return 0
