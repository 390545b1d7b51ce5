"""``python -m cli.lead_fit``: refit the lead's clause order (``assistant.lead_fit``) on ``eval/lead_train.jsonl``,
asking the questions of the configured data dir's assistant (``QIFA_DATA_DIR``), and write ``lead_fit.yaml``."""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from assistant.lead_fit import (
    capture,
    captured_groups,
    cross_validate,
    fit,
    load_capture_ids,
    save_capture,
    training_cases,
    write_fit,
)
from assistant.lead_model import FIT_FILE, TRAIN_FILE, fit_key


def capture_here(train: Path) -> tuple[list[np.ndarray], list[np.ndarray], list[str]]:
    """Ask every training question of the configured data dir's assistant; its features, labels and case ids."""
    from cli.commands import _runtime

    rt = _runtime()
    try:
        def ask(message: str) -> None:
            reply = rt.assistant.handle(None, message, lang=None, channel="eval")
            rt.conversations.delete(reply.session_id)

        questions = capture(ask, training_cases(train))
    finally:
        rt.close()
    xs, ys = captured_groups(questions)
    return xs, ys, [q.id for q in questions]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(
        prog="python -m cli.lead_fit",
        description="Refit the lead's clause order on eval/lead_train.jsonl. Without options: capture on the "
                    "configured data dir and fit. The shipped fit pools two data dirs (with and without the "
                    "statutes pack): --capture-to a file under each, then --fit-from both files.")
    ap.add_argument("--train", type=Path, default=TRAIN_FILE)
    ap.add_argument("--out", type=Path, default=FIT_FILE)
    ap.add_argument("--capture-to", type=Path, help="only capture this data dir's rows into this .npz file")
    ap.add_argument("--fit-from", type=Path, nargs="+", help="fit on these captured .npz files")
    ap.add_argument("--cv", type=int, metavar="K",
                    help="write no fit: K-fold cross-validation of the recipe (fit on K-1 folds of the questions, "
                         "count the held-out questions whose first two clauses hold the key fact)")
    args = ap.parse_args(argv)
    if not args.train.is_file():
        raise SystemExit(f"no training file at {args.train}")
    key = fit_key(args.train.read_bytes())
    if args.fit_from:
        rows = [g for path in args.fit_from for g in load_capture_ids(path, key)]
    else:
        xs, ys, ids = capture_here(args.train)
        if args.capture_to:
            save_capture(args.capture_to, key, xs, ys, ids)
            print(f"captured {len(ids)} answered questions into {args.capture_to}")
            return
        rows = list(zip(ids, xs, ys, strict=True))
    if args.cv:
        r = cross_validate(rows, args.cv)
        print(f"{r['questions']} question rows, {args.cv} folds: key fact in the first two clauses "
              f"held out {r['held_out']:.3f}, in sample {r['in_sample']:.3f}, hand order {r['hand']:.3f}")
        return
    groups = [(x, y) for _, x, y in rows]
    path = write_fit(fit(groups), key, len(groups), args.out)
    print(f"wrote {path} (fitted on {len(groups)} answered questions)")


if __name__ == "__main__":
    main()
