"""Extractive answers without an LLM: first the one or two sentences that answer the question (the
best-matching clauses of the top passages, by sentence-level scoring), quoted with their citation, then
the supporting passages, numbered, each source once. English replies get English labels."""

from __future__ import annotations

import math
import re
from dataclasses import replace
from functools import lru_cache

from assistant.answer_type import (
    asks_deadline,
    asks_definition,
    asks_permission,
    asks_quantity,
    defines_term,
    quantity_kinds,
    states_quantity,
)
from assistant.answer_type_en import with_english_cues
from assistant.answer_type_zh import ZhCues, cn_number, figure_word, states_figure
from assistant.clause_cues import LIST_ITEM, ClauseCues, clause_cues
from assistant.lead_features import Clause
from assistant.lead_model import ordered
from assistant.reply import Citation
from assistant.service_questions import LOCATOR_EN
from assistant.texts import t
from knowledge.base import Passage
from knowledge.termweights import query_terms
from knowledge.tokens import is_english

QUOTE_CHARS = 260
LAW_EN = {
    "中华人民共和国公司法": "Company Law of the PRC",
    "中华人民共和国劳动合同法": "Labour Contract Law of the PRC",
    "中华人民共和国劳动争议调解仲裁法": "Law on Mediation and Arbitration of Labour Disputes",
    "中华人民共和国行政复议法": "Administrative Reconsideration Law of the PRC",
    "中华人民共和国行政处罚法": "Administrative Penalty Law of the PRC",
    "中华人民共和国行政许可法": "Administrative Licensing Law of the PRC",
    "中华人民共和国外商投资法": "Foreign Investment Law of the PRC",
    "中华人民共和国个人信息保护法": "Personal Information Protection Law of the PRC",
    "中华人民共和国人民调解法": "People's Mediation Law of the PRC",
    "中华人民共和国公证法": "Notarization Law of the PRC",
    "中华人民共和国律师法": "Lawyers Law of the PRC",
    "中华人民共和国中小企业促进法": "SME Promotion Law of the PRC",
    "优化营商环境条例": "Regulations on Optimizing the Business Environment",
}


def english_locator(locator: str) -> str:
    m = re.fullmatch(r"第(.+?)条(.*)", locator)
    if m and (n := cn_number(m.group(1))) is not None:
        return f"Article {n}{m.group(2)}"
    return locator


def english_label(c: Citation) -> str:
    name = c.title_en or LAW_EN.get(c.title)
    card = c.source.startswith("catalogue:")  # a service card cited by its field (费用 -> fee)
    where = LOCATOR_EN.get(c.locator, c.locator) if card else english_locator(c.locator)
    head = f"{name}, {where}" if name else f"{c.title} — {where}" if where else c.title
    return head + (f" ({c.effective})" if c.effective else "") + (f" 《{c.title}》" if name else "")


def quote(text: str, limit: int = QUOTE_CHARS) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit]
    for end in ("。", "；", "！", "？"):
        i = cut.rfind(end)
        if i > limit // 2:
            return cut[: i + 1] + "……"
    return cut + "……"


_ARTICLE_HEAD = re.compile(r"(第[零〇一二两三四五六七八九十百千0-9]+条(?:之[一二三四五六七八九十]+)?)[ \u3000]+")
_ARTICLE = re.compile(r"第[零〇一二两三四五六七八九十百千0-9]+条(?:之[一二三四五六七八九十]+)?")


def without_own_number(text: str, locator: str) -> str:
    """A quote without the article number that its label already names: under 《劳动法》第七十五条 the quote reads
    “国家鼓励…”, not “第七十五条 国家鼓励…” (an article's own number is followed by a space). Another article's
    number (a cross-reference), a guide's "第四十七条规定，…" and an FAQ's question stay as they are."""
    m = _ARTICLE_HEAD.match(text)
    if m and m.end() < len(text) and locator.startswith("第") and m.group(1) in _ARTICLE.findall(locator):
        return text[m.end():]
    return text


