"""What the engine returns to every channel; channels only translate it."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, Literal

from knowledge.base import Passage

Route = Literal["answer", "menu", "order", "handoff", "fallback"]
ROUTES: tuple[Route, ...] = ("answer", "menu", "order", "handoff", "fallback")
SNIPPET_CHARS = 400


@dataclass
class Citation:
    title: str
    source: str  # the document's stable id, never a server path
    locator: str
    snippet: str
    score: float
    effective: str | None = None
    status: str | None = None
    title_en: str | None = None
    kind: str | None = None  # 法律 / 行政法规 / 司法解释 / 地方性法规 / 指引
    issuer: str | None = None
    url: str | None = None  # a public URL of the document, when known

    @classmethod
    def from_passage(cls, p: Passage) -> Citation:
        snippet = p.text if len(p.text) <= SNIPPET_CHARS else p.text[: SNIPPET_CHARS - 1] + "…"
        return cls(p.title, p.document_id, p.locator, snippet, p.score, p.effective, p.status,
                   p.title_en, p.category, p.issuer, p.url)

    def as_dict(self) -> dict[str, Any]:
        """``dataclasses.asdict`` of a citation, without its deep copy of every value (all are str, float or None)."""
        return {name: getattr(self, name) for name in _CITATION_FIELDS}

    def label(self) -> str:
        """《title》locator（date）, the way a reply cites: 《中华人民共和国民法典》第五百七十七条（2021-01-01）."""
        when = f"（{self.effective}）" if self.effective else ""
        return f"《{self.title}》{self.locator}{when}"


@dataclass
class Suggestion:
    label: str
    message: str  # what the channel sends back when the user picks it
    kind: str = "message"  # message | service | order | details | bot (leave a hand-off) | handoff | ask | menu

    def as_dict(self) -> dict[str, Any]:
        return {"label": self.label, "message": self.message, "kind": self.kind}


_CITATION_FIELDS = tuple(f.name for f in fields(Citation))


@dataclass
class Reply:
    session_id: str
    reply: str
    route: Route
    citations: list[Citation] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    handoff: dict[str, Any] | None = None
    lang: str = "zh"
    message_id: int | None = None  # the stored bot message (what feedback names)
    data: dict[str, Any] = field(default_factory=dict)  # structured extras (service cards, order form state)
    notice: str | None = None  # the personal-data notice, on the first reply of a session (every channel shows it)

    def to_json(self) -> dict[str, Any]:
        return {
            "session_id": self.session_id,
            "reply": self.reply,
            "route": self.route,
            "lang": self.lang,
            "citations": [c.as_dict() for c in self.citations],
            "suggestions": [s.as_dict() for s in self.suggestions],
            "handoff": self.handoff,
            "message_id": self.message_id,
            "data": self.data,
            "notice": self.notice,
        }
