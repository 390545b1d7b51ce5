"""The curators' compliance-notice page of the console: publish a notice to the subscribers of its topics (the
form checks nothing the domain does not: ``alerts.Notices`` refuses bad input with the field named), and the
latest notices with their delivery counts."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from alerts import AlertError, UnknownNotice
from api.console.router import BANNERS, CsrfField, CuratorLoginDep, check_csrf, page, redirect
from api.deps import RuntimeDep
from api.errors import status_of
from api.schemas import id_path

router = APIRouter(prefix="/console", include_in_schema=False)
LongField = Annotated[str, Form(max_length=20000)]
TopicField = Annotated[list[str], Form(max_length=50)]


@router.get("/notices", response_class=HTMLResponse)
def notices_page(request: Request, rt: RuntimeDep, login_: CuratorLoginDep, done: str = "") -> HTMLResponse:
    return _notices(request, rt, login_, msg=BANNERS.get(done, ""))


def _notices(request: Request, rt: Any, login_: Any, msg: str = "", err: str = "", code: int = 200,
             form: dict[str, Any] | None = None) -> HTMLResponse:
    return page(request, "notices.html", {
        "staff": login_.staff, "csrf": login_.csrf, "notices": rt.notices.recent(), "topics": list(rt.alerts.topics),
        "names": {t.id: t.zh for t in rt.alerts.topics}, "msg": msg, "err": err,
        "form": form or {"title": "", "body": "", "links": "", "topics": []}}, status=code)


@router.post("/notices", response_model=None)
def publish(request: Request, rt: RuntimeDep, login_: CuratorLoginDep, csrf: CsrfField = "", title: LongField = "",
            body: LongField = "", links: LongField = "", topics: TopicField = []) -> Response:  # noqa: B006
    check_csrf(login_, csrf)
    urls = [u.strip() for u in links.splitlines() if u.strip()]
    try:
        rt.notices.publish(title, body, topics, urls, login_.staff.name)
    except AlertError as exc:  # the form comes back as typed, with the reason
        return _notices(request, rt, login_, err=str(exc), code=status_of(exc),
                        form={"title": title, "body": body, "links": links, "topics": topics})
    return redirect("/console/notices", done="notice")


@router.post("/notices/{notice_id}/withdraw", response_model=None)
def withdraw(notice_id: Annotated[int, id_path("notice")], request: Request, rt: RuntimeDep, login_: CuratorLoginDep,
             csrf: CsrfField = "") -> Response:
    check_csrf(login_, csrf)
    try:
        rt.notices.withdraw(notice_id, login_.staff.name)
    except (AlertError, UnknownNotice) as exc:
        code = status_of(exc)
        shown = str(exc) if isinstance(exc, AlertError) else f"no notice {notice_id} / 通知不存在"
        return _notices(request, rt, login_, err=shown, code=code)
    return redirect("/console/notices", done="withdrawn")
