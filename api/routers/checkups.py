"""The legal health self-check (法治体检自测): the questionnaires, a report from answers, the report as PDF.

Curators (and administrators) edit a questionnaire as its YAML text (``/{id}/source``): checked like the shipped
files, in effect at once, undone by DELETE; reports already made keep what they were made with.

A report is seen only by the session that made it: any other session, or none, gets 404 (as if it did not
exist), so report ids cannot be probed for other enterprises' answers.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

import anyio
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.deps import RuntimeDep
from api.schemas import TextPath, id_path
from api.schemas_checkups import (
    CheckupOut,
    CheckupSourceIn,
    CheckupSourceOut,
    CheckupSummaryOut,
    ReportOut,
    ReportRequest,
)
from api.security import Curator
from api.sites import record_site
from checkups import ANSWERS, Questionnaire, StoredReport

router = APIRouter(prefix="/api/v1/checkups", tags=["self-check"])
ReportId = Annotated[int, id_path("report")]
SessionQuery = Annotated[str | None, Query(max_length=64, description="the session that made the report")]
PDF: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}}


def _summary(qn: Questionnaire) -> dict[str, Any]:
    return {"id": qn.id, "title": qn.title, "title_en": qn.title_en, "industry": qn.industry,
            "industry_en": qn.industry_en, "summary": qn.summary, "summary_en": qn.summary_en,
            "areas": [{"area": a, "area_en": q.area_en} for a in qn.areas
                      for q in [next(x for x in qn.scored if x.area == a)]],
            "question_count": len(qn.scored)}


def _report(stored: StoredReport) -> dict[str, Any]:
    data = stored.to_json()
    data["pdf"] = f"/api/v1/checkups/reports/{stored.id}.pdf?session_id={quote(stored.session_id)}"
    return data


@router.get("", response_model=list[CheckupSummaryOut])
def list_checkups(rt: RuntimeDep) -> list[dict[str, Any]]:
    """Every questionnaire: the general one, one per local industry (水晶, 挂锁, 绗缝) and the foreign-related one."""
    return [_summary(q) for q in rt.checkups.all()]


@router.get("/reports/{report_id}.pdf", response_class=Response, responses=PDF)
async def report_pdf(report_id: ReportId, rt: RuntimeDep, session_id: SessionQuery = None) -> Response:
    """The report as a PDF (Chinese and English), for the session that made it only."""
    stored, data = await anyio.to_thread.run_sync(rt.checkups.pdf, report_id, session_id, rt.settings.timezone)
    return Response(data, media_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="qifa-checkup-{stored.id}.pdf"', "Cache-Control": "no-store"})


@router.get("/reports/{report_id}", response_model=ReportOut)
def get_report(report_id: ReportId, rt: RuntimeDep, session_id: SessionQuery = None) -> dict[str, Any]:
    return _report(rt.checkups.get_report(report_id, session_id))


@router.get("/{checkup_id}", response_model=CheckupOut)
def get_checkup(checkup_id: TextPath, rt: RuntimeDep) -> dict[str, Any]:
    """A questionnaire with its questions, in the order they are asked (``depends_on`` says when one is skipped)."""
    qn = rt.checkups.get(checkup_id)
    questions = [{"id": q.id, "area": q.area, "area_en": q.area_en, "text": q.text, "text_en": q.text_en,
                  "gate": q.gate, "depends_on": q.depends_on.model_dump() if q.depends_on else None,
                  "weight": q.weight, "answers": list(ANSWERS)} for q in qn.questions]
    return {**_summary(qn), "questions": questions}


@router.post("/{checkup_id}/report", status_code=201, response_model=ReportOut)
def make_report(checkup_id: TextPath, body: ReportRequest, rt: RuntimeDep, request: Request) -> dict[str, Any]:
    """The report of a complete set of answers, stored for the session (a new one when ``session_id`` is omitted).
    Missing answers, unknown question ids and answers other than yes / no / unsure: 422 naming each."""
    rt.checkups.get(checkup_id)  # an unknown questionnaire: 404 before anything is created
    session_id = body.session_id
    if session_id is None:
        session_id = rt.conversations.open(None, "web").id
        record_site(request, session_id)
    return _report(rt.checkups.report(checkup_id, session_id, body.answers, body.lang or "zh"))


@router.get("/{checkup_id}/source", response_model=CheckupSourceOut)
def checkup_source(checkup_id: TextPath, rt: RuntimeDep, staff: Curator) -> dict[str, Any]:
    """The questionnaire's YAML in effect (a curator's edit, or the shipped file), for curators."""
    return rt.checkups.source(checkup_id).to_json()


@router.put("/{checkup_id}/source", response_model=CheckupSourceOut)
def edit_checkup(checkup_id: TextPath, body: CheckupSourceIn, rt: RuntimeDep, staff: Curator) -> dict[str, Any]:
    """Replace the questionnaire's YAML: checked by the loader (schema, ids, services, documents and articles,
    ``depends_on``; the id must stay), in effect at once; 422 lists every problem, and nothing is stored."""
    return rt.checkups.edit(checkup_id, body.yaml, staff.name).to_json()


@router.delete("/{checkup_id}/source", response_model=CheckupSourceOut)
def restore_checkup(checkup_id: TextPath, rt: RuntimeDep, staff: Curator) -> dict[str, Any]:
    """Drop the curator's edit: the shipped questionnaire again."""
    return rt.checkups.restore(checkup_id, staff.name).to_json()
