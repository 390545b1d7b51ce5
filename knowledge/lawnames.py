"""Law names in a question: "劳动合同法", "《工伤保险条例》", "the Labour Contract Law" name a document, whose
articles then rank higher. Built from the knowledge base's own titles (full and short) and English titles,
never from questions."""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.chunking import short_title
from knowledge.english_names import EnglishNames

_EN_NOISE = re.compile(r"\s*\((?:\d{4})\)\s*$|\s+of the (?:PRC|People's Republic of China)\b|^(?:the\s+)?", re.I)
MIN_ZH = 3  # a shorter name ("法") would match ordinary words
MIN_EN = 8
_LATIN = re.compile(r"[a-z]")


def english_names(title_en: str) -> list[str]:
    """"Labour Contract Law of the PRC" -> "labour contract law" (and "labor ..."); "Law of the PRC on X" ->
    "law on x"."""
    base = _EN_NOISE.sub("", title_en.strip()).strip().lower()
    base = re.sub(r"\s+", " ", base)
    names = {base} if len(base) >= MIN_EN else set()
    names |= {n.replace("labour", "labor") for n in names}
    return sorted(names)


def chinese_names(title: str) -> list[str]:
    names = {title, short_title(title)}
    return sorted(n for n in names if len(n) >= MIN_ZH)


@dataclass
class LawNames:
    """Every name -> the document ids it names (one title can have several versions; the caller keeps the
    active ones). Longest names are matched first and consume their text, so "专利法实施细则" is not also
    "专利法"."""

    names: list[tuple[str, set[str]]]
    english: EnglishNames | None = None  # loose English names and acronyms ("Consumer Protection Law", "PIPL")

    def __post_init__(self) -> None:  # English names match whole words: their patterns, compiled once
        self._patterns = {name: re.compile(rf"(?<![a-z]){re.escape(name)}(?![a-z])")
                          for name, _ in self.names if name.isascii()}
        # the names starting with each character: a question is only tried against the names whose first character
        # it holds (a matched name is replaced by a space, which every question holds, so no other name can appear)
        self._starting: dict[str, list[int]] = {}
        for i, (name, _) in enumerate(self.names):
            self._starting.setdefault(name[0], []).append(i)

    @classmethod
    def build(cls, docs: list[tuple[str, str, str | None]]) -> LawNames:
        """``docs``: (document id, title, English title or None)."""
        table: dict[str, set[str]] = {}
        for doc_id, title, title_en in docs:
            for name in chinese_names(title) + (english_names(title_en) if title_en else []):
                table.setdefault(name, set()).add(doc_id)
        return cls(sorted(table.items(), key=lambda kv: -len(kv[0])),
                   EnglishNames.build([(doc_id, title_en) for doc_id, _, title_en in docs]))

    def named(self, query: str) -> set[str]:
        """The ids of the documents the question names."""
        rest = " " + re.sub(r"\s+", " ", query.lower()) + " "
        latin = _LATIN.search(rest) is not None  # English names need English words
        found, mentions = self.english.named(query) if latin and self.english else (set(), [])
        starting = self._starting
        places = sorted(i for ch in set(rest) for i in starting.get(ch, ()))  # longest first, as in names
        for name, ids in (self.names[i] for i in places):
            pattern = self._patterns.get(name)
            if pattern is not None:
                if latin and pattern.search(rest) and not EnglishNames.inside(name, mentions):
                    found |= ids
                    rest = pattern.sub(" ", rest)
            elif name in rest:
                found |= ids
                rest = rest.replace(name, " ")
        return found
