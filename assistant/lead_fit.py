"""Fit the lead's clause order (``assistant.lead_model``): ``python -m cli.lead_fit`` runs every question of
``eval/lead_train.jsonl`` through the assistant of the configured data dir (``QIFA_DATA_DIR``), takes the passages
the answer is written from, labels each candidate clause by whether its quote holds the case's key fact
(``expect_any``), fits a conditional logit (a softmax over one question's candidates) and writes ``lead_fit.yaml``.

The fit starts from, and is held near, the hand-weighted order (its log score weighs 1, every other feature 0;
the L2 penalty pulls towards that): with a few hundred questions the features only move the order where the
questions agree."""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from assistant.lead_features import FEATURES, Clause, features
from assistant.lead_model import FIT_FILE, FIT_SETTINGS, L2, TRAIN_FILE
from knowledge.base import Passage


@dataclass
class Question:
    """One captured question: what the answer was written from, and the key fact."""

    id: str
    query: str
    passages: list[Passage]
    lang: str
    weights: dict[str, float] | None
    expect: list[str]


def quoted(clause: Clause, passages: list[Passage]) -> str:
    from assistant.answer import whole_sentence

    return whole_sentence(passages[clause.passage].text, clause.shown)


def labelled(q: Question) -> tuple[list[Clause], np.ndarray]:
    """The question's candidate clauses and, per clause, whether its quote holds the key fact."""
    from assistant.answer import candidate_clauses

    cands = candidate_clauses(q.query, q.passages, q.weights)
    y = np.asarray([any(e in quoted(c, q.passages) or e in c.shown for e in q.expect) for c in cands], dtype=bool)
    return cands, y


def hand_prior() -> np.ndarray:
    w = np.zeros(len(FEATURES))
    w[FEATURES.index("log_hand")] = 1.0
    return w


def fit(groups: Iterable[tuple[np.ndarray, np.ndarray]], l2: float = L2) -> np.ndarray:
    """Coefficients of a conditional logit: per question, -log P(a key-fact clause) under the softmax of the
    linear scores over its candidates; questions with no key-fact clause, or only key-fact clauses, teach
    nothing and are left out. Penalised by ``l2`` times the squared distance from the hand-weighted order."""
    from scipy.optimize import minimize

    data = [(x, y) for x, y in groups if y.any() and not y.all()]
    prior = hand_prior()

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        total, grad = 0.0, np.zeros_like(w)
        for x, y in data:
            z = x @ w
            z = z - z.max()
            e = np.exp(z)
            p_all = e / e.sum()
            p_pos = e * y / (e * y).sum()
            total += float(np.log(e.sum()) - np.log((e * y).sum()))
            grad += x.T @ (p_all - p_pos)
        d = w - prior
        return total + 0.5 * l2 * float(d @ d), grad + l2 * d

    if not data:
        return prior
    result = minimize(loss, prior, jac=True, method="L-BFGS-B", options={"maxiter": 500})
    return np.asarray(result.x, dtype=np.float64)


def capture(handle: Callable[[str], Any], cases: list[dict[str, Any]]) -> list[Question]:
    """Each case's question as the assistant answers it (``handle`` asks it): the query, the passages shown
    and the term weights the extractive answer is written from. A case routed elsewhere is left out."""
    import assistant.engine as engine

    seen: dict[str, Any] = {}
    real = engine.extractive

    def spy(query: str, shown: list[Passage], lang: str, weights: dict[str, float] | None = None,
            **kw: Any) -> Any:
        seen["x"] = (query, shown, lang, weights)
        return real(query, shown, lang, weights, **kw)

    out: list[Question] = []
    engine.extractive = spy  # type: ignore[assignment]
    try:
        for case in cases:
            seen.clear()
            handle(case["message"])
            if "x" in seen:
                query, shown, lang, weights = seen["x"]
                out.append(Question(str(case["id"]), query, list(shown), lang, weights, list(case["expect_any"])))
    finally:
        engine.extractive = real
    return out


def training_cases(path: Path = TRAIN_FILE) -> list[dict[str, Any]]:
    cases = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [c for c in cases if c.get("expect_any") and c.get("expect_route", "answer") == "answer"]


_PROBE_TITLE = "某县安全生产培训规定"  # a fictional regulation: the probe depends on no stored text
_PROBE_PASSAGES = [
    ("第三条 本规定所称安全生产培训，是指企业对从业人员进行的安全知识和操作技能教育。", 1.2, 0.52, "statute"),
    ("第八条 企业应当自员工入职之日起三十日内组织安全培训。培训费用由企业承担，不得向员工收取。", 1.0, 0.47, "statute"),
    ("第九条 培训分为下列形式：\n（一）岗前培训；\n（二）在岗培训。每年培训时间不得少于二十学时。", 0.8, 0.44,
     "statute"),
    ("企业未按规定组织培训的，由应急管理部门责令限期改正，可以处五万元以下的罚款。", 0.6, 0.40, "guide"),
]
_PROBE_QUESTIONS = [
    ("新员工入职后多久内要培训？", {"员工": 0.3, "入职": 0.5, "培训": 0.4}),
    ("培训费谁出？", {"培训费": 0.6, "培训": 0.4}),
    ("什么是安全生产培训", {"安全生产": 0.5, "培训": 0.4}),
    ("每年至少培训多少学时", {"每年": 0.3, "培训": 0.4, "学时": 0.7}),
    ("不组织培训会被罚多少钱？", {"组织": 0.3, "培训": 0.4, "罚款": 0.6}),
    ("Who pays for safety training, and what if we skip it?", {"培训": 0.4, "费用": 0.5, "罚款": 0.6}),
]


