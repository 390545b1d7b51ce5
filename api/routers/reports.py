"""Figures for staff: the dashboard's statistics (curators and administrators) and the service ledger as CSV
(advisers too)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.deps import RuntimeDep
from api.schemas import SafeText
from api.security import AnyStaff, Curator
from reporting import Period, compute_stats, ledger_csv

router = APIRouter(prefix="/api/v1", tags=["figures"])
From = Annotated[SafeText, Query(alias="from", max_length=20, description="first day, YYYY-MM-DD (local)")]
To = Annotated[SafeText, Query(alias="to", max_length=20, description="last day, YYYY-MM-DD (local)")]


def period_of(rt: Any, start: str, end: str) -> Period:
    return Period.parse(start, end, rt.settings.timezone)


@router.get("/stats", response_model=dict[str, Any])
def stats(rt: RuntimeDep, staff: Curator, start: From = "",
          end: To = "") -> dict[str, Any]:
    """The dashboard's figures for the days ``from``..``to`` (both included; default: the last 30 days)."""
    return compute_stats(rt.db, period_of(rt, start, end), rt.settings.handoff_response_minutes,
                         rt.advisers.hours)


CSV: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {"schema": {"type": "string", "format": "binary"}}}}}


@router.get("/ledger.csv", response_class=Response, responses=CSV)
def ledger(rt: RuntimeDep, staff: AnyStaff, start: From = "",
           end: To = "") -> Response:
    """The service ledger (服务台账): one row per order placed in the period, UTF-8 with a BOM."""
    period = period_of(rt, start, end)
    name = f"qifa-ledger-{period.start.isoformat()}-{period.end.isoformat()}.csv"
    return Response(ledger_csv(rt.db, rt.catalogue, period), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})
