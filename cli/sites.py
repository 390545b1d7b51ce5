"""``qifa sites add|list|remove``: web sites allowed to embed the widget.

``add`` prints the new site key as its last line (for ``data-site-key``). Only the SQL store is opened.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import Any

from cli.errors import UserError
from config import get_settings


def add_parser(sub: Any) -> None:
    p = sub.add_parser("sites", help="web sites embedding the widget: add, list, remove")
    ssub = p.add_subparsers(dest="action", required=True)
    add = ssub.add_parser("add", help="register a site; prints its site key as the last line")
    add.add_argument("name", help="a short name, e.g. pujiang-justice")
    add.add_argument("--origin", action="append", default=[], metavar="URL",
                     help="an origin the widget is served from, e.g. https://sfj.pj.gov.cn (repeatable)")
    add.set_defaults(func=sites_add)
    ls = ssub.add_parser("list", help="list sites with their keys and origins")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=sites_list)
    rm = ssub.add_parser("remove", help="remove a site by name or key (its key stops working at once)")
    rm.add_argument("name", help="the site's name or key")
    rm.set_defaults(func=sites_remove)


def _with_sites(func: Callable[[Any], Any]) -> Any:
    from db import DataDirError, open_database
    from sites import SiteError, Sites

    try:
        database = open_database(get_settings())
    except DataDirError as exc:
        raise UserError(str(exc)) from exc
    try:
        return func(Sites(database))
    except SiteError as exc:
        raise UserError(str(exc)) from exc
    finally:
        database.dispose()


def sites_add(args: argparse.Namespace) -> int:
    site = _with_sites(lambda sites: sites.add(args.name, args.origin))
    print(f"added site {site.name} for {', '.join(site.origins)}")
    print(f'embed: <script src="https://QIFA_HOST/widget.js" data-site-key="{site.key}" defer></script>')
    print(site.key)
    return 0


def sites_list(args: argparse.Namespace) -> int:
    sites = _with_sites(lambda s: s.list())
    if args.json:
        print(json.dumps([s.to_json() for s in sites], ensure_ascii=False))
        return 0
    for s in sites:
        state = "active" if s.active else "removed"
        print(f"{s.name:24s} {s.key:28s} {state:8s} {' '.join(s.origins)}")
    print(f"{len(sites)} sites")
    return 0


def sites_remove(args: argparse.Namespace) -> int:
    site = _with_sites(lambda s: s.remove(args.name))
    print(f"removed site {site.name} (its key no longer works)")
    return 0
