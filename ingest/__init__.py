"""Load files, clean, chunk and index them through the knowledge base."""