_SENTENCE = re.compile(r"[^。；！？\n]+[。；！？]?")
_WHOLE = re.compile(r"[^。！？\n]+[。！？]?")
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
LEAD_PASSAGES = 3  # the lead is chosen among the clauses of this many top passages ...
LEAD_PASSAGES_ZH = 4  # ... of a Chinese question (an English one's terms come from the glossary, less precise)
WHOLE_CHARS = 160  # a clause is quoted with the rest of its sentence (to its 。) when the sentence is this short
DENSE_PRIOR = 0.5  # a clause scores (its terms) x (this + its passage's cosine similarity to the question) ...
RANK_PRIOR = 0.2  # ... / (1 + this x its passage's rank) ...
PLACE_PRIOR = 0.2  # ... / (1 + this x its place in the passage): an article states its rule first
TERMLESS = 0.01  # what a clause without any of the question's terms scores, so that the priors order those
QUANTITY_BOOST = 2.0  # a question asking how long / how much: clauses stating a period or amount count double
TERM_BOOST = 1.5  # … and how long a right or licence lasts: the clause stating its term ("有效期为十年") more
DEFINITION_BOOST = 2.0  # "what counts as …": clauses that define ("是指", "所称", "视为")
TERM_DEFINITION_BOOST = 2.0  # ... and again when what they define is the question's term ("所称的商业秘密，是指")
DEADLINE_BOOST = 1.5  # "by when / within how long": clauses stating a time limit ("自…之日起三十日内")
NORM_BOOST = 1.3  # "can we / must we …": clauses that permit, require or forbid ("可以", "应当", "不得")
RARITY_POWER = 0.5  # a term weighs (its rarity among the candidate clauses) to this power in a Chinese question ...
RARITY_POWER_EN = 1.0  # ... and to this in an English one, whose terms are the glossary's (broader, several a word)
PART_WEIGHT = 0.25  # a fragment of a question word cut across its words ("法人" of "执法人员")


def sentences(text: str) -> list[str]:
    """The clauses of a text: split at 。；！？ and line ends (a legal sentence's ；-clauses state separate rules)."""
    return [m.group(0).strip() for m in _SENTENCE.finditer(text) if len(m.group(0).strip()) >= 6]


def clauses(text: str) -> list[tuple[str, str]]:
    """(what is scored, what is quoted) per clause: an item of a list ("（三）女职工在孕期…的；") is quoted
    after the sentence that introduces the list ("…有下列情形之一的，用人单位不得解除劳动合同："), which
    holds the rule the item falls under; it is scored on its own words (the introduction would score every
    item of the list alike)."""
    out: list[tuple[str, str]] = []
    intro, last = "", ""
    for sent in sentences(text):
        item = LIST_ITEM.match(sent) is not None
        out.append((sent, intro + ("" if last == intro else "……") + sent if item and intro else sent))
        if not item:
            intro = sent if sent.endswith(("：", ":")) else ""
        last = sent
    return out


def whole_sentence(text: str, clause: str, limit: int = WHOLE_CHARS) -> str:
    """The whole sentence (to its 。！？) that holds a clause, when it is short enough to quote; else the clause."""
    for m in _WHOLE.finditer(text):
        whole = m.group(0).strip()
        if clause in whole:
            return whole if len(whole) <= limit else clause
    return clause


def _score(sentence: str, weights: dict[str, float], found: list[str] | None = None,
           containing: dict[str, list[str]] | None = None) -> float:
    """The weights of the query terms found in the sentence (``found``, when the caller has them), a long
    sentence slightly discounted. A term inside a longer term that is found too adds nothing: jieba's search
    mode cuts "人民调解委员会" also into "人民", "委员会" …, which would make one long name outweigh the words that
    answer (``containing``: the longer terms that hold each term, when the caller has them)."""
    found = [term for term in weights if term in sentence] if found is None else found
    containing = _containing(list(weights)) if containing is None else containing
    kept = found
    if not containing.keys().isdisjoint(found):
        hit = set(found)
        kept = [term for term in found if hit.isdisjoint(containing.get(term, ()))]
    return sum([weights[term] for term in kept]) / (1.0 + len(sentence) / 300)


