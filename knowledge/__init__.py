"""The knowledge base: documents, chunks, embeddings, hybrid (BM25 + dense) retrieval."""
