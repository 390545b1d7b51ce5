"""The legal basis of a question, quoted from the shipped statutes pack (knowledge/content/packs) the way
answers cite: title, the document's stable id, the article, the text, the date it took effect."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from knowledge.packs import Pack, PackDocument, shipped_packs

SNIPPET_CHARS = 400
_CONTINUED = re.compile(r"（续\d+）$")


@dataclass(frozen=True)
class Quote:
    """One article, as a citation (the fields of ``assistant.reply.Citation``)."""

    title: str
    source: str
    locator: str
    snippet: str
    score: float
    effective: str | None
    status: str | None
    title_en: str | None
    kind: str | None
    issuer: str | None
    url: str | None

    def label(self) -> str:
        when = f"（{self.effective}）" if self.effective else ""
        return f"《{self.title}》{self.locator}{when}"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class Statutes:
    """Article lookup over the shipped packs; a document is parsed the first time one of its articles is asked."""

    def __init__(self, packs: list[Pack] | None = None) -> None:
        self.packs = shipped_packs() if packs is None else packs
        self._docs: dict[str, tuple[Pack, PackDocument]] = {d.id: (p, d) for p in self.packs for d in p.documents}
        self._articles: dict[str, dict[str, str]] = {}

    def has_document(self, document: str) -> bool:
        return document in self._docs

    def articles(self, document: str) -> dict[str, str]:
        """Article (第十条) -> its whole text (an article split in chunks is joined again)."""
        if document not in self._articles:
            pack, doc = self._docs[document]
            out: dict[str, str] = {}
            for chunk in pack.parsed(doc).chunks:
                key = _CONTINUED.sub("", chunk.locator)
                out[key] = f"{out[key]}\n{chunk.text}" if key in out else chunk.text
            self._articles[document] = out
        return self._articles[document]

    def quote(self, document: str, article: str) -> Quote | None:
        if document not in self._docs:
            return None
        text = self.articles(document).get(article)
        if text is None:
            return None
        _, doc = self._docs[document]
        snippet = text if len(text) <= SNIPPET_CHARS else text[: SNIPPET_CHARS - 1] + "…"
        return Quote(doc.title, doc.id, article, snippet, 1.0, doc.effective, doc.status, doc.title_en, doc.kind,
                     doc.issuer, doc.url)
