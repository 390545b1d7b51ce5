"""The self-check desk: the questionnaires (the shipped YAML, with curators' edits stored in SQL over it), and the
reports stored per session (SQL).

A curator edits a questionnaire as its whole YAML text (``edit``): it goes through the loader's own checks, with
the other questionnaires as they stand (ids unique across files, the catalogue's services, the statutes pack's
documents and articles, ``depends_on``), and must keep its id. It is in effect at once in this process; other
processes see it within a second (``refresh``: a version counter looked at at most once a second). ``restore``
drops the edit. Reports already made keep the content they were made with (a report stores its whole body).
"""

from __future__ import annotations

import logging
import re
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from checkups.basis import Statutes
from checkups.loader import QuestionnaireError, check_sources, parse_yaml, read_sources
from checkups.report import build_report, check_answers
from checkups.schema import Questionnaire
from db import Database
from db.base import iso_utc
from db.meta import put_meta
from db.models_chat import ChatSession
from db.models_checkups import CheckupEdit, CheckupReport
from db.models_kb import KbMeta
from knowledge.catalogue import Catalogue


class Audit(Protocol):
    """Where staff changes are recorded (``curation.AuditLog``; the curation package builds on the conversation,
    which builds on this one, so it is not imported here)."""

    def record(self, actor: str, action: str, target: str, before: Any = None, after: Any = None,
               session: Session | None = None) -> None: ...

log = logging.getLogger("qifa.checkups")
VERSION_KEY = "checkups_version"
FRESH_S = 1.0
MAX_SOURCE = 200_000  # characters of one questionnaire's YAML


class UnknownCheckup(LookupError):
    """No questionnaire with this id."""

    code = "unknown_checkup"


class UnknownReport(LookupError):
    """No report with this id for this session (another session's report is not told apart from none)."""

    code = "unknown_report"


class CheckupInvalid(ValueError):
    """A curator's YAML that the loader refuses, or that changes the questionnaire's id; ``errors`` holds one
    (field, message) pair per problem, the message as the loader words it (file, question id, field)."""

    code = "invalid_checkup"

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        self.errors = errors
        names = ", ".join(dict.fromkeys(f for f, _ in errors))
        super().__init__(f"the questionnaire is not valid ({len(errors)} problems: {names}) / "
                         f"问卷内容无效（{len(errors)} 处问题：{names}）")


_LINE = re.compile(r"^[^:]+: (?:question (?:'(?P<q>[^']+)'|#(?P<n>\d+)): )?(?:field '(?P<f>[^']+)': )?")


def _pair(message: str) -> tuple[str, str]:
    """A loader message as (field, message): ``questions[<question id>].<field>``, a top-level field, or yaml."""
    m = _LINE.match(message)
    if m is None or "malformed YAML" in message:
        return "yaml", message
    question = m.group("q") or (f"#{m.group('n')}" if m.group("n") else None)
    field = m.group("f") or ("question" if question else "yaml")
    return (f"questions[{question}].{field}" if question else field), message


@dataclass(frozen=True)
class CheckupSource:
    """A questionnaire's YAML as in effect: a curator's edit, or the shipped file."""

    id: str
    file: str
    yaml: str
    edited: bool
    edited_by: str | None
    edited_at: datetime | None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "file": self.file, "yaml": self.yaml, "edited": self.edited,
                "edited_by": self.edited_by, "edited_at": iso_utc(self.edited_at) if self.edited_at else None}


class UnknownCheckupSession(LookupError):
    """The session named in a report request does not exist."""

    code = "unknown_session"


@dataclass
class StoredReport:
    id: int
    session_id: str
    created_at: datetime
    case_id: int | None
    body: dict[str, Any]

    def local_date(self, timezone: str) -> str:
        """The day the report was made, in the bureau's time zone (YYYY-MM-DD)."""
        return self.created_at.replace(tzinfo=UTC).astimezone(ZoneInfo(timezone)).date().isoformat()

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "session_id": self.session_id, "created_at": iso_utc(self.created_at),
                "case_id": self.case_id, **self.body}


def _stored(row: CheckupReport) -> StoredReport:
    return StoredReport(row.id, row.session_id, row.created_at, row.case_id, dict(row.report or {}))


PDF_CACHE = 32  # rendered PDFs kept in memory (a report never changes; rendering takes seconds)
_SHIPPED: dict[tuple[str, ...], tuple[Statutes, list[tuple[str, str]], list[Questionnaire]]] = {}
_SHIPPED_LOCK = threading.Lock()


def shipped(catalogue: Catalogue) -> tuple[Statutes, list[tuple[str, str]], list[Questionnaire]]:
    """The shipped questionnaires (file name and YAML text, and as validated against ``catalogue``'s service ids),
    loaded once per process."""
    key = tuple(sorted(s.id for s in catalogue.services))
    with _SHIPPED_LOCK:
        if key not in _SHIPPED:
            statutes = Statutes()
            sources = read_sources()
            _SHIPPED[key] = (statutes, sources, check_sources(sources, catalogue, statutes))
        return _SHIPPED[key]


