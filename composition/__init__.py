"""The composition root: builds every part (store, knowledge base, engine, orders, hand-offs, staff accounts)
from ``Settings`` once at start-up; the channels (api/, bot/, cli/) take what they need from the ``Runtime``."""

from composition.leader import Leadership
from composition.retention import PurgeReport, purge, run_daily
from composition.runtime import Runtime, build_runtime

__all__ = ["Leadership", "PurgeReport", "Runtime", "build_runtime", "purge", "run_daily"]
