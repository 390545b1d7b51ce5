"""Laws named in English the way people name them, not the way the English title runs: "the Consumer Protection
Law" for "Law of the PRC on the Protection of Consumer Rights and Interests", "the Labour Dispute Mediation and
Arbitration Law", "the Trademark Law implementing regulations", "PIPL". ``knowledge.lawnames`` matches a title
word for word; here a mention (the words around "law", "code", "regulations" …) names the documents whose English
title shares most of its words, and an acronym of a title's words ("PIPL") names that title. Built from the
titles, never from questions."""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.english import STOPWORDS

KIND_WORDS = frozenset({"law", "code", "regulation", "rule", "provision", "measure", "interpretation"})
# Words of a title that say nothing about which law it is.
NOISE = STOPWORDS | frozenset(
    "prc people's peoples republic china china's chinese national state right interest".split())
BEFORE = 5  # words of a mention before its kind word ("the Work Injury Insurance Regulations") …
AFTER = 5  # … and after it when it opens the title ("the law on occupational disease prevention")
MIN_SCORE = 0.5  # shared words / (the title's words + half the mention's other words)
MIN_COVER = 0.75  # and the mention holds this part of the title's words ("contract law" is not the Labour Contract Law)
MIN_ACRONYM = 3
# "Implementing Regulations of the Foreign Investment Law", "Rules for the Implementation of the Patent Law": a
# mention that says "implementing" names the regulation or rules, never the law itself; the words that head such a
# name ("Implementing Regulations of the") are taken into the mention even past BEFORE.
IMPLEMENTING = "implementation"
HEAD_WORDS = frozenset({IMPLEMENTING, "regulation", "rule", "provision", "measure", "of", "for", "the"})

# "implementing" belongs to a name only in a name's shape; "since the implementation of the Labour Contract Law" or
# "how do we implement the Labour Contract Law" name the law (the word is dropped from such a clause)
_IMPLEMENTING_NAME = re.compile(r"\bimplement(?:ing|ation) (?:regulations?|rules?|measures?|provisions?)\b|"
                                r"\b(?:regulations?|rules?|measures?|provisions?) (?:for|on) (?:the )?"
                                r"implement(?:ation of|ing)\b")
_IMPLEMENT_WORD = re.compile(r"\bimplement(?:s|ed|ing|ation)?\b")
_WORD = re.compile(r"[a-z][a-z'’]*")
_CLAUSE = re.compile(r"[,.;:?!()\[\]\"“”]+")
_SPELLING = {"labor": "labour", "laws": "law", "regulations": "regulation", "rules": "rule", "provisions": "provision",
             "measures": "measure", "implementing": "implementation", "implement": "implementation",
             "disputes": "dispute", "diseases": "disease", "employees": "employee", "enterprises": "enterprise",
             "interests": "interest", "rights": "right", "licences": "licence", "licenses": "licence",
             "license": "licence", "standardisation": "standardization", "notarisation": "notarization",
             "optimising": "optimizing", "funds": "fund", "entities": "entity", "permits": "permit",
             "lawyers": "lawyer", "chemicals": "chemical"}


# Other English names the same laws go by (official and common translations differ): the words of the
# title they stand for.
ALIASES = {"production safety": "work safety", "administrative procedure law": "administrative litigation law",
           "employment contract law": "labour contract law", "small and medium sized enterprises": "sme",
           "small and medium enterprises": "sme", "smes": "sme", "notary": "notarization", "notarial": "notarization",
           "corporate income tax": "enterprise income tax", "tendering and bidding": "bidding"}
_ALIAS = re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, ALIASES), key=len, reverse=True)) + r")\b")
# Words of a title a loose name may leave out ("the Partnership Law", "the Work Injury Regulations", "the
# Hazardous Chemicals Regulations"): they do not count towards MIN_COVER.
OPTIONAL = frozenset({"enterprise", "related", "administration"})


def _words(text: str) -> list[str]:
    """Lower-case words, possessives dropped ("the Trademark Law's implementing rules"), spellings and other names
    of a law made one."""
    text = _ALIAS.sub(lambda m: ALIASES[m.group(0)], re.sub(r"[\s-]+", " ", text.lower()))
    if not _IMPLEMENTING_NAME.search(re.sub(r"['’]s\b", "", text)):
        text = _IMPLEMENT_WORD.sub(" ", text)
    words = (re.sub(r"['’]s?$", "", w) for w in _WORD.findall(text))
    return [_SPELLING.get(w, w) for w in words]


