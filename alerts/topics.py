"""The compliance-alert topics: content shipped as YAML (``alerts/content/topics.yaml``), validated at load.

A topic is named by a stable id (what subscriptions and notices keep); users may also name it by its Chinese or
English name (``resolve``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from alerts.errors import TopicsFileError, UnknownTopic

TOPICS_FILE = Path(__file__).parent / "content" / "topics.yaml"
KINDS = ("industry", "area")
ID = re.compile(r"^[a-z][a-z0-9-]{1,29}$")
REQUIRED = ("id", "kind", "zh", "en")


@dataclass(frozen=True)
class Topic:
    id: str
    kind: str  # industry | area
    zh: str
    en: str
    description_zh: str = ""
    description_en: str = ""

    def name(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh

    def to_json(self) -> dict[str, str]:
        return {"id": self.id, "kind": self.kind, "zh": self.zh, "en": self.en,
                "description_zh": self.description_zh, "description_en": self.description_en}


class Topics:
    """The list of topics, in the file's order."""

    def __init__(self, topics: list[Topic]) -> None:
        self.all = topics
        self.by_id = {t.id: t for t in topics}
        self._names = {key.casefold(): t.id for t in topics for key in (t.id, t.zh, t.en)}

    def __iter__(self) -> Iterator[Topic]:
        return iter(self.all)

    def __len__(self) -> int:
        return len(self.all)

    def find(self, name: str) -> Topic | None:
        """A topic by its id, Chinese or English name (case-insensitive)."""
        tid = self._names.get(name.strip().casefold())
        return self.by_id[tid] if tid else None

    def resolve(self, names: list[str], field: str = "topics") -> list[str]:
        """Topic ids for ``names`` in the file's order, duplicates dropped; UnknownTopic names every unknown one."""
        unknown = [n for n in names if self.find(n) is None]
        if unknown:
            raise UnknownTopic(field, unknown)
        wanted = {self._names[n.strip().casefold()] for n in names}
        return [t.id for t in self.all if t.id in wanted]

    def label(self, ids: list[str], lang: str) -> str:
        return "、".join(self.by_id[i].name(lang) for i in ids if i in self.by_id) if lang == "zh" else \
            ", ".join(self.by_id[i].name(lang) for i in ids if i in self.by_id)


def parse_topics(data: Any, source: str) -> Topics:
    """Topics from parsed YAML; TopicsFileError lists every problem (file, topic, field)."""
    problems: list[str] = []
    items = data.get("topics") if isinstance(data, dict) else None
    if not isinstance(items, list) or not items:
        raise TopicsFileError(f"{source}: 'topics' must be a non-empty list")
    topics: list[Topic] = []
    seen: set[str] = set()
    names: set[str] = set()
    for n, item in enumerate(items, 1):
        where = f"{source}: topic #{n}"
        if not isinstance(item, dict):
            problems.append(f"{where}: not a mapping")
            continue
        tid = item.get("id")
        where = f"{source}: topic '{tid}'" if isinstance(tid, str) else where
        for key in REQUIRED:
            if not isinstance(item.get(key), str) or not item[key].strip():
                problems.append(f"{where}: field '{key}' is missing or empty")
        extra = set(item) - {*REQUIRED, "description_zh", "description_en"}
        problems += [f"{where}: unknown field '{key}'" for key in sorted(map(str, extra))]
        if isinstance(tid, str) and not ID.match(tid):
            problems.append(f"{where}: field 'id' must be 2-30 of a-z, 0-9, '-' starting with a letter")
        if isinstance(tid, str) and tid in seen:
            problems.append(f"{where}: field 'id' is used twice")
        if item.get("kind") not in KINDS:
            problems.append(f"{where}: field 'kind' must be one of {', '.join(KINDS)}")
        for key in ("zh", "en"):
            value = item.get(key)
            if isinstance(value, str) and value.strip():
                if value.strip().casefold() in names:
                    problems.append(f"{where}: field '{key}' names another topic too")
                names.add(value.strip().casefold())
        if isinstance(tid, str):
            seen.add(tid)
        if not problems and isinstance(tid, str):
            topics.append(Topic(tid, item["kind"], item["zh"].strip(), item["en"].strip(),
                                str(item.get("description_zh") or ""), str(item.get("description_en") or "")))
    if problems:
        raise TopicsFileError("; ".join(problems))
    return Topics(topics)


def load_topics(path: Path = TOPICS_FILE) -> Topics:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise TopicsFileError(f"{path.name}: cannot be read: {exc}") from exc
    return parse_topics(data, path.name)


@lru_cache(maxsize=1)
def shipped_topics() -> Topics:
    return load_topics()
