"""Sums of money in a message: digits and Chinese numerals (through cn2an) with 万 / 百万 / 千万 / 亿 / million / bn,
a currency before or after a long number, and the round words (几百万, 上千万, 百亿).

A number word with a unit in a message is a sum (safety first: a large dispute missed is worse than a plain
question sent to an adviser; no word of money is asked for, as disputes are told with any verb: 坑了, 吞了, 压着,
"stiffed us"), unless it is a set phrase (百万富翁, 百亿补贴, 十万火急, 万一, 成千上万), a count or a measure
after the unit (三百万用户, 百万级, 千万分之一, 两亿灵活就业人员, "5 million users", "a million thanks"), a count
leading into it (粉丝过百万, 用户数达到三千万) or a bare round word before a noun that is no money (百万英雄,
百万大V): issue #11, review16.
"""

from __future__ import annotations

import re
import warnings
from bisect import bisect_left

import cn2an

LARGE_AMOUNT_YUAN = 1_000_000  # a dispute of this size goes to an adviser, unless it only asks the law

_UNIT = {"万": 10_000, "亿": 100_000_000, "百万": 1_000_000, "千万": 10_000_000, "million": 1_000_000,
         "billion": 1_000_000_000, "w": 10_000, "m": 1_000_000, "mn": 1_000_000, "bn": 1_000_000_000}
_WORDS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
          "ten": 10, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "fifty": 50, "hundred": 100,
          "several": 2, "a few": 2}
_CN_DIGITS = "零〇一二两三四五六七八九十百千壹贰叁肆伍陆柒捌玖拾佰仟"
# Each number starts where a run of digits (or numerals) starts and is bounded: linear on any input (review12 §7).
_NUM = r"(?<![\d,])(?:\d{1,3}(?:,\d{3}){1,5}|\d{1,15})(?:\.\d{1,6})?"
# 400w (w: 万, as typed), not a power rating (400W的电机, 功率1000W)
_W_NOT_WATT = r"(?![a-z]|\s?(的)?(电机|电源|功率|灯|光|激光|马达|发电|电器|空调|充电|逆变|太阳能))"
_AMOUNT = re.compile(
    rf"(?P<num>{_NUM})\s{{0,3}}(?:多|余|来)?\s{{0,3}}(?P<unit>千万|百万|万|亿|million|billion|bn(?![a-z])|w{_W_NOT_WATT})"
    rf"|(?P<cn>(?<![{_CN_DIGITS}])(?![千百仟佰](?:多|余|来)?(?:千万|百万|万|亿))[{_CN_DIGITS}]{{1,12}}"
    rf"(?:点[{_CN_DIGITS}]{{1,6}})?)(?:多|余|来)?(?P<cnunit>千万|百万|万|亿)"
    r"|(?P<round>(?:几|数|上|近|好几|大几)?[百千]亿|(?:几|数|上|近|好几|大几)?百万|(?:几|数|上|近|好几|大几)千万"
    r"|(?:几|数|上|过|近|好几|大几|一)个?多?亿)"
    rf"|(?P<pre>人民币|rmb|cny|usd|hkd|eur|us\$|hk\$|¥|￥|\$|€|yuan)\s*(?P<pnum>{_NUM})\s*(?P<psuf>million|billion|mn|bn|m)?(?![a-z])"
    rf"|(?P<bare>{_NUM})\s{{0,3}}(?P<bsuf>mn|m)?\s{{0,3}}(?P<cur>元|块|人民币|yuan|rmb|cny)"
    r"|\b(?P<word>a few|several|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty|thirty|fifty|"
    r"hundred|a(?=\s+(?:million|billion)\s+(?:yuan|rmb|cny|dollars|usd|hkd|euros?|pounds)\b))\s+"
    r"(?P<wunit>million|billion)\b",
    re.I,
)
# After the unit: a count, a measure or a ratio, not money
# (百万级用户, 三百万用户, 一百万平方米, 千万分之一, 几百万粉丝, "5 million users"). A one-character counter is no
# counter when it starts a word of money (两百万家具款, 三百万人工费, 三百万股权转让款, 三百万个人所得税,
# 两百万名誉损失, 两百万户外广告费, 两百万次日到账) or a name (借款两百万张三不还): review13 §2.
_NOT_MONEY = re.compile(
    r"\s*(注册|活跃|月活|日活|付费|在线|会员|个人)?(分之|级|用户|平方|平米|公里|像素|粉丝?|观众|玩家|网友|读者|"
    r"播放|阅读|浏览|点击|下载|字|篇|页|份(?!额)|粒|颗|只|头|斤|公斤|千克|升|立方|小时|公顷|票(?!据|款)|"
    r"人(?!民|工|力|身|事|情|员工资)|名(?!誉|义|下)|位|遍|个(?!人所得|人借款|人债务|税|体)|户(?!外|口)|"
    r"家(?!具|属|电|装|用|居)|吨|亩|件|台|次(?!日|年|月|性)|张(?=[的，。,.;；、！!？?\s]|$|[发票卡单纸图照])|"
    r"条(?!款|件)|股(?!权|东|份|金|本|款|息|利)|米|辆|册|计|倍|"
    r"((monthly|daily|weekly|active|registered|paying|unique|new|online)\s+){0,3}(users?|people|customers?|members?|subscribers?|downloads?|units?|tons?|tonnes?|square|visitors?|followers?|"
    r"employees?|accounts?|records?|shares?|times|pieces?|items?|fans?|views?|viewers?|players?|streams?|clicks?|"
    r"likes?|votes?|words?|pages?|hours?|miles?|kilomet(?:er|re)s?|copies|devices?|vehicles?|cars?|questions?|"
    r"reasons?|thanks|workers?|residents?|citizens?|households?|persons?|students?|patients?|children|merchants?|"
    r"sellers?|vendors?|businesses|companies|jobs)\b|"
    r"(会员(?!费|卡)|商家|商户|店铺|网店|(小微|中小)?企业(?!债|贷|所得|欠|款|资金)|居民|市民|群众|学生|儿童|患者|劳动者|棵|株|箱|盒|瓶|罐|袋|双|套(?!现|取|路)|[\u4e00-\u9fff]{0,4}(人员|人口)(?!工资|经费|费)))",
    re.I,
)
# A count that leads into the amount (粉丝过百万, 播放量破千万, 下载量过亿, 用户数达到两千万): no sum, whatever
# else the clause holds
_COUNTED = re.compile(
    r"(粉丝|用户|会员|读者|观众|网友|玩家|人口|人数|员工数|播放量|下载量|阅读量|浏览量|点击量|访问量|关注量|订阅量|"
    r"销量|产量|发行量|流量|用户数|会员数|粉丝数|订单量|单量)(已经|已|就|都|也|总|共)?"
    r"(过|破|超|超过|突破|达|达到|有|近|逾|约|是|为|上)?了?\s*$"
)
# A bare round word (no numeral, no 几 / 上 / 数) straight before a noun is a manner of speaking (百万英雄, 千亿市场),
# unless the noun is money (百万年薪, 百万奖金)
_ROUND_BEFORE = re.compile(r"(?![的元块余多来左以上])[\u4e00-\u9fff]")
# Set phrases that hold a number word and mean no sum: 十万火急, 万一, 成千上万, 百万富翁, 百亿补贴 (a platform's
# campaign), 百万雄师. 万一 and 万万 only where no numeral leads into them (十万一千 is a number).
_SET_PHRASE = re.compile(
    r"十万火急|十万八千里|(?<![零〇一二两三四五六七八九十百千\d])万[一万]|千千万万|成千上万|成百上千|千军万马|"
    r"万无一失|万众一心|(?:百万|千万|亿万|百亿|千亿)(?:富翁|富豪|富婆|大军|雄师|雄兵|补贴)"
)
# A noun of money straight after a bare round word: 百万年薪, 百万奖金 are sums (百万英雄 is none)
_MONEY_NOUN = re.compile(
    r"年薪|月薪|薪|奖金|奖|资金|资产|现金|钱|款|元|债|投资|赔偿|补偿|罚款|罚金|工资|身家|存款|估值|营收|利润"
)


