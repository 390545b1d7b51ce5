"""Understand a message before retrieval: a few precise rules, then the intent model.

Rules stay only where a rule is right: an explicit request for a person (转人工 / "human"), leaving a
hand-off (取消人工 / /bot), a request to predict a case's outcome (能不能打赢 / 胜算 / "chances of winning": no
statute answers it), and danger to someone's life or liberty (self-harm and suicide: 割腕 / 喝农药 / "tried to kill
himself"; a threat of violence or a person held against their will: 扬言要烧了厂子 / 不还钱不放人 / "locked our
staff in") — an adviser, whatever the message asks.

A sum of at least one million yuan (``assistant.amounts``: a number with 万 / 百万 / 亿 / million where money is
meant, not 百万富翁 / 十万火急 / 三百万用户 / 千万别) sends the message to an adviser unless the model
reads it clearly as a question about what the law says and the message asks something (``asks_the_law``), or
the model is sure it is an order or a look at the menu (两百万的合同想请你们审查一下: a person follows the order
up anyway). Everything else is decided by ``assistant.intents.IntentModel`` with a probability (``is_sure``): the
probability of a route, its intents' together (``route_probabilities``: a request for a person and a case both lead
to an adviser, so a message split between them is sure of the hand-off; tracking a booking made is no new order).

A high-risk reading is taken as said when its probability is at least ``HIGH_RISK_SURE``, or when the hand-off
intents lead every other route by ``HANDOFF_MARGIN``; a near tie with the legal question, whichever of the two
leads (``near_a_case``), is unsure, and the engine then answers only when the message asks something
(``asks_a_question``: not an event told, not "怎么办", not a request to act) and the knowledge base clearly answers;
else an adviser. A question about what a court's procedure requires (``asks_court_procedure``: 法院传票来了，我该准备
什么 / "we were sued, how long do we have to respond") is a legal question whatever the model reads, a large sum told
with it too; told with the user's own case (a large sum, or a lawsuit against them: ``told_a_case``), the answer also
offers an adviser (``Intent.offer_adviser``: 被起诉索赔两千万，答辩期是多久 gets the procedure and the offer, talk21).
A remedy against an administrative decision (``asks_admin_remedy``: 被环保局罚了五万，能申请复议吗 / 收到责令停产通知
能要求听证吗 / "we were fined, can we appeal?") is read the same way: answered, and an adviser offered when the
decision is the user's own (``assistant.admin_remedies.received_a_decision``, admin31).
The model reads a count (月活两千万, "20 million users") as 很多 / "many" (``without_counts``).
A question about what someone other than us must provide (物业公司应提供哪些服务, "what services must a property
manager provide": ``assistant.owed_services``) is a legal question, though the model reads "services" as the menu.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

import numpy as np

from assistant.admin_remedies import names_a_remedy, received_a_decision
from assistant.amounts import large_amount, without_counts
from assistant.danger_cues import excuse, excused, harm_done, harm_phrases, stuck
from assistant.emergency_cues import emergency_now
from assistant.intents import IntentModel, Prediction
from assistant.owed_services import owed_by_another

LARGE_AMOUNT_LEGAL = 0.5  # with such an amount, the legal reading must outweigh all others together (issue11R)
SURE = 0.4  # the model's probability at or above which its intent is taken as said (calibrated on eval/tune.jsonl)
LEAVE_SURE = 0.6  # leaving a hand-off from free text (the rule catches the usual words)
HANDOFF_MARGIN = 0.2  # a hand-off intent must beat every other route's intent by this much to be taken as said
# A high-risk reading at or above this probability is a case, whatever else the model thinks (issue11R2: an event
# followed by a question, "海关说我们走私，我现在能出境吗", reads 0.5-0.8 high-risk with the legal question behind).
HIGH_RISK_SURE = 0.5  # below it, the hand-off intents together must lead by HANDOFF_MARGIN, like any hand-off
LEGAL_MARGIN = 0.1  # any other route must beat the legal question by this much (else: answer if the KB can, or ask)

_HUMAN = re.compile(
    r"(转人工|人工客服|人工服务|^人工[。.!！]?$|^(human|agent)( please)?[.!]?$|\btalk to a human\b|"
    r"\b(a|an) (real|live) person\b)",
    re.I,
)
_LEAVE = re.compile(
    r"^\s*(/bot\b|取消人工|取消转人工|不用人工了?|不要人工了?|返回机器人|回到机器人|返回助手|"
    r"back to (the )?(assistant|bot)|cancel (the )?hand-?off)",
    re.I,
)
_OUTCOME = re.compile(
    r"(胜算|赢面|输赢|胜诉率|几成把握|"
    r"(能|能不能|能否|会不会|可不可以|有没有可能|可能)(打)?(赢|胜诉|败诉|输)(?![入出送液血得利钱])|"
    r"(胜诉|打赢|赢|败诉|输)的?(可能性?|几率|概率|把握|机会)|"
    r"\bchances? (of|to) (winning|win|succeed|success)|\b(will|would|can|could) (we|i) (win|lose)\b|"
    r"\blikel(y|ihood)\b.{0,30}\b(win|winning|lose|losing)\b)",
    re.I,
)
_P = (r"(人|他|她|他们|她们|我|我们|员工|职工|工人|会计|出纳|财务|司机|经理|主管|老板|总经理|负责人|法人|股东|老公|"
      r"老婆|丈夫|妻子|儿子|女儿|孩子|家属|同事|业务员|销售|工程师|技术员|保安|采购|厂长|董事长|实习生|学徒)")
# an English person as an object: a pronoun, or our/the (…) staff, accountant, driver…
_P_EN = (r"(him|her|them|us|me|(our|the|my|his|her|their) (\w+ )?(staff|employees?|workers?|people|colleagues?|"
         r"accountants?|managers?|boss|directors?|ceo|chairman|cashiers?|drivers?|guards?|engineers?|surveyors?|foreman|"
         r"foremen|supervisors?|clerks?|technicians?|officers?|owner|partners?|staff members?|representatives?|wife|"
         r"husband|son|daughter|family|brother|sister|father|mother|dad|mum|mom|parents?|friends?|cousin|uncle|aunt|"
         r"nephew|niece|girlfriend|boyfriend|relatives?|children|kids?))")
# 游戏里有杀人情节: content, no event
_FICTION = r"(?![^，。,.；;]{0,3}(情节|题材|内容|镜头|画面|场景|剧情|游戏|电影|小说|桥段))"
# 关在门外 / 锁在外面了: someone shut out, not held; only where "outside" ends the clause or 进 follows
# (锁在外面的仓库里, 关在厂外面的仓库里 are held: a place follows)
_OUTSIDE = (r"(?![^，。,.；;]{0,4}((门|楼|厂|院|室|屋)外|外)(面|头|边)?(了|啦|呢|吗|呀)?"
            r"([，。,.；;！!？?\s]|$|不(让|许|准)?进|进不))"
            # nor money, a deal or a procedure (资金被困在项目里, 被困在这份合同里): no place a person is held in
            r"(?![^，。,.；;]{0,6}(合同|协议|条款|项目|资金|钱|款|平台|谈判|流程|程序|手续|环节|审批|债|官司|账|系统|货款))")
# Danger to a life or to someone's liberty: self-harm and suicide, a threat of violence, a person held against their
# will. Told as an event or asked as a question, it goes to an adviser (issue11R2). Each phrase names the harm
# itself (打断/打伤, not any 打: 威胁要打官司; a person or a place set on fire, not 滞销货烧了; a person held, not goods
# kept in customs); everything else is left to the intent model (review12).
_DANGER = re.compile(
    r"((自杀|自尽|轻生|寻死|割腕|割脉|上吊|服毒|自残|烧炭|杀人|砍人|捅人|砸人|撞人)" + _FICTION + r"|"
    r"跳(楼|河|江)(?!价|大甩卖|甩卖|大促|促销)" + _FICTION + r"|"
    r"(喝|服|吞)了?下?[^，。,.]{0,4}(农药|敌敌畏|百草枯|老鼠药|鼠药)|"
    r"(喝|服|吃|吞)(了|下)[^，。,.]{0,4}(安眠药|药片)|(喝|服|吃|吞)了?下?(一整瓶|一瓶|整瓶|一把|大量|过量|好多)[^，。,.]{0,3}药|"
    r"不想活|活着没(意思|劲)|活不下去|不如死了|(就|想|要)去死|死了算了|同归于尽|遗书(?!式)|一起(去)?死(?!磕|扛|守|撑|等)|"
    r"(天台|楼顶|屋顶|窗台|窗户|阳台|楼上|塔吊|桥上)[^。.？?]{0,16}(跳(了|下)|往下跳|从上面(跳)?下去|不下来)|"
    r"(威胁|扬言|放话|恐吓|(?<![小解听传据])说(要|会|过|再))[^，。,.；;]{0,12}(打(人|死|伤|残|断|砸|一顿|架|他|她|你|我(?!们的))|"
    r"(杀|砍|捅)(了|死|伤|人|他|她|你|我)|弄死|撞死|动手|报复(?!性)|放火|纵火|"
    r"(烧|炸)(了|掉|毁|死)?[^，。,.]{0,4}(厂|店|仓库|公司|房|家|车|工地|办公室|人|他|她|你|我))|"
    r"(要|会|来)[^，。,.]{0,6}(杀了|砍死|捅死|打死|弄死|撞死|放火|纵火)|"
    r"找人(弄|收拾|教训|砍|打)|"
    r"(拿|持|带)(着)?[^，。,.]{0,2}(刀|枪|棍|斧|汽油|炸药|酒瓶)(?!具|片|架|模|样品)"
    r"(?!(支|械)?(弹药)?(的)?(运输|使用|储存|存储|购买|持有|生产|经营|销售|爆破|作业|管理|配备|携带)?"
    r"(许可|证|资质|执照|牌照|资格))|"
    r"(?<!道德)绑架(?!赎金险|险)" + _FICTION + r"|劫持(了|着)?[^，。,.]{0,6}" + _P + r"|"
    + _P + r"[^，。,.的]{0,4}被劫持|"
    r"人质|非法拘禁|软禁|"
    + _P + r"([^，。,.的把]|把(?=自己|他|她|我|人)){0,10}((扣|关|困|押|锁|拘|软禁)在" + _OUTSIDE + r"|(关|锁|押)进"
    + r"|(关|锁|困|押|软禁)(了|起来)[^，。,.]{0,3}(天|晚|夜|小时))|"
    r"把[^，。,.]{0,4}" + _P + r"[^，。,.的]{0,4}(堵|围|关|扣|困|锁|押)在" + _OUTSIDE + r"|"
    r"(关|锁|扣|困|堵|押)(在|着|住|起来)" + _OUTSIDE + r"[^，。,.]{0,14}(不放人|出不来)|"
    r"不[^，。,.不]{0,6}不放人|别想(活着)?(走出|出门|出去|离开|回家|走(?![^，。,.]{0,2}(捷径|后门|关系|流程|程序)))|"
    r"就(要)?(弄死|打死|杀了|砍死|捅死|打断)|弄死(你|我|他|她)|打断[^，。,.]{0,4}腿|"
    r"(扣|拦|堵|押|困|关|锁)(着|住|下)了?((我|你|他)们的)?" + _P + r"(?![们的])[^，。,.]{0,8}"
    r"(不(让|许|准)[^，。,.]{0,4}(走|离开|出|回)|不放)|"
    r"扣(下|留|押)了?((我|你|他)们的)?" + _P + r"(?![们的])(?![^，。,.]{0,6}(工资|钱|款|押金|证|薪|奖金|提成|绩效))|"
    + _P + r"[^，。,.的]{0,8}被[^，。,.]{0,6}(扣|关|押|困|拦|堵)(着|住|下)[^，。,.]{0,2}(不放|不让)|"
    r"被[^，。,.的]{0,6}(关|押|拘)(在|进|起来)" + _OUTSIDE + r"|(关|锁|押)进[^，。,.]{0,3}小黑屋|"
    r"suicid|self-?harm|\b(kill|hang|hanged|harm)(ed|ing|s)? (him|her|my|them|your)sel(f|ves)\b|"
    r"\b(end|take|took|taking) (his|her|my|their) (own )?life\b|\boverdose|\b(drank|drink|drinking|swallowed) "
    r"(\w+ )?pesticide\b|\b(swallow|swallowed|took|taken)\b[^.;,]{0,20}\b(pills|tablets)\b|\brather die\b|"
    r"\bwant(s|ed)? to die\b|can'?t go on living|\bthreat\w* to (kill|hurt|harm|stab|shoot|burn|beat|attack|smash)|"
    r"\b(with|wielding|waving|carrying|holding|brandishing|pulled|pointed) (a|an|his|her|their|the) (knife|gun|pistol|"
    r"rifle|machete|axe|can of (petrol|gasoline)|bomb)\b|\bthreat\w*[^.;]{0,40}\b(knife|gun|bomb|petrol|gasoline|"
    r"explosives?)\b|\b(a|the) bomb\b(?!-)|\bbomb (threat|in|at|under)\b|\bshoot (up|him|her|them|you|me|us|everyone|"
    r"some(one|body)|(the|our|my|your) (manager|boss|owner|staff|director|ceo|workers?|employees?|family))\b|"
    r"\bbeat (me|him|her|them|us|you) up\b|\bbeat up\b|"
    r"\bkidnap(ped|ping|pers?)?\b(?! (and|&) ransom| (storyline|plot|scenes?|films?|movies?|games?|novels?|insurance))|"
    r"\bhostage|\barmed (men|man|people|gang)\b|"
    r"\bset (\w+ )?(on )?fire\b|\bburn (it|\w+|(the|our|your|his|their) \w+) down\b|"
    r"\bjump(s|ed|ing)? (off|from|out of) (the |a |our |his |her )?\w*\s?(roof|building|bridge|window|balcony)|"
    r"\b(holding|held|keeping|kept|locked|locking|detaining|detained) " + _P_EN
    + r" (in|inside|at(?! (arm'?s|bay|a distance|risk|ease)\b)|hostage)\b"
    r"(?! the (dark|loop)| mind| place| line| check)|"
    r"\b(lock|locked|locking|keep|keeping|kept|hold|holding|held)\b " + _P_EN + r"[^.;,]{0,30}\b(in|inside|up)\b"
    r"[^.;,]{0,20}\b(until|till|unless)\b|"
    r"\b(won't|will not|wouldn't|not|refus\w*( to)?) let " + _P_EN + r" (out|go home|leave the (room|building|site|"
    r"office|premises|factory|hotel|car|truck|warehouse))\b|\blet " + _P_EN + r" (go|leave)[^.;]{0,20}until (we|i|the "
    r"company) pays?\b)",
    re.I,
)
# "kept us locked in the workshop", "our engineers were locked in the site office": a person shut in (the words
# before "locked in" are looked at only where it occurs, to keep the scan of a long message cheap)
_SHUT_IN_EN = re.compile(
    r"\b((?P<strong>locked|shut|trapped|confined)|kept|held)( up)? (in|inside)\b"
    r"(?! (the )?(dark|loop|contempt|reserve)| (to|into)\b| (a|an|the|our|their|this|that) ([\w-]+ ){0,2}"
    r"(contracts?|leases?|deals?|prices?|rates?|agreements?|terms?|tenanc\w+|arrangements?|commitments?|positions?|"
    r"disputes?)\b| (negotiations?|talks|litigation|arbitration|disputes?|bureaucracy|red tape|debts?|limbo|escrow|"
    r"customs|traffic|contracts?|paperwork)\b)",
    re.I,
)
_BE = r"(were|was|are|is|got|have been|has been|had been|'ve been|'s been|'re|are being|were being)"
# kept / held in: a person said to be so (our driver was kept in a locked room); locked / trapped / shut in: anyone
# but a thing (our funds were locked in the account)
_WHO_IS_KEPT_IN_EN = re.compile(
    r"(\b(kept|keep|keeps|keeping|held|holding|had|has|have|got) " + _P_EN + r"( locked| shut| trapped| confined)?|"
    r"\b(we|they|he|she|i|staff|workers|employees|" + _P_EN + r") " + _BE + r") $",
    re.I,
)
_PASSIVE_EN = re.compile(r"\b" + _BE + r" $", re.I)
_THING_SHUT_IN_EN = re.compile(
    r"\b(goods|stock|documents?|files?|money|funds?|cash|capital|equipment|machines?|cars?|trucks?|containers?|cargo|"
    r"data|assets?|deposits?|inventory|products?|shipments?|it|they) " + _BE + r" $",
    re.I,
)
# 厂房烧了: a place burnt, by someone (a threat) unless a fault or a fire just before is named as the cause
# (设备短路把厂房烧了, 机器有毛病把客户的厂房烧了) and no one's act (闹事, 故意, 一怒之下) is told there
_BURNT = re.compile(r"(厂|工厂|厂子|厂房|店|门店|仓库|公司|房子|办公室|工地|车间|家)(给)?((烧|炸)(了|掉)|点(着|燃))")
_ACCIDENT = re.compile(
    r"(机器|设备|电器|产品|电池|充电宝|电动车|锅炉|线路|电线|电路|插座)[^，。,.]{0,4}"
    r"(故障|短路|老化|漏电|过热|爆炸|起火|着火|自燃|毛病|出问题|缺陷)|"
    r"短路|漏电|失火|起火|着火|火灾|自燃|雷击|雷电|打雷|烟头|鞭炮|烟花"
)
_SOMEONES_ACT = re.compile(r"闹事|故意|报复|一怒|气不过|放火|点火|纵火|泼|浇|扬言|不满|泄愤|恶意|半夜")
# 不让员工走 / 不许工人离开厂区 / 不让我出这个会议室 / "they won't let us leave": someone kept from leaving is
# held (safety first), also with no one named (对方不让走: review16 §7, kept as danger on purpose), unless a job
# left or a work rule is told next to it (不让他辞职走 / 规定上班时间不让离开工位 / 不加班就不让走 / "not allowed
# to leave early") and nothing in the message holds them (_HELD), or it is a thing that is kept (扣着我们的车不让走).
_KEPT_FROM_LEAVING = re.compile(
    r"(不|没)(让|许|准|放)(((我|你|他)们的)?" + _P + r"[^，。,.的带拿搬运拉取]{0,3})?"
    r"(走|离开|出门|出去|出来|回家|回国|回来|回去|下车|下班|出厂|"
    r"出(这个?|那个?)?(宿舍|厂区|厂门|园区|工地|车间|房间|屋|大门|门|公司|办公室|会议室|酒店|宾馆))"
    r"(?![^，。,.]{0,2}账|手续|通道|程序|流程|后门|关系|访|路线|极端)|"
    r"\b(won'?t|will not|wouldn'?t|would not|didn'?t|did not|don'?t|do not|not|never|refus\w*( to)?) "
    r"(let|allow(ing)?|permit(ting)?) " + _P_EN + r" (to )?(leave|go|get out|out)\b|"
    r"(n'?t|\bnot) (been )?(allowed|permitted) to leave\b|\b(i|we|he|she|they) (can'?t|cannot|can not) leave\b",
    re.I,
)
# a job left (a resignation, its notice, its costs) or a rule of the workplace: read only in the clause of the
# phrase and the clauses either side (a resignation told elsewhere does not excuse 已经两天没让我出车间: review16 §3)
_EVERYDAY = re.compile(
    r"辞职|离职|辞工|辞呈|跳槽|不干了|没交接|服务期|培训费|违约金|试用期|合同(没|未|还没)到期|提前(三十|30|一个月)|"
    r"(项目|工作|活|任务)(还)?没(做|干)完|招到(新)?人|工位|岗位|座位|(上班|工作|营业|值班)(时间|期间)|"
    r"(公司|单位|厂里|厂方|车间|部门|内部|我们|员工)的?(规定|制度|规章|纪律)|规章制度|员工手册|上厕所|抽烟|午休|"
    r"加班|下班|请假|休假|过年|"
    r"\b(resign(s|ed|ing|ation)?|quit(s|ting)?|notice period|hand-?over|handing over|leave the (company|job)|"
    r"(working|work|office|business) hours|shifts?|desks?|workstations?|lunch (break|hour|time)|breaks?|early|"
    r"overtime)\b",
    re.I,
)
# what holds a person in any reading, anywhere in the message: a lock, a guard, a door, papers or a phone taken,
# a debt or a price for release, the police, a threat, being followed or cut off, a night or days kept
_HELD = re.compile(
    r"锁|关(着|住|起来|在|了|进)|堵|拦|围(住|着)|困|押(着|在|住)|看(着|守|管|住)|盯(着|住)|守(着|在|住)|跟着|"
    r"抓住|拽住|拉住|扣(着|住|留|下|在)(?!工资|钱|押金|证)|派人|叫人|找人|几个人|一群人|没收|收走|身份证|证件|"
    r"护照|手机|出不去|不放人|控制|人身自由|报警|警察|110|打(了|人|他|她|我)|打断|弄死|好看|别想|"
    r"威胁|恐吓|门口|大门|宿舍|睡在|过夜|一夜|整夜|通宵|还钱|结款|欠款|讨债|债|"
    r"不(让|许|准)[^，。,.]{0,4}(联系|打电话|通话|报警|见)|"
    r"不(交|赔|付|给|还|签|结)[^，。,.]{0,6}就?(不行|不放|不让)|(交|赔|付|给|还|签|结)[^，。,.]{0,8}才(放|让|能走)|"
    r"(已经|都|整整|足足)[^，。,.]{0,6}(天|夜|晚|小时|星期|周)|[一两三四五六七八九十几\d]+个?(天|夜|晚|小时|星期)(了|没|都)|"
    r"\b(lock\w*|shut|trapp\w+|confin\w+|guards?|block\w*|doors?|gates?|phones?|passports?|police|threat\w*|"
    r"forc\w+|held|hold(ing)?|kept|overnight|all night|dorm\w*|sleep\w*|follow(ed|ing)|scar(y|ed)|afraid|"
    r"(for|been) ([\w-]+ ){0,2}(days?|nights?|hours)|since (yesterday|last)|debts?|owe[sd]?|"
    r"until (we|they|i|he|she|the company) pay\w*)\b",
    re.I,
)
# a thing named as what is kept before the phrase (扣着我们的车不让走, 拦着他们的货车不让走): no person held
_THING_KEPT = re.compile(r"(扣|拦|押|堵|留)(着|住|下)了?((我|你|他|她)们?的)?(?P<thing>[^，。,.]{1,8})$")
_CLAUSE_MARK = re.compile(r"[，。,；;！!？?\n]|\.(?!\d)")
# "What do we do now" asks for someone to act, not what the law says; every other question word asks something.
_WHAT_NOW = re.compile(
    r"(怎么办|咋办|咋整|咋弄|如何是好|(该|要|应该)?(怎么|如何|咋)(处理|应对|做|搞|弄|整|解决)|有(什么|啥|没有)(好)?(办法|招)|"
    r"下一步(该|要)?(怎么|如何)(走|办|做)|"
    r"what (should|do|can|shall|must) (we|i|the company) do( now)?|what now|"
    r"what (steps|actions?) (should|do|can|must) (we|i) take( now)?|what are (our|my) options|"
    r"how (do|can|should) (we|i) get (our|my|the) money back|"
    r"how (should|do|can) (we|i) (respond|handle|deal with)( (this|it))?)[?？!！。.\s]*",
    re.I,
)
# A request that someone act for the user (起诉、代理、派律师、处理) is no question about the law, however it is asked.
_ACT = re.compile(
    r"((帮|替|给)(我|我们|咱们?)[^，。,.？?]{0,6}(起诉|追|要回|讨回|处理|打官司|申请|报案|代理|出面|谈|写|起草|准备|办|查|采取|保全|冻结|介入)"
    r"(?!了|过)|(请|麻烦|让)(你们|律师|顾问|专人)(?![^，。,.？?：:]{0,3}(告诉|解答|解释|说明|讲讲|讲解|介绍))|派(个|名|一名|一个)?(律师|人|顾问)|(有没有|找个?|安排)[^，。,.？?]{0,4}(律师|人)[^，。,.？?]{0,4}(代理|来|处理|负责|陪)|"
    r"(你们|贵所|律所)[^，。,.？?]{0,6}(能|可以|可不可以|能不能|愿意)[^，。,.？?]{0,6}(帮|代理|处理|接|起诉|追|出面|派)|"
    r"(代理|承接|接手)(我们|这个)?的?(案子|官司|应诉|诉讼|仲裁)|"
    r"(哪位|哪个)律师[^，。,.？?]{0,4}(可以|能|来)|"
    r"\b(can|could|would|will) (you|your (firm|lawyers?|team))\b"
    r"(?! (please )?(tell|explain|clarify|confirm|let (me|us) know))|"
    r"\bplease (help|sue|act|send|recover|represent|file|chase|take)|"
    r"\b(help|want) (us|you) (to )?(recover|sue|get|chase|take|file|freeze)\b|\bact for us\b|\brepresent us\b|"
    r"\b(send|assign|get us) (a|one of your) lawyers?\b)",
    re.I,
)
_QUESTION = re.compile(
    r"([?？]|吗|呢|什么|多少|几[个天年次月条种]|谁|是否|能否|能不能|可不可以|算不算|要不要|有没有|咋|"
    r"会不会|是不是|需不需要|用不用|该不该|应不应该|可否|允不允许|许不许|行不行|对不对|有无|合不合法|违不违法|"
    r"(是|算)[^，。,.]{0,12}还是|"
    r"怎么|怎样|如何|多久|多长|(^|[,;:，；：。]\s*)(what|how|when|where|why|is|are|can|could|do|does|"
    r"should|must|may|will|would)\b|(^|[;:；：。.?？!！]\s*)(who|whose|which)\b|"
    r"\swho (pays|bears|compensates|covers|is (liable|responsible)|(should|must|has to) pay)\b|"
    r"\s(whether|how (long|much|many|soon))\b|\bwhether\b|"
    r"\btell me (if|whether|what|who|how|when)\b|\bunder the law\b|\blegally\b)",
    re.I,
)
# Words that ask only where they stand (brief danger19 §9): 哪 in the message's last clause, not 哪怕, not
# "any" (哪里都, 无论哪个) nor a state told (人不知道跑哪去了; 不知道去哪里申请 still asks); 可以 / 合法 /
# 违法 / 还有效 only at the end of the last clause and not in words reported (对方拿了我们300万说这样合法 is a
# statement; 这样合法, 外资企业可以怎么办 ask)
_CLAUSE_SPLIT = re.compile(r"[，。,;；！!\n]")
_WHICH = re.compile(r"(?<!不管)(?<!无论)(?<!不论)(?<!随便)哪(?!怕)(?![^，。,.]{0,3}(都|也))")
_UNKNOWN = re.compile(r"不知道|不清楚|不晓得|找不到")
_ASKS_AT_END = re.compile(r"(可以|合法|违法|还有效)(了|吗|么|呢|吧|啊|嘛|不|否|没有?)?\s*$")
_REPORTED = re.compile(r"说|称|声称|认为|觉得|表示|坚称|以为|号称|保证|承诺|告诉|宣称|咬定")


# A question about a court's or a tribunal's procedure (what to prepare or bring, a deadline, what a missed hearing
# costs, where the case is heard): a rule the statutes answer, however the summons or the lawsuit is told (talk20:
# 法院传票来了，我该准备什么 / "we got a court summons, what is the deadline to respond"). Not when a strategy or a
# win is asked (怎么打才能赢, 应诉方案), nor with a criminal matter (传唤, 拘留, "police"), nor when someone is asked
# to act (asks_a_question excludes 帮我们写答辩状 / "can your lawyers represent us").
_COURT = re.compile(r"法院|传票|开庭|出庭|起诉|被告|告了|告到|应诉|诉讼|仲裁|答辩|判决|裁决|"
                    r"\b(summons|summoned|court|hearing|lawsuit|sued|suing|arbitration|tribunal|judgment)\b", re.I)
_PROCEDURE = re.compile(
    r"(准备|带|提交|交|提供)(些)?(什么|哪些|啥)|材料|证据|期限|时限|多久|几天|多少天|多长时间|什么时候|何时|最晚|后果|"
    r"会(怎么样|怎样|如何)|延期|改期|推迟|委托|管辖|(换|移|转)(到|去)?[^，。,.？?]{0,6}法院|答辩期|举证|上诉|流程|程序|步骤|"
    r"手续|诉讼费|"
    r"\b(prepare|bring|documents?|evidence|deadline|time limit|how long|how many days|what happens|consequences?|"
    r"postpone|adjourn|reschedule|jurisdiction|which court|(local|another|other) court|procedure|steps|fees?|"
    r"appeal)\b", re.I)
_STRATEGY = re.compile(r"策略|方案|对策|打法|怎么打|赢|胜诉|败诉|\b(strateg\w*|tactics|win|winning|lose)\b", re.I)
_CRIMINAL = re.compile(r"公安|警察|派出所|传唤|拘留|刑拘|逮捕|判刑|坐牢|刑事|检察|监察|纪委|经侦|留置|取保|看守所|"
                       r"\b(police|arrest\w*|jail|prison|criminal|detain\w*|detention|prosecut\w*|custody|bail)\b",
                       re.I)


# a lawsuit or an arbitration brought against the user's side, or its papers received (被起诉, 被人告了, 对方起诉我们,
# 收到传票, 应诉, "we are being sued", "a claim filed against us"): not one the user brings (我们起诉了对方, "we sued"),
# nor the parties named in a general question (被告收到起诉状后…, 被申请人收到仲裁申请书后…)
_AGAINST_US = re.compile(
    r"被[^，。,.？?]{0,8}(起诉|申请(劳动)?仲裁|提起(劳动)?仲裁|提起诉讼|诉至)|被[^，。,.？?]{1,8}告|被告(了|到|上)|"
    r"(起诉|告)了?(我|我们|我司|本公司|咱们|公司)|(收到|接到)[^，。,.？?]{0,8}(传票|起诉状|应诉通知|仲裁通知|仲裁申请书)|"
    r"应诉|(我们|我方|公司)是被(告|申请人)|作为被(告|申请人)|"
    r"(对方|员工|职工|工人|前员工|客户|供应商|合作方|股东|房东)[^，。,.？?]{0,6}(申请|提起|提出|提交)了?(劳动)?(仲裁|诉讼)|"
    r"\b(being|been|was|were|got|get|are|is|'re) sued\b|\bsu(ed|ing) (us|me|our|my)\b|"
    r"\b(lawsuit|claim|suit|arbitration|case|complaint|proceedings)\b[^.;?]{0,40}\bagainst (us|me|our|my)\b|"
    r"\bsummons\b|\b(we|i) (are|am|'re|'m) (the )?(defendants?|respondents?)\b",
    re.I,
)


# the parties of a general question (被告应当…, "the defendant must…"), and the user's side named as such
_PARTIES = re.compile(r"被告(?![了到上])|被申请人|原告|当事人|\b(defendants?|respondents?|plaintiffs?|claimants?)\b",
                      re.I)
_OUR_SIDE = re.compile(r"我|咱|本公司|我司|\b(we|us|our|i|me|my)\b", re.I)


def told_a_case(text: str) -> bool:
    """Whether the message tells of the user's own dispute: a large sum (``assistant.amounts``) or a lawsuit or an
    arbitration brought against them (not a general question naming the parties: 被告收到起诉状后多久答辩)."""
    if large_amount(text):
        return True
    if not _AGAINST_US.search(text):
        return False
    return not (_PARTIES.search(text) and not _OUR_SIDE.search(text))


def asks_court_procedure(text: str) -> bool:
    """Whether the message asks what a court's or a tribunal's procedure requires (a deadline, what to prepare, what
    a missed hearing costs), with no strategy, win or criminal matter in it and no one asked to act."""
    return bool(_COURT.search(text) and _PROCEDURE.search(text) and not _STRATEGY.search(text)
                and not _CRIMINAL.search(text) and asks_a_question(text))


def asks_admin_remedy(text: str) -> bool:
    """Whether the message asks about a remedy against an administrative decision (行政复议, 行政诉讼, 听证, 陈述申辩,
    "can we appeal the fine": ``assistant.admin_remedies``), with no strategy, win or criminal matter in it and no
    one asked to act: the statutes answer it as they answer a court's procedure."""
    return bool(names_a_remedy(text) and not _STRATEGY.search(text) and not _CRIMINAL.search(text)
                and asks_a_question(text))


