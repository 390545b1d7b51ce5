"""An emergency happening now: someone bleeding, unconscious, not breathing, trapped or caught in a fire, a gas
leak, an electric shock. Such a message needs 120 / 119 / 110 before any adviser, so it is read as danger (the
router's ``in_danger``): the reply says whom to call first and the case goes to the top of the advisers' queue.

An accident told as the subject of a legal question — its consequences (工伤认定, 赔偿, 责任, insurance, "who pays",
"is it a work injury"), or an accident in the past (上个月, 去年, "last month") — is a legal question, not an
emergency, unless a sign that a life is in danger right now is told as well (血流不止, 没有呼吸, 还被压在下面,
"still trapped", "not breathing"). Brief review20 §1.
"""

from __future__ import annotations

import re

from assistant.danger_cues import excuse

_WHO = (r"(人|有人|他|她|工人|员工|职工|师傅|同事|工友|保安|司机|孩子|老人|客人|顾客|阿姨|大姐|大哥|小伙子?|学徒|"
        r"厨师|保洁|(小|焊|电|钳|木|瓦|杂|临时|农民|搬运|装卸|操作|清洁|维修)工|"
        r"[一两二三四五六七八九十几\d]+(个|名|位)?(人|工人|员工))")
# what money, a deal or a procedure is "stuck in" (资金被困在项目里, 卡在审批环节): no place a person is caught in
_NOT_A_PLACE = (r"(?![^，。,.]{0,8}(合同|协议|项目|资金|钱|款|平台|谈判|流程|程序|手续|环节|审批|债|官司|账|系统|"
                r"货款))")
