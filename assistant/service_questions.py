"""A question about one of our services themselves, answered from its catalogue card (issue #11, no dead ends).

"企业法治体检收费吗" / "公证代办要多长时间能办好" / "Is the contract review service free?" ask what the card
says (its fee, its time limit, its materials, who provides it, how to apply), not what a statute or a guide says
about fees or periods in general: retrieval put a guide's "ask about the fee when applying" or a statute's period
first. Such a question names the service and asks one of those things, and holds nothing else: once the words
asking (``ASPECTS``) and the words around them (``_FILLER_ZH`` / ``_FILLER_EN``) are taken away, what is left is
covered by that service's own words (its name, its name without quotes or brackets, its tags) and holds the act the
service's name names (审查, 代办, 体检, "review", "notarisation" …). So "行政复议要多久" (the law's period) is not
the card's, while "行政复议申请协助要多久" is; "劳动合同试用期多久" is nobody's card.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.reply import Citation
from assistant.service_english import en_field, en_joined, en_label, en_lines, en_text
from knowledge.catalogue import Catalogue, Service

MAX_CHARS_ZH = 30  # a longer message tells more than a service's name: a question of its own
MAX_WORDS_EN = 16

# what is asked, in the order tried (多少钱 before 多少; 怎么申请 is asked, 申请 alone is part of a name)
ASPECTS: dict[str, tuple[str, str]] = {
    "fee": (r"收不收费|要不要钱|收费|免费|要钱|花钱|付费|多少钱|费用|价格|价钱|贵不贵|贵吗",
            r"\b(free|cost|costs|fees?|charge[sd]?|price|how much|pay)\b"),
    "time": (r"多长时间|多久|多少天|几天|几个工作日|时限|期限|多快|什么时候能|啥时候能",
             r"\b(how long|how quickly|how soon|how many days|time limit|turnaround|take|takes)\b"),
    "materials": (r"(带|准备|提供|提交|交)(些)?(什么|哪些|啥)(材料|资料|东西)?|材料|资料",
                  r"\b(bring|documents?|materials?|paperwork|prepare)\b"),
    "provider": (r"由谁(来)?(做|办|提供|负责|承办)?|(找)?谁(来)?(做|办|提供|负责|承办)|"
                 r"找谁|找哪个部门|找哪里|哪个部门|什么部门|哪个单位|承办|"
                 r"在哪(里|儿)?(办|申请)|怎么联系|联系方式",
                 r"\b(who (provides|does|handles|runs|offers)|which (department|office)|provider|where|contact)\b"),
    "apply": (r"(怎么|如何|怎样|去哪)(申请|办理|预约|下单|点单|办)|流程|步骤|手续",
              r"\b(how (do|can|could|should) (i|we) (apply|book|order|get|request|use)|apply|book|process|steps|"
              r"procedure)\b"),
}
FIELD_LABEL = {"fee": "费用", "time": "办理时限", "materials": "所需材料", "provider": "承办部门", "apply": "办理流程"}
EN_LABEL = {"fee": "fee", "time": "time limit", "materials": "what to bring", "provider": "provided by",
            "apply": "how to apply"}
# a card cited in English names its field in English (the Chinese label is the citation's locator)
LOCATOR_EN = {FIELD_LABEL["fee"]: "fee", FIELD_LABEL["time"]: "time limit", FIELD_LABEL["materials"]: "materials",
              FIELD_LABEL["provider"]: "department", FIELD_LABEL["apply"]: "steps"}
_FILLER_ZH = re.compile(r"请问|你们|您们|我们|咱们|这个|这项|那个|该|服务|项目|一般|大概|需要|要|能|可以|得|"
                        r"办好|办完|好|出结果|有结果|结果|办|办下来|出来|办理|做完|做|是|不是|有没有|有|多少|什么|哪些|怎么|一下|都|还|就|也|"
                        r"和|以及|另外|的|吗|呢|啊|吧|呀|嘛|了|[\s\W_\d]")  # 和 / and: two things asked at once
_FILLER_EN = frozenset(
    "a an the is are it its this that these your you our we i me do does did will would can could should how what "
    "which much many there any for of to get be done please service services long quickly soon days whole usually "
    "normally typically generally need needed required offer offered by with on at and also or handle handles "
    "handled provide provides provided run runs".split())
# the act a service's name names: the residue of a question must hold one of its service's
_ACTS_ZH = re.compile(r"咨询|审查|体检|对接|代办|协助|指引|帮扶|辅导|讲座|调解|公证|调处|解纷|监督|认证|确认|投诉")
_ACTS_EN = frozenset("review consultation check matching notarisation authentication help confirmation guidance "
                     "support coaching training mediation resolution supervision complaints".split())
_WORD_EN = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class ServiceQuestion:
    service: Service
    aspect: str  # a key of ASPECTS


def core_name(name: str) -> str:
    """The name without quotes and bracketed parts: “三所联动”矛盾纠纷调处 -> 三所联动矛盾纠纷调处."""
    return re.sub(r"[（(][^）)]*[）)]|[“”\"'‘’]", "", name)


def _stem(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _aspect(text: str, english: bool) -> tuple[str, str] | None:
    """The first aspect asked, and the text with every aspect's words taken out."""
    found = None
    rest = text
    for key, (zh, en) in ASPECTS.items():
        pattern = re.compile(en if english else zh, re.I)
        if pattern.search(rest):
            found = found or key
            rest = pattern.sub(" ", rest)
    return (found, rest) if found else None