def _asks_where_it_stands(text: str) -> bool:
    """哪 in the message's last clause, or 可以 / 合法 / 违法 / 还有效 ending it unreported (这样合法,
    我们可以去哪里告)."""
    clauses = [c for c in _CLAUSE_SPLIT.split(text) if c.strip()]
    if not clauses:
        return False
    last = clauses[-1].rstrip()
    which = _WHICH.search(last)
    if which and not (last.endswith("了") and _UNKNOWN.search(last, 0, which.start())):
        return True
    end = _ASKS_AT_END.search(last)
    return end is not None and not _REPORTED.search(last, 0, end.start())


@dataclass
class Intent:
    route: str  # menu | order | handoff | fallback | answer | unhappy | leave
    reason: str | None = None
    intent: str | None = None  # the model's likeliest intent of the route it decided, when the model decided
    probability: float = 1.0  # the route's probability (its intents together); 1.0 for a rule
    sure: bool = True
    vector: np.ndarray | None = None  # the message's embedding, when the model computed it (search reuses it)
    runner_up: str | None = None  # the model's second reading (a long complaint that names a law reads legal first)
    # a procedural question told with the user's own case (被起诉索赔两千万，答辩期是多久, 被罚了五万能复议吗): the
    # answer offers an adviser
    offer_adviser: bool = False
    offer_text: str = "offer_adviser"  # the offer's text: a case (sued, a large sum) or a decision received
    behind: tuple[str, ...] = ()  # the model's second and third readings (a long complaint may read legal and tracking)


