"""The console's figures: the dashboard (curators and administrators) drawn with the vendored uPlot, the
service ledger download (every staff role), and the vendored chart files themselves."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from api.console.router import AnyLoginDep, CuratorLoginDep, page
from api.deps import RuntimeDep
from reporting import Period, PeriodError, compute_stats, ledger_csv

router = APIRouter(prefix="/console", include_in_schema=False)
STATIC = Path(__file__).parent / "static"
VENDORED = {"uplot/uPlot.iife.min.js": "text/javascript; charset=utf-8", "uplot/uPlot.min.css": "text/css"}
Day = Annotated[str, Query(alias="from", max_length=20)]
ToDay = Annotated[str, Query(alias="to", max_length=20)]
ROUTE_LABELS = {"answer": "解答 Answer", "menu": "菜单 Menu", "order": "点单 Order", "handoff": "转人工 Hand-off",
                "fallback": "未能解答 Fallback"}


@router.get("/static/{name:path}", response_model=None)
def static(name: str) -> Response:
    """Only the vendored files listed here (no directory walking)."""
    if name not in VENDORED:
        return Response("not found", status_code=404, media_type="text/plain")
    return FileResponse(STATIC / name, media_type=VENDORED[name], headers={"Cache-Control": "public, max-age=86400",
                                                                          "X-Content-Type-Options": "nosniff"})


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard(request: Request, rt: RuntimeDep, login_: CuratorLoginDep, start: Day = "",
              end: ToDay = "") -> HTMLResponse:
    err = ""
    try:
        period = Period.parse(start, end, rt.settings.timezone)
    except PeriodError as exc:
        err, period = str(exc), Period.parse("", "", rt.settings.timezone)
    stats = compute_stats(rt.db, period, rt.settings.handoff_response_minutes, rt.advisers.hours)
    return page(request, "dashboard.html", {"staff": login_.staff, "csrf": login_.csrf, "s": stats, "err": err,
                                            "route_labels": ROUTE_LABELS})


@router.get("/ledger.csv", response_model=None)
def ledger(rt: RuntimeDep, login_: AnyLoginDep, start: Day = "", end: ToDay = "") -> Response:
    try:
        period = Period.parse(start, end, rt.settings.timezone)
    except PeriodError as exc:
        return Response(str(exc), status_code=422, media_type="text/plain; charset=utf-8")
    name = f"qifa-ledger-{period.start.isoformat()}-{period.end.isoformat()}.csv"
    return Response(ledger_csv(rt.db, rt.catalogue, period), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})
