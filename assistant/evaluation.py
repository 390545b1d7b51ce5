"""``qifa eval``: retrieval hit@1 / hit@5 / MRR per search mode, route accuracy with a confusion table, and
whether an answer case's key fact is in the reply's first two sentences (what a reader sees first)."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.reply import ROUTES
from knowledge.base import Mode


@dataclass
class Case:
    id: str
    message: str
    expect_route: str
    expect_any: list[str] = field(default_factory=list)
    lang: str | None = None


def load_cases(path: Path) -> list[Case]:
    cases: list[Case] = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            cases.append(Case(str(d["id"]), d["message"], d.get("expect_route", "answer"),
                              list(d.get("expect_any") or []), d.get("lang")))
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"line {n}: {exc}") from exc
    return cases


_SENTENCE_END = re.compile(r"[。！？!?\n]+")
_WORDS = re.compile(r"[0-9A-Za-z\u4e00-\u9fff]")


def first_sentences(reply: str, n: int = 2) -> str:
    """The reply's first ``n`` sentences (split at 。！？!? and line ends; a closing quote is no sentence)."""
    return " ".join([p for p in _SENTENCE_END.split(reply) if _WORDS.search(p)][:n])


def _rank(texts: list[str], expect: list[str]) -> int | None:
    for i, t in enumerate(texts):
        if any(e in t for e in expect):
            return i + 1
    return None


def run_eval(rt: Any, cases: list[Case], modes: list[str]) -> dict[str, Any]:
    retrieval_cases = [c for c in cases if c.expect_any]
    report: dict[str, Any] = {"cases": len(cases), "retrieval_cases": len(retrieval_cases), "retrieval": {}}
    for mode in modes:
        hit1 = hit5 = 0
        rr = 0.0
        misses: list[dict[str, Any]] = []
        for c in retrieval_cases:
            passages = rt.kb.search(c.message, k=5, mode=_mode(mode))
            rank = _rank([p.text for p in passages], c.expect_any)
            hit1 += rank == 1
            hit5 += rank is not None
            rr += 1.0 / rank if rank else 0.0
            if rank is None:
                misses.append({"id": c.id, "message": c.message, "expect": c.expect_any,
                               "got": [f"{p.title} {p.locator}" for p in passages[:3]]})
        n = max(len(retrieval_cases), 1)
        report["retrieval"][mode] = {"hit@1": round(hit1 / n, 3), "hit@5": round(hit5 / n, 3),
                                     "mrr": round(rr / n, 3), "misses": misses}
    confusion: dict[str, dict[str, int]] = {r: dict.fromkeys(ROUTES, 0) for r in ROUTES}
    wrong: list[dict[str, str]] = []
    lead_hits, lead_misses = 0, []
    for c in cases:
        reply = rt.assistant.handle(None, c.message, lang=None, channel="eval")
        rt.conversations.delete(reply.session_id)
        got = reply.route
        if c.expect_any and c.expect_route == "answer":
            head = first_sentences(reply.reply)
            if any(e in head for e in c.expect_any):
                lead_hits += 1
            else:
                lead_misses.append({"id": c.id, "message": c.message, "expect": c.expect_any, "head": head[:160]})
        if c.expect_route in confusion:
            confusion[c.expect_route][got] += 1
        if got != c.expect_route:
            wrong.append({"id": c.id, "message": c.message, "expected": c.expect_route, "got": got})
    correct = sum(confusion[r][r] for r in ROUTES)
    report["routing"] = {"accuracy": round(correct / max(len(cases), 1), 3), "confusion": confusion,
                         "wrong": wrong}
    lead_cases = sum(1 for c in cases if c.expect_any and c.expect_route == "answer")
    report["key_fact_first_two"] = {"cases": lead_cases, "rate": round(lead_hits / max(lead_cases, 1), 3),
                                    "misses": lead_misses}
    return report


# The parts nothing is tuned on: ``qifa eval`` prints their totals only, so that measuring them never shows the cases
# (``--cases`` lists them anyway, for whoever accepts that the part is then spoilt for tuning).
# Known by content, wherever the file lies or is copied to (a path relative to the current folder would miss
# ``qifa eval /elsewhere/eval/test.jsonl``).
HELD_OUT_PARTS = ("test.jsonl", "pack.jsonl")
_EVAL_DIR = Path(__file__).resolve().parents[1] / "eval"


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def is_held_out(path: Path) -> bool:
    """Whether ``path`` holds one of the project's held-out parts (``eval/test.jsonl``, ``eval/pack.jsonl``): the
    same file, or a copy of it."""
    if path.resolve().parent == _EVAL_DIR and path.name in HELD_OUT_PARTS:
        return True
    mine = _digest(path)
    return mine is not None and any(mine == _digest(_EVAL_DIR / name) for name in HELD_OUT_PARTS)


def totals_only(report: dict[str, Any]) -> dict[str, Any]:
    """The report of a held-out part: every figure and the route confusion counts, no case (its misses, wrong routes
    and lead misses become counts: ``hidden``)."""
    out = {**report, "held_out": True, "retrieval": {}}
    for mode, f in report["retrieval"].items():
        out["retrieval"][mode] = {**f, "misses": [], "hidden": len(f["misses"])}
    out["routing"] = {**report["routing"], "wrong": [], "hidden": len(report["routing"]["wrong"])}
    kf = report["key_fact_first_two"]
    out["key_fact_first_two"] = {**kf, "misses": [], "hidden": len(kf["misses"])}
    return out


def _mode(m: str) -> Mode:
    assert m in ("hybrid", "bm25", "dense")
    return m  # type: ignore[return-value]


def format_report(r: dict[str, Any]) -> str:
    lines = [f"retrieval ({r['retrieval_cases']} cases with expected passages)",
             f"  {'mode':8s} {'hit@1':>6s} {'hit@5':>6s} {'MRR':>6s}"]
    for mode, f in r["retrieval"].items():
        lines.append(f"  {mode:8s} {f['hit@1']:6.3f} {f['hit@5']:6.3f} {f['mrr']:6.3f}")
    for mode, f in r["retrieval"].items():
        for m in f["misses"]:
            lines.append(f"  miss [{mode}] {m['id']}: {m['message']} (want {m['expect']}; got {m['got']})")
    rt = r["routing"]
    lines.append(f"routing ({r['cases']} cases): accuracy {rt['accuracy']:.3f}")
    lines.append("  expected \\ got " + " ".join(f"{x:>8s}" for x in ROUTES))
    for exp, row in rt["confusion"].items():
        lines.append(f"  {exp:15s} " + " ".join(f"{row[g]:8d}" for g in ROUTES))
    for w in rt["wrong"]:
        lines.append(f"  wrong {w['id']}: {w['message']} (expected {w['expected']}, got {w['got']})")
    kf = r["key_fact_first_two"]
    lines.append(f"key fact in the reply's first two sentences ({kf['cases']} answer cases): {kf['rate']:.3f}")
    for m in kf["misses"]:
        lines.append(f"  not first {m['id']}: {m['message']} (want {m['expect']}; head {m['head']})")
    if r.get("held_out"):
        hidden = ", ".join(f"{f['hidden']} {mode} misses" for mode, f in r["retrieval"].items())
        lines.append(f"held-out part: its cases are not listed ({hidden}, {rt['hidden']} wrong routes, "
                     f"{kf['hidden']} key facts not first; --cases lists them, and spoils the part for tuning)")
    return "\n".join(lines)
