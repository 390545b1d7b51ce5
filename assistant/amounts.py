"""Sums of money in a message: digits and Chinese numerals (through cn2an) with 万 / 百万 / 千万 / 亿 / million / bn,
a currency before or after a long number, and the round words (几百万, 上千万, 百亿).

A number word with a unit in a message is a sum (safety first: a large dispute missed is worse than a plain
question sent to an adviser; no word of money is asked for, as disputes are told with any verb: 坑了, 吞了, 压着,
"stiffed us"), unless it is a set phrase (百万富翁, 百亿补贴, 十万火急, 万一, 成千上万), a count or a measure
after the unit (三百万用户, 百万级, 千万分之一, 两亿灵活就业人员, "5 million users", "a million thanks"), a count
leading into it (粉丝过百万, 用户数达到三千万, 月活两千万, 点赞两百万) or a bare round word before a noun that is no
money (百万英雄, 百万大V): issue #11, review16. Sums are also told as 两个亿, 七位数, 1百20万 (digits mixed with
numerals), a bare long number after a word of money (货款金额3500000) and thousands commas with no currency
(欠了我们1,200,000); 400w is 400万 only where money is told around it, never a wattage (2000W吹风机, 功率2000W):
brief danger19 §1, §4, §8.
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
# 400w (w: 万, as typed) only where money is told around it (被拖了400w, 400w的货款), never a power rating: an
# appliance or a word of power after it (2000W吹风机, 1500w的电热水壶, 2000W功率) or power named near it (功率2000W,
# 3kW, 瓦): a county of manufacturers talks about wattage (brief danger19 §1)
_W_NOT_WATT = r"(?![a-z])"
_WATT_AFTER = re.compile(
    r"\s?的?\s?(电|功率|瓦|灯|光|激光|马达|发电|空调|充电|逆变|太阳能|吹风|风筒|风机|风扇|加热|发热|制热|取暖|暖|烤|"
    r"微波|炉|灶|锅|壶|热水|泵|压缩机|焊|音响|功放|喇叭|音箱|马力|输出|额定|机|器|led|功放)",
    re.I,
)
_POWER_NEAR = re.compile(r"功率|瓦|千瓦|kw|电器|家电|电机|用电|耗电|电压|电流|伏|额定", re.I)
_MONEY_WORDS = ("元|块|钱|人民币|rmb|款|金额|资金|费|价|赔|欠|债|账|贷|借|还|付|收入|罚|亏|损失|骗|坑|吞|黑|拖|压|卷|"
                "转走|投|合同|标的|利润|营收|营业额|工资|薪|现金|预算|成本|估值|赚|花了|结|退|补偿|融资|资产|身家|存款|"
                "单子|生意")
# each word's first character is tested first (cheap at every position)
_MONEY_NEAR = re.compile("(?=[" + "".join(sorted({w[0] for w in _MONEY_WORDS.split("|")} | {"R"})) + "])(?:"
                         + _MONEY_WORDS + ")", re.I)
_AMOUNT = re.compile(
    rf"(?P<num>{_NUM})\s{{0,3}}(?:多|余|来)?\s{{0,3}}(?:个多?(?=亿))?"
    rf"(?P<unit>千万|百万|万|亿|million|billion|bn(?![a-z])|w{_W_NOT_WATT})"
    rf"|(?P<cn>(?<![\d{_CN_DIGITS}])(?![千百仟佰](?:多|余|来)?(?:千万|百万|万|亿))"
    rf"(?=[\d{_CN_DIGITS}]{{0,11}}[{_CN_DIGITS}])[\d{_CN_DIGITS}]{{1,12}}"
    rf"(?:点[\d{_CN_DIGITS}]{{1,6}})?)(?:多|余|来)?(?:个多?(?=亿))?(?P<cnunit>千万|百万|万|亿)"
    r"|(?P<round>(?:几|数|上|近|好几|大几)?[百千]亿|(?:几|数|上|近|好几|大几)?百万|(?:几|数|上|近|好几|大几)千万"
    r"|(?:几|数|上|过|近|好几|大几|一)个?多?亿)"
    rf"|(?P<pre>人民币|rmb|cny|usd|hkd|eur|us\$|hk\$|¥|￥|\$|€|yuan)\s*(?P<pnum>{_NUM})\s*(?P<psuf>million|billion|mn|bn|m)?(?![a-z])"
    rf"|(?P<bare>{_NUM})\s{{0,3}}(?P<bsuf>mn|m)?\s{{0,3}}(?P<cur>元|块|人民币|yuan|rmb|cny)"
    r"|\b(?P<word>a few|several|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty|thirty|fifty|"
    r"hundred|a(?=\s+(?:million|billion)\s+(?:yuan|rmb|cny|dollars|usd|hkd|euros?|pounds)\b))\s+"
    r"(?P<wunit>million|billion)\b"
    # 七位数 (a sum of seven digits, 年薪八位数): a million at least; not a code (七位数的密码, 八位数字)
    r"|(?P<places>(?<![\d零〇一二两三四五六七八九十百千])(?:[七八九十]|[789]|1[0-2]))位数"
    r"(?!字|的?[^，。,.;；]{0,3}(?:密码|号码|编号|代码|验证码|账号|卡号|编码|序号|工号|数字|号))"
    # 货款金额3500000, 欠款 3500000.00: a long bare number (7 to 10 digits; a phone, an account or an order number
    # is named as such between) straight after a word of money
    r"|(?P<after>(?:金额|货款|欠款|款项|标的额?|价款|总价|合同价|合同额|借款|本金|赔偿金|赔偿款|赔偿|损失|工程款|尾款|"
    r"押金|保证金|定金|订金|预付款|余款|欠了?(?:我们|我|咱们|公司|你们|他们)?|营业额|营收|利润|估值|注册资本|罚款|"
    r"结算款|应收款?|应付款?|转账|汇款|货值|价值)[^，。,.;；\d号账卡码话机编单]{0,4}?)"
    r"(?P<long>(?<![\d,])\d{7,10}(?:\.\d{1,2})?)(?![\d,])"
    # 欠了我们1,200,000: thousands commas make a sum of digits, with no currency
    r"|(?P<grouped>(?<![\d,.])\d{1,3}(?:,\d{3}){2,5}(?:\.\d{1,6})?)(?![\d,]|\.\d)",
    re.I,
)
# what a long number of digits is when named before it in its clause: no sum
_CODE_BEFORE = re.compile(r"密码|号码|编号|电话|手机|账号|卡号|验证码|代码|编码|序号|工号|学号|车牌|邮编|\bid\b", re.I)
# After the unit: a count, a measure or a ratio, not money
# (百万级用户, 三百万用户, 一百万平方米, 千万分之一, 几百万粉丝, "5 million users"). A one-character counter is no
# counter when it starts a word of money (两百万家具款, 三百万人工费, 三百万股权转让款, 三百万个人所得税,
# 两百万名誉损失, 两百万户外广告费, 两百万次日到账) or a name (借款两百万张三不还): review13 §2.
_NOT_MONEY = re.compile(
    r"\s*(注册|活跃|月活|日活|付费|在线|会员|个人)?(分之|级|用户|月活|日活|周活|平方|平米|英尺|英亩|公里|像素|粉丝?|"
    r"观众|玩家|网友|读者|游客|访客|访问|安装|注册|人次|商品(?!款|房|贷)|链接|点赞|赞|评论|转发|收藏|关注|曝光|"
    r"播放|阅读|浏览|点击|下载|字|篇|页|份(?!额)|粒|颗|只|头|斤|公斤|千克|升|立方|小时|公顷|票(?!据|款)|"
    r"人(?!民|工|力|身|事|情|员工资)|名(?!誉|义|下)|位|遍|个(?!人所得|人借款|人债务|税|体)|户(?!外|口)|"
    r"家(?!具|属|电|装|用|居)|吨|亩|件|台|次(?!日|年|月|性)|张(?=[的，。,.;；、！!？?\s]|$|[发票卡单纸图照])|"
    r"条(?!款|件)|股(?!权|东|份|金|本|款|息|利)|米|辆|册|计|倍|"
    r"((monthly|daily|weekly|active|registered|paying|unique|new|online)\s+){0,3}(users?|people|customers?|members?|"
    r"subscribers?|downloads?|units?|tons?|tonnes?|square|sq\.?\s?ft|acres?|(mega)?pixels?|mau|dau|visits?|links?|"
    r"listings?|products?|skus?|impressions?|visitors?|followers?|installs?|page ?views?|sessions?|sign-?ups?|"
    r"registrations?|transactions?|orders(?! worth)|"
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
    r"(粉丝|用户|会员|读者|观众|网友|玩家|人口|人数|员工数|播放|下载|阅读|浏览|点击|访问|关注|订阅|安装|注册|"
    r"销量|产量|发行量|流量|订单量|单量|月活|日活|周活|像素|平方|面积|占地|游客|访客|客流|"
    r"人次|点赞|评论|转发|收藏|曝光|商品数量?|链接数量?|sku数?|"
    # people and shops are counted only with a word of counting (员工人数三万, 商户数量两百万): 拖欠员工两千万 is money
    r"(员工|职工|雇员|工人|客户|顾客|商家|商户|店铺|门店|学员|学生)(人数|数量|总数|规模|数))"
    # a word of measure after the counted noun (用户量, 下载次数, 用户规模) and of how often (每月, 日均, 累计)
    r"(量|数|数量|总数|总量|规模|次数|人数)?"
    r"(已经|已|就|都|也|总|共|累计|每年|一年|每天|每日|每月|每周|一个月|日均|月均|年均|平均)*"
    r"(过|破|超|超过|突破|达|达到|有|近|逾|约|是|为|上|了|在)?了?\s*$"
    # goods and links are counted only with a word of counting (上架的商品超过三百万; 卖给对方的商品两百万 is money)
    r"|(商品|链接|sku)(已经|已|总|共)?(过|破|超|超过|突破|达|达到|有|近|逾)了?\s*$"
    r"|\b(population|downloads|installs|views|page views|visits|visitors|followers|subscribers|users?|members?|mau|dau|"
    r"headcount|employees|staff|customer)( count| base| number)?( of| reached| hit| is| was| topped| exceeded| over| "
    r"at| "
    r"about| around| nearly| almost)*\s*$",
    re.I,
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


_PLACES = {"七": 7, "八": 8, "九": 9, "十": 10}  # 七位数: a sum of seven digits
_MARK = re.compile(r"[，。,;；！!？?\n]")
_REACH = 30  # how far around a number its clause is read (a long message is read around each number, not whole)


def _clause(text: str, marks: list[int], start: int, end: int) -> str:
    """The clause around ``start``-``end`` (at most ``_REACH`` characters either side); for a number standing alone in
    its clause, the next one too (400w，对方一直不结: the money is told next; 我们的产品2000W，售价300元: the
    product's clause says what 2000W is). ``marks``: the positions of the message's clause marks, in order."""
    k = bisect_left(marks, start)
    left = max(marks[k - 1] + 1 if k else 0, start - _REACH)
    after = bisect_left(marks, end)
    right = min(marks[after] if after < len(marks) else len(text), end + _REACH)
    if len(text[left:start].strip()) + len(text[end:right].strip()) > 2:
        return text[left:right]
    following = marks[after + 1] if after + 1 < len(marks) else len(text)
    return text[left:min(following, end + _REACH)]


def _w_is_wan(text: str, marks: list[int], m: re.Match[str]) -> bool:
    """400w is 400万 only with money told around it and no power: not before an appliance (2000W吹风机, 1500w的电热
    水壶), not with power named near it (功率2000W, 3kW, 瓦)."""
    if _WATT_AFTER.match(text, m.end()) or text[max(0, m.start() - 1):m.start()].lower() == "k":
        return False
    around = _clause(text, marks, m.start(), m.end())
    return not _POWER_NEAR.search(around) and bool(_MONEY_NEAR.search(around))


def _a_code(text: str, marks: list[int], start: int) -> bool:
    """Whether the clause before a bare number names it a code (密码是七位数, 电话 1,234,567)."""
    k = bisect_left(marks, start)
    return bool(_CODE_BEFORE.search(text, max(marks[k - 1] + 1 if k else 0, start - _REACH), start))


def amounts(text: str) -> list[float]:
    """Yuan amounts: digits (with thousands commas) or Chinese numerals (lower or upper case, through cn2an) with
    万/百万/千万/亿/million/bn (1.2bn); a long sum of digits with 元/yuan/RMB/$/USD/HK$ before or after (RMB1.5m,
    1.5m yuan); "two million yuan" ("a million" only before a currency: "thanks a million" is none); the round words
    百万, 几百万, 上千万, 上亿, 百亿, 几百亿 (at least their unit); 400w (万, as typed, with money around it);
    两个亿; 1百20万; 七位数 (a million at least); 3500000 after 货款/金额/欠款; 1,200,000. A set phrase (百万富翁,
    十万火急), a count or a ratio after the unit (三百万用户, 千万分之一) or before it (粉丝过百万) is no sum, nor the
    adverb 千万 (千万别让对方知道: bare 千万 is never read), nor a code (密码是七位数, 电话 13812345678)."""
    found: list[float] = []
    marks = [m.start() for m in _MARK.finditer(text)]
    phrases = [(m.start(), m.end()) for m in _SET_PHRASE.finditer(text)]
    phrase_starts = [s for s, _ in phrases]
    for m in _AMOUNT.finditer(text):
        before = bisect_left(phrase_starts, m.end()) - 1  # the last set phrase that starts before the amount ends
        if (_NOT_MONEY.match(text, m.end()) or (before >= 0 and phrases[before][1] > m.start())
                or _COUNTED.search(text, max(0, m.start() - 24), m.start()) or _manner_of_speaking(text, m)
                or ((m.group("unit") or "").lower() == "w" and not _w_is_wan(text, marks, m))
                or ((m.group("places") or m.group("grouped")) and _a_code(text, marks, m.start()))):
            continue
        if m.group("places"):
            places = m.group("places")
            found.append(10.0 ** ((int(places) if places.isdigit() else _PLACES[places]) - 1))
        elif m.group("long") or m.group("grouped"):
            found.append(float((m.group("long") or m.group("grouped")).replace(",", "")))
        elif m.group("num"):
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


def _is_count(text: str, m: re.Match[str]) -> bool:
    """A number with a unit that counts something (三百万用户, 月活两千万, "5 million users"): no sum."""
    return bool(_NOT_MONEY.match(text, m.end()) or _COUNTED.search(text, max(0, m.start() - 24), m.start()))


def without_counts(text: str) -> str:
    """The message with each counted number (月活两千万, 三百万用户, "20 million users") said as 很多 / "many": what
    the intent model reads, so a count's number words (两千万) do not pull it towards a case the way a sum does
    (talk20: "APP月活两千万，隐私政策怎么写" is a rule question). Unchanged when it counts nothing."""
    spans = [(m.start(), m.end()) for m in _AMOUNT.finditer(text)
             if (m.group("num") or m.group("cn") or m.group("round") or m.group("word")) and _is_count(text, m)]
    for start, end in reversed(spans):
        word = "很多" if re.search(r"[\u4e00-\u9fff]", text[start:end]) else "many"
        text = text[:start] + word + text[end:]
    return text
