"""Danger the router's main rule (``assistant.router._DANGER``) does not name, and what excuses a person kept inside.

Violence done (我们老板被债主打了, 对方叫人打了我们的员工, 拿钢管把保管员打伤了,
"our manager was beaten up"), a person taken or held (把我们两名员工扣了, 控制了我们的会计,
被带走了，到现在联系不上, 被围住出不去, "our driver was detained by the buyer") and a threat told as a
condition (再不给钱就放一把火, 再逼他他就跳, "pay or your family gets hurt") each send a message to an
adviser. Each phrase names the harm itself, with its look-alikes kept out where they are told the same way:
被打了差评 / 打了个电话 / 发言被打断 (no blow), 把员工工资扣了 (no person held), 车被拖走 (a car),
再不加薪就跳槽 (a job), "our website was attacked" (no person), "my wife was hurt in an accident" (no threat).

A person kept inside is no danger when the message names shelter from weather, an epidemic or a drill as the
reason (台风天把员工留在厂房里不让出去, "staff kept in the building during the typhoon"), or a game
scenario with its players (密室逃脱里把玩家锁在房间里), and nothing coercive is told: a debt or money asked
for, papers or a phone taken, a threat, a blow, the police, a job left (讨债的台风天也不让人走 is held). Only
a phrase of holding is excused this way, never a blow, a fire, a weapon or self-harm; in shelter, never someone
stuck (暴雨后员工被困在宿舍出不来: a rescue). Brief danger19 §2-§7.
"""

from __future__ import annotations

import re

_P = (r"(人|他|她|他们|她们|我|我们|员工|职工|工人|会计|出纳|财务|司机|经理|主管|老板|总经理|负责人|法人|股东|老公|"
      r"老婆|丈夫|妻子|儿子|女儿|孩子|家属|同事|业务员|销售|工程师|技术员|保安|采购|厂长|董事长|实习生|学徒|保管员|"
      r"仓管|店员|店长|驾驶员|师傅|人员)")
_P_FIRST = "".join(sorted({w[0] for w in _P.strip("()").split("|")}))
_OURS = r"((我|你|他|她)们?的)?"
_END = r"(?=[，。,.;；！!？?、\s]|$)"
# a person in English: named with our / the (our manager, the two drivers), as a subject, as an object
_PERSON_EN = (r"(our|the|my|his|her|their) (\w+ )?(staff|employees?|workers?|people|colleagues?|accountants?|"
              r"managers?|boss|directors?|ceo|chairman|cashiers?|drivers?|guards?|engineers?|surveyors?|foreman|"
              r"foremen|"
              r"supervisors?|clerks?|technicians?|officers?|owner|partners?|representatives?|reps?|salesm[ae]n|wife|"
              r"husband|son|daughter|family|brother|sister|father|mother|dad|mum|mom|parents?|friends?|cousin|uncle|"
              r"aunt|nephew|niece|children|kids?|storekeepers?|assistants?|receptionists?|salespeople|staffers?|"
              r"warehouse \w+|team|men)")
_WHO_EN = r"\b(we|i|he|she|they|" + _PERSON_EN + r")"
_WHOM_EN = r"\b(him|her|them|us|me|" + _PERSON_EN + r")"
_BE = r"(were|was|are|is|got|get|have been|has been|had been|'ve been|'s been|'re|are being|were being|being)"
_HIT = (r"(打伤|打残|打死|打晕|打骨折|打住院|打进了?医院|打断(了)?[^，。,.]{0,3}(腿|手|胳膊|肋骨|骨头|鼻梁)|"
        r"暴打|毒打|痛打|殴打|围殴|群殴|揍)")
