"""Intents learned from labelled examples: a logistic regression over the embedding model's vectors.

The examples are content (``knowledge/content/intents/*.yaml``, one file per intent, Chinese and English,
written as people write). The fitted model is cached in the data dir under a hash of the examples and the
model id, so a restart with unchanged examples neither embeds nor fits anything; a fresh data dir uses the
coefficients shipped for the bundled model (``assistant.fitted_intents``) when they were fitted on the same
examples. ``predict`` returns every
intent's probability; the engine decides what to do when it is unsure.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml
from sklearn.linear_model import LogisticRegression

from assistant.fitted_intents import Fitted, fitted_file, load_fitted, save_fitted
from knowledge.embeddings import QifaEmbeddings

log = logging.getLogger(__name__)

EXAMPLES_DIR = Path(__file__).resolve().parents[1] / "knowledge" / "content" / "intents"
INTENTS = ("greeting", "order", "human", "high_risk", "dissatisfied", "leave_handoff", "out_of_scope", "legal")
MIN_EXAMPLES = 40
_SHARED: dict[tuple[int, str], IntentModel] = {}


class IntentExamplesError(ValueError):
    """An intent file is missing, malformed or too small."""


@dataclass(frozen=True)
class Prediction:
    intent: str
    probability: float
    runner_up: str
    probabilities: dict[str, float]


def load_examples(folder: Path = EXAMPLES_DIR) -> dict[str, list[str]]:
    """Every intent's examples; a broken file is reported with its name."""
    found: dict[str, list[str]] = {}
    for path in sorted(folder.glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise IntentExamplesError(f"{path.name}: not valid YAML: {exc}") from exc
        if not isinstance(data, dict) or data.get("intent") not in INTENTS:
            raise IntentExamplesError(f"{path.name}: 'intent' must be one of {', '.join(INTENTS)}")
        examples = data.get("examples")
        if not isinstance(examples, list) or not all(isinstance(e, str) and e.strip() for e in examples):
            raise IntentExamplesError(f"{path.name}: 'examples' must be a list of non-empty strings")
        found.setdefault(data["intent"], []).extend(e.strip() for e in examples)
    for intent in INTENTS:
        n = len(set(found.get(intent, [])))
        if n < MIN_EXAMPLES:
            raise IntentExamplesError(f"intent '{intent}' has {n} distinct examples in {folder}; at least "
                                      f"{MIN_EXAMPLES} are needed")
    return {i: sorted(set(found[i])) for i in INTENTS}


def examples_hash(examples: dict[str, list[str]], model_id: str) -> str:
    blob = json.dumps({"model": model_id, "examples": examples}, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


class IntentModel:
    """Fitted once at start-up; ``predict`` embeds the message once (reuse ``vector`` when it is at hand)."""

    def __init__(self, embeddings: QifaEmbeddings, cache_dir: Path | None = None,
                 folder: Path = EXAMPLES_DIR) -> None:
        self.embeddings = embeddings
        examples = load_examples(folder)
        digest = examples_hash(examples, embeddings.model_id)
        path = cache_dir / f"intents-{digest}.npz" if cache_dir is not None else None
        self._clf = LogisticRegression(C=8.0, max_iter=2000)
        self.source = "cache"  # where the coefficients came from: cache | shipped | fit
        fitted = load_fitted(path, digest) if path is not None else None
        if fitted is None:
            fitted = load_fitted(fitted_file(folder, embeddings.model_id), digest)
            self.source = "shipped"
        if fitted is None:
            self.source = "fit"
            fitted = fit(examples, embeddings)
        if path is not None and self.source == "fit":
            self._save(path, fitted)
        self._clf.classes_, self._clf.coef_, self._clf.intercept_ = fitted.classes, fitted.coef, fitted.intercept
        self.classes: list[str] = [str(c) for c in self._clf.classes_]

    @staticmethod
    def _save(path: Path, fitted: Fitted) -> None:
        try:
            save_fitted(path, fitted)
        except OSError as exc:  # a read-only data dir only costs the load at the next start
            log.warning("intent model not cached in %s: %s", path, exc)

    @classmethod
    def shared(cls, embeddings: QifaEmbeddings, cache_dir: Path | None = None) -> IntentModel:
        """One fitted model per embedding model and examples in this process (tests build many engines)."""
        key = (id(embeddings), examples_hash(load_examples(), embeddings.model_id))
        model = _SHARED.get(key)
        if model is None or model.embeddings is not embeddings:
            model = _SHARED[key] = cls(embeddings, cache_dir)
        return model

    def predict(self, text: str, vector: np.ndarray | None = None) -> Prediction:
        v = self.embeddings.encode([text])[0] if vector is None else vector
        probs = self._clf.predict_proba(np.asarray(v, dtype=np.float32).reshape(1, -1))[0]
        order = np.argsort(probs)[::-1]
        table = {self.classes[i]: round(float(probs[i]), 4) for i in range(len(self.classes))}
        return Prediction(self.classes[order[0]], float(probs[order[0]]), self.classes[order[1]], table)


def fit(examples: dict[str, list[str]], embeddings: QifaEmbeddings) -> Fitted:
    """Embed every example and fit the classifier (seconds on a small machine)."""
    texts = [e for i in INTENTS for e in examples[i]]
    labels = [i for i in INTENTS for _ in examples[i]]
    clf = LogisticRegression(C=8.0, max_iter=2000)
    clf.fit(embeddings.encode(texts), labels)
    return Fitted(np.asarray(clf.classes_), np.asarray(clf.coef_), np.asarray(clf.intercept_))


def write_shipped(embeddings: QifaEmbeddings, folder: Path = EXAMPLES_DIR) -> Path:
    """Fit on the shipped examples and write the coefficients beside them, keyed by the examples' hash."""
    examples = load_examples(folder)
    path = fitted_file(folder, embeddings.model_id)
    save_fitted(path, fit(examples, embeddings), examples_hash(examples, embeddings.model_id))
    return path
