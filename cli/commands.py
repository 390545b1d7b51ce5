"""The sub-commands. Each builds what it needs from ``Settings`` and prints; nothing else lives here."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from cli.errors import UserError
from config import get_settings


def _runtime(rebuild: bool = False) -> Any:
    from composition import build_runtime
    from db import DataDirError
    from knowledge.packs import PackError
    from knowledge.vectors import IndexModelMismatch

    try:
        return build_runtime(get_settings(), rebuild=rebuild)
    except (DataDirError, IndexModelMismatch, PackError) as exc:
        raise UserError(str(exc)) from exc
    except Exception as exc:
        from knowledge.embeddings import EmbeddingModelError

        if isinstance(exc, EmbeddingModelError):
            raise UserError(str(exc)) from exc
        if type(exc).__name__ == "OperationalError":
            raise UserError(f"cannot open the database: {exc.args[0] if exc.args else exc}") from exc
        raise


def _print_json(obj: Any) -> None:
    print(json.dumps(obj, ensure_ascii=False))


def ingest(args: argparse.Namespace) -> int:
    from ingest.pipeline import ingest as run_ingest

    if not args.paths and not args.rebuild:
        raise UserError("give one or more files or folders to ingest (or --rebuild)")
    missing = [p for p in args.paths if not Path(p).exists()]
    if args.paths and len(missing) == len(args.paths):
        raise UserError("no such file or folder: " + ", ".join(missing))
    rt = _runtime(rebuild=args.rebuild)
    bar: Any = None

    def on_files(n: int) -> None:
        nonlocal bar
        from tqdm import tqdm

        bar = tqdm(total=n, unit="file", disable=not sys.stderr.isatty(), file=sys.stderr)

    def progress(path: Path) -> None:
        if bar is not None:
            bar.set_postfix_str(path.name[:30], refresh=False)
            bar.update(1)

    max_bytes = int(rt.settings.max_file_mb * 1e6)
    report = run_ingest(rt.kb, [Path(p) for p in args.paths], max_bytes, progress=progress, on_files=on_files,
                        workers=rt.settings.ingest_workers)
    if bar is not None:
        bar.close()
    if report.added or report.replaced:
        rt.kb.keep_snapshot()  # the server's next start loads the keyword index from disk
    for f in report.failures:
        print(f"failed: {f.path}: {f.reason}", file=sys.stderr)
    print(report.summary())
    rt.close()
    return 1 if report.failures else 0


def _ask_one(rt: Any, message: str, session: str | None, lang: str | None, rid: Any = None,
             batch: bool = False) -> dict[str, Any]:
    """The reply as JSON; a batch line's answer starts with the line's ``id``."""
    from assistant.conversations import UnknownSession
    from assistant.engine import InvalidMessage

    head: dict[str, Any] = {"id": rid} if batch else {}
    try:
        reply = rt.assistant.handle(session, message, lang=lang)
    except InvalidMessage as exc:
        return {**head, "session_id": session, "error": str(exc)}
    except UnknownSession:
        return {**head, "session_id": session, "error": f"no session with id '{session}' (leave out --session)"}
    return {**head, **reply.to_json()}


def ask(args: argparse.Namespace) -> int:
    if args.batch:
        return _ask_batch(args)
    message = args.message if args.message is not None else ("" if sys.stdin.isatty() else sys.stdin.read())
    rt = _runtime()
    out = _ask_one(rt, message, args.session, args.lang)
    rt.close()
    if "error" in out:
        raise UserError(out["error"])
    if args.json:
        _print_json(out)
        return 0
    print(out["reply"])
    if out["citations"]:
        print()
        for n, c in enumerate(out["citations"], start=1):
            print(f"[{n}] {c['title']} {c['locator']} — {c['source']}")
    print(f"\n(session {out['session_id']})", file=sys.stderr)
    return 0


def _ask_batch(args: argparse.Namespace) -> int:
    path = Path(args.batch)
    if not path.is_file():
        raise UserError(f"batch file not found: {path}")
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise UserError(f"{path} is not UTF-8 text") from exc
    rt = _runtime()
    bad = 0
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        item: Any = None
        try:
            item = json.loads(line)
            if not isinstance(item, dict) or not isinstance(item.get("message"), str):
                raise ValueError("each line needs a string field 'message'")
        except ValueError as exc:
            bad += 1
            rid = item.get("id") if isinstance(item, dict) else None
            _print_json({"id": rid, "line": n, "error": f"line {n}: {exc}"})
            continue
        _print_json(_ask_one(rt, item["message"], None, args.lang, item.get("id"), batch=True))
    rt.close()
    return 1 if bad else 0


def documents_list(args: argparse.Namespace) -> int:
    from knowledge.retokenize import status

    rt = _runtime()
    docs = rt.kb.documents()
    tokens = status(rt.db)  # rebuilt by this start unless another process is at it
    rt.close()
    if tokens:
        print(tokens, file=sys.stderr)
    if args.json:
        _print_json([d.__dict__ for d in docs])
        return 0
    for d in docs:
        state = "" if d.active else f"  [{d.status or '不再使用'}]"
        about = "  ".join(x for x in (d.category or d.kind, d.status if d.active else "", d.issuer) if x)
        english = f"  {d.title_en}" if d.title_en else ""
        print(f"{d.id:32s} {d.chunks:5d} chunks  {d.effective or '-':10s}  《{d.title}》{english}  {about}"
              f"  ({d.source}){state}")
    print(f"{len(docs)} documents")
    return 0


def documents_remove(args: argparse.Namespace) -> int:
    rt = _runtime()
    info = rt.kb.remove(args.id)
    rt.close()
    if info is None:
        raise UserError(f"no document with id '{args.id}' (see: qifa documents list)")
    print(f"removed {info.id}: {info.title} ({info.chunks} chunks)")
    return 0


def stats(args: argparse.Namespace) -> int:
    rt = _runtime()
    figures = rt.kb.stats()
    rt.close()
    if args.json:
        _print_json(figures)
    else:
        for k, v in figures.items():
            print(f"{k:22s} {v}")
    return 0


def evaluate(args: argparse.Namespace) -> int:
    from assistant.evaluation import format_report, is_held_out, load_cases, run_eval, totals_only

    paths = {"file": Path(args.file)} if args.file else {"tune": Path("eval/tune.jsonl"),
                                                         "test": Path("eval/test.jsonl")}
    sets = {}
    for part, path in paths.items():
        try:
            sets[part] = load_cases(path)
        except (OSError, ValueError) as exc:
            raise UserError(f"cannot read question set {path}: {exc}") from exc
    rt = _runtime()
    modes = ["bm25", "dense", "hybrid"] if args.mode == "all" else [args.mode]
    reports = {part: run_eval(rt, cases, modes) for part, cases in sets.items()}
    rt.close()
    if not args.cases:
        reports = {part: totals_only(r) if is_held_out(paths[part]) else r for part, r in reports.items()}
    if args.json:
        _print_json(reports["file"] if args.file else reports)
    else:
        print("\n\n".join(f"== {part}: {paths[part]} ==\n{format_report(r)}" for part, r in reports.items()))
    return 0
