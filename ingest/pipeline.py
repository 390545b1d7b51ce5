"""``ingest(paths)``: every supported file under the paths goes in; a bad file is reported, not fatal."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from knowledge.base import KnowledgeBase
from knowledge.chunking import parse_document
from knowledge.loaders import SUPPORTED, LoadError, load_file


@dataclass
class Failure:
    path: str
    reason: str


@dataclass
class IngestReport:
    added: int = 0
    replaced: int = 0
    unchanged: int = 0
    chunks: int = 0
    failures: list[Failure] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return len(self.failures)

    def summary(self) -> str:
        return (
            f"documents: {self.added} added, {self.replaced} replaced, {self.unchanged} unchanged, "
            f"{self.failed} failed; chunks written: {self.chunks}"
        )


def collect(paths: Iterable[Path], report: IngestReport) -> list[Path]:
    """Expand folders (recursively, supported types only, sorted); missing paths become failures."""
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUPPORTED
                                and not any(part.startswith(".") for part in f.relative_to(p).parts)))
        elif p.exists():
            files.append(p)
        else:
            report.failures.append(Failure(str(p), "path does not exist"))
    return list(dict.fromkeys(f.resolve() for f in files))


def ingest(
    kb: KnowledgeBase,
    paths: Iterable[Path],
    max_bytes: int,
    progress: Callable[[Path], None] | None = None,
    on_files: Callable[[int], None] | None = None,
) -> IngestReport:
    report = IngestReport()
    files = collect(paths, report)
    if on_files:
        on_files(len(files))
    kb.reconcile()
    for f in files:
        try:
            loaded = load_file(f, max_bytes)
            doc = parse_document(loaded.text, str(f), loaded.meta)
            if not doc.chunks:
                raise LoadError("no text to index after cleaning")
            outcome = kb.upsert(doc, f.stat().st_size)
        except LoadError as exc:
            report.failures.append(Failure(str(f), str(exc)))
        except OSError as exc:
            report.failures.append(Failure(str(f), f"cannot read: {exc.strerror or exc}"))
        else:
            if outcome == "added":
                report.added += 1
            elif outcome == "replaced":
                report.replaced += 1
            else:
                report.unchanged += 1
            if outcome != "unchanged":
                report.chunks += len(doc.chunks)
        if progress:
            progress(f)
    return report