def _manner_of_speaking(text: str, m: re.Match[str]) -> bool:
    """A bare round word before a noun that is no money: 百万英雄, 百亿补贴, 千亿市场."""
    word = m.group("round")
    return (word is not None and word in ("百万", "百亿", "千亿") and _ROUND_BEFORE.match(text, m.end()) is not None
            and not _MONEY_NOUN.match(text, m.end()))


def amounts(text: str) -> list[float]:
    """Yuan amounts: digits (with thousands commas) or Chinese numerals (lower or upper case, through cn2an) with
    万/百万/千万/亿/million/bn (1.2bn); a long sum of digits with 元/yuan/RMB/$/USD/HK$ before or after (RMB1.5m,
    1.5m yuan); "two million yuan" ("a million" only before a currency: "thanks a million" is none); the round words
    百万, 几百万, 上千万, 上亿, 百亿, 几百亿 (at least their unit); 400w (万, as typed). A set phrase (百万富翁,
    十万火急), a count or a ratio after the unit (三百万用户, 千万分之一) or before it (粉丝过百万) is no sum, nor the
    adverb 千万 (千万别让对方知道: bare 千万 is never read)."""
    found: list[float] = []
    phrases = [(m.start(), m.end()) for m in _SET_PHRASE.finditer(text)]
    phrase_starts = [s for s, _ in phrases]
    for m in _AMOUNT.finditer(text):
        before = bisect_left(phrase_starts, m.end()) - 1  # the last set phrase that starts before the amount ends
        if (_NOT_MONEY.match(text, m.end()) or (before >= 0 and phrases[before][1] > m.start())
                or _COUNTED.search(text, max(0, m.start() - 12), m.start()) or _manner_of_speaking(text, m)):
            continue
        if m.group("num"):
            found.append(float(m.group("num").replace(",", "")) * _UNIT[m.group("unit").lower()])
        elif m.group("cn"):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    found.append(float(cn2an.cn2an(m.group("cn"), "smart")) * _UNIT[m.group("cnunit")])
                except (ValueError, KeyError, TypeError):  # a numeral cn2an does not read
                    continue
        elif m.group("round"):
            word = m.group("round")
            times = 100 if "百亿" in word else 1000 if "千亿" in word else 1
            found.append(float(_UNIT["亿" if "亿" in word else word[-2:]]) * times)
        elif m.group("word"):
            found.append(float(_WORDS[m.group("word").lower()] * _UNIT[m.group("wunit").lower()]))
        else:
            value = float((m.group("pnum") or m.group("bare")).replace(",", ""))
            suffix = m.group("psuf") or m.group("bsuf")
            found.append(value * _UNIT[suffix.lower()] if suffix else value)
    return found


def large_amount(text: str) -> bool:
    return any(v >= LARGE_AMOUNT_YUAN for v in amounts(text))
