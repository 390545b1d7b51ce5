"""The scoring rule, one place, shown in every report.

Each applicable scored question carries a weight (1-3). The risky answer counts its whole weight, "unsure"
half of it (a duty one cannot confirm is a risk too), the safe answer nothing. An area's score is its risk
points over its possible points, as a percentage: below 20 % 低风险, 20 % to below 50 % 中风险, 50 % or more
高风险; a weight-3 question answered the risky way makes the area at least 中风险. The overall level is the
same rule over all areas, and at least 中风险 when any area is 高风险.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from checkups.schema import AREAS, Question, Questionnaire

LOW, MEDIUM, HIGH = "低风险", "中风险", "高风险"
LEVEL_EN = {LOW: "low risk", MEDIUM: "medium risk", HIGH: "high risk"}
MEDIUM_FROM, HIGH_FROM = 20.0, 50.0  # percent of the possible risk points
UNSURE_SHARE = 0.5
RED_LINE_WEIGHT = 3

RULE_ZH = ("评分规则：每道适用的题目有权重（1–3）。有风险的回答计全部权重，“不确定”计一半，合规的回答不计分。"
           "各领域得分 = 风险分 ÷ 该领域满分 × 100%：低于 20% 为低风险，20%–50%（不含）为中风险，50% 及以上为高风险；"
           "权重为 3 的题目回答有风险时，该领域至少为中风险。"
           "总体等级按同一规则计算全部领域，且任一领域为高风险时总体至少为中风险。")
RULE_EN = ("Scoring: every applicable question has a weight (1-3). A risky answer counts its full weight, "
           "\"unsure\" half of it, a compliant answer nothing. An area's score = risk points / possible points x 100%: "
           "below 20% is low risk, 20% to below 50% medium, 50% or more high; a weight-3 question answered the risky "
           "way makes its area at least medium. The overall level applies the same rule to all areas, and is at "
           "least medium when any area is high.")


@dataclass
class Tally:
    points: float = 0.0
    possible: float = 0.0
    red_line: bool = False
    findings: list[str] = field(default_factory=list)

    @property
    def score(self) -> float:
        return round(100 * self.points / self.possible, 1) if self.possible else 0.0

    def level(self) -> str:
        s = self.score
        level = HIGH if s >= HIGH_FROM else MEDIUM if s >= MEDIUM_FROM else LOW
        return MEDIUM if level == LOW and self.red_line else level


def risk_points(q: Question, answer: str) -> float:
    if answer == "unsure":
        return q.weight * UNSURE_SHARE
    return float(q.weight) if answer == q.bad else 0.0


@dataclass
class Scores:
    overall: Tally
    areas: dict[str, Tally]

    def overall_level(self) -> str:
        level = self.overall.level()
        if level == LOW and any(t.level() == HIGH for t in self.areas.values()):
            return MEDIUM
        return level


def score(qn: Questionnaire, answers: dict[str, str]) -> Scores:
    """Scores of the applicable scored questions (``answers`` is complete: see ``checkups.answers``)."""
    areas: dict[str, Tally] = {a: Tally() for a in AREAS if a in qn.areas}
    overall = Tally()
    for q in qn.applicable(answers):
        if q.gate:
            continue
        points = risk_points(q, answers[q.id])
        for t in (areas[q.area], overall):
            t.points += points
            t.possible += q.weight
            if points:
                t.findings.append(q.id)
            if points == q.weight and q.weight >= RED_LINE_WEIGHT:
                t.red_line = True
    return Scores(overall, {a: t for a, t in areas.items() if t.possible})