ROUTE_OF: dict[str, tuple[str, str | None]] = {
    "greeting": ("menu", None),
    "order": ("order", None),
    "order_status": ("order", "status"),  # a booking already made: where it stands (no new form)
    "human": ("handoff", "user_request"),
    "high_risk": ("handoff", "high_risk"),
    "dissatisfied": ("unhappy", None),
    "leave_handoff": ("leave", None),
    "out_of_scope": ("fallback", "out_of_scope"),
    "legal": ("answer", None),
}


def asks_for_person(text: str) -> bool:
    return bool(_HUMAN.search(text.strip()))


def leads_to(intent: str) -> tuple[str, str | None]:
    """Where an intent leads: its route, and an order's reason with it (tracking a booking made is not a new form);
    a hand-off's reason only says why an adviser is called, so a request for a person and a case lead to one place."""
    route, reason = ROUTE_OF[intent]
    return (route, None) if route == "handoff" else (route, reason)


def route_probabilities(p: Prediction) -> dict[tuple[str, str | None], float]:
    """The probability of each place a message may lead to: its intents' probabilities together (two intents of one
    route split the mass the route has; a ninth intent spread them without making any route less likely)."""
    found: dict[tuple[str, str | None], float] = {}
    for intent, v in p.probabilities.items():
        found[leads_to(intent)] = found.get(leads_to(intent), 0.0) + v
    return found


