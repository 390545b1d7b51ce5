"""The learned order of the lead's candidate clauses: a linear score over ``assistant.lead_features`` whose
coefficients were fitted on helper-written questions (``python -m cli.lead_fit`` writes ``lead_fit.yaml``
beside this module). Without a fit for the current feature list the hand-weighted order stands."""

from __future__ import annotations

import hashlib
import logging
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml

from assistant.lead_features import FEATURES, Clause, features

log = logging.getLogger(__name__)

FIT_FILE = Path(__file__).resolve().with_name("lead_fit.yaml")
TRAIN_FILE = Path(__file__).resolve().parents[1] / "eval" / "lead_train.jsonl"
L2 = 0.3  # the fit's pull towards the hand-weighted order (``assistant.lead_fit``), chosen by leave-one-file-out
FIT_SETTINGS = f"conditional-logit l2={L2} from-hand-order"  # part of the fit's key: another recipe refits


def fit_key(train: bytes) -> str:
    """The key of a fit: the training file's content, the feature list and the fitting recipe."""
    blob = b"\n".join([train, " ".join(FEATURES).encode("utf-8"), FIT_SETTINGS.encode("utf-8")])
    return hashlib.sha256(blob).hexdigest()[:16]


@lru_cache(maxsize=4)
def coefficients(path: Path = FIT_FILE) -> np.ndarray | None:
    """The shipped coefficients, one per feature; None (hand order, with a warning) when the file is missing, was
    fitted on another feature list, or is not a fit at all (bad YAML, a missing or non-finite coefficient)."""
    if not path.is_file():
        return None
    try:
        fit = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        names = list(fit.get("features") or [])
        if names != list(FEATURES):
            log.warning("lead fit %s is for other features; the hand-weighted lead order is used", path.name)
            return None
        coef = np.asarray([float(fit["coefficients"][n]) for n in names], dtype=np.float64)
    except (yaml.YAMLError, AttributeError, KeyError, TypeError, ValueError) as exc:
        log.warning("lead fit %s unreadable (%s: %s); the hand-weighted lead order is used", path.name,
                    type(exc).__name__, str(exc)[:200])
        return None
    if not np.isfinite(coef).all():
        log.warning("lead fit %s has a non-finite coefficient; the hand-weighted lead order is used", path.name)
        return None
    return coef


def learned_scores(clauses: list[Clause], coef: np.ndarray | None = None) -> list[float]:
    """Each clause's learned score (higher leads); the hand-weighted score when there is no fit."""
    coef = coefficients() if coef is None else coef
    if coef is None or not clauses:
        return [c.score for c in clauses]
    z = features(clauses) @ coef
    if not np.isfinite(z).all():  # a feature out of range (a hand score at or below zero): the hand order
        return [c.score for c in clauses]
    scores: list[float] = z.tolist()  # Python floats, the same values
    return scores


def ordered(clauses: list[Clause], coef: np.ndarray | None = None) -> list[Clause]:
    """The clauses best first by the learned score (ties: the earlier passage, then the earlier place)."""
    z = learned_scores(clauses, coef)
    order = sorted(range(len(clauses)), key=lambda i: (-z[i], clauses[i].passage, clauses[i].place))
    return [clauses[i] for i in order]
