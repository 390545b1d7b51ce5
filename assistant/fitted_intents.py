"""The intent classifier fitted ahead for the bundled embedding model, shipped beside the examples.

A fresh data dir would otherwise embed every example and fit at start-up (about 5 s on a 2-core machine).
The file ``knowledge/content/intents/fitted-<model>.npz`` holds the fitted coefficients and the hash of the
examples and model id they were fitted on; it is used only when that hash is the current one, so changed
examples or another model fall back to fitting. ``python -m ingest.build_pack_vectors`` writes it again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Fitted:
    classes: np.ndarray
    coef: np.ndarray
    intercept: np.ndarray


def fitted_file(folder: Path, model_id: str) -> Path:
    safe = "".join(ch if ch.isalnum() or ch in "_.-" else "_" for ch in model_id)
    return folder / f"fitted-{safe}.npz"


def load_fitted(path: Path, digest: str) -> Fitted | None:
    """The coefficients in ``path`` when they were fitted on the examples and model ``digest`` names; else None
    (absent, unreadable or fitted on other examples)."""
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as data:
            if "digest" in data.files and str(data["digest"]) != digest:
                return None
            return Fitted(np.asarray(data["classes"]), np.asarray(data["coef"]), np.asarray(data["intercept"]))
    except (OSError, ValueError, KeyError) as exc:
        log.warning("fitted intents in %s not used: %s", path, exc)
        return None


def save_fitted(path: Path, fitted: Fitted, digest: str | None = None) -> None:
    """Written through a temporary file, so a reader never sees half of it. ``digest``: the examples' hash
    (kept in shipped files; a data-dir cache carries it in its name)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp.npz")
    arrays: dict[str, np.ndarray] = {"classes": fitted.classes, "coef": fitted.coef, "intercept": fitted.intercept}
    if digest is not None:
        arrays["digest"] = np.array(digest)
    np.savez(tmp, **arrays)  # type: ignore[arg-type]
    tmp.replace(path)