def leading_route(p: Prediction) -> tuple[str, float]:
    """The likeliest intent of the likeliest route, and that route's probability (on a tie, the model's own reading's
    route)."""
    routes = route_probabilities(p)
    where = max(routes, key=lambda r: (routes[r], r == leads_to(p.intent)))
    intent = max((i for i in p.probabilities if leads_to(i) == where), key=lambda i: p.probabilities[i])
    return intent, routes[where]


def _to_adviser(p: Prediction) -> float:
    """The probability of the hand-off route: the intents that lead to an adviser, together."""
    return route_probabilities(p).get(("handoff", None), 0.0)


def _best_other(p: Prediction) -> float:
    """The probability of the likeliest route that is not a hand-off."""
    return max((v for r, v in route_probabilities(p).items() if r[0] != "handoff"), default=0.0)


def is_sure(p: Prediction) -> bool:
    """Whether the route the message leads to (``leading_route``: the intents of one route together) is taken as
    said: probable enough; a high-risk reading at ``HIGH_RISK_SURE`` or above; a hand-off with a high-risk reading
    below it, clearly ahead of every other route (by ``HANDOFF_MARGIN``: a near tie between a case and a legal
    question, or a coin flip between a request for a person and anything else, is unsure); and any route but an
    answer ahead of the legal question (an order form started on a coin flip is a dead end too)."""
    intent, probability = leading_route(p)
    if probability < SURE:
        return False
    route = ROUTE_OF[intent][0]
    if route == "answer":
        return True
    if route == "handoff" and p.probabilities.get("high_risk", 0.0) >= HIGH_RISK_SURE:
        return True
    # the hand-off intents together (high risk and a request for a person) lead by a margin
    if route == "handoff" and probability - _best_other(p) < HANDOFF_MARGIN:
        return False
    return probability - p.probabilities.get("legal", 0.0) >= LEGAL_MARGIN


