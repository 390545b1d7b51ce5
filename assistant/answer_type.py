"""What kind of answer a question wants, and whether a sentence gives that kind: a question asking for a
period, amount, rate or number ("多久", "最多几天", "what rate", "how long") is answered by a sentence that
states one ("三十日内", "百分之二十", "98天"), not by the article's general rule; a question asking what a
term means ("什么是…", "算不算…", "what counts as …") by the sentence that defines it ("是指", "所称",
"视为"); a question whether one may or must do something ("能不能…", "可以…吗", "must we …") by a
sentence that permits, requires or forbids ("可以", "应当", "不得"). The English cues for the same kinds are in
``assistant.answer_type_en``."""

from __future__ import annotations

import re

from assistant import answer_type_en as english

_ASKS_QUANTITY = re.compile(
    r"(多久|多长|多少|多大|几[天日年月个次倍周岁成]|最[长多高低少迟晚早短]|期限|比例|标准|税率|利率|时限|时效|几成|上限|下限)")
_QUANTITY = re.compile(
    r"[0-9零〇一二两三四五六七八九十百千万]+(?:个)?(?:工作日|日|天|年|月|小时|周|%|％|元|倍|人|次|岁)|百分之|千分之|万分之"
)
_ARTICLE_NUMBER = re.compile(r"^第[零〇一二两三四五六七八九十百千\d]+条(?:之[一二三四五六七八九十]+)?\s*")


# The kind of quantity a question asks for, and how a sentence states that kind. A question about a rate is
# not answered by a period in the same article ("上一年度月平均工资" beside "不得低于…5%"), nor one about a
# period by an amount.
_KINDS: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    "rate": (re.compile(r"(比例|百分之几|几成|税率|利率|费率|几倍|多少倍)"),
             re.compile(r"(百分之|千分之|万分之|[0-9零〇一二两三四五六七八九十]+(?:%|％|倍))")),
    "period": (re.compile(r"(多久|多长时间|几[天日年月周]|多少[天日年周]|多少个(?:月|工作日)|几个(?:月|工作日|小时))"),
               re.compile(r"[0-9零〇一二两三四五六七八九十百]+(?:个)?(?:工作日|日|天|年|月|小时|周)(?!度)")),
    "amount": (re.compile(r"(多少钱|罚多少|赔多少|金额|几万)"),
               re.compile(r"([0-9零〇一二两三四五六七八九十百千万]+元|倍)")),
    # the term of a right or licence ("有效期多久"): stated as "有效期为十年", not by a time limit inside it
    "duration": (re.compile(r"(?:有效期|保护期)(?:是|为|有)?多[久长]|多少年有效"),
                 re.compile(r"(?:期限|有效期|保护期|期间|任期)(?:均)?(?:为|是|不得超过|不超过|最长不得超过)[^，。；]{0,8}?"
                            r"[0-9零〇一二两三四五六七八九十百]+(?:个)?(?:年|月|日|天)")),
}


def asks_quantity(question: str) -> bool:
    return bool(_ASKS_QUANTITY.search(question) or english.ASKS_QUANTITY.search(english.asked(question)))


def quantity_kinds(question: str) -> list[str]:
    """The kinds of quantity the question names (none: any quantity answers it). A term asked for ("how long is
    a trademark valid") is also a period: a clause stating the term ranks above one stating another period
    (``states_term``), but a period stated another way ("98天产假") still answers."""
    en = english.asked(question)
    kinds = [kind for kind, (asks, _) in _KINDS.items() if asks.search(question) or english.KINDS[kind].search(en)]
    return [*kinds, "period"] if "duration" in kinds and "period" not in kinds else kinds


def states_term(sentence: str) -> bool:
    """The sentence states the term of a right or licence ("有效期为十年", "保护期为二十年")."""
    return bool(_KINDS["duration"][1].search(_ARTICLE_NUMBER.sub("", sentence)))


def states_quantity(sentence: str, kinds: list[str] | None = None) -> bool:
    """A period, amount, rate or count in the sentence (its own article number "第三十条" is none); with
    ``kinds``, one of those kinds."""
    text = _ARTICLE_NUMBER.sub("", sentence)
    if kinds:
        return any(_KINDS[kind][1].search(text) for kind in kinds)
    return bool(_QUANTITY.search(text))


_ASKS_DEFINITION = re.compile(
    r"(什么是|什么叫|何为|何谓|指的是什么|指什么|是什么意思|什么意思|含义|定义|怎么认定|怎样认定|如何认定|算是|算不算|算作|"
    r"属不属于|属于什么|什么样的|哪些[^，。？?]{0,8}(?:算|属于))")
_DEFINES = re.compile(  # "…是指…", "本法所称…", or a sentence opening "格式条款是…"
    r"(是指|所称|指的是|视为|称为|属于)|^(?:第[零〇一二两三四五六七八九十百千\d]+条\s*)?[^，。；：]{2,15}是(?!否)")
_ASKS_PERMISSION = re.compile(
    r"(能不能|可不可以|可否|能否|是否|行不行|要不要|需不需要|用不用|必须|允许|(?:能|可以|得)[^，。？?]{0,15}[吗么]|会不会)")
_NORM = re.compile(r"(不得|可以|应当|必须|禁止|有权|无权|不予|不实行|不停止|不收取|不收费|不再|免予|免除|不承担|无需|"
                   r"不需要)")


def asks_definition(question: str) -> bool:
    """"什么是格式条款", "算不算加班", "what counts as …": answered by the sentence that defines the term."""
    if _ASKS_DEFINITION.search(question):
        return True
    en = english.asked(question)
    return english.has_latin(en) and bool(english.ASKS_DEFINITION.search(en)) and not english.ASKS_QUANTITY.search(en)


def defines(sentence: str) -> bool:
    return bool(_DEFINES.search(sentence))


_DEFINED = re.compile(r"([^，。；：“”]{2,24}?)[，,]?(?:是指|指的是)")


def defines_term(sentence: str, terms: list[str]) -> bool:
    """The sentence defines one of the question's terms ("本法所称的商业秘密，是指…" for "what counts as a trade
    secret"), not some other word the article also defines."""
    if "指" not in sentence:  # every match of _DEFINED holds 是指 or 指的是: a cheap test first
        return False
    m = _DEFINED.search(sentence)
    return m is not None and any(len(t) >= 2 and not t.isascii() and t in m.group(1) for t in terms)


def asks_permission(question: str) -> bool:
    """"能不能…", "可以…吗", "must we …": answered by a sentence that permits, requires or forbids."""
    return bool(_ASKS_PERMISSION.search(question) or english.ASKS_PERMISSION.search(question))


def states_norm(sentence: str) -> bool:
    return bool(_NORM.search(sentence))


_ASKS_DEADLINE = re.compile(r"(最晚|最迟|什么时候|何时|多久|多长时间|几天内|多少天内|期限|时限|时效|截止)")
_DEADLINE = re.compile(r"(之日起|[日天月年]内|小时内|工作日内|以内|届满前|期满前|之前)")


def asks_deadline(question: str) -> bool:
    """"最晚什么时候…", "多少天内…", "how soon …": answered by a time limit ("自…之日起三十日内")."""
    return bool(_ASKS_DEADLINE.search(question) or english.ASKS_DEADLINE.search(english.asked(question)))


def states_deadline(sentence: str) -> bool:
    return bool(_DEADLINE.search(sentence))
