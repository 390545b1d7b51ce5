"""The curators' intent examples page: the intents with their shipped and curated example counts, the curated
phrasings (remove), and a form to add one (the classifier is refitted at once). Forms only translate to
``curation.IntentExamples`` calls."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from api.console.router import BANNERS, CsrfField, CuratorLoginDep, check_csrf, page, redirect
from api.deps import RuntimeDep
from api.errors import status_of
from assistant.intents import INTENTS
from curation import CurationError

router = APIRouter(prefix="/console", include_in_schema=False)
TextField = Annotated[str, Form(max_length=1000)]
INTENT_LABELS = {"greeting": "问候 Greeting", "order": "下单 Order a service",
                 "order_status": "查订单进度 Track a booking", "human": "转人工 Ask for a person",
                 "high_risk": "高风险 High risk", "dissatisfied": "不满意 Dissatisfied",
                 "leave_handoff": "退出人工 Leave the hand-off", "out_of_scope": "超出范围 Out of scope",
                 "legal": "法律问题 Legal question"}


def choices() -> dict[str, Any]:
    """What the review page's "add as intent example" form needs too."""
    return {"intents": INTENTS, "intent_labels": INTENT_LABELS}


@router.get("/intents", response_class=HTMLResponse)
def intents_page(request: Request, rt: RuntimeDep, login_: CuratorLoginDep, done: str = "") -> HTMLResponse:
    return _intents(request, rt, login_, msg=BANNERS.get(done, ""))


def _intents(request: Request, rt: Any, login_: Any, msg: str = "", err: str = "", code: int = 200) -> HTMLResponse:
    return page(request, "intents.html", {"staff": login_.staff, "csrf": login_.csrf, "summary": rt.intents.summary(),
                                          "examples": rt.intents.entries(), "msg": msg, "err": err, **choices()},
                status=code)


@router.post("/intents", response_model=None)
def add_example(request: Request, rt: RuntimeDep, login_: CuratorLoginDep, csrf: CsrfField = "",
                intent: TextField = "", text: TextField = "") -> Response:
    check_csrf(login_, csrf)
    try:
        rt.intents.add(intent, text, login_.staff.name)
    except CurationError as exc:
        return _intents(request, rt, login_, err=str(exc), code=status_of(exc))
    return redirect("/console/intents", done="example_added")


@router.post("/intents/{example_id}/remove", response_model=None)
def remove_example(example_id: int, request: Request, rt: RuntimeDep, login_: CuratorLoginDep,
                   csrf: CsrfField = "") -> Response:
    check_csrf(login_, csrf)
    try:
        rt.intents.remove(example_id, login_.staff.name)
    except CurationError as exc:
        return _intents(request, rt, login_, err=str(exc), code=status_of(exc))
    return redirect("/console/intents", done="example_removed")