def near_a_case(p: Prediction) -> bool:
    """Whether a legal reading leads the high-risk one by less than ``LEGAL_MARGIN``: the near tie of ``is_sure`` the
    other way round (刚被经侦传唤，让我交出护照，我还能出差吗: legal 0.48, high risk 0.47), read the same way, as
    unsure between a question and a case (intents19: the examples moved such ties; the route should not follow)."""
    return p.intent == "legal" and p.probability - p.probabilities.get("high_risk", 0.0) < LEGAL_MARGIN


def asks_the_law(text: str, p: Prediction) -> bool:
    """Whether a message that names a large sum is still only a question about what the law says: the legal
    intent, clearly, and a question besides "what do we do" (a request to act on the dispute, a report of it, a
    hand-off, an order or an unsure reading goes to an adviser)."""
    return p.intent == "legal" and p.probability >= LARGE_AMOUNT_LEGAL and asks_a_question(text)


def asks_outcome(text: str) -> bool:
    """Whether the message asks us to predict whether a case or arbitration will be won or lost."""
    return bool(_OUTCOME.search(text))


def asks_a_question(text: str) -> bool:
    """Whether the message asks something (吗, 会不会, 谁, 多久, "who pays", "whether", a question mark) besides
    "what do we do now" (怎么办, 咋整, 有什么办法, "what are our options"), and asks no one to act (帮我们起诉, 可以派个
    律师过来吗, "can you sue them for us"): a report of an event, "…，怎么办" or a request to act asks an adviser."""
    if _ACT.search(text):
        return False
    rest = _WHAT_NOW.sub(" ", text)
    return bool(_QUESTION.search(rest)) or _asks_where_it_stands(rest)


