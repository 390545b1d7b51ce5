"""The curators' console pages for answers: the review queue (add an FAQ or intent examples, link a document,
dismiss; the links made, with unlink), the FAQ list (add, remove) and hit testing. Forms only translate to
``curation`` calls."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from api.console.intents import choices
from api.console.router import BANNERS, CsrfField, CuratorLoginDep, check_csrf, page, redirect
from api.console.wording import faq_error, zh_first
from api.deps import RuntimeDep
from api.errors import status_of
from api.schemas import id_path
from curation import CurationError, InvalidMetadata, hit_test

router = APIRouter(prefix="/console", include_in_schema=False)
TextField = Annotated[str, Form(max_length=20000)]
LinkId = Annotated[int, id_path("linked question's message")]
REASON_LABELS = {"refused": "未能解答 Refused", "low_confidence": "把握不足 Low confidence", "disliked": "👎 Disliked",
                 "should_have_answered": "顾问标记：应能自助解答 Adviser: should have answered"}


@router.get("/review", response_class=HTMLResponse)
def review_page(request: Request, rt: RuntimeDep, login_: CuratorLoginDep, done: str = "") -> HTMLResponse:
    return _review(request, rt, login_, msg=BANNERS.get(done, ""))


def _review(request: Request, rt: Any, login_: Any, msg: str = "", err: str = "", code: int = 200) -> HTMLResponse:
    """A success banner comes from the fixed table; a refusal is shown on the page itself (no redirect)."""
    return page(request, "review.html", {"staff": login_.staff, "csrf": login_.csrf, "groups": rt.review.groups(),
                                         "documents": [d for d in rt.kb.documents() if d.active],
                                         "links": rt.links.listing(),
                                         "review_labels": REASON_LABELS, "msg": msg, "err": err, **choices()},
                status=code)


@router.post("/review/{key}", response_model=None)
def review_action(key: int, request: Request, rt: RuntimeDep, login_: CuratorLoginDep, csrf: CsrfField = "",
                  action: TextField = "", answer: TextField = "", question: TextField = "",
                  document_id: TextField = "", intent: TextField = "") -> Response:
    check_csrf(login_, csrf)
    try:
        done = rt.review.decide(key, action, login_.staff.name, answer, question, document_id[:64], intent[:40])
    except CurationError as exc:
        return _review(request, rt, login_, err=str(exc), code=status_of(exc))
    codes = {"faq": "faq", "intent": "intent", "document": "linked", "dismiss": "dismissed"}
    return redirect("/console/review", done=codes[done["action"]])


@router.post("/review/links/{message_id}/remove", response_model=None)
def unlink(message_id: LinkId, request: Request, rt: RuntimeDep, login_: CuratorLoginDep,
           csrf: CsrfField = "") -> Response:
    check_csrf(login_, csrf)
    try:
        rt.links.remove(message_id, login_.staff.name)
    except CurationError as exc:
        return _review(request, rt, login_, err=str(exc), code=status_of(exc))
    return redirect("/console/review", done="unlinked")


@router.get("/faqs", response_class=HTMLResponse)
def faqs_page(request: Request, rt: RuntimeDep, login_: CuratorLoginDep, done: str = "") -> HTMLResponse:
    return _faqs(request, rt, login_, msg=BANNERS.get(done, ""))


def _faqs(request: Request, rt: Any, login_: Any, msg: str = "", err: str = "", code: int = 200,
          typed: dict[str, str] | None = None, errors: dict[str, str] | None = None) -> HTMLResponse:
    """A refused FAQ comes back as typed (``typed``), its problem beside the field (``errors``)."""
    return page(request, "faqs.html", {"staff": login_.staff, "csrf": login_.csrf, "faqs": rt.faqs.entries(),
                                       "msg": msg, "err": err, "form": typed or {}, "errors": errors or {}},
                status=code)


@router.post("/faqs", response_model=None)
def add_faq(request: Request, rt: RuntimeDep, login_: CuratorLoginDep, csrf: CsrfField = "", question: TextField = "",
            variants: TextField = "", answer: TextField = "") -> Response:
    check_csrf(login_, csrf)
    lines = [v.strip() for v in variants.splitlines() if v.strip()]
    try:
        rt.faqs.add(question, lines, answer, login_.staff.name)
    except CurationError as exc:
        typed = {"question": question, "variants": variants, "answer": answer}
        field = exc.field if exc.field in typed else ""
        said = (faq_error(field, str(exc), not typed[field].strip()) if isinstance(exc, InvalidMetadata) and field
                else zh_first(str(exc)))
        return _faqs(request, rt, login_, err=f"未添加 / Not added: {said}", code=status_of(exc), typed=typed,
                     errors={field: said} if field else {})
    return redirect("/console/faqs", done="faq_added")


@router.post("/faqs/{faq_id}/remove", response_model=None)
def remove_faq(faq_id: int, request: Request, rt: RuntimeDep, login_: CuratorLoginDep,
               csrf: CsrfField = "") -> Response:
    check_csrf(login_, csrf)
    try:
        rt.faqs.remove(faq_id, login_.staff.name)
    except CurationError as exc:
        return _faqs(request, rt, login_, err=str(exc), code=status_of(exc))
    return redirect("/console/faqs", done="faq_removed")


@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request, rt: RuntimeDep, login_: CuratorLoginDep, q: str = "") -> HTMLResponse:
    q = q.strip()[:2000]
    result = hit_test(rt.kb, rt.faqs, rt.catalogue, rt.assistant.router, q, 10, rt.links) if q else None
    return page(request, "search.html", {"staff": login_.staff, "csrf": login_.csrf, "q": q, "r": result})