_BLOODY = r"打得[^，。,.]{0,4}(血|伤|骨折|住院|医院|半死|青|肿|站不起)"
_NUMBERED = r"[们一二两三四五六七八九十几\d名个位]{0,4}"
# looked for only where a Chinese character is (a long message of digits or English costs nothing here)
_HARM_DONE_ZH = re.compile(
    # each phrase starts with one of these characters (a cheap test at every position of a long message)
    r"(?=[被把叫找派带喊纠召打暴毒痛殴围群揍控强硬困关锁扣押再要如若不否敢逼小当你知"
    + _P_FIRST + r"])(?:"
    # violence done: 被 someone beaten (被打了, 被债主打了一顿, 被人打伤), not 被打了差评 /
    # 被打了个电话 / 被打断 (interrupted)
    r"被[^，。,.;；]{0,8}?(" + _HIT + r"|" + _BLOODY + r"|砍伤|砍死|捅伤|捅死|刺伤|(砍|捅|刺)了[一几两]刀|"
    r"打了(?=一顿|几下|几拳|一拳|两拳|耳光|巴掌|一巴掌|好几(下|拳|巴掌))|打了?" + _END + r")|"
    # 把 someone beaten (拿钢管把仓库保管员打伤了, 把他打了一顿)
    r"把[^，。,.;；]{0,10}?(" + _HIT + r"|" + _BLOODY + r"|砍伤|砍死|捅伤|捅死|刺伤|"
    r"打了(一顿|几下|几拳|一拳|耳光|巴掌))|"
    # someone sent to beat a person (对方叫人打了我们的员工, 带了一帮人打他)
    r"(叫|找|派|带|喊|纠集|召集)了?(人|一帮人|几个人|一群人|一伙人|打手|混混|社会人员|"
    r"[一二两三四五六七八九十几\d]+个人)"
    r"[^，。,.]{0,4}?(打|揍|殴打|砍|捅)(了|伤了?|残了?|断了?|晕了?)?" + _OURS + _P + r"|"
    # beating named with a person: 打伤了我们的司机, 殴打员工
    + _HIT + r"(了)?" + _OURS + _P + r"|"
    # a person taken or held: 把我们两名员工扣了, 把他控制住了 (not 把员工工资扣了: only numbers between)
    r"把[^，。,.;；]{0,4}" + _P + _NUMBERED + r"(扣押|扣|关|押|困|控制|软禁|绑|抓|拘禁|带走|抓走|绑走|架走)"
    r"(了|住|下|下来|起来)?(了|啊|呢)?" + _END + r"|"
    r"控制(了|住)了?" + _OURS + _P + r"(?![们的])|"
    + _P + _NUMBERED + r"被[^，。,.]{0,8}(控制(了|住|起来)|抓走|绑走|掳走|架走|押走|带走)|"
    r"被[^，。,.]{0,8}(抓走|绑走|掳走|架走|强行带走)|(强行|硬)(带|拉|拖|架|押)走了?" + _OURS + _P + r"|"
    # surrounded or shut in with no way out (我们的人被围住出不去)
    + _P + _NUMBERED + r"(被[^，。,.]{0,6})?(围|困|关|锁|扣|押)(在|着|住|起来)[^，。,.]{0,10}"
    r"(出不去|出不来|走不了|离不开|回不来|脱不了身)|"
    # a threat as a condition: 再不给钱就放一把火, 他说再逼他他就跳, 不然就对你不客气
    r"(再|要是|如果|若|不然|否则|敢|逼|不)[^。！!？?]{0,14}?就(要|会|去|直接|马上|立刻)?"
    r"(放(一)?把火|点(一)?把火|放火|纵火|烧(了|掉)?[^，。,.]{0,4}(厂|店|仓库|公司|房|家|车|工地|办公室)|"
    r"炸(了|掉|平)?[^，。,.]{0,4}(厂|店|仓库|公司|房|家|车|工地|办公室)|(杀|砍|捅)(了|死)?(人|你|他|她|我|全家)|"
    r"打(死|残|断|伤)|弄死|跳(楼|河|江|下去)|跳了?" + _END + r"|死给[你他她]|去死|跟你们?拼(了|命)|同归于尽|"
    r"让你们?好看|对你们?不客气|动手" + _END + r")|"
    r"(小心|当心)(点)?(你|你们)的?(家人|老婆|孩子|全家|家里人|儿子|女儿|父母|爸妈)|"
    r"(你|你们)的?(家人|全家|孩子|老婆|老公|儿子|女儿|家里人|父母|爸妈)[^，。,.]{0,6}"
    r"(出了?事|遭殃|有事|受伤|好看|不得安宁|倒霉|没好果子)|知道你们?(家|孩子|老婆)[^，。,.]{0,4}(住|在)(哪|什么地方))"
)
# English: beaten, assaulted; detained, abducted; "or your family gets hurt" (looked for only where a Latin letter is)
_HARM_DONE_EN = re.compile(
    r"(?=\b[a-z])(?:" + _WHO_EN + r" " + _BE + r" (badly |brutally |severely |violently |physically )?"
    r"(beaten|assaulted|attacked|punched|stabbed|kicked|slashed|mugged|battered|roughed up)\b"
    r"(?! (online|on social|in the (press|media)|out|off|by (hackers?|ransomware|a virus|malware|bots))\b)"
    r"(?! (by|on|in|to|at) (a |an |the |our |their )?(competitors?|rivals?|bids?|tenders?|prices?|market|deal|"
    r"contract|race|cheaper|lower|another (company|firm|bidder|supplier))\b)|"
    r"\b(assaulted|punched|stabbed|kicked|slashed|roughed up|beat up|beaten up) " + _WHOM_EN
    + r"\b(?! (out|off)\b)|"
    + _WHO_EN + r" " + _BE + r" (detained|abducted|kidnapped|imprisoned|locked up|taken away|held (captive|hostage|"
    r"against)|held (by|at|in)\b(?! (contempt|high|esteem|reserve|trust|escrow|abeyance|place)\b))"
    r"(?! (in|by|at) (a |the )?(meetings?|traffic|work)\b)|"
    r"\b(your|his|her|their|our|my) (family|families|kids|children|wife|husband|daughter|son|parents|loved ones|"
    r"relatives)\b[^.;]{0,20}\b(will|'ll|would|gets|going to|might|could)( get| be)? (hurt|harmed|killed|beaten|"
    r"injured)\b|\b(or|else|otherwise)\b[^.;]{0,20}\b(you|he|she|they|we|your \w+)( will|'ll)? (get|gets|be) "
    r"(hurt|killed|harmed|beaten)\b)",
    re.I,
)
# shelter from weather, an epidemic or a drill named as the reason someone stays inside
_SHELTER = re.compile(
    r"台风|暴雨|暴雪|大雪|冰雹|洪水|洪涝|防汛|防台|汛期|雷暴|雷雨|强对流|龙卷风|沙尘暴|地震|山体滑坡|泥石流|疫情|封控|"
    r"隔离|静默管理|防疫|消防演练|应急演练|疏散演练|演习|安全(起见|考虑|原因)|为了[^，。,.]{0,6}安全|极端天气|恶劣天气|"
    r"\b(typhoon|storm|hurricane|cyclone|flood(ing)?|blizzard|snowstorm|earthquake|lockdown|quarantine|pandemic|"
    r"epidemic|fire drill|drill|severe weather|for (their|everyone'?s|our|your|his|her) (own )?safety)\b",
    re.I,
)
# a game scenario with its players: 密室逃脱里把玩家锁在房间里 (a venue's owner locking up staff names no player)
_GAME = re.compile(r"密室逃脱|密室|剧本杀|鬼屋|真人秀|狼人杀|沉浸式|\b(escape rooms?|haunted houses?|role-?play\w*)\b",
                   re.I)
