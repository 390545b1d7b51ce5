"""The sites registry in the SQL store: add, list and remove sites; check a (site key, origin) pair."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from db import Database
from db.base import utcnow
from db.models_chat import ChatSession
from db.models_sites import Site, SiteOrigin
from sites.origins import InvalidOrigin, normalise_origin

NAME_RE = re.compile(r"^[\w.-]{1,100}$")
KEY_RE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
KEY_PREFIX = "qs_"


class SiteError(Exception):
    """A refused operation on sites; ``str(exc)`` is fit for the person who asked (Chinese and English)."""

    code = "site_error"


class UnknownSite(SiteError):
    code = "unknown_site"

    def __init__(self, name: str) -> None:
        super().__init__(f"no site named or keyed '{name}' / 没有名称或密钥为“{name}”的网站")


class SiteRefused(SiteError):
    """A request the API refuses because of its site key and origin (api/errors.py answers it with 403)."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(message)


@dataclass(frozen=True)
class SiteInfo:
    id: int
    name: str
    key: str
    origins: tuple[str, ...]
    created_at: datetime
    removed_at: datetime | None

    @property
    def active(self) -> bool:
        return self.removed_at is None

    def to_json(self) -> dict[str, object]:
        return {"id": self.id, "name": self.name, "key": self.key, "origins": list(self.origins),
                "active": self.active, "created_at": self.created_at.isoformat() + "Z",
                "removed_at": self.removed_at.isoformat() + "Z" if self.removed_at else None}


def _info(site: Site, origins: Iterable[str]) -> SiteInfo:
    return SiteInfo(site.id, site.name, site.key, tuple(origins), site.created_at, site.removed_at)


def not_enabled(origin: str | None) -> SiteRefused:
    where = origin or "?"
    return SiteRefused("site_not_enabled",
                       f"企法通未对本网站（{where}）开通，请联系网站管理员 / "
                       f"qifa is not enabled for this site ({where}); please contact the site's administrator")


def unknown_key() -> SiteRefused:
    return SiteRefused("unknown_site_key", "网站密钥无效，企法通未对本网站开通 / "
                                           "unknown site key: qifa is not enabled for this site")


class Sites:
    def __init__(self, db: Database) -> None:
        self.db = db

    # ---- staff: qifa sites add | list | remove --------------------------------------------------------
    def add(self, name: str, origins: Iterable[str]) -> SiteInfo:
        name = name.strip()
        if not NAME_RE.match(name):
            raise SiteError(f"'{name}' is not a valid site name (1-100 letters, digits, '.', '-', '_') "
                            f"/ 网站名称无效（1-100 个字母、数字或 . - _）")
        clean: list[str] = []
        for value in origins:
            try:
                origin = normalise_origin(value)
            except InvalidOrigin as exc:
                raise SiteError(str(exc)) from exc
            if origin not in clean:
                clean.append(origin)
        if not clean:
            raise SiteError("give at least one --origin, e.g. --origin https://example.gov.cn "
                            "/ 请至少提供一个网站来源（--origin）")
        try:
            with self.db.session() as s:
                if s.scalars(select(Site).where(Site.name == name)).first() is not None:
                    raise SiteError(f"a site named '{name}' already exists (removed sites keep their name) "
                                    f"/ 已有名为“{name}”的网站")
                site = Site(name=name, key=KEY_PREFIX + secrets.token_urlsafe(18))
                s.add(site)
                s.flush()
                s.add_all(SiteOrigin(site_id=site.id, origin=o) for o in clean)
                return _info(site, clean)
        except IntegrityError as exc:  # a concurrent add of the same name
            raise SiteError(f"a site named '{name}' already exists / 已有名为“{name}”的网站") from exc

    def list(self, include_removed: bool = True) -> list[SiteInfo]:
        with self.db.session() as s:
            query = select(Site).order_by(Site.id)
            if not include_removed:
                query = query.where(Site.removed_at.is_(None))
            sites = list(s.scalars(query))
            origins: dict[int, list[str]] = {}
            for row in s.scalars(select(SiteOrigin).order_by(SiteOrigin.id)):
                origins.setdefault(row.site_id, []).append(row.origin)
            return [_info(site, origins.get(site.id, [])) for site in sites]

    def remove(self, name_or_key: str) -> SiteInfo:
        """The site's key stops working at once; the row stays so that its conversations still name it."""
        with self.db.session() as s:
            site = s.scalars(select(Site).where((Site.name == name_or_key) | (Site.key == name_or_key))).first()
            if site is None or site.removed_at is not None:
                raise UnknownSite(name_or_key)
            site.removed_at = utcnow()
            origins = s.scalars(select(SiteOrigin.origin).where(SiteOrigin.site_id == site.id))
            return _info(site, origins)

    # ---- the API: which requests a site key admits --------------------------------------------------
    def by_key(self, key: str) -> SiteInfo | None:
        """The active site with this key, or None."""
        if not KEY_RE.match(key):
            return None
        with self.db.session() as s:
            site = s.scalars(select(Site).where(Site.key == key, Site.removed_at.is_(None))).first()
            if site is None:
                return None
            return _info(site, s.scalars(select(SiteOrigin.origin).where(SiteOrigin.site_id == site.id)))

    def check(self, key: str, origin: str | None) -> SiteInfo:
        """The site for a request with this key from this ``Origin`` header (None: not sent, e.g. same-origin GET
        or a server); raises :class:`SiteRefused` for an unknown key or an origin not registered for it."""
        site = self.by_key(key)
        if site is None:
            raise unknown_key()
        if origin is not None and _canonical(origin) not in site.origins:
            raise not_enabled(origin)
        return site

    def origin_registered(self, origin: str) -> bool:
        """Whether any active site lists this origin (a CORS preflight carries no key to check)."""
        canonical = _canonical(origin)
        if canonical is None:
            return False
        with self.db.session() as s:
            found = s.scalars(select(SiteOrigin.id).join(Site, Site.id == SiteOrigin.site_id)
                              .where(SiteOrigin.origin == canonical, Site.removed_at.is_(None))).first()
            return found is not None

    # ---- conversations started from a site -----------------------------------------------------------
    def record(self, session_id: str, site_id: int) -> None:
        """Note the site on a conversation that has none yet (the first site to use a session keeps it)."""
        with self.db.session() as s:
            row = s.get(ChatSession, session_id)
            if row is not None and row.site_id is None:
                row.site_id = site_id

    def site_of(self, session_id: str) -> int | None:
        with self.db.session() as s:
            row = s.get(ChatSession, session_id)
            return row.site_id if row is not None else None


def _canonical(origin: str) -> str | None:
    try:
        return normalise_origin(origin)
    except InvalidOrigin:
        return None
