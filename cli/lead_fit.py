"""``python -m cli.lead_fit``: refit the lead's clause order (``assistant.lead_fit``) on ``eval/lead_train.jsonl``,
asking the questions of the configured data dir's assistant (``QIFA_DATA_DIR``), and write ``lead_fit.yaml``."""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from assistant.lead_fit import capture, captured_groups, fit, load_capture, save_capture, training_cases, write_fit
from assistant.lead_model import FIT_FILE, TRAIN_FILE, fit_key


def capture_here(train: Path) -> tuple[list[np.ndarray], list[np.ndarray], int]:
    """Ask every training question of the configured data dir's assistant; its features and labels."""
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
    return xs, ys, len(questions)


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
    args = ap.parse_args(argv)
    if not args.train.is_file():
        raise SystemExit(f"no training file at {args.train}")
    key = fit_key(args.train.read_bytes())
    if args.fit_from:
        groups = [g for path in args.fit_from for g in load_capture(path, key)]
    else:
        xs, ys, answered = capture_here(args.train)
        if args.capture_to:
            save_capture(args.capture_to, key, xs, ys)
            print(f"captured {answered} answered questions into {args.capture_to}")
            return
        groups = list(zip(xs, ys, strict=True))
    path = write_fit(fit(groups), key, len(groups), args.out)
    print(f"wrote {path} (fitted on {len(groups)} answered questions)")


if __name__ == "__main__":
    main()