def _containing(terms: list[str]) -> dict[str, list[str]]:
    """The other terms that hold a term ("人民" → ["人民调解委员会"], in the terms' order), for each term some other
    term holds."""
    out = {term: [other for other in terms if other != term and term in other] for term in terms}
    return {term: others for term, others in out.items() if others}


def _aligned(part: str, whole: str, terms: list[str]) -> bool:
    """Whether ``part`` sits in ``whole`` where a cut of ``whole`` into the question's terms can put it: 处罚 in
    行政处罚 (行政 + 处罚) does, 法人 in 执法人员 (执法 + 人员) and 民调 in 人民调解委员会 do not."""
    size = len(whole)
    spans = [(i, i + len(t)) for t in terms if t != whole and t in whole
             for i in range(size) if whole.startswith(t, i)]
    start = [True] + [False] * size
    for i, j in sorted(spans):
        start[j] = start[j] or start[i]
    end = [False] * size + [True]
    for i, j in sorted(spans, reverse=True):
        end[i] = end[i] or end[j]
    return any(start[i] and end[i + len(part)] for i in range(size) if whole.startswith(part, i))


def _part_weight(term: str, df: dict[str, int], query: str = "", containing: list[str] | None = None) -> float:
    """``PART_WEIGHT`` for a fragment: a term that jieba's search mode cut out of a longer question term across
    that term's own words ("法人" of 执法人员, "民调" of 人民调解委员会, "会计账" of 会计账簿), when the longer term is
    in the candidates (``df``: in how many candidate clauses each term is found); as a word the fragment finds
    sentences by accident ("公民、法人或者其他组织"). A part that is a word of the longer term (处罚 of 行政处罚, 年假
    of 带薪年假) counts fully, and so does a fragment the question also says on its own ("法人能拒绝执法人员吗").
    ``containing``: the terms that hold ``term`` (``_containing``), when the caller has them."""
    terms = list(df)
    if containing is None:
        containing = [w for w in terms if w != term and term in w]
    wholes = [w for w in containing if df[w]]
    if wholes and not any(_aligned(term, w, terms) for w in wholes):
        outside = re.sub("|".join(map(re.escape, sorted(wholes, key=len, reverse=True))), " ", query)
        return 1.0 if term in outside else PART_WEIGHT
    return 1.0


def _pairs(text: str) -> frozenset[str]:
    """The pairs of adjacent Chinese characters in a text (a question's). A clause holds such a pair where it holds
    the two characters side by side (``pair in clause``): no clause's own pairs are needed."""
    return frozenset([run[i:i + 2] for run in _HAN_RUN.findall(text) for i in range(len(run) - 1)])


CACHED_PASSAGES = 4096  # passage texts whose clauses (and their cues) are kept: the same articles come back often


@lru_cache(maxsize=CACHED_PASSAGES)
def _passage_clauses(text: str) -> tuple[tuple[str, str, ClauseCues], ...]:
    """``clauses`` of a passage with each clause's cues (``assistant.clause_cues``), kept per passage text."""
    return tuple((sent, shown, clause_cues(sent)) for sent, shown in clauses(text))


