"""Match a message to services of the catalogue, and describe a service for a channel."""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.reply import Suggestion
from assistant.service_english import en_field, en_label, en_lines
from knowledge.catalogue import Catalogue, Service


def _terms(service: Service) -> list[str]:
    words = [service.name, service.name_en, *service.tags]
    return [british(w.lower()) for w in words if len(w) >= 2]


_LATIN_TERM = re.compile(r"[a-z0-9 .'-]+")


@lru_cache(maxsize=4096)
def _english_pattern(term: str) -> re.Pattern[str] | None:
    """The whole-word pattern of an English term (a plural -s allowed), compiled once; None for a term with other
    characters (matched as a substring). Kept per term: 316 terms asked about anew with every message cost ~0.6 ms."""
    if not _LATIN_TERM.fullmatch(term):
        return None
    if term.endswith("ise"):  # a verb: notarise, notarised, notarising
        return re.compile(rf"\b{re.escape(term[:-1])}(e|es|ed|ing)\b")
    return re.compile(rf"\b{re.escape(term)}s?\b")


_IZE = re.compile(r"(?<=[a-z])iz(?=(e|es|ed|ing|ation|ations)\b)")


def british(text: str) -> str:
    """American -ize / -ization spelt the British way the catalogue's English uses (notarize → notarise,
    notarization → notarisation), so a term matches whichever spelling the user types."""
    return _IZE.sub("is", text)


def match_services(catalogue: Catalogue, text: str, limit: int = 3) -> list[Service]:
    """Services ranked by how many of their name/tag terms the message contains (longer terms weigh more)."""
    low = british(text.lower())
    scored: list[tuple[float, int, Service]] = []
    for i, svc in enumerate(catalogue.services):
        score = 0.0
        for term in _terms(svc):
            pattern = _english_pattern(term)
            if pattern is not None:
                if pattern.search(low):
                    score += len(term.split()) * 2.0
            elif term in low:
                score += len(term)
        if score > 0:
            scored.append((score, -i, svc))
    scored.sort(reverse=True)
    return [s for _, _, s in scored[:limit]]


def service_name(svc: Service, lang: str) -> str:
    return svc.name_en if lang == "en" else svc.name


def service_card(svc: Service, lang: str) -> str:
    """The card: what the service is, who may apply, what to bring, how long, what it costs, who provides it. The
    English card shows the same fields as the Chinese one, from the English twins (the Chinese, marked, without), and
    no full-width brackets: its only Chinese is the service's name, in parentheses."""
    if lang == "en":
        return (f"{svc.name_en} ({svc.name}) — {svc.category_en}\n{svc.summary_en}\n{en_field(svc, 'eligibility')}\n"
                f"{en_field(svc, 'materials')}\n{en_field(svc, 'time_limit')} · {en_field(svc, 'fee')}\n"
                f"{en_field(svc, 'department')}; {en_field(svc, 'contact')}")
    return (f"【{svc.name}】（{svc.category}）\n{svc.summary}\n适用对象：{svc.eligibility}\n"
            f"所需材料：{'；'.join(svc.materials)}\n办理时限：{svc.time_limit} · 费用：{svc.fee}\n"
            f"承办部门：{svc.department}；联系方式：{svc.contact}")


def service_detail(svc: Service, lang: str) -> str:
    """The card and the steps, numbered."""
    if lang == "en":
        steps, translated = en_lines(svc, "steps")
        numbered = "\n".join(f"{n}. {s}" for n, s in enumerate(steps, start=1))
        return f"{service_card(svc, lang)}\n{en_label('Steps', translated)}:\n{numbered}"
    numbered = "\n".join(f"{n}. {s}" for n, s in enumerate(svc.steps, start=1))
    return f"{service_card(svc, lang)}\n办理流程：\n{numbered}"


def service_suggestions(svc: Service, lang: str) -> list[Suggestion]:
    if lang == "en":
        return [Suggestion("Order / 预约", f"/order {svc.id}", "order"),
                Suggestion("Details / 详情", f"/service {svc.id}", "details")]
    return [Suggestion("预约 / Order", f"/order {svc.id}", "order"),
            Suggestion("详情 / Details", f"/service {svc.id}", "details")]
