"""The curators' questionnaire page of the console: every self-check questionnaire (title, industry, question
count, edited or shipped), and one as its YAML text in a textarea, saved through ``checkups.Checkups.edit``
(checked like the shipped files, in effect at once) or restored to the shipped file. A refusal shows every
problem (file, question id, field) on the page, with the text as typed, and stores nothing.

The form is sent as multipart/form-data: its text is UTF-8 as typed, not percent-encoded three times over (the
JSON and form body limit, ``QIFA_MAX_BODY_KB``, would refuse the general questionnaire urlencoded)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api.console.router import BANNERS, CuratorLoginDep, check_csrf, page, redirect
from api.deps import RuntimeDep
from api.errors import status_of
from checkups import CheckupInvalid, UnknownCheckup

router = APIRouter(prefix="/console", include_in_schema=False)


@router.get("/checkups", response_class=HTMLResponse)
def checkups_page(request: Request, rt: RuntimeDep, login_: CuratorLoginDep, done: str = "") -> HTMLResponse:
    return _page(request, rt, login_, None, msg=BANNERS.get(done, ""))


@router.get("/checkups/{checkup_id}", response_class=HTMLResponse)
def checkup_page(checkup_id: str, request: Request, rt: RuntimeDep, login_: CuratorLoginDep,
                 done: str = "") -> HTMLResponse:
    return _page(request, rt, login_, checkup_id[:64], msg=BANNERS.get(done, ""))


def _page(request: Request, rt: Any, login_: Any, checkup_id: str | None, msg: str = "", err: str = "",
          errors: list[tuple[str, str]] | None = None, text: str | None = None, code: int = 200) -> HTMLResponse:
    """The list, and the edited questionnaire's YAML (as typed, after a refusal)."""
    source = None
    if checkup_id is not None:
        try:
            source = rt.checkups.source(checkup_id)
        except UnknownCheckup:
            err, code = "没有这份自测问卷 / no such questionnaire", 404
    return page(request, "checkups.html", {
        "staff": login_.staff, "csrf": login_.csrf, "checkups": rt.checkups.all(), "edited": rt.checkups.edited(),
        "source": source, "text": text if text is not None else (source.yaml if source else ""),
        "msg": msg, "err": err, "errors": errors or []}, status=code)


@router.post("/checkups/{checkup_id}", response_model=None)
async def save_checkup(checkup_id: str, request: Request, rt: RuntimeDep, login_: CuratorLoginDep) -> Response:
    form = await request.form()
    check_csrf(login_, str(form.get("csrf") or ""))
    checkup_id = checkup_id[:64]
    url = f"/console/checkups/{checkup_id}"
    text = str(form.get("yaml") or "").replace("\r\n", "\n")
    try:
        if form.get("restore") == "1":
            rt.checkups.restore(checkup_id, login_.staff.name)
            return redirect(url, done="reset")
        rt.checkups.edit(checkup_id, text, login_.staff.name)
    except UnknownCheckup as exc:
        return _page(request, rt, login_, checkup_id, code=status_of(exc))
    except CheckupInvalid as exc:
        return _page(request, rt, login_, checkup_id, err=str(exc), errors=exc.errors, text=text,
                     code=status_of(exc))
    return redirect(url, done="saved")