_PLAY = re.compile(r"玩家|顾客|客人|游客|参与者|体验者|演员|npc|剧情|环节|关卡|玩法|设定|剧本|\b(players?|customers?|"
                   r"guests?|visitors?|participants?|actors?|game)\b", re.I)
# anything coercive: money asked for, papers or a phone taken, a threat, a blow, the police, a job left
_COERCED = re.compile(
    r"还钱|给钱|拿钱|交钱|付钱|赔钱|要钱|输了?钱|欠|债|结款|赎|不(交|赔|付|给|还|签|结)[^，。,.]{0,6}(不|别|就|才)|"
    r"才(放|让|能走)|身份证|证件|护照|手机|没收|收走|威胁|恐吓|打(了|人|他|她|我|伤)|弄死|好看|别想|报警|警察|110|"
    r"人身自由|不(让|许|准)[^，。,.]{0,4}(联系|打电话|通话|报警|见)|辞职|离职|辞工|"
    r"\b(debts?|creditors?|debt collectors?|(until|unless) (we|they|he|she|i|you|the company) pays?|passports?|phones?|"
    r"threat\w*|police|resign\w*|quit|ransom|beat\w*|force\w*)\b",
    re.I,
)
# a phrase of holding (these alone are excused by shelter or a game), and the harm words no excuse covers
_HOLDING = re.compile(r"扣|关|困|押|锁|拘|软禁|堵|围|留|不放|出不|别想|(让|许|准|放)|控制|\b(hold|held|keep\w*|kept|"
                      r"lock\w*|detain\w*|confin\w*|trap\w*|shut|let|allow\w*|permit\w*)\b", re.I)