def candidate_clauses(query: str, passages: list[Passage], weights: dict[str, float] | None = None,
                      ) -> list[Clause]:
    """Every clause of the top passages with its hand-weighted score and what that score measured
    (``assistant.lead_features.Clause``), in passage order.

    A term weighs its IDF in the index (``weights``; 1 each without them) times its rarity among the
    candidate clauses, softened in a Chinese question (a square root): a term most candidates share tells
    them apart less, but the topic word the question asks about still marks the clauses about it. A clause's
    score leans on its passage's dense similarity to the question, its passage's rank and its place in the
    passage. The kind of answer asked for counts (``assistant.answer_type``: a period or amount, a time
    limit, a definition, a permission or duty; ``assistant.answer_type_zh``: a consequence, a party, a rule of
    calculation, the unit asked in, the figure the question states)."""
    weights = weights if weights is not None else dict.fromkeys(query_terms(query), 1.0)
    if any(not t.isascii() for t in weights):  # English words would pick a guide's English summary over the article
        weights = {t: w for t, w in weights.items() if not (t.isascii() and t.isalpha())}
    weights = {t: w for t, w in weights.items() if not figure_word(t)}
    quantity, definition, permission = asks_quantity(query), asks_definition(query), asks_permission(query)
    deadline, kinds = asks_deadline(query), quantity_kinds(query)
    zh = ZhCues.of(query)
    english = is_english(query)
    if english:
        zh = with_english_cues(query, zh)
    asked = {"quantity": quantity, "term": quantity and "duration" in kinds, "deadline": deadline,
             "definition": definition, "defterm": definition, "norm": permission, "consequence": zh.consequence,
             "who": zh.who, "method": zh.method, "unit": bool(zh.units), "figure": bool(zh.figures)}
    depth = LEAD_PASSAGES if english else LEAD_PASSAGES_ZH
    cands = [(n, k, sent, shown, cues) for n, p in enumerate(passages[:depth])
             for k, (sent, shown, cues) in enumerate(_passage_clauses(p.text))]
    names = list(weights)
    founds = [[term for term in names if term in c[2]] for c in cands]  # the question's terms in each clause
    df = dict.fromkeys(names, 0)
    for found in founds:
        for term in found:
            df[term] += 1
    containing = _containing(names)
    power = RARITY_POWER_EN if english else RARITY_POWER
    local = {term: w * math.log(1 + len(cands) / (1 + df[term])) ** power
             * _part_weight(term, df, query, containing.get(term, []))
             for term, w in weights.items()}
    total = sum(local.values()) or 1.0
    top = max(local, key=lambda term: local[term]) if local else ""
    pairs = _pairs(query)
    figures = list(zh.figures)
    zh_asks = zh.consequence or zh.who or zh.method or bool(zh.units) or bool(figures)
    out: list[Clause] = []
    for (n, k, sent, shown, cues), found in zip(cands, founds, strict=True):
        terms = _score(sent, local, found, containing)
        unit = bool(zh.units) and zh.states_unit(sent)
        quantity_stated = unit if zh.units else states_quantity(sent, kinds) if kinds else cues.figure
        defterm = cues.definition and defines_term(sent, names)
        figure = bool(figures) and states_figure(sent, figures)
        p = passages[n]
        score = ((terms + TERMLESS) * (DENSE_PRIOR + p.dense)
                 / (1.0 + RANK_PRIOR * n) / (1.0 + PLACE_PRIOR * k))
        if quantity and quantity_stated:
            score *= QUANTITY_BOOST
            if "duration" in kinds and cues.term:
                score *= TERM_BOOST
        if deadline and cues.deadline:
            score *= DEADLINE_BOOST
        if definition and cues.definition:
            score *= DEFINITION_BOOST * (TERM_DEFINITION_BOOST if defterm else 1.0)
        if permission and cues.norm:
            score *= NORM_BOOST
        if zh_asks:  # (a factor of 1.0 otherwise)
            score *= zh.boost(cues.consequence, cues.who, cues.method, unit, figure)
        share = sum([local[term] for term in found]) / total
        bigrams = len([pair for pair in pairs if pair in sent]) / len(pairs) if pairs else 0.0
        stated = {"quantity": quantity_stated, "term": cues.term, "deadline": cues.deadline,
                  "definition": cues.definition, "defterm": defterm, "norm": cues.norm,
                  "consequence": cues.consequence, "who": cues.who, "method": cues.method, "unit": unit,
                  "figure": figure}
        out.append(Clause(score=score, passage=n, place=k, sentence=sent, shown=shown, terms=terms,
                          weight_share=share, top_term=bool(top) and top in found, dense=p.dense,
                          item=cues.item, passage_score=p.score, passage_keyword=p.bm25,
                          kind=p.kind, bigrams=bigrams, figure=cues.figure, english=english,
                          asked=asked, stated=stated))
    return out


def scored_clauses(query: str, passages: list[Passage], weights: dict[str, float] | None = None,
                   ) -> list[tuple[float, int, int, str, str]]:
    """(score, passage index, place in the passage, scored clause, quoted clause) for every clause of the top
    passages, best first by the hand-weighted score (``candidate_clauses``)."""
    scored = [(c.score, c.passage, c.place, c.sentence, c.shown) for c in candidate_clauses(query, passages, weights)]
    scored.sort(key=lambda c: (c[0], -c[1], -c[2]), reverse=True)
    return scored