_LEARN = re.compile(r"了解|想知道|请教|问问|问一下|\b(learn|know|understand) (about|how|what|whether)\b", re.I)


def asks_to_learn(text: str) -> bool:
    """Whether the message asks to learn about something (了解一下劳动仲裁的流程 / 想知道注销要什么材料 / "I'd like to
    know about …"): a question in the form of a wish, and asks no one to act."""
    return bool(_LEARN.search(text)) and not _ACT.search(text)


def _by_accident(text: str, at: int) -> bool:
    """Whether the clause before ``at`` names a fault or a fire as what burnt the place, and no one's act."""
    before = re.split(r"[，。,.；;！!？?]", text[max(0, at - 16): at])[-1]
    return bool(_ACCIDENT.search(before)) and not _SOMEONES_ACT.search(before)


def _shut_in_en(text: str) -> bool:
    """Whether a person is "locked in" / "trapped inside" / "kept in" (kept us locked in, our rep has been trapped
    in their office, our driver was kept in a locked room); not goods or funds locked in."""
    for m in _SHUT_IN_EN.finditer(text):
        start = max(0, m.start() - 60)
        if _WHO_IS_KEPT_IN_EN.search(text, start, m.start()):
            return True
        if (m.group("strong") and _PASSIVE_EN.search(text, start, m.start())
                and not _THING_SHUT_IN_EN.search(text, start, m.start())):
            return True
    return False


