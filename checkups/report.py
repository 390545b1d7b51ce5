"""Answers checked against a questionnaire, and the report built from them (JSON-ready, both languages)."""

from __future__ import annotations

from typing import Any

from checkups.basis import Statutes
from checkups.schema import ANSWERS, AREAS, Questionnaire
from checkups.scoring import LEVEL_EN, RULE_EN, RULE_ZH, risk_points, score
from knowledge.catalogue import Catalogue

BUREAU = "浦江县司法局"
BUREAU_EN = "Pujiang County Justice Bureau"
DISCLAIMER = ("本报告由企业自行作答自动生成，仅用于自查参考，不构成法律意见，也不代表任何行政机关的认定。"
              "具体问题请咨询律师或向县司法局预约进企法治体检。")
DISCLAIMER_EN = ("This report is generated automatically from the enterprise's own answers. It is for self-assessment "
                 "only, is not legal advice and is not a finding of any authority. For specific matters consult a "
                 "lawyer or book an on-site legal health check with the county justice bureau.")


class InvalidAnswers(ValueError):
    """Answers that do not fit the questionnaire: each list names the question ids."""

    code = "invalid_answers"

    def __init__(self, missing: list[str], unknown: list[str], invalid: list[str]) -> None:
        self.missing, self.unknown, self.invalid = missing, unknown, invalid
        parts = []
        if missing:
            parts.append(f"missing answers: {', '.join(missing)} / 缺少回答：{'、'.join(missing)}")
        if unknown:
            parts.append(f"unknown questions: {', '.join(unknown)} / 未知的题目：{'、'.join(unknown)}")
        if invalid:
            parts.append(f"answers must be yes, no or unsure: {', '.join(invalid)} "
                         f"/ 回答只能是 yes、no 或 unsure：{'、'.join(invalid)}")
        super().__init__("; ".join(parts))

    def fields(self) -> list[dict[str, str]]:
        out = [{"field": f"answers.{q}", "message": "missing answer / 缺少回答"} for q in self.missing]
        out += [{"field": f"answers.{q}", "message": "unknown question / 未知的题目"} for q in self.unknown]
        out += [{"field": f"answers.{q}", "message": "must be yes, no or unsure / 只能是 yes、no 或 unsure"}
                for q in self.invalid]
        return out


def check_answers(qn: Questionnaire, answers: dict[str, Any]) -> dict[str, str]:
    """The answers of the applicable questions; InvalidAnswers names every unknown, invalid or missing one.
    Answers to questions skipped by an earlier answer are accepted and dropped."""
    unknown = sorted(k for k in answers if qn.question(k) is None)
    invalid = sorted(k for k, v in answers.items() if k not in unknown and v not in ANSWERS)
    given = {k: str(v) for k, v in answers.items() if k not in unknown and k not in invalid}
    applicable = qn.applicable(given)
    missing = [q.id for q in applicable if q.id not in given and q.id not in invalid]
    if unknown or invalid or missing:
        raise InvalidAnswers(missing, unknown, invalid)
    return {q.id: given[q.id] for q in applicable}


def build_report(qn: Questionnaire, answers: dict[str, str], statutes: Statutes,
                 catalogue: Catalogue) -> dict[str, Any]:
    """The report of complete answers (see ``check_answers``): levels, findings with their legal basis quoted,
    the recommended services, the scoring rule and the disclaimer. ``id`` and ``created_at`` are the store's."""
    scores = score(qn, answers)
    findings: list[dict[str, Any]] = []
    for q in qn.applicable(answers):
        if q.gate or not risk_points(q, answers[q.id]):
            continue
        quotes = [statutes.quote(b.document, b.article) for b in q.basis]
        findings.append({
            "question_id": q.id, "area": q.area, "area_en": q.area_en, "answer": answers[q.id], "weight": q.weight,
            "question": q.text, "question_en": q.text_en, "finding": q.finding, "finding_en": q.finding_en,
            "action": q.action, "action_en": q.action_en,
            "basis": [{**c.to_json(), "label": c.label()} for c in quotes if c is not None],
            "services": list(q.services),
        })
    findings.sort(key=lambda f: (-float(f["weight"]) * (1 if f["answer"] != "unsure" else 0.5), f["question_id"]))
    services: list[str] = []
    for f in findings:
        services.extend(s for s in f["services"] if s not in services)
    overall = scores.overall_level()
    return {
        "checkup_id": qn.id, "title": qn.title, "title_en": qn.title_en,
        "industry": qn.industry, "industry_en": qn.industry_en,
        "overall": {"level": overall, "level_en": LEVEL_EN[overall], "score": scores.overall.score,
                    "points": scores.overall.points, "possible": scores.overall.possible},
        "areas": [{"area": a, "area_en": AREAS[a], "level": t.level(), "level_en": LEVEL_EN[t.level()],
                   "score": t.score, "points": t.points, "possible": t.possible, "findings": len(t.findings)}
                  for a, t in scores.areas.items()],
        "findings": findings,
        "services": [{"id": s, "name": svc.name, "name_en": svc.name_en}
                     for s in services if (svc := catalogue.get(s)) is not None],
        "answered": len(answers), "skipped": [q.id for q in qn.questions if q.id not in answers],
        "rule": RULE_ZH, "rule_en": RULE_EN,
        "bureau": BUREAU, "bureau_en": BUREAU_EN, "disclaimer": DISCLAIMER, "disclaimer_en": DISCLAIMER_EN,
    }
