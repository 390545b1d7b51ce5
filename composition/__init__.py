"""The composition root: builds every part (store, knowledge base, engine, orders, hand-offs, staff accounts)
from ``Settings`` once at start-up; the channels (api/, bot/, cli/) take what they need from the ``Runtime``."""

from composition.runtime import Runtime, build_runtime

__all__ = ["Runtime", "build_runtime"]
