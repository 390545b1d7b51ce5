"""Service catalogue edits by staff: every field of a service, checked by the same model as the YAML loader
(``knowledge.catalogue.Service``), stored in SQL (the shipped YAML stays the seed), applied to the one shared
catalogue object at once and re-indexed as the service's searchable passage. Other processes apply stored edits
at start-up and, through ``refresh()`` (a version counter looked at at most once a second), while running."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from sqlalchemy import select

from curation.audit import AuditLog
from curation.errors import CurationError, InvalidMetadata
from curation.versions import VersionPoll, bump_version
from db import Database
from db.models_curation import CatalogueEdit
from knowledge.base import KnowledgeBase
from knowledge.catalogue import EN_FIELDS, Catalogue, Service, load_catalogue
from knowledge.factory import service_document

VERSION_KEY = "catalogue_version"


class UnknownCatalogueService(CurationError):
    code = "unknown_service"
    field = "service_id"

    def __init__(self, service_id: str) -> None:
        super().__init__(f"no service '{service_id}' in the catalogue / 服务目录中没有该服务")


class CatalogueInvalid(CurationError):
    """An edit that breaks the catalogue's schema; ``errors`` lists (field, message) pairs."""

    code = "invalid_service"

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        self.errors = errors
        names = ", ".join(f for f, _ in errors)
        super().__init__(f"invalid fields: {names} / 以下字段无效：{names}")


def _plain(value: Any) -> Any:
    """A field's value as compared: text stripped, a list as a tuple of stripped lines (the console and the API
    send lists; the model holds tuples)."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list | tuple):
        return tuple(v.strip() if isinstance(v, str) else v for v in value)
    return value


def stale_twins(current: Service, changes: dict[str, Any]) -> list[str]:
    """The English twins an edit leaves behind their Chinese: the Chinese changed, the twin was not given anew. A
    stale English fee or time limit would tell a foreign-related enterprise what the card no longer says; dropped,
    the English reader gets the new Chinese, marked "(in Chinese)", until a curator translates it."""
    stale = []
    for english, chinese in EN_FIELDS.items():
        if chinese not in changes or _plain(changes[chinese]) == _plain(getattr(current, chinese)):
            continue
        if getattr(current, english) is None:
            continue
        if english not in changes or _plain(changes[english]) == _plain(getattr(current, english)):
            stale.append(english)
    return stale


def with_seed_twins(data: dict[str, Any], seed: Service) -> dict[str, Any]:
    """An edit stored before the catalogue had English twins has no twin keys: it keeps the shipped twin of each
    field whose Chinese it left as shipped (a twin of changed Chinese would be stale, and stays out)."""
    filled = dict(data)
    for english, chinese in EN_FIELDS.items():
        if english not in filled and _plain(filled.get(chinese)) == _plain(getattr(seed, chinese)):
            twin = getattr(seed, english)
            filled[english] = list(twin) if isinstance(twin, tuple) else twin
    return filled


class CatalogueEditor:
    def __init__(self, db: Database, kb: KnowledgeBase, catalogue: Catalogue, audit: AuditLog) -> None:
        self.db, self.kb, self.catalogue, self.audit = db, kb, catalogue, audit
        self._seen: str | None = None
        self._version = VersionPoll(db, VERSION_KEY)

    def edits(self) -> dict[str, dict[str, Any]]:
        with self.db.session() as s:
            return {e.service_id: dict(e.data) for e in s.scalars(select(CatalogueEdit))}

    def apply_stored(self) -> int:
        """Put every stored edit over the seed (start-up, and when another process edited)."""
        seed = load_catalogue()
        stored = self.edits()
        changed = 0
        for svc in seed.services:
            data = stored.get(svc.id)
            target = svc
            if data is not None:
                try:
                    target = Service.model_validate(with_seed_twins(data, svc))
                except ValidationError:  # a seed change made an old edit invalid: the seed wins
                    target = svc
            if self.catalogue.get(svc.id) != target:
                self.catalogue.replace(target)
                changed += 1
        return changed

    def refresh(self) -> None:
        if not self._version.due():
            return
        version = self._version.read()
        if version != self._seen:
            self._seen = version
            self.apply_stored()

    def edit(self, service_id: str, changes: dict[str, Any], actor: str) -> Service:
        current = self.catalogue.get(service_id)
        if current is None:
            raise UnknownCatalogueService(service_id)
        if "id" in changes and changes["id"] != service_id:
            raise InvalidMetadata("id", "a service's id cannot be changed / 服务编号不可修改")
        merged = {**current.model_dump(), **changes, "id": service_id}
        for english in stale_twins(current, changes):
            merged[english] = None
        try:
            svc = Service.model_validate(merged)
        except ValidationError as exc:
            raise CatalogueInvalid([(".".join(str(p) for p in e["loc"]) or "service",
                                     str(e["msg"]).removeprefix("Value error, ")) for e in exc.errors()]) from None
        with self.db.session() as s:
            row = s.get(CatalogueEdit, service_id) or CatalogueEdit(service_id=service_id)
            row.data, row.edited_by = svc.model_dump(mode="json"), actor
            s.add(row)
            self.audit.record(actor, "service.edit", f"service:{service_id}", current.model_dump(mode="json"),
                              svc.model_dump(mode="json"), session=s)
            self._seen = bump_version(s, VERSION_KEY)
        self.catalogue.replace(svc)
        self.kb.upsert(service_document(svc))
        return svc

    def reset(self, service_id: str, actor: str) -> Service:
        """Back to the shipped seed."""
        seed = load_catalogue().get(service_id)
        current = self.catalogue.get(service_id)
        if seed is None or current is None:
            raise UnknownCatalogueService(service_id)
        with self.db.session() as s:
            row = s.get(CatalogueEdit, service_id)
            if row is not None:
                s.delete(row)
            self.audit.record(actor, "service.reset", f"service:{service_id}", current.model_dump(mode="json"),
                              seed.model_dump(mode="json"), session=s)
            self._seen = bump_version(s, VERSION_KEY)
        self.catalogue.replace(seed)
        self.kb.upsert(service_document(seed))
        return seed