def _content(words: list[str]) -> set[str]:
    return {w for w in words if w not in NOISE}


def acronym(title_en: str) -> str:
    """"Personal Information Protection Law of the PRC" -> "PIPL" (its words before "of the PRC" / a year)."""
    head = re.split(r"\s+of the (?:PRC|People's Republic of China)\b|\s*\(\d{4}\)", title_en)[0]
    return "".join(w[0] for w in re.findall(r"[A-Za-z]+", head) if w.lower() not in NOISE).upper()


@dataclass
class EnglishNames:
    titles: list[tuple[str, set[str]]]  # document id -> the content words of its English title
    acronyms: dict[str, set[str]]

    @classmethod
    def build(cls, docs: list[tuple[str, str | None]]) -> EnglishNames:
        """``docs``: (document id, English title or None)."""
        titles: list[tuple[str, set[str]]] = []
        acronyms: dict[str, set[str]] = {}
        for doc_id, title_en in docs:
            if not title_en:
                continue
            words = _content(_words(re.sub(r"\(\d{4}\)", "", title_en)))
            if words & KIND_WORDS and words - KIND_WORDS:
                titles.append((doc_id, words))
            short = acronym(title_en)
            if len(short) >= MIN_ACRONYM and short[-1] in "LCR":  # a law, code or regulations: "PIPL", "DSL"
                acronyms.setdefault(short, set()).add(doc_id)
        return cls(titles, acronyms)

    def named(self, query: str) -> tuple[set[str], list[set[str]]]:
        """The documents an English question names by a loose form of their title or by their acronym, and the
        words of each mention that named one (a title inside a mention, "Arbitration Law" in "the Labour Dispute
        Mediation and Arbitration Law", is no name of its own: see ``inside``)."""
        found: set[str] = set()
        mentions: list[set[str]] = []
        for token in re.findall(r"\b[A-Z]{3,6}\b", query):
            found |= self.acronyms.get(token, set())
        for head, kind in re.findall(r"\b([A-Z]{2,5}) (Law|Code|Regulations?)\b", query):  # "the EIT Law"
            found |= self.acronyms.get(head + kind[0], set())
        for clause in _CLAUSE.split(query):
            for mention, ids in self._in_clause(_words(clause)):
                found |= ids
                mentions.append(mention)
        return found, mentions

    @staticmethod
    def inside(name: str, mentions: list[set[str]]) -> bool:
        """An English name whose words all belong to a longer mention that named a document."""
        words = _content(_words(name))
        return any(words < mention for mention in mentions)

    def _in_clause(self, words: list[str]) -> list[tuple[set[str], set[str]]]:
        """Kind words from the right: a longer name ("Trademark Law implementing regulations") takes its words
        before a shorter one inside it ("Trademark Law") can."""
        found: list[tuple[set[str], set[str]]] = []
        used: set[int] = set()
        for i in range(len(words) - 1, -1, -1):
            if words[i] not in KIND_WORDS or i in used:
                continue
            span = list(range(max(0, i - BEFORE), i + 1))
            if i + 1 < len(words) and words[i + 1] in ("on", "of", "for"):
                span += list(range(i + 1, min(len(words), i + 2 + AFTER)))
            while span[0] > 0 and words[span[0] - 1] in HEAD_WORDS and span[0] > i - BEFORE - 3:
                span.insert(0, span[0] - 1)
            span = [j for j in span if j not in used]
            mention = _content([words[j] for j in span])
            ids = self._best(mention, frozenset({IMPLEMENTING}) & mention)
            if ids:
                found.append((mention, ids))
                used.update(span)
        return found

    def _best(self, mention: set[str], kinds: frozenset[str] = frozenset()) -> set[str]:
        """``kinds``: words the named title must hold ("implementation" when the mention says "implementing")."""
        best, ids = MIN_SCORE, set()
        for doc_id, title in self.titles:
            if not kinds <= title:
                continue
            shared = mention & title
            if not shared - KIND_WORDS or len(shared - OPTIONAL) < MIN_COVER * len(title - OPTIONAL):
                continue
            score = len(shared) / (len(title) + 0.5 * len(mention - title))
            if score > best + 1e-9:
                best, ids = score, {doc_id}
            elif abs(score - best) <= 1e-9:
                ids.add(doc_id)
        return ids