def _kept_from_leaving(text: str) -> bool:
    """Whether someone is kept from leaving: held unless a job left or a work rule is told next to the phrase (its
    clause and the clauses either side, at most 40 characters away) and nothing holds them, or the one kept is a
    thing. Clause marks and _HELD are looked for once, so a long message stays linear."""
    marks: list[int] | None = None
    held: bool | None = None
    for m in _KEPT_FROM_LEAVING.finditer(text):
        if marks is None:
            marks = [i.start() for i in _CLAUSE_MARK.finditer(text)]
        k = bisect_left(marks, m.start())  # marks[:k] are before the phrase
        clause_start = marks[k - 1] + 1 if k else 0
        thing = _THING_KEPT.search(text, max(clause_start, m.start() - 12), m.start())
        if (thing and not re.search(_P, m.group(0))
                and not re.search(_P, re.sub(r"[我你他她]们?的", "", thing["thing"]))):
            continue
        after = bisect_left(marks, m.end())
        near = text[max(marks[k - 2] + 1 if k >= 2 else 0, m.start() - 40):
                    min(marks[after + 1] if after + 1 < len(marks) else len(text), m.end() + 40)]
        if not _EVERYDAY.search(near):
            return True
        if held is None:
            held = bool(_HELD.search(text))
        if held:
            return True
    return False