def _covers_zh(svc: Service, text: str, rest: str) -> float:
    """How much of the service's name the question's residue names (0: the residue is not this service's alone)."""
    acts = set(_ACTS_ZH.findall(core_name(svc.name)))
    if not any(a in text for a in acts):
        return 0.0
    # the act alone names no service (调解收费吗: three services mediate); a name or a tag must be said
    own = {svc.name, core_name(svc.name), *svc.tags}
    named = 0
    for term in sorted(own | acts, key=len, reverse=True):
        if len(term) >= 2 and term in rest:
            named = max(named, len(term) if term in own else 0)
            rest = rest.replace(term, " ")
    if not named or _FILLER_ZH.sub("", rest):
        return 0.0
    return named / len(core_name(svc.name))


def _covers_en(svc: Service, text: str, rest: str) -> float:
    vocab = {_stem(w) for term in (core_name(svc.name_en), *svc.tags) for w in _WORD_EN.findall(term.lower())}
    name_words = {_stem(w) for w in _WORD_EN.findall(core_name(svc.name_en).lower())}
    acts = name_words & _ACTS_EN
    words = [_stem(w) for w in _WORD_EN.findall(rest.lower()) if w not in _FILLER_EN]
    if not words or not acts & set(words) or any(w not in vocab for w in words):
        return 0.0
    return len(name_words & set(words)) / len(name_words)


def service_question(catalogue: Catalogue, text: str, english: bool) -> ServiceQuestion | None:
    """The service a short question names and what it asks of it; None for any other message."""
    low = text.lower().strip()
    if (english and len(low.split()) > MAX_WORDS_EN) or (not english and len(low) > MAX_CHARS_ZH):
        return None
    asked = _aspect(low, english)
    if asked is None:
        return None
    aspect, rest = asked
    best: tuple[float, int, Service] | None = None
    for i, svc in enumerate(catalogue.services):
        score = _covers_en(svc, low, rest) if english else _covers_zh(svc, low, rest)
        if score > 0 and (best is None or (score, -i) > best[:2]):
            best = (score, -i, svc)
    return ServiceQuestion(best[2], aspect) if best else None


def field_value(svc: Service, aspect: str, lang: str = "zh") -> str:
    """The card's field an aspect asks for, as the catalogue says it in ``lang`` (English: from the twins, the
    Chinese where a twin is missing)."""
    if lang == "en":
        return _field_en(svc, aspect)[0]
    if aspect == "fee":
        return svc.fee
    if aspect == "time":
        return svc.time_limit
    if aspect == "materials":
        return "；".join(svc.materials)
    if aspect == "provider":
        return f"{svc.department}；联系方式：{svc.contact}"
    return "；".join(f"{n}. {s}" for n, s in enumerate(svc.steps, start=1))


def _field_en(svc: Service, aspect: str) -> tuple[str, bool]:
    """(the value, whether it is English): the provider's contact carries its own label, marked on its own."""
    if aspect in ("fee", "time"):
        return en_text(svc, "fee" if aspect == "fee" else "time_limit")
    if aspect == "materials":
        return en_joined(svc, "materials")
    if aspect == "provider":
        department, translated = en_text(svc, "department")
        return f"{department}; {en_field(svc, 'contact', 'contact')}", translated
    steps, translated = en_lines(svc, "steps")
    return ("; " if translated else "；").join(f"{n}. {s}" for n, s in enumerate(steps, start=1)), translated


def lead_sentence(q: ServiceQuestion, lang: str) -> str:
    """The card's field, first: what was asked, as the catalogue says it (in English from its English twins; a
    service without them gives the Chinese under a label marked "(in Chinese)")."""
    svc = q.service
    if lang == "en":
        if q.aspect == "fee" and (svc.fee_en or "").rstrip(".").casefold() == "free of charge":
            return f"{svc.name_en} ({svc.name}) is free of charge."
        value, translated = _field_en(svc, q.aspect)
        stop = "." if value[-1:].isascii() and not value.endswith(".") else ""
        return f"{svc.name_en} ({svc.name}) — {en_label(EN_LABEL[q.aspect], translated)}: {value}{stop}"
    return f"{svc.name}的{FIELD_LABEL[q.aspect]}：{field_value(svc, q.aspect)}。"


def card_citation(q: ServiceQuestion) -> Citation:
    """The card cited like any source: its title as the indexed card's (点单式服务：…), the field as the locator."""
    svc = q.service
    zh_label = FIELD_LABEL[q.aspect]
    return Citation(f"点单式服务：{svc.name}", f"catalogue:{svc.id}", zh_label, field_value(svc, q.aspect), 1.0,
                    status="现行有效", title_en=f"Order-style service: {svc.name_en}", kind="点单式服务")
