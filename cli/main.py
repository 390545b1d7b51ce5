"""Entry point: ``qifa ingest|ask|documents|stats|eval|serve|users|sites|packs|purge|words|backup|restore|alerts``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from pydantic import ValidationError

from cli import alerts, backup, commands, packs, purge, serve, sites, users, words
from cli.errors import UserError


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="qifa", description="qifa (企法通): legal-service assistant for enterprises")
    sub = p.add_subparsers(dest="command", required=True)

    ing = sub.add_parser("ingest", help="add or update documents (PDF, DOCX, HTML, Markdown, TXT)")
    ing.add_argument("paths", nargs="*", help="files or folders")
    ing.add_argument("--rebuild", action="store_true", help="rebuild the vector index with the configured model")
    ing.set_defaults(func=commands.ingest)

    ask = sub.add_parser("ask", help="ask a question")
    ask.add_argument("message", nargs="?", help="the question")
    ask.add_argument("--session", help="continue a session by id")
    ask.add_argument("--json", action="store_true", help="print JSON")
    ask.add_argument("--batch", help="a JSONL file of {id, message} lines; one JSON answer per line")
    ask.add_argument("--lang", choices=["zh", "en"], help="reply language (default: detected)")
    ask.set_defaults(func=commands.ask)

    docs = sub.add_parser("documents", help="list or remove indexed documents")
    dsub = docs.add_subparsers(dest="action", required=True)
    dl = dsub.add_parser("list", help="list documents")
    dl.add_argument("--json", action="store_true")
    dl.set_defaults(func=commands.documents_list)
    dr = dsub.add_parser("remove", help="remove a document and its chunks")
    dr.add_argument("id")
    dr.set_defaults(func=commands.documents_remove)

    st = sub.add_parser("stats", help="documents, chunks, embedding model, index sizes")
    st.add_argument("--json", action="store_true")
    st.set_defaults(func=commands.stats)

    ev = sub.add_parser("eval", help="measure retrieval and routing on a question set")
    ev.add_argument("file", nargs="?", help="JSONL question set (default: both eval/tune.jsonl and eval/test.jsonl)")
    ev.add_argument("--mode", choices=["hybrid", "bm25", "dense", "all"], default="all")
    ev.add_argument("--json", action="store_true", help="print the figures as JSON")
    ev.add_argument("--cases", action="store_true",
                    help="list the missed cases of a held-out part too (eval/test.jsonl, eval/pack.jsonl: totals "
                         "only without it; listing them spoils the part for tuning)")
    ev.set_defaults(func=commands.evaluate)

    serve.add_parser(sub)
    users.add_parser(sub)
    sites.add_parser(sub)
    packs.add_parser(sub)
    purge.add_parser(sub)
    words.add_parser(sub)
    backup.add_parser(sub)
    alerts.add_parser(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except ValidationError as exc:  # QIFA_* settings that cannot be used: say which, at start
        problems = "; ".join(f"QIFA_{'_'.join(str(p) for p in e['loc']).upper()}: {e['msg']}" for e in exc.errors())
        print(f"qifa: invalid settings: {problems}", file=sys.stderr)
        return 2
    except UserError as exc:
        print(f"qifa: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("qifa: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `qifa eval --json | head`: the reader left; nothing more to say
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
