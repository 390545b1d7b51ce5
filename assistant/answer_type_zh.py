"""Chinese answer-type cues beyond period, definition and permission (``assistant.answer_type``), each a
class of question and the kind of sentence that answers it:

- what follows ("会有什么后果", "会被怎么罚") — a liability or penalty ("每月支付二倍的工资", "承担…责任");
- who ("由谁来交", "需要谁同意") — the party named ("由用人单位和职工共同缴纳", "取得…监护人的同意");
- how it is calculated ("补偿怎么算") — the rule of calculation ("按…计算", "每满一年支付…");
- the unit asked for ("能休几天", "几次") — a figure in that unit ("10天", "二次"), not a period in another
  unit of the same article ("连续工作一年以上");
- a figure the question states ("干了12年", "两个月了") — the same figure or a range that holds it ("已满10年
  不满20年的", "超过一个月不满一年")."""

from __future__ import annotations

import re
from dataclasses import dataclass

CONSEQUENCE_BOOST = 1.5  # what a clause's score is multiplied by when it gives the kind of answer asked for
WHO_BOOST = 1.5
METHOD_BOOST = 2.0
UNIT_BOOST = 2.0
FIGURE_BOOST = 2.0

_ASKS_CONSEQUENCE = re.compile(
    r"(什么后果|啥后果|哪些后果|后果是什么|会怎么样|会怎样|会有什么|什么麻烦|什么风险|什么责任|哪些责任|责任是什么|"
    r"怎么罚|怎么处罚|怎样处罚|如何处罚|怎么处理|会被罚|罚不罚|会不会被罚|要赔|赔什么|赔多少|承担什么)"
)
_STATES_CONSEQUENCE = re.compile(
    r"(赔偿|罚款|处罚|罚金|二倍|双倍|责令|承担[^，。；]{0,12}责任|法律责任|没收|吊销|滞纳金|加收|不利后果|视为|无效|"
    r"强制执行|予以撤销|追究|失权|丧失)"
)

_ASKS_WHO = re.compile(r"(谁|哪个部门|哪个单位|哪一方|哪方|什么人|什么部门|什么机关|哪个机关|哪里申请|找哪)")
_STATES_WHO = re.compile(
    r"(由[^，。；：]{1,30}?(?:承担|缴纳|负责|支付|承继|决定|接受|共同|办理|作出|确定|组织|收取|享有|行使|赔偿|补偿|提供|审批|"
    r"管辖|处理|发放|垫付|偿还|认定|指定|核定|申请|提出)|[^，。；：]{2,20}的同意|归[^，。；：]{1,12}(?:所有|享有)|"
    r"[^，。；：]{2,20}(?:负责|负有[^，。；：]{0,6}责任)|向[^，。；：]{2,20}(?:申请|提出|报告|备案))"
)

_NUMERAL = r"[0-9]+|[零〇一二两三四五六七八九十百千]+"
_UNIT_DAYS = {"年": 365.0, "个月": 30.0, "月": 30.0, "周": 7.0, "星期": 7.0, "天": 1.0, "日": 1.0, "工作日": 1.0}
_UNITS = {**{u: ("time", d) for u, d in _UNIT_DAYS.items()},
          "小时": ("hours", 1.0), "人": ("people", 1.0), "名": ("people", 1.0), "次": ("times", 1.0)}
_UNIT = "|".join(sorted(_UNITS, key=len, reverse=True))
_FIGURE = re.compile(rf"({_NUMERAL})(?:多|来)?(?:个(?=月|人|小时|工作日))?({_UNIT})(?!度|份)")
_RANGE = re.compile(  # "已满10年不满20年", "超过一个月不满一年"
    rf"(?:已满|满|超过)?({_NUMERAL})(?:个)?({_UNIT})(?:以上)?(?:不满|未满|不足)({_NUMERAL})(?:个)?({_UNIT})")
CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
             "九": 9}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}


def cn_number(s: str) -> int | None:
    """"12" → 12, "十五" → 15, "两" → 2; None for anything else."""
    if s.isascii() and s.isdigit():
        return int(s)
    total, digit = 0, 0
    for ch in s:
        if ch in CN_DIGITS:
            digit = CN_DIGITS[ch]
        elif ch in CN_UNITS:
            total += (digit or 1) * CN_UNITS[ch]
            digit = 0
        else:
            return None
    return total + digit


def _measure(number: str, unit: str) -> tuple[str, float] | None:
    n = cn_number(number)
    if n is None:
        return None
    dim, scale = _UNITS[unit]
    return dim, n * scale


def asks_consequence(question: str) -> bool:
    """"会有什么后果", "会被怎么罚", "要承担什么责任": answered by the liability or penalty."""
    return bool(_ASKS_CONSEQUENCE.search(question))


def states_consequence(sentence: str) -> bool:
    return bool(_STATES_CONSEQUENCE.search(sentence))


def asks_who(question: str) -> bool:
    """"由谁来交", "需要谁同意", "找哪个部门": answered by the sentence that names the party."""
    return bool(_ASKS_WHO.search(question))


_WHO_MARKS = ("由", "同意", "归", "负", "向")  # one of these is in every match of _STATES_WHO: a cheap test first


