"""Request and response models of the self-check API (``/api/v1/checkups``)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, StrictStr, TypeAdapter, field_validator

from api.schemas import Body, CitationOut, SafeText

MAX_ANSWERS = 200
MAX_KEY = 64


class AreaOut(BaseModel):
    area: str
    area_en: str


class CheckupSummaryOut(BaseModel):
    id: str
    title: str
    title_en: str
    industry: str
    industry_en: str
    summary: str
    summary_en: str
    areas: list[AreaOut]
    question_count: int = Field(description="the scored questions (dependent ones included)")


class ConditionOut(BaseModel):
    question: str
    answer: Literal["yes", "no", "unsure"]


class QuestionOut(BaseModel):
    id: str
    area: str
    area_en: str
    text: str
    text_en: str
    gate: bool = Field(description="a question that only decides which questions follow (not scored)")
    depends_on: ConditionOut | None = Field(description="asked only when that earlier question got that answer")
    weight: int
    answers: list[str] = Field(description="the accepted answers: yes, no, unsure")


class CheckupOut(CheckupSummaryOut):
    questions: list[QuestionOut]


class ReportRequest(Body):
    session_id: StrictStr | None = Field(default=None, max_length=64,
                                         description="the conversation the report belongs to; omit to start one")
    answers: dict[str, Any] = Field(description="question id -> yes | no | unsure; questions skipped by an "
                                                "earlier answer need none")
    lang: Literal["zh", "en"] | None = None

    @field_validator("answers")
    @classmethod
    def _bounded(cls, value: dict[str, Any]) -> dict[str, Any]:
        if len(value) > MAX_ANSWERS:
            raise ValueError(f"at most {MAX_ANSWERS} answers / 最多 {MAX_ANSWERS} 个回答")
        long = [k for k in value if len(k) > MAX_KEY]
        if long:
            raise ValueError(f"question ids are at most {MAX_KEY} characters / 题目编号过长")
        return value


class BasisOut(CitationOut):
    label: str = Field(description="《title》article（date）, as answers cite")


class FindingOut(BaseModel):
    question_id: str
    area: str
    area_en: str
    answer: Literal["yes", "no", "unsure"]
    weight: int
    question: str
    question_en: str
    finding: str
    finding_en: str
    action: str
    action_en: str
    basis: list[BasisOut]
    services: list[str] = Field(description="catalogue service ids that help (order them via POST /api/v1/orders)")


class LevelOut(BaseModel):
    level: Literal["低风险", "中风险", "高风险"]
    level_en: Literal["low risk", "medium risk", "high risk"]
    score: float = Field(description="risk points / possible points x 100")
    points: float
    possible: float


class AreaLevelOut(LevelOut):
    area: str
    area_en: str
    findings: int


class ServiceRef(BaseModel):
    id: str
    name: str
    name_en: str


class ReportOut(BaseModel):
    id: int
    session_id: str
    created_at: str
    case_id: int | None = Field(description="the hand-off case the report was attached to, if any")
    checkup_id: str
    title: str
    title_en: str
    industry: str
    industry_en: str
    overall: LevelOut
    areas: list[AreaLevelOut]
    findings: list[FindingOut]
    services: list[ServiceRef]
    answered: int
    skipped: list[str] = Field(description="questions not asked because of an earlier answer")
    rule: str
    rule_en: str
    bureau: str
    bureau_en: str
    disclaimer: str
    disclaimer_en: str
    pdf: str = Field(description="where to download the PDF (for this session only)")


class CheckupSourceIn(Body):
    yaml: StrictStr = Field(max_length=200_000, description="the questionnaire's whole YAML text; checked like the "
                                                           "shipped files, and its id must be the edited one")

    @field_validator("yaml")
    @classmethod
    def _storable(cls, value: str) -> str:
        text: str = TypeAdapter(SafeText).validate_python(value)
        return text


class CheckupSourceOut(BaseModel):
    id: str
    file: str = Field(description="the shipped file it is edited over (checkups/content/<file>)")
    yaml: str = Field(description="the YAML in effect")
    edited: bool = Field(description="a curator's edit is in effect (false: the shipped file)")
    edited_by: str | None
    edited_at: str | None
