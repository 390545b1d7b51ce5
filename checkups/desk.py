"""The self-check desk: the questionnaires, and the reports stored per session (SQL)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from checkups.basis import Statutes
from checkups.loader import load_questionnaires
from checkups.pdf import render_pdf
from checkups.report import build_report, check_answers
from checkups.schema import Questionnaire
from db import Database
from db.base import iso_utc
from db.models_chat import ChatSession
from db.models_checkups import CheckupReport
from knowledge.catalogue import Catalogue


class UnknownCheckup(LookupError):
    """No questionnaire with this id."""

    code = "unknown_checkup"


class UnknownReport(LookupError):
    """No report with this id for this session (another session's report is not told apart from none)."""

    code = "unknown_report"


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
_SHIPPED: dict[tuple[str, ...], tuple[Statutes, list[Questionnaire]]] = {}
_SHIPPED_LOCK = threading.Lock()


def shipped(catalogue: Catalogue) -> tuple[Statutes, list[Questionnaire]]:
    """The shipped questionnaires, validated against ``catalogue``'s service ids, loaded once per process."""
    key = tuple(sorted(s.id for s in catalogue.services))
    with _SHIPPED_LOCK:
        if key not in _SHIPPED:
            statutes = Statutes()
            _SHIPPED[key] = (statutes, load_questionnaires(catalogue, statutes))
        return _SHIPPED[key]


class Checkups:
    def __init__(self, db: Database, catalogue: Catalogue, statutes: Statutes | None = None,
                 questionnaires: list[Questionnaire] | None = None) -> None:
        self.db = db
        self.catalogue = catalogue
        if questionnaires is None:
            statutes, found = shipped(catalogue)
        else:
            statutes, found = statutes or Statutes(), questionnaires
        self.statutes = statutes
        self._pdfs: OrderedDict[int, bytes] = OrderedDict()
        self._pdf_lock = threading.Lock()
        # the general questionnaire first, then the others in file order
        self.questionnaires = sorted(found, key=lambda q: q.id != "general")

    def all(self) -> list[Questionnaire]:
        return list(self.questionnaires)

    def get(self, checkup_id: str) -> Questionnaire:
        found = next((q for q in self.questionnaires if q.id == checkup_id), None)
        if found is None:
            raise UnknownCheckup(checkup_id)
        return found

    def find(self, checkup_id: str) -> Questionnaire | None:
        return next((q for q in self.questionnaires if q.id == checkup_id), None)

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
