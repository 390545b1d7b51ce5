"""What kind of answer a question wants, and whether a sentence gives that kind: a question asking for a
period, amount, rate or number ("多久", "最多几天", "what rate", "how long") is answered by a sentence that
states one ("三十日内", "百分之二十", "98天"), not by the article's general rule."""

from __future__ import annotations

import re

_ASKS_QUANTITY = re.compile(
    r"(多久|多长|多少|多大|几[天日年月个次倍周岁成]|最[长多高低少迟晚早短]|期限|比例|标准|税率|利率|时限|时效|几成|上限|下限|"
    r"\bhow (long|many|much|soon|old)\b|\bwhat (rate|percentage|period|age)\b|\bdeadline\b|\bwithin\b|\bmaximum\b|"
    r"\bminimum\b|\bat (most|least)\b|\blimit\b)",
    re.I,
)
_QUANTITY = re.compile(
    r"[0-9零〇一二两三四五六七八九十百千万]+(?:个)?(?:工作日|日|天|年|月|小时|周|%|％|元|倍|人|次|岁)|百分之|千分之|万分之"
)
_ARTICLE_NUMBER = re.compile(r"^第[零〇一二两三四五六七八九十百千\d]+条(?:之[一二三四五六七八九十]+)?\s*")


def asks_quantity(question: str) -> bool:
    return bool(_ASKS_QUANTITY.search(question))


def states_quantity(sentence: str) -> bool:
    """A period, amount, rate or count in the sentence (its own article number "第三十条" is none)."""
    return bool(_QUANTITY.search(_ARTICLE_NUMBER.sub("", sentence)))