def states_who(sentence: str) -> bool:
    return any(m in sentence for m in _WHO_MARKS) and bool(_STATES_WHO.search(sentence))


def question_figures(question: str) -> list[tuple[str, float]]:
    """The figures a question states ("干了12年" → 12 years, "两个月了" → 2 months), in a common measure per
    dimension. A figure of one ("一年能休几天", "一个月") reads as "per" or "a", not as a stated amount."""
    out: list[tuple[str, float]] = []
    for m in _FIGURE.finditer(question):
        if cn_number(m.group(1)) == 1:
            continue
        if (measure := _measure(m.group(1), m.group(2))) is not None:
            out.append(measure)
    return out


def states_figure(sentence: str, figures: list[tuple[str, float]]) -> bool:
    """The sentence states one of the figures (as "12年" or "十二年"), or a range that holds it ("已满10年不满20年",
    "超过一个月不满一年")."""
    if not figures:
        return False
    for m in _RANGE.finditer(sentence):
        low, high = _measure(m.group(1), m.group(2)), _measure(m.group(3), m.group(4))
        if low and high and low[0] == high[0] and any(
                dim == low[0] and low[1] <= value < high[1] for dim, value in figures):
            return True
    stated = {_measure(m.group(1), m.group(2)) for m in _FIGURE.finditer(sentence)}
    return any(f in stated for f in figures)


_ASKED_UNIT = [  # (how the question asks for a unit, how a sentence states that unit)
    (re.compile(r"(几|多少)(个)?(天|日|工作日)"), re.compile(rf"(?:{_NUMERAL})(?:个)?(?:天|日|工作日)(?!起)")),
    (re.compile(r"(几|多少)(个)?年"), re.compile(rf"(?:{_NUMERAL})年(?!度)")),
    (re.compile(r"(几|多少)(个)?月"), re.compile(rf"(?:{_NUMERAL})个?月")),
    (re.compile(r"(几|多少)(个)?(小时|钟头)"), re.compile(rf"(?:{_NUMERAL})(?:个)?小时")),
    (re.compile(r"(几|多少)次"), re.compile(rf"(?:{_NUMERAL})次")),
    (re.compile(r"(几|多少)(个)?(人|名)"), re.compile(rf"(?:{_NUMERAL})(?:个)?(?:人|名)")),
]


def asked_units(question: str) -> list[re.Pattern[str]]:
    """How a sentence states the unit the question asks in ("能休几天" → "10天"; "几年" → "十年")."""
    return [states for asks, states in _ASKED_UNIT if asks.search(question)]


def states_unit(sentence: str, units: list[re.Pattern[str]]) -> bool:
    return any(u.search(sentence) for u in units)


_ASKS_METHOD = re.compile(
    r"(怎么算|怎么计算|如何计算|怎样计算|怎么计|按什么算|按什么标准|怎么折算|计算方法|怎么收费|怎么核定)")
_STATES_METHOD = re.compile(
    r"((?:按|按照|依照|以)[^，。；]{1,40}(?:计算|标准|计付|支付|折算|确定|核定|缴纳|计征)|每满|乘以|每日|按日|按月|按年)")


def asks_method(question: str) -> bool:
    """"补偿怎么算", "滞纳金如何计算": answered by the sentence that states the rule of calculation."""
    return bool(_ASKS_METHOD.search(question))


def states_method(sentence: str) -> bool:
    return bool(_STATES_METHOD.search(sentence))


@dataclass(frozen=True)
class ZhCues:
    """The Chinese answer-type cues of one question, and how much each clause gives what they ask for."""

    consequence: bool = False
    who: bool = False
    method: bool = False
    units: tuple[re.Pattern[str], ...] = ()
    figures: tuple[tuple[str, float], ...] = ()

    @classmethod
    def of(cls, question: str) -> ZhCues:
        return cls(asks_consequence(question), asks_who(question), asks_method(question),
                   tuple(asked_units(question)), tuple(question_figures(question)))

    def states_unit(self, sentence: str) -> bool:
        return states_unit(sentence, list(self.units))

    def factor(self, sentence: str) -> float:
        return self.boost(states_consequence(sentence), states_who(sentence), states_method(sentence),
                          bool(self.units) and self.states_unit(sentence),
                          bool(self.figures) and states_figure(sentence, list(self.figures)))

    def boost(self, consequence: bool, who: bool, method: bool, unit: bool, figure: bool) -> float:
        """What a clause's score is multiplied by, given which of the kinds it states."""
        f = 1.0
        if self.consequence and consequence:
            f *= CONSEQUENCE_BOOST
        if self.who and who:
            f *= WHO_BOOST
        if self.method and method:
            f *= METHOD_BOOST
        if self.units and unit:
            f *= UNIT_BOOST
        if self.figures and figure:
            f *= FIGURE_BOOST
        return f


_FIGURE_WORD = re.compile(rf"(?:{_NUMERAL}|万)+(?:个|年|月|天|日|次|人|名|小时|倍)?")


def figure_word(term: str) -> bool:
    """A query term that is only a figure ("12", "一年", "两个"): matched as a measure (``states_figure``),
    not as a word — as a word it finds any sentence that happens to hold the same characters."""
    return bool(_FIGURE_WORD.fullmatch(term))
