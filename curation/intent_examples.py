"""Curators' example phrasings for the intent classifier, kept in SQL and merged with the shipped examples.

Adding or removing one refits the classifier at once in this process (only the new phrasing is embedded; see
``assistant.intents``) and moves a version counter in ``kb_meta``; every other process looks at the counter at
most once a second (``refresh``, like catalogue edits) and loads the fit the first process cached in the data
dir, so it neither embeds nor fits. The router's confidence threshold (``assistant.router.SURE``) stays as
calibrated on the tune set: a few curated phrasings beside some 60 shipped ones per intent barely move the
classifier's probability scale, and re-calibrating at run time would need labelled questions the server does
not have.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from assistant.intents import INTENTS, IntentModel, load_examples
from assistant.router import Router
from curation.audit import AuditLog
from curation.errors import CurationError, InvalidMetadata
from curation.faq import clean_text, normalise
from curation.versions import VersionPoll, bump_version
from db import Database
from db.base import iso_utc
from db.models_curation import IntentExample
from knowledge.embeddings import QifaEmbeddings

VERSION_KEY = "intent_examples_version"
MAX_EXAMPLES = 2000  # curated phrasings in all


class UnknownIntentExample(CurationError):
    code = "unknown_intent_example"
    field = "example"

    def __init__(self, example_id: int) -> None:
        super().__init__(f"no curated intent example {example_id} / 意图示例不存在")


class DuplicateIntentExample(CurationError):
    code = "duplicate_intent_example"
    field = "text"

    def __init__(self, text: str, intent: str) -> None:
        self.intent = intent
        super().__init__(f"'{text}' is already an example of intent '{intent}' / 该问法已是意图 {intent} 的示例")


@dataclass
class ExampleEntry:
    id: int
    intent: str
    text: str
    created_by: str
    created_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "intent": self.intent, "text": self.text, "created_by": self.created_by,
                "created_at": iso_utc(self.created_at)}


def check_intent(intent: object) -> str:
    if not isinstance(intent, str) or intent not in INTENTS:
        raise InvalidMetadata("intent", f"intent must be one of {', '.join(INTENTS)} / 意图只能是 "
                                        f"{'、'.join(INTENTS)} 之一")
    return intent


class IntentExamples:
    def __init__(self, db: Database, router: Router, embeddings: QifaEmbeddings, audit: AuditLog,
                 cache_dir: Any = None) -> None:
        self.db, self.router, self.embeddings, self.audit, self.cache_dir = db, router, embeddings, audit, cache_dir
        self._lock = threading.Lock()
        self._seen: str | None = None
        self._version = VersionPoll(db, VERSION_KEY)

    # ---- reading ---------------------------------------------------------------------------------------
    def entries(self, intent: str = "") -> list[ExampleEntry]:
        query = select(IntentExample).order_by(IntentExample.id)
        if intent:
            query = query.where(IntentExample.intent == check_intent(intent))
        with self.db.session() as s:
            return [ExampleEntry(e.id, e.intent, e.text, e.created_by, e.created_at) for e in s.scalars(query)]

    def extra(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for e in self.entries():
            found.setdefault(e.intent, []).append(e.text)
        return found

    def summary(self) -> list[dict[str, Any]]:
        """Each intent with its shipped and curated example counts."""
        shipped, extra = load_examples(), self.extra()
        return [{"intent": i, "shipped": len(shipped[i]), "curated": len(extra.get(i, []))} for i in INTENTS]

    # ---- editing ---------------------------------------------------------------------------------------
    def add(self, intent: object, text: object, actor: str) -> ExampleEntry:
        [entry] = self.add_many(intent, [text], actor)
        return entry

    def add_many(self, intent: object, texts: list[object], actor: str, skip_known: bool = False) -> list[ExampleEntry]:
        """Add phrasings to one intent and refit. ``skip_known``: phrasings already examples are left out (the
        review queue adds a group's wordings); without it, one is refused with 409. Nothing new: 409."""
        name = check_intent(intent)
        known = self._known()
        fresh: list[str] = []
        for raw in texts:
            text = clean_text("text", raw, 2, 200)
            key = normalise(text)
            if key in known:
                if skip_known:
                    continue
                raise DuplicateIntentExample(text, known[key])
            known[key] = name
            fresh.append(text)
        if not fresh:
            first = clean_text("text", texts[0], 2, 200) if texts else ""
            raise DuplicateIntentExample(first, known.get(normalise(first), name))
        with self.db.session() as s:
            if (s.scalar(select(func.count()).select_from(IntentExample)) or 0) + len(fresh) > MAX_EXAMPLES:
                raise InvalidMetadata("text", f"at most {MAX_EXAMPLES} curated examples / 意图示例最多 "
                                              f"{MAX_EXAMPLES} 条")
            rows = [IntentExample(intent=name, text=t, created_by=actor) for t in fresh]
            s.add_all(rows)
            s.flush()
            out = [ExampleEntry(r.id, r.intent, r.text, r.created_by, r.created_at) for r in rows]
            for e in out:
                self.audit.record(actor, "intent.add", f"intent_example:{e.id}", None,
                                  {"intent": e.intent, "text": e.text}, session=s)
            self._seen = bump_version(s, VERSION_KEY)
        self.apply()
        return out

    def remove(self, example_id: int, actor: str) -> ExampleEntry:
        with self.db.session() as s:
            row = s.get(IntentExample, example_id)
            if row is None:
                raise UnknownIntentExample(example_id)
            entry = ExampleEntry(row.id, row.intent, row.text, row.created_by, row.created_at)
            s.delete(row)
            self.audit.record(actor, "intent.remove", f"intent_example:{example_id}", entry.to_json(), None,
                              session=s)
            self._seen = bump_version(s, VERSION_KEY)
        self.apply()
        return entry

    def _known(self) -> dict[str, str]:
        """Normalised phrasing -> its intent, shipped and curated."""
        known = {normalise(t): i for i, texts in load_examples().items() for t in texts}
        known.update({normalise(e.text): e.intent for e in self.entries()})
        return known

    # ---- the classifier ------------------------------------------------------------------------------
    def apply(self) -> None:
        """Fit (or load the cached fit of) the shipped examples merged with the curated ones; the router uses
        it for the next message."""
        with self._lock:
            model = IntentModel.shared(self.embeddings, self.cache_dir, extra=self.extra())
            self.router.model = model

    def refresh(self) -> None:
        """Another process's additions or removals, looked for at most once a second."""
        if not self._version.due():
            return
        version = self._version.read()
        if version != self._seen:
            self._seen = version
            self.apply()