def lead_sentences(query: str, passages: list[Passage], weights: dict[str, float] | None = None,
                   ) -> list[tuple[int, str]]:
    """The (passage index, sentence) pairs that answer the question first: the two best clauses of the top
    passages (one when there is only one), each quoted as its whole sentence when that is short. The clauses
    are taken in the learned order (``assistant.lead_model``)."""
    scored = [(c.score, c.passage, c.place, c.sentence, c.shown)
              for c in ordered(candidate_clauses(query, passages, weights))]
    lead: list[tuple[int, str]] = []
    for _, n, _, _, shown in scored:
        quoted = whole_sentence(passages[n].text, shown)
        if quoted.endswith(("：", ":")):  # a list's introduction answers with the list's best item
            items = [c[4] for c in scored if c[1] == n and c[4].startswith(quoted) and c[4] != quoted]
            quoted = items[0] if items else quoted
        if any(quoted in other or other in quoted for _, other in lead):
            continue
        lead.append((n, quoted))
        if len(lead) == 2:
            break
    return lead


def unique_sources(citations: list[Citation]) -> list[Citation]:
    """Each source once: a second chunk of the same article or the same guide section is dropped."""
    seen: set[tuple[str, str]] = set()
    out: list[Citation] = []
    for c in citations:
        key = (c.title, c.locator)
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


def lead_label(c: Citation, lang: str) -> str:
    """A lead sentence's label. A place that is itself a question (an FAQ entry "问：…多长时间内…？") is
    left out: the reader gets the answer first, and the supporting passages below name the question."""
    if c.locator.rstrip().endswith(("？", "?")):
        c = replace(c, locator="")
    return english_label(c) if lang == "en" else c.label()


def extractive(query: str, passages: list[Passage], lang: str, weights: dict[str, float] | None = None,
               shown: int = 3, cited: list[Passage] | None = None) -> tuple[str, list[Citation]]:
    """The reply body and the citations it numbers. The lead sentences are chosen among all ``passages``; the
    reply cites only those of ``cited`` (the passages that address the question, ``answerability.relevant``) and
    the passages a lead sentence is quoted from, so that an article sharing only a common word with the question
    is not listed among the provisions the answer rests on (all of ``passages`` without ``cited``)."""
    lead = lead_sentences(query, passages, weights)
    if cited is not None:
        keep = {p.chunk_id for p in cited} | {passages[idx].chunk_id for idx, _ in lead}
        passages_cited = [p for p in passages if p.chunk_id in keep]
    else:
        passages_cited = passages
    citations = unique_sources([Citation.from_passage(p) for p in passages_cited])
    number = {(c.title, c.locator): n for n, c in enumerate(citations, start=1)}
    lines: list[str] = []
    last = -1
    for idx, sent in lead:
        p = passages[idx]
        sent = without_own_number(sent, p.locator)
        n = number[(p.title, p.locator)]
        if n == last:  # a second sentence of the same source: no second label
            lines[-1] += f"“{sent}”"
            continue
        c, last = citations[n - 1], n
        label = lead_label(c, lang)
        lines.append(f"[{n}] {label}：“{sent}”" if lang == "zh" else f"[{n}] {label}: “{sent}”")
    if lang == "en" and lines:
        lines.append("The Chinese text is authoritative.")
    lines.append(t("answer_intro", lang))
    for n, c in enumerate(citations[:shown], start=1):
        label = english_label(c) if lang == "en" else c.label()
        lines.append(f"[{n}] {label}：{quote(without_own_number(c.snippet, c.locator))}")
    return "\n".join(lines), citations


def with_notice(body: str, citations: list[Citation], lang: str) -> str:
    sources = [f"[{n}] {english_label(c) if lang == 'en' else c.label()}" for n, c in enumerate(citations, start=1)]
    head = "Sources:" if lang == "en" else "出处："
    return f"{body}\n\n{head}\n" + "\n".join(sources) + f"\n\n{t('notice', lang)}"
