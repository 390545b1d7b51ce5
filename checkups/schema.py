"""The questionnaire schema: typed, frozen models validated at load (see ``checkups.loader``).

A questionnaire is content (YAML in ``checkups/content``), not code: curators edit the files; every problem is
reported with the file, the question id and the field.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints, field_validator, model_validator

Answer = Literal["yes", "no", "unsure"]
ANSWERS: tuple[str, ...] = ("yes", "no", "unsure")
# every area a question may belong to, with its English name (the report lists areas in this order)
AREAS: dict[str, str] = {
    "劳动用工": "Employment",
    "合同管理": "Contracts",
    "公司治理": "Corporate governance",
    "知识产权": "Intellectual property",
    "安全生产": "Work safety",
    "环境保护": "Environmental protection",
    "数据与个人信息": "Data and personal information",
    "行政许可与处罚": "Licences and administrative penalties",
    "产品质量": "Product quality and standards",
    "外商投资": "Foreign investment",
    "对外贸易与出口管制": "Foreign trade and export control",
    "涉外合同": "Cross-border contracts",
}
_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_ARTICLE_RE = re.compile(r"^第[零〇一二两三四五六七八九十百千]+条$")
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=400)]


def _slug(value: str) -> str:
    if not _ID_RE.match(value) or len(value) > 40:
        raise ValueError(f"'{value}' is not a slug of lowercase letters, digits and hyphens (at most 40)")
    return value


class Basis(BaseModel):
    """A legal basis: a document of the shipped statutes pack and one of its articles (第十条)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    document: str
    article: str

    @field_validator("article")
    @classmethod
    def _check_article(cls, value: str) -> str:
        if not _ARTICLE_RE.match(value):
            raise ValueError(f"'{value}' is not an article like 第十条")
        return value


class Condition(BaseModel):
    """Ask a question only when an earlier question got this answer."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    question: str
    answer: Answer


class Question(BaseModel):
    """One question. A ``gate`` question only decides which questions follow: it has no weight and no finding."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    area: str
    text: Text
    text_en: Text
    gate: StrictBool = False
    depends_on: Condition | None = None
    weight: int = Field(default=0, ge=0, le=3)
    bad: Literal["yes", "no"] = "no"  # the answer that is a risk
    finding: Text | None = None
    finding_en: Text | None = None
    basis: tuple[Basis, ...] = ()
    action: Text | None = None
    action_en: Text | None = None
    services: tuple[str, ...] = ()

    @field_validator("id")
    @classmethod
    def _check_id(cls, value: str) -> str:
        return _slug(value)

    @field_validator("area")
    @classmethod
    def _check_area(cls, value: str) -> str:
        if value not in AREAS:
            raise ValueError(f"'{value}' is not one of {', '.join(AREAS)}")
        return value

    @model_validator(mode="after")
    def _complete(self) -> Question:
        scored = ("finding", "finding_en", "action", "action_en")
        if self.gate:
            extra = [f for f in (*scored, "basis", "services") if getattr(self, f)]
            if extra or self.weight:
                raise ValueError(f"a gate question has no weight, {', '.join(scored)}, basis or services")
            return self
        missing = [f for f in scored if not getattr(self, f)]
        if self.weight < 1:
            missing.insert(0, "weight (1-3)")
        if not self.basis:
            missing.append("basis")
        if not self.services:
            missing.append("services")
        if missing:
            raise ValueError(f"a scored question needs {', '.join(missing)}")
        return self

    @property
    def area_en(self) -> str:
        return AREAS[self.area]

    def label(self, lang: str) -> str:
        return self.text_en if lang == "en" else self.text


class Questionnaire(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    version: Literal[1]
    id: str
    title: Text
    title_en: Text
    industry: Text
    industry_en: Text
    summary: Text
    summary_en: Text
    questions: tuple[Question, ...] = Field(min_length=1)

    @field_validator("id")
    @classmethod
    def _check_id(cls, value: str) -> str:
        return _slug(value)

    @property
    def areas(self) -> list[str]:
        present = {q.area for q in self.questions if not q.gate}
        return [a for a in AREAS if a in present]

    @property
    def scored(self) -> list[Question]:
        return [q for q in self.questions if not q.gate]

    def question(self, qid: str) -> Question | None:
        return next((q for q in self.questions if q.id == qid), None)

    def applies(self, q: Question, answers: dict[str, str]) -> bool:
        """Whether ``q`` is asked given the answers so far (its condition, and its condition's, hold)."""
        cond = q.depends_on
        while cond is not None:
            if answers.get(cond.question) != cond.answer:
                return False
            parent = self.question(cond.question)
            cond = parent.depends_on if parent is not None else None
        return True

    def applicable(self, answers: dict[str, str]) -> list[Question]:
        return [q for q in self.questions if self.applies(q, answers)]

    def next_question(self, answers: dict[str, str]) -> Question | None:
        """The first applicable question not yet answered (questions come in file order)."""
        return next((q for q in self.applicable(answers) if q.id not in answers), None)
