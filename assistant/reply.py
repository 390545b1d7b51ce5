"""What the engine returns to every channel; channels only translate it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from knowledge.base import Passage

Route = Literal["answer", "menu", "order", "handoff", "fallback"]
ROUTES: tuple[Route, ...] = ("answer", "menu", "order", "handoff", "fallback")
SNIPPET_CHARS = 400


@dataclass
class Citation:
    title: str
    source: str
    locator: str
    snippet: str
    score: float
    effective: str | None = None
    status: str | None = None

    @classmethod
    def from_passage(cls, p: Passage) -> Citation:
        snippet = p.text if len(p.text) <= SNIPPET_CHARS else p.text[: SNIPPET_CHARS - 1] + "…"
        return cls(p.title, p.source, p.locator, snippet, p.score, p.effective, p.status)

    def label(self) -> str:
        """《title》locator（date）— the way a citation is written in a reply."""
        where = f" {self.locator}" if self.locator else ""
        when = f"（{self.effective}）" if self.effective else ""
        return f"《{self.title}》{where}{when}"


@dataclass
class Suggestion:
    label: str
    message: str  # what the channel sends back when the user picks it
    kind: str = "message"  # message | service | order | details | bot (leave a hand-off) | handoff | ask | menu


@dataclass
class Reply:
    session_id: str
    reply: str
    route: Route
    citations: list[Citation] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    handoff: dict[str, Any] | None = None
    lang: str = "zh"
    id: str | None = None  # caller's id (batch) or the stored message id
    message_id: int | None = None
    data: dict[str, Any] = field(default_factory=dict)  # structured extras (service cards, order form state)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "session_id": self.session_id,
            "reply": self.reply,
            "route": self.route,
            "lang": self.lang,
            "citations": [asdict(c) for c in self.citations],
            "suggestions": [asdict(s) for s in self.suggestions],
            "handoff": self.handoff,
            "message_id": self.message_id,
            "data": self.data,
        }