def feature_probe() -> str:
    """A digest of the features of a fixed, fictional set of questions and passages: it changes when the hand
    score, the answer-kind cues or the features change, and then the shipped fit no longer matches what it was
    fitted on (a test compares it with the fit's ``probe``: refit with ``python -m cli.lead_fit``)."""
    from assistant.answer import candidate_clauses

    passages = [Passage(f"{_PROBE_TITLE}:{n}", "probe", _PROBE_TITLE, "probe.md", f"{n}", "", text, "2020-01-01",
                        "现行有效", kind, score, 20.0, dense)
                for n, (text, score, dense, kind) in enumerate(_PROBE_PASSAGES)]
    rows = [features(candidate_clauses(q, passages, weights)) for q, weights in _PROBE_QUESTIONS]
    blob = b"".join(np.round(r, 6).astype("<f8").tobytes() for r in rows)
    return hashlib.sha256(blob).hexdigest()[:16]


def write_fit(coef: np.ndarray, key: str, questions: int, path: Path = FIT_FILE) -> Path:
    body = {"key": key, "settings": FIT_SETTINGS, "questions": questions, "probe": feature_probe(),
            "features": list(FEATURES),
            "coefficients": {n: round(float(v), 6) for n, v in zip(FEATURES, coef, strict=True)}}
    path.write_text("# written by python -m cli.lead_fit; do not edit by hand\n"
                    + yaml.safe_dump(body, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def captured_groups(questions: list[Question]) -> tuple[list[np.ndarray], list[np.ndarray]]:
    xs, ys = [], []
    for q in questions:
        cands, y = labelled(q)
        xs.append(features(cands))
        ys.append(y)
    return xs, ys


def save_capture(path: Path, key: str, xs: list[np.ndarray], ys: list[np.ndarray],
                 ids: list[str] | None = None) -> None:
    """One data dir's training rows (features and labels per question), tagged with the fit's key; ``ids``: the
    questions' case ids (cross-validation keeps a question's rows of every data dir in one fold)."""
    sizes = np.asarray([len(y) for y in ys], dtype=np.int64)
    x = np.vstack(xs) if xs else np.zeros((0, len(FEATURES)))
    y = np.concatenate(ys) if ys else np.zeros(0, dtype=bool)
    np.savez_compressed(path, key=np.asarray(key), sizes=sizes, x=x, y=y,
                        ids=np.asarray(ids if ids is not None else [str(n) for n in range(len(ys))]))


def load_capture(path: Path, key: str) -> list[tuple[np.ndarray, np.ndarray]]:
    return [(x, y) for _, x, y in load_capture_ids(path, key)]


def load_capture_ids(path: Path, key: str) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """``load_capture`` with each question's case id (its place in the file when the capture has none)."""
    with np.load(path) as f:
        if str(f["key"]) != key:
            raise SystemExit(f"{path} was captured for another training file or feature list: capture it again")
        bounds = np.cumsum(np.concatenate([[0], f["sizes"]]))
        x, y = f["x"], f["y"].astype(bool)
        ids = [str(i) for i in f["ids"]] if "ids" in f.files else [str(n) for n in range(len(f["sizes"]))]
    return [(i, x[a:b], y[a:b]) for i, (a, b) in zip(ids, itertools.pairwise(bounds), strict=True)]


def leads_with_key_fact(x: np.ndarray, y: np.ndarray, coef: np.ndarray, lead: int = 2) -> bool:
    """Whether one of the ``lead`` clauses the coefficients put first holds the key fact (ties: the earlier
    candidate, i.e. passage then place, as ``assistant.lead_model.ordered``)."""
    if not len(y):
        return False
    z = x @ coef
    return bool(y[np.argsort(-z, kind="stable")[:lead]].any())


def fold_of(question: str, k: int) -> int:
    """A question's fold: fixed by its case id, so that its rows from every data dir are held out together."""
    return int(hashlib.sha256(question.encode("utf-8")).hexdigest(), 16) % k


def cross_validate(groups: list[tuple[str, np.ndarray, np.ndarray]], k: int = 5, l2: float = L2,
                   ) -> dict[str, float]:
    """How the recipe transfers: ``k`` times, fit on the questions outside one fold and count, on the fold's
    questions, those whose first two clauses hold the key fact (every question counts, also those whose
    candidates hold no key fact). Reports the share held out, the same for the fit on every question (in
    sample) and for the hand-weighted order, and the number of question rows."""
    if k < 2:
        raise ValueError(f"cross-validation needs at least 2 folds, not {k}")
    held = 0
    for fold in range(k):
        coef = fit([(x, y) for q, x, y in groups if fold_of(q, k) != fold], l2)
        held += sum(leads_with_key_fact(x, y, coef) for q, x, y in groups if fold_of(q, k) == fold)
    full, hand = fit([(x, y) for _, x, y in groups], l2), hand_prior()
    n = max(len(groups), 1)
    return {"questions": len(groups), "held_out": held / n,
            "in_sample": sum(leads_with_key_fact(x, y, full) for _, x, y in groups) / n,
            "hand": sum(leads_with_key_fact(x, y, hand) for _, x, y in groups) / n}