# a sign that a life is in danger right now: these alone make an emergency, whatever else the message asks
_NOW_ZH = re.compile(
    r"血流不止|流血不止|大出血|血流如注|流了(很多|好多|一地|一身)的?血|"
    r"没(有)?了?(呼吸|心跳|脉搏)|呼吸(困难|微弱|停止)|喘不(上|过)气|口吐白沫|抽搐不止|"
    + _WHO + r"[^，。,.]{0,6}((还|仍然|一直)(被)?(压|卡|夹|埋|困|关)(在|着)|(还在|困在)" + _NOT_A_PLACE
    + r"[^，。,.]{0,8}(里面|里头|下面|底下|火里|水里))|" + _WHO + r"[^。！!？?]{0,12}(出不来|救不出来)|"
    r"正在(燃烧|着火|冒烟|流血|泄漏)|火(越来越|还在)|烧得(很|越来越)?(大|旺|厉害)"
)
# an emergency event: told alone (no legal question about it) it is one
_EVENT_ZH = re.compile(
    r"快不行了|(昏迷|昏过去|晕过去|晕倒|不省人事|失去(了)?意识|没(有)?了?(意识|反应)|休克|窒息|抽搐|中毒了|触电了|被电(击|到|打)了|"
    r"(摔|掉|跌|坠)(下来|下去|落)[^，。,.]{0,6}(了|昏|晕|不动|起不来)|"
    r"(掉|跌|摔|落|坠)(进|入|到)了?[^，。,.]{0,6}(池|井|坑|河|江|湖|水|罐|槽|炉|窖|沟|海)|"
    r"被[^，。,.;；]{0,8}?(压住|卡住|夹住|埋住|困住|卷进|绞进|砸中|砸倒|压在)|"
    r"(压|卡|夹|埋|困)在" + _NOT_A_PLACE + r"[^，。,.]{0,8}(里|下面|底下|中间|下)|"
    r"(着火|起火|失火|烧起来|爆炸|炸了)[^。！!？?]{0,16}" + _WHO
    + r"[^。！!？?]{0,8}(在里面|在里头|被困|困在|没(有)?(出来|逃出来)|烧伤|受伤|昏|晕)|"
    + _WHO + r"[^。！!？?]{0,12}(烧伤|烧着|被烧)|"
    r"(煤气|燃气|天然气|毒气|氨气|氯气|有毒气体|硫化氢)[^，。,.]{0,4}(泄漏|泄露|漏了|中毒))"
)
_NOW_EN = re.compile(
    r"\b(bleeding (heavily|badly|a lot|everywhere|profusely)|won'?t stop bleeding|losing (a lot of )?blood|"
    r"not breathing|(isn'?t|is not|stopped|has stopped) breathing|can'?t breathe|no pulse|"
    r"still (trapped|stuck|pinned|inside|under)|(are|is) (still )?(inside|trapped)|can'?t get (out|him out|her out|"
    r"them out)|(is|are) (on fire|burning) (now|right now)|spreading)\b",
    re.I,
)
_EVENT_EN = re.compile(
    r"\b(unconscious|passed out|has collapsed|collapsed|(having|had) a seizure|choking|electrocuted|"
    r"trapped|pinned (under|beneath|by)|crushed (under|by)|stuck (under|in the machine)|(is|are|'s|'re) bleeding|"
    r"(is|are|'s|'re) on fire|caught fire|(is|are) burning|explosion|exploded|gas leak|leaking gas|toxic gas)\b",
    re.I,
)
# what makes an accident the subject of a legal question, or tells it in the past
# a person in English (an event such as "trapped" or "collapsed" is a person's only with one told)
_PERSON_EN = re.compile(
    r"\b((two|three|four|five|several|some|a few|many|\d+) \w+|someone|somebody|anyone|nobody|people|person|"
    r"man|men|woman|women|child|children|kids?|workers?|staff|"
    r"employees?|colleagues?|coworkers?|co-workers?|drivers?|guards?|operators?|welders?|electricians?|he|she|"
    r"they|him|her|them|manager|boss|foreman|technicians?|cleaners?|visitors?|customers?)\b",
    re.I,
)
_QUESTION_ZH = re.compile(
    r"工伤|认定|赔偿|赔付|赔钱|要赔|谁(来)?赔|补偿|责任|负责|保险|待遇|伤残|鉴定|仲裁|起诉|法院|律师|合法|违法|"
    r"处罚|罚款|规定|法律|条例|协议|免责|条款|算不算|怎么算|医药费|医疗费|报销|索赔|工资|合同|辞退|上个?月|去年|前年|之前|以前|"
    r"当时|曾经|那次|事后|后来|昨天|昨晚|前天|上周|那天|当天|死亡|身亡|死了|去世|遇难"
)
_QUESTION_EN = re.compile(
    r"\b(compensat\w*|liab\w*|responsib\w*|insurance|insurer|work[- ]related|work injury|industrial injury|injury "
    r"claim|claims?|sue|lawsuit|court|legal\w*|law|laws|regulations?|fine[ds]?|penalt\w*|pay for|medical (bills|"
    r"costs|expenses)|who pays|last (week|month|year|night)|yesterday|ago|previously|earlier this|back in|died|dead|"
    r"killed|passed away|fatal\w*)\b",
    re.I,
)
_WHO_ZH = re.compile(_WHO)  # an event is a person's only with one told (一个不合理的条款困住了我们 is none)
_CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN = re.compile(r"[a-z]", re.I)


def emergency_now(text: str) -> bool:
    """Whether the message tells of an emergency happening now (see the module's docstring)."""
    zh, en = bool(_CJK.search(text)), bool(_LATIN.search(text))
    if excuse(text) == "game":  # a game scenario with its players (鬼屋里把游客困在笼子里): no one caught
        return False
    if (zh and _NOW_ZH.search(text)) or (en and _NOW_EN.search(text) and _PERSON_EN.search(text)):
        return True
    if zh and _EVENT_ZH.search(text) and _WHO_ZH.search(text) and not _QUESTION_ZH.search(text):
        return True
    return (en and bool(_EVENT_EN.search(text)) and bool(_PERSON_EN.search(text))
            and not _QUESTION_EN.search(text))
