"""Self-check figures for the staff dashboard — the needs survey the bureau runs by hand today: self-checks
completed, the overall level by questionnaire (industry), the level of each area, and the most common findings."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from sqlalchemy import select

from db import Database
from db.models_checkups import CheckupReport
from reporting.period import Period

LEVELS = ("低风险", "中风险", "高风险")
TOP_FINDINGS = 10


def _levels(counter: Counter[str]) -> dict[str, int]:
    return {level: counter.get(level, 0) for level in LEVELS}


def checkup_stats(db: Database, period: Period) -> dict[str, Any]:
    lo, hi = period.bounds()
    with db.session() as s:
        rows = s.execute(select(CheckupReport.industry, CheckupReport.level, CheckupReport.report)
                         .where(CheckupReport.created_at >= lo, CheckupReport.created_at < hi)).all()
    overall: Counter[str] = Counter()
    by_industry: dict[str, Counter[str]] = defaultdict(Counter)
    by_area: dict[str, Counter[str]] = defaultdict(Counter)
    area_en: dict[str, str] = {}
    findings: Counter[str] = Counter()
    finding_text: dict[str, tuple[str, str, str]] = {}
    for industry, level, report in rows:
        overall[level] += 1
        by_industry[industry][level] += 1
        for a in (report or {}).get("areas", []):
            by_area[a["area"]][a["level"]] += 1
            area_en[a["area"]] = a["area_en"]
        for f in (report or {}).get("findings", []):
            findings[f["question_id"]] += 1
            finding_text[f["question_id"]] = (f["area"], f["finding"], f["finding_en"])
    return {
        "completed": len(rows),
        "by_level": _levels(overall),
        "by_industry": {k: _levels(v) for k, v in sorted(by_industry.items())},
        "by_area": {k: {"area_en": area_en[k], **_levels(v)} for k, v in sorted(by_area.items())},
        "top_findings": [{"question_id": q, "area": finding_text[q][0], "finding": finding_text[q][1],
                          "finding_en": finding_text[q][2], "count": n} for q, n in findings.most_common(TOP_FINDINGS)],
    }