_STUCK = re.compile(r"困|出不来|出不去|走不了|\b(trapp\w*|stuck)\b", re.I)
_HARM = re.compile(r"打|杀|砍|捅|烧|炸|刀|枪|棍|死|跳|药|火|绑|劫|人质|\b(kill\w*|stab\w*|shoot|burn\w*|bomb|knife|gun|"
                   r"hostage|kidnap\w*|beat\w*|die|suicid\w*|hurt|harm\w*)\b", re.I)


# 被带走 names no one taken: a person when no word of them comes after (被对方带走了，到现在联系不上)
_TAKEN = re.compile(r"(^|[，。,.;；！!？?\s]|" + _P + r"们?)(昨天|今天|前天|刚才|刚刚|上午|下午|晚上|昨晚|早上|半夜)?"
                    r"被[^，。,.]{0,8}带走")
_NO_WORD = re.compile(r"联系不上|联系不到|失联|没(有)?消息|音讯全无|下落不明|不知(道)?[^，。,.]{0,4}(在哪|去向|下落)|"
                      r"(电话|手机)[^，。,.]{0,4}(打不通|关机)|不回(消息|电话|信息)")


_CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN = re.compile(r"[a-z]", re.I)


def _rules(text: str) -> list[re.Pattern[str]]:
    """The patterns worth running on ``text``: the Chinese ones where a Chinese character is, the English ones where
    a Latin letter is."""
    return [rx for rx, script in ((_HARM_DONE_ZH, _CJK), (_HARM_DONE_EN, _LATIN)) if script.search(text)]


def harm_done(text: str) -> bool:
    """Whether the message tells of violence done, a person taken or held, or a threat put as a condition."""
    return (any(rx.search(text) for rx in _rules(text))
            or bool(_TAKEN.search(text) and _NO_WORD.search(text)))


def harm_phrases(text: str) -> list[str]:
    """The phrases ``harm_done`` reads, each as told (so that a phrase of holding only can be excused)."""
    found = [m.group(0) for rx in _rules(text) for m in rx.finditer(text)]
    taken = _TAKEN.search(text)
    return [*found, taken.group(0)] if taken and _NO_WORD.search(text) else found


def excuse(text: str) -> str | None:
    """Why someone kept inside is no one held: "game" (a game scenario with its players) or "shelter" (a storm, an
    epidemic, a drill), when nothing coercive is told anywhere in the message; else None."""
    if _COERCED.search(text):
        return None
    if _GAME.search(text) and _PLAY.search(text):
        return "game"
    return "shelter" if _SHELTER.search(text) else None


def excused(phrase: str, why: str) -> bool:
    """Whether a matched danger phrase is excused by ``why``: one of holding only (关在, 不让出去, "kept in"), with no
    blow, fire, weapon or self-harm in it; in shelter, not one of being stuck (暴雨后员工被困在宿舍出不来, "trapped
    inside": a rescue, not a roof over someone)."""
    return (bool(_HOLDING.search(phrase)) and not _HARM.search(phrase)
            and (why == "game" or not _STUCK.search(phrase)))


def stuck(text: str) -> bool:
    """Whether the message tells of someone stuck or trapped (困, 出不来, "trapped", "stuck")."""
    return bool(_STUCK.search(text))