def in_danger(text: str) -> bool:
    """Whether the message tells of self-harm, a threat of violence, violence done or a person held against their
    will (``assistant.danger_cues`` names violence done, a person taken and a threat put as a condition). A phrase
    of holding only is excused when the message names shelter or a game and nothing coercive (台风天把员工留在厂房里
    不让出去, 密室逃脱里把玩家锁在房间里): ``danger_cues.excuse``. An emergency happening now (someone bleeding,
    unconscious, trapped, in a fire: ``assistant.emergency_cues``) is danger too."""
    if emergency_now(text):
        return True
    if not (_DANGER.search(text) or harm_done(text)
            or any(not _by_accident(text, m.start()) for m in _BURNT.finditer(text))
            or _shut_in_en(text) or _kept_from_leaving(text)):
        return False
    why = excuse(text)  # only where danger is read: a long message without it is scanned once
    if why is None:
        return True
    return (any(not excused(m.group(0), why) for m in _DANGER.finditer(text))
            or any(not excused(phrase, why) for phrase in harm_phrases(text))
            or any(not _by_accident(text, m.start()) for m in _BURNT.finditer(text))
            or (why == "shelter" and stuck(text) and _shut_in_en(text)))


def leaves_handoff(text: str) -> bool:
    return bool(_LEAVE.search(text))


class Router:
    def __init__(self, model: IntentModel | None) -> None:
        self.model = model

    def predict(self, text: str, vector: np.ndarray | None = None) -> Prediction | None:
        return self.model.predict(text, vector) if self.model is not None else None

    def classify(self, text: str) -> Intent:
        """The route a message asks for before looking anything up."""
        t = text.strip()
        if asks_for_person(t):
            return Intent("handoff", "user_request")
        if leaves_handoff(t):
            return Intent("leave")
        if asks_outcome(t):
            return Intent("handoff", "high_risk")
        if in_danger(t):
            return Intent("handoff", "high_risk")
        large = large_amount(t)
        if self.model is None:  # no model (a test of the rules alone): a large sum is a case, the rest questions
            return Intent("handoff", "high_risk") if large else Intent("answer")
        vector = self.model.embeddings.encode([t])[0]
        # the model reads a count's number (月活两千万) as a count, not as the sum it would be in a dispute
        counted = without_counts(t)
        p = self.model.predict(t, vector) if counted == t else self.model.predict(counted)
        intent, probability = leading_route(p)  # a request for a person and a case split one route's mass
        route, reason = ROUTE_OF[intent]
        sure = is_sure(p)
        if near_a_case(p):  # unsure, and a possible case: answered only if a question the KB clearly answers
            route, reason, sure = "handoff", "high_risk", False
        if route == "menu" and owed_by_another(t):  # 物业公司应提供哪些服务: the law's question, not our menu
            route, reason, sure = "answer", None, True
        remedy = asks_admin_remedy(t)  # 被罚了五万，能申请复议吗: the administrative remedies, read the same way
        procedure = remedy or asks_court_procedure(t)
        if reason == "high_risk" and procedure:  # what the procedure requires: the statutes say
            route, reason, sure = "answer", None, True
        # 两百万的合同想请你们审查一下: an order; a person follows it up. Only when it beats the hand-off intents
        # together (卷走两千万跑路了，我要下单预约律师: order 0.43 against a case and a person 0.54 is a case).
        plain = sure and route in ("order", "menu") and probability - _to_adviser(p) >= HANDOFF_MARGIN
        if large and procedure and not plain:  # the procedure answered, and the case offered to an adviser (talk21)
            route, reason, sure = "answer", None, True
        elif large and not plain and not asks_the_law(t, p):
            return Intent("handoff", "high_risk", p.intent, p.probability, True, vector)
        case = told_a_case(t)
        # 被罚了五万 / 被罚了五百万，能复议吗: the remedies' offer (a lawsuit against us keeps the lawsuit's)
        decision = remedy and received_a_decision(t) and not _AGAINST_US.search(t)
        offer = route == "answer" and procedure and (case or decision)
        return Intent(route, reason, intent, probability, sure, vector, p.runner_up, offer,
                      "offer_adviser_decision" if decision else "offer_adviser", p.behind())

    def wants_to_leave(self, text: str) -> bool:
        if leaves_handoff(text):
            return True
        p = self.predict(text)
        return p is not None and p.intent == "leave_handoff" and p.probability >= LEAVE_SURE