def _ordered(found: list[Questionnaire]) -> list[Questionnaire]:
    return sorted(found, key=lambda q: q.id != "general")  # the general questionnaire first, then file order


class Checkups:
    def __init__(self, db: Database, catalogue: Catalogue, audit: Audit | None = None) -> None:
        self.db = db
        self.catalogue = catalogue
        self.audit = audit
        self.statutes, seed_sources, seed = shipped(catalogue)
        # checkup id -> (file name, shipped YAML text)
        self._seed: dict[str, tuple[str, str]] = {q.id: src for q, src in zip(seed, seed_sources, strict=True)}
        self._seed_set = seed
        self._pdfs: OrderedDict[int, bytes] = OrderedDict()
        self._pdf_lock = threading.Lock()
        self._lock = threading.Lock()
        self._texts: dict[str, str] = {}  # checkup id -> the edited YAML in effect (shipped ones are not listed)
        self.questionnaires = _ordered(seed)
        self._seen: str | None = None
        self._checked = 0.0
        self.refresh(force=True)

    # ---- the questionnaires in effect ------------------------------------------------------------------------
    def all(self) -> list[Questionnaire]:
        self.refresh()
        return list(self.questionnaires)

    def get(self, checkup_id: str) -> Questionnaire:
        found = self.find(checkup_id)
        if found is None:
            raise UnknownCheckup(checkup_id)
        return found

    def find(self, checkup_id: str) -> Questionnaire | None:
        self.refresh()
        return next((q for q in self.questionnaires if q.id == checkup_id), None)

    def refresh(self, force: bool = False) -> None:
        """Apply the edits stored by any process when the version counter moved (looked at at most once a second)."""
        now = time.monotonic()
        if not force and now - self._checked < FRESH_S:
            return
        self._checked = now
        with self.db.session() as s:
            row = s.get(KbMeta, VERSION_KEY)
            version = row.value if row is not None else None
        if force or version != self._seen:
            self._seen = version
            self.apply_stored()

    def apply_stored(self) -> None:
        """Put every stored edit over the seed; an edit that no longer passes the checks (a later release changed the
        shipped files or the catalogue) is left out, the shipped questionnaire used instead, and logged."""
        with self.db.session() as s:
            stored = {e.checkup_id: e.source for e in s.scalars(select(CheckupEdit)) if e.checkup_id in self._seed}
        with self._lock:
            if stored == self._texts:  # nothing new (every check of the set takes a fifth of a second)
                return
            accepted: dict[str, str] = {}
            found = self._merge(stored)
            if found is not None:
                accepted = stored
            else:
                for cid, text in stored.items():
                    if self._merge({**accepted, cid: text}) is not None:
                        accepted[cid] = text
                    else:
                        log.warning("the stored edit of questionnaire %s no longer passes the checks: the shipped one "
                                    "is used", cid)
                found = self._merge(accepted) or self._seed_set
            self._texts = accepted
            self.questionnaires = _ordered(found)

    def _sources(self, texts: dict[str, str]) -> list[tuple[str, str]]:
        return [(name, texts.get(cid, text)) for cid, (name, text) in self._seed.items()]

    def _merge(self, texts: dict[str, str]) -> list[Questionnaire] | None:
        if not texts:
            return self._seed_set
        try:
            return check_sources(self._sources(texts), self.catalogue, self.statutes)
        except QuestionnaireError:
            return None

    # ---- curators' edits ---------------------------------------------------------------------------------------
    def _file(self, checkup_id: str) -> str:
        if checkup_id not in self._seed:
            raise UnknownCheckup(checkup_id)
        return self._seed[checkup_id][0]

    def source(self, checkup_id: str) -> CheckupSource:
        """The YAML in effect for a questionnaire, and whether (and by whom) it was edited."""
        name = self._file(checkup_id)
        self.refresh()
        with self.db.session() as s:
            row = s.get(CheckupEdit, checkup_id)
            if row is not None and self._texts.get(checkup_id) == row.source:
                return CheckupSource(checkup_id, name, row.source, True, row.edited_by, row.edited_at)
        return CheckupSource(checkup_id, name, self._seed[checkup_id][1], False, None, None)

    def edited(self) -> set[str]:
        self.refresh()
        return set(self._texts)

    def validate(self, checkup_id: str, text: str) -> list[Questionnaire]:
        """The questionnaires in effect with ``text`` in place of ``checkup_id``'s (CheckupInvalid lists every
        problem: the loader's, and an id that is not ``checkup_id``)."""
        name = self._file(checkup_id)
        if len(text) > MAX_SOURCE:
            raise CheckupInvalid([("yaml", f"{name}: at most {MAX_SOURCE} characters / 最多 {MAX_SOURCE} 个字符")])
        errors: list[str] = []
        try:
            data = parse_yaml(name, text)
        except QuestionnaireError:
            data = None  # check_sources reports it, with the line and column
        if isinstance(data, dict) and data.get("id") != checkup_id:
            errors.append(f"{name}: field 'id': must stay '{checkup_id}' (the questionnaire being edited), "
                          f"got {data.get('id')!r} / 问卷编号不可修改")
        # the edited file is checked last, so that an id it repeats is reported against it
        others = [(n, t) for n, t in self._sources(self._texts) if n != name]
        try:
            found = check_sources([*others, (name, text)], self.catalogue, self.statutes)
        except QuestionnaireError as exc:
            errors = [*exc.errors, *errors]
            found = []
        if errors:
            raise CheckupInvalid([_pair(e) for e in errors])
        order = [n for n, _ in self._seed.values()]
        named = dict(zip([*[n for n, _ in others], name], found, strict=True))
        return [named[n] for n in order]

    def edit(self, checkup_id: str, text: str, actor: str) -> CheckupSource:
        """Store a curator's YAML for the questionnaire, after the loader's checks; in effect at once."""
        before = self.source(checkup_id)
        found = self.validate(checkup_id, text)
        with self.db.session() as s:
            row = s.get(CheckupEdit, checkup_id) or CheckupEdit(checkup_id=checkup_id)
            row.source, row.edited_by = text, actor
            s.add(row)
            self._record(actor, "checkup.edit", checkup_id, before.yaml, text, s)
            self._seen = _bump(s)
        with self._lock:
            self._texts = {**self._texts, checkup_id: text}
            self.questionnaires = _ordered(found)
        self.apply_stored()  # from the store: an edit another worker saved meanwhile is kept too
        return self.source(checkup_id)

    def restore(self, checkup_id: str, actor: str) -> CheckupSource:
        """Drop the curator's edit: the shipped questionnaire again."""
        before = self.source(checkup_id)
        with self.db.session() as s:
            row = s.get(CheckupEdit, checkup_id)
            if row is not None:
                s.delete(row)
            self._record(actor, "checkup.restore", checkup_id, before.yaml, self._seed[checkup_id][1], s)
            self._seen = _bump(s)
        self.apply_stored()
        return self.source(checkup_id)

    def _record(self, actor: str, action: str, checkup_id: str, before: str, after: str, s: Session) -> None:
        if self.audit is not None:
            self.audit.record(actor, action, f"checkup:{checkup_id}", {"yaml": before}, {"yaml": after}, session=s)

    def report(self, checkup_id: str, session_id: str, answers: dict[str, Any], lang: str = "zh") -> StoredReport:
        """Check the answers, build the report and store it for the session (which must exist)."""
        qn = self.get(checkup_id)
        complete = check_answers(qn, answers)
        body = build_report(qn, complete, self.statutes, self.catalogue)
        with self.db.session() as s:
            if s.get(ChatSession, session_id) is None:
                raise UnknownCheckupSession(session_id)
            row = CheckupReport(session_id=session_id, checkup_id=qn.id, industry=qn.industry, lang=lang,
                                level=body["overall"]["level"], score=body["overall"]["score"], answers=complete,
                                report=body)
            s.add(row)
            s.flush()
            return _stored(row)

    def get_report(self, report_id: int, session_id: str | None) -> StoredReport:
        """The report, for the session that made it only (else UnknownReport)."""
        with self.db.session() as s:
            row = s.get(CheckupReport, report_id)
            if row is None or session_id is None or row.session_id != session_id:
                raise UnknownReport(report_id)
            return _stored(row)

    def pdf(self, report_id: int, session_id: str | None, timezone: str) -> tuple[StoredReport, bytes]:
        """The report and its PDF, for the session that made it only (else UnknownReport)."""
        stored = self.get_report(report_id, session_id)
        with self._pdf_lock:
            data = self._pdfs.get(report_id)
            if data is not None:
                self._pdfs.move_to_end(report_id)
                return stored, data
        from checkups.pdf import render_pdf  # fpdf2 is imported by the first PDF, not at start-up

        data = render_pdf(stored.to_json(), stored.local_date(timezone))
        with self._pdf_lock:
            self._pdfs[report_id] = data
            while len(self._pdfs) > PDF_CACHE:
                self._pdfs.popitem(last=False)
        return stored, data

    def attach_case(self, report_id: int, case_id: int) -> None:
        """Note the hand-off case the report was sent to an adviser with."""
        with self.db.session() as s:
            row = s.get(CheckupReport, report_id)
            if row is not None:
                row.case_id = case_id

    def reports_of_case(self, case_id: int) -> list[StoredReport]:
        with self.db.session() as s:
            rows = s.scalars(select(CheckupReport).where(CheckupReport.case_id == case_id)
                             .order_by(CheckupReport.id)).all()
            return [_stored(r) for r in rows]


def _bump(s: Any) -> str:
    """A new value of the counter (readers compare values for equality only): a fresh random token, so two
    processes writing at once both produce a value no reader has seen (an increment read then written gave both
    the same), written by an upsert (two first writes both inserting met a duplicate key on PostgreSQL)."""
    value = uuid.uuid4().hex
    put_meta(s, VERSION_KEY, value)
    return value
