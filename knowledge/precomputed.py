"""What a shipped text needs at install time, computed ahead: the vectors of one embedding model and the
BM25 search tokens, both keyed by ``vector_key`` of the text search indexes (title, place, article text).

A file ``vectors-<model>.npz`` holds: ``model``; ``keys``; ``vectors`` (float16, one row per key);
``tokenizer`` (the fingerprint of the tokenizer that made the tokens) and ``tokens`` (UTF-8, one line per
key). Tokens of another tokenizer (a changed dictionary or stopword list) are not used: they are made again.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np


def vector_key(text: str) -> str:
    """The key of a text in a precomputed file: a hash of exactly the text the model embeds."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:20]


@dataclass
class Precomputed:
    vectors: Mapping[str, np.ndarray] = field(default_factory=dict)
    tokens: Mapping[str, str] = field(default_factory=dict)  # space-joined, as stored in kb_chunks.tokens


def vectors_file(folder: Path, model_id: str) -> Path:
    safe = "".join(ch if ch.isalnum() or ch in "_.-" else "_" for ch in model_id)
    return folder / f"vectors-{safe}.npz"


def load_precomputed(path: Path, model_id: str) -> Precomputed:
    """Empty when the file is absent; vectors only when they are ``model_id``'s, tokens only when they are
    the current tokenizer's."""
    if not path.is_file():
        return Precomputed()
    from knowledge.tokens import tokenizer_fingerprint

    with np.load(path, allow_pickle=False) as data:
        keys = [str(k) for k in data["keys"]]
        vectors: dict[str, np.ndarray] = {}
        if str(data["model"]) == model_id:
            vectors = dict(zip(keys, data["vectors"].astype(np.float32), strict=True))
        tokens: dict[str, str] = {}
        if "tokens" in data.files and str(data["tokenizer"]) == tokenizer_fingerprint():
            lines = bytes(data["tokens"]).decode("utf-8").split("\n")
            tokens = dict(zip(keys, lines, strict=True))
    return Precomputed(vectors, tokens)


def save_precomputed(path: Path, model_id: str, texts: list[str], vectors: np.ndarray) -> Path:
    from knowledge.tokens import tokenize, tokenizer_fingerprint

    blob = "\n".join(" ".join(tokenize(t)) for t in texts).encode("utf-8")
    np.savez_compressed(
        path, model=np.array(model_id), keys=np.array([vector_key(t) for t in texts]),
        vectors=vectors.astype(np.float16), tokenizer=np.array(tokenizer_fingerprint()),
        tokens=np.frombuffer(blob, dtype=np.uint8),
    )
    return path


CONTENT = Path(__file__).parent / "content"  # the shipped guides and packs, each folder with its vector files
_shipped: dict[str, Mapping[str, np.ndarray]] = {}
_shipped_lock = threading.Lock()


def shipped_vectors(model_id: str) -> Mapping[str, np.ndarray]:
    """Every vector shipped with the product for ``model_id`` (the guides' and every pack's, installed or not), by
    ``vector_key`` of its text: an ingest of a text that ships word for word (a statute of the pack, whatever file
    it comes from) takes its vector instead of embedding it again. Read once per process (7,700 vectors, 16 MB)."""
    with _shipped_lock:
        found = _shipped.get(model_id)
        if found is None:
            vectors: dict[str, np.ndarray] = {}
            name = vectors_file(Path(), model_id).name
            for path in sorted(CONTENT.rglob(name)):
                with np.load(path, allow_pickle=False) as data:
                    if str(data["model"]) == model_id:
                        vectors.update(zip([str(k) for k in data["keys"]], data["vectors"].astype(np.float32),
                                           strict=True))
            found = _shipped[model_id] = vectors
        return found


def shipped_tokens() -> dict[str, str]:
    """Every shipped text's search tokens made by the current tokenizer (the guides' and every pack's, from any
    model's file), by ``vector_key``: a data dir re-tokenised after a tokenizer change takes these instead of
    cutting each text again (``knowledge.retokenize``). Files of another tokenizer give none. Not cached: read
    once per re-tokenisation, which is once per tokenizer change."""
    from knowledge.tokens import tokenizer_fingerprint

    current = tokenizer_fingerprint()
    tokens: dict[str, str] = {}
    for path in sorted(CONTENT.rglob("vectors-*.npz")):
        with np.load(path, allow_pickle=False) as data:
            if "tokens" in data.files and str(data["tokenizer"]) == current:
                lines = bytes(data["tokens"]).decode("utf-8").split("\n")
                tokens.update(zip([str(k) for k in data["keys"]], lines, strict=True))
    return tokens
