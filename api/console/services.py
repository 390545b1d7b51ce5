"""The curators' catalogue page: every service, and a form with all its fields (lists one item per line);
saved through ``curation.CatalogueEditor`` (validated like the YAML, in effect at once, re-indexed)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api.console.router import BANNERS, CuratorLoginDep, check_csrf, page, redirect
from api.console.wording import service_error, service_label, zh_first
from api.deps import RuntimeDep
from api.errors import status_of
from curation import CatalogueInvalid, CurationError
from knowledge.catalogue import EN_FIELDS, EN_LISTS

router = APIRouter(prefix="/console", include_in_schema=False)


def _fields(svc: Any) -> list[tuple[str, str, Any]]:
    """(name, kind, value): kind is text, lines or flag. An English twin not yet written (None) is an empty box of
    its kind: left empty, the service stays untranslated there and English readers get the Chinese, marked."""
    out = []
    for name, value in svc.model_dump().items():
        if name == "id":
            continue
        lines = name in EN_LISTS or isinstance(value, tuple | list)
        kind = "flag" if isinstance(value, bool) else "lines" if lines else "text"
        shown = "" if value is None else "\n".join(value) if kind == "lines" else value
        out.append((name, kind, shown))
    return out


@router.get("/services", response_class=HTMLResponse)
def services_page(request: Request, rt: RuntimeDep, login_: CuratorLoginDep, edit: str = "",
                  done: str = "") -> HTMLResponse:
    return _services(request, rt, login_, edit, msg=BANNERS.get(done, ""))


def _services(request: Request, rt: Any, login_: Any, edit: str, msg: str = "", err: str = "",
              code: int = 200, typed: dict[str, Any] | None = None,
              errors: dict[str, str] | None = None) -> HTMLResponse:
    """A success banner comes from the fixed table; a refusal is shown on the page itself (no redirect), with
    every field as the curator typed it (``typed``) and each problem beside its field (``errors``)."""
    svc = rt.catalogue.get(edit[:64]) if edit else None
    fields = [(name, service_label(name), kind, typed[name] if typed and name in typed else value)
              for name, kind, value in _fields(svc)] if svc else []
    return page(request, "services.html", {"staff": login_.staff, "csrf": login_.csrf,
                                           "services": rt.catalogue.services, "svc": svc, "fields": fields,
                                           "edited": rt.services.edits(), "msg": msg, "err": err,
                                           "errors": errors or {}}, status=code)


@router.post("/services/{service_id}", response_model=None)
async def save_service(service_id: str, request: Request, rt: RuntimeDep, login_: CuratorLoginDep) -> Response:
    form = await request.form()
    check_csrf(login_, str(form.get("csrf") or ""))
    svc = rt.catalogue.get(service_id[:64])
    if svc is None:
        return _services(request, rt, login_, "", err="服务目录中没有该服务 / no such service in the catalogue",
                         code=404)
    changes: dict[str, Any] = {}
    typed: dict[str, Any] = {}
    for name, kind, _ in _fields(svc):
        raw = str(form.get(name) or "")
        if kind == "flag":
            changes[name] = typed[name] = form.get(name) == "on"
        elif kind == "lines":
            changes[name], typed[name] = [ln.strip() for ln in raw.splitlines() if ln.strip()], raw
        else:
            changes[name], typed[name] = raw.strip(), raw
    try:
        if form.get("reset") == "1":
            rt.services.reset(svc.id, login_.staff.name)
            return redirect("/console/services", edit=svc.id, done="reset")
        saved = rt.services.edit(svc.id, changes, login_.staff.name)
    except CatalogueInvalid as exc:
        errors: dict[str, str] = {}
        for field, message in exc.errors:
            errors.setdefault(field.split(".")[0], service_error(field.split(".")[0], message))
        names = "、".join(service_label(f) for f in errors)
        err = f"未保存：请修改标出的 {len(errors)} 项（{names}） / Not saved: correct the marked fields"
        return _services(request, rt, login_, svc.id, err=err, code=status_of(exc), typed=typed, errors=errors)
    except CurationError as exc:
        return _services(request, rt, login_, svc.id, err=zh_first(str(exc)), code=status_of(exc), typed=typed)
    cleared = [f for f in EN_FIELDS if getattr(svc, f) is not None and getattr(saved, f) is None]
    return redirect("/console/services", edit=svc.id, done="saved_untranslated" if cleared else "saved")
