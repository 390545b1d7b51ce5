"""Understanding that generalises: behaviour classes through the intent model and the few precise rules.

Every phrasing here is in neither eval part (eval/tune.jsonl, eval/test.jsonl) nor in the intent examples;
the assertion is on the class of behaviour (20 ways of asking for a person -> hand-off), not one question."""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from pathlib import Path
from typing import cast

import numpy as np
import pytest

from assistant.amounts import amounts, large_amount
from assistant.intents import (
    EXAMPLES_DIR,
    INTENTS,
    MIN_EXAMPLES,
    IntentExamplesError,
    IntentModel,
    Prediction,
    examples_hash,
    grams,
    load_examples,
    shipped_file,
    write_shipped,
)
from assistant.router import (
    HANDOFF_MARGIN,
    HIGH_RISK_SURE,
    LEGAL_MARGIN,
    SURE,
    Router,
    asks_a_question,
    asks_outcome,
    in_danger,
    is_sure,
    near_a_case,
)
from config.settings import DEFAULT_EMBEDDING_MODEL
from knowledge.embeddings import QifaEmbeddings

REPO = Path(__file__).resolve().parents[2]

ASK_FOR_PERSON = [
    "能帮我接通一位真人顾问吗", "我想直接和律师通个电话", "请让你们的工作人员来处理", "有没有老师能亲自回复我",
    "机器说不清楚，我要跟人谈", "麻烦转一下人工坐席", "找个懂法律的人跟我聊聊", "可以安排专人跟进我的问题吗",
    "我希望由法律顾问本人答复", "你们的律师在吗，我想咨询他", "帮我叫一下值班的顾问", "我不要自动回复，要真人",
    "Could a real adviser get in touch with me?", "I'd like to chat with one of your lawyers",
    "Please put me through to a member of staff", "Is there a human I can speak to?",
    "can someone from the bureau call me", "get a lawyer on the line for me",
    "I prefer talking to an actual person", "connect me to your legal team please",
]
LEGAL_QUESTIONS = [  # including the kinds the keyword router refused or misrouted
    "员工旷工三天，公司可以做什么？", "帮我算一下经济补偿金是多少", "公司的股票能质押吗",
    "因为下雨导致工期延误，算不算不可抗力？", "试用期六个月对不对", "没有用人单位盖章的合同有效吗",
    "Our human resources department wants to know how to handle an employee's sick leave",
    "营业执照丢了要去哪里补", "商标快到期了，续展要多长时间", "股东会没开就做的决议有效吗",
    "员工在试用期内被证明不符合录用条件，可以直接辞退吗", "外籍员工的劳动合同有什么特别要求",
    "公司想给员工发股权激励，需要注意什么", "Can we make staff work on public holidays?",
    "what happens if we pay wages late", "电子合同有法律效力吗", "行政机关没收我们的设备合法吗",
    "个人信息保护法对员工监控有什么要求", "挂靠资质经营会被处罚吗", "合作方违约了，违约金最多能要多少",
]
OUT_OF_SCOPE = [
    "周末杭州会下雪吗", "给我编个睡前故事", "推荐一款好用的手机", "今晚吃火锅还是烧烤", "帮我翻译这句英文歌词",
    "猜个谜语吧", "Which team won the match on Sunday?", "suggest a name for my puppy",
    "how many calories are in an apple", "茅台股价明天会涨吗", "教我折纸飞机", "最近有什么好听的歌",
]
GREETINGS_AND_MENU = [
    "你好啊", "哈喽，有人吗", "您好，麻烦问一下你们都管些什么", "这里可以办些什么事情", "你们能为企业提供什么",
    "good afternoon", "hi, what is this service?", "What are you able to help me with?",
]
ORDERS = [
    "我们想约个时间请律师过来体检一下公司的合同", "帮我报名下个月的法治讲座", "想办理一个合同公证，请帮忙安排",
    "请替我们申请一次调解", "帮忙预约一下涉外法律咨询", "Could you book us a session on labour compliance?",
    "We want to arrange a mediation with our supplier", "please sign us up for the legal health check",
]
HIGH_RISK = [
    "工人在流水线上被压断了手，家属要求赔偿上百万", "老板昨晚被警察带走了", "检察院说我们公司涉嫌诈骗",
    "对方律师函说要起诉我们，这官司我们能赢吗", "我们的厂房失火烧死了人", "Our director has been arrested for fraud",
    "Do we stand a chance of winning against the tax bureau in court?", "合伙人把公司账上的钱全转走了，想冻结他的资产",
]
LEGAL_IN_A_DISPUTE = [  # a question that mentions a lawsuit, an injury or a penalty is still a question
    "前员工去仲裁了，要我们补发年终奖，法律上年终奖是必须发的吗", "被客户起诉了，一审判决送达以后几天内可以上诉",
    "员工搬货时扭伤了腰，休息期间工资要照发吗", "质监局罚了我们三万，我们觉得罚得重，复议要去哪个部门申请",
    "供应商把我们告了，说我们验收不及时，合同约定的验收期限有法律依据吗",
    "We had a minor dispute with a landlord; does a lease need to be registered to be valid?",
    "One of our drivers was slightly injured while delivering goods; is that treated as a work injury?",
    "跟员工打了劳动仲裁，仲裁期间还要给他交社保吗",
]
LEGAL_IN_COURT_AND_INCIDENT_WORDS = [  # rule questions in the words of a court, an enforcement, a penalty, an incident
    "法院的判决书送到了，我们不服的话上诉要交什么材料", "对方不按调解协议付款，可以直接申请强制执行吗",
    "被人起诉以后，法院一般多久开庭", "我们和甲方的合同写了在甲方所在地法院起诉，这个约定有效吗",
    "开庭那天原告没来，案子会怎么处理", "被列入失信名单的企业能参加政府招投标吗",
    "车间有人被机器划伤手，要不要报工伤，报工伤的期限是多久", "仓库失火烧了寄存的货，保管人要赔吗",
    "市场监管局要吊销我们的执照，我们能要求听证吗", "环保罚款是按日连续处罚吗，什么情况下适用",
    "员工在外地出差遇到车祸，算不算工伤", "厂里锅炉需要定期检验吗，不检会怎么罚",
    "客户的信息被员工私自卖了，公司要担什么责任", "税务局的处罚决定书我们不服，一定要先交罚款才能复议吗",
    "法院冻结账户有期限吗，到期会自动解冻吗", "我们被别的公司起诉侵犯专利，诉讼时效是多久",
    "Can a court enforce a mediation agreement if the other side stops paying?",
    "If our warehouse catches fire, what are we legally required to report?",
    "Is there a time limit for the authority to decide after it seizes our goods?",
    "Does an appeal stop the enforcement of a first-instance judgment?",
]
ORDERS_WITHOUT_ORDER_WORDS = [
    "我们厂的劳动合同想请律师从头到尾过一遍", "想让专业人士帮我们拟一份代理商协议",
    "跟房东的纠纷，想请调解员出面说和一下", "给我们车间主任们讲一讲安全生产的法律责任吧",
    "公司想做一次合规摸底，请派人来", "We'd like someone to go over our purchase agreement before Friday.",
]
LEGAL_WITH_A_LARGE_SUM = [  # a large sum in a question that only asks what the law says (issue11R)
    "签了一份六百万的设备采购合同，卖方一直不交货，法律上我们能解除吗",
    "公司注册资本两千万，认缴的股东最晚什么时候要缴足",
    "两百五十万的借款约定了年利率24%，法律上保护吗",
    "我们中了一个一千八百万的标，招标人拖着不签合同，招标投标法怎么规定",
    "客户欠款三百二十万，我们发过催款函，诉讼时效会重新计算吗",
    "一百六十万的定金合同，定金数额有没有法律上限",
    "合资公司股东出资五百万，分红比例可以不按出资比例约定吗",
    "给上游企业担保了九百万，保证方式没约定的话算一般保证还是连带责任",
    "a supplier owes us 2.5 million yuan; does sending a payment reminder restart the limitation period?",
    "we plan to lend 3 million yuan to an affiliate; what interest rate does the law allow?",
    "our registered capital is 10 million yuan; by when must shareholders pay it in under the company law?",
    "a 4 million yuan sales contract has no clause on the place of delivery; what does the Civil Code say?",
    "工程总价一千三百万，验收合格后多久内要付款，有法律规定吗",
    "我们收购一家估值五千万的公司，股权转让要经过其他股东同意吗",
    "仓储合同货值两百万，货物因为保管不善受损，保管人怎么赔，法律怎么规定",
]
LARGE_SUM_TO_ACT = [  # a large dispute the user wants someone to act on, or reports: an adviser
    "六百万的货款要不回来，请你们派人帮我们追", "我们有个三千万的股权纠纷，想请你们全程代理",
    "对方起诉要我们赔一千五百万，下周开庭，怎么办",
    "一千万的工程款纠纷，帮我们出个方案",
    "两百万的货被对方扣着不放，赶紧帮我们处理",
    "we're owed 8 million yuan by a distributor and need your lawyers to recover it",
    "a 12 million yuan claim has been filed against us, what should we do?",
    "合作方欠我们四百万跑了，帮我们找到他",
    "我们被银行追讨五千万贷款，请律师来帮我们谈", "一个两亿的项目出了纠纷，请马上安排人对接",
]
LEGAL_IN_THE_WORDS_OF_AN_EVENT = [  # a rule question told with an accident, a theft, a police case or a flood
    "公司的招牌被大风刮下来砸伤了路人，按法律规定谁来赔",
    "员工周末参加公司组织的爬山活动摔骨折了，这算不算工伤",
    "仓库夜里失窃，报警以后向保险公司索赔要准备哪些证明",
    "合同的保证人去世了，他的保证责任由继承人承担吗",
    "顾客带来的狗在我们店里咬伤了另一位顾客，店家有没有责任",
    "董事因为职务侵占被判了刑，出狱后还能再当公司董事吗",
    "楼上的水管爆了把我们的门店淹了，可以向楼上的业主索赔吗",
    "公司被人匿名举报以后，税务机关最多可以往前查几年",
    "我们的快递车连车带货被偷了，运输途中货物灭失的损失由谁承担",
    "Our delivery van was stolen with the goods inside; who bears the loss of the goods under the contract?",
    "A visitor tripped over a cable in our office and broke a tooth; what does tort law say about our liability?",
    "If a director is convicted of embezzlement, can he still serve as a director of a company?",
    "A burst pipe upstairs flooded our shop; can we claim the damage from the owner of the flat above?",
]
EVENTS_THEN_A_QUESTION = [  # something that is happening or has just happened, then a question about this case
    "门卫在岗亭里服下了整瓶安眠药，人还昏迷着，公司会被追究什么责任",
    "我们的一个技术员在出租屋里烧炭，被邻居发现送医了，公司要赔钱吗",
    "拆迁队的人堵着项目经理不让他离开工地，说不签字就不放人，这合法吗",
    "一位被开除的保安在群里说要回来砍了老板，我们能报警吗",
    "冷库氨气泄漏，三个工人被送进了重症监护室，厂长会不会被追究刑事责任",
    "我丈夫是公司法人，昨天被检察院批捕了，家属现在能请律师去会见吗",
    "海关缉私局说我们低报价格，要带我去问话，我能不带律师就去吗",
    "几十个装修工人爬上了我们的塔吊，说不结工钱就不下来，我们要承担什么责任",
    "A cleaner swallowed a bottle of sleeping pills in the staff toilet and is unconscious; are we to blame?",
    "Our foreman has barricaded himself in the boiler room and says he will end it all; can we force the door?",
    "A subcontractor's gang is holding our quantity surveyor in their site office; are we liable if he is hurt?",
    "The economic crime police detained our finance director this morning; can the company keep paying her salary?",
    "A crane collapsed on our site an hour ago and killed a passer-by; how much will we have to pay his family?",
    "I was told at the airport that I am banned from leaving China over the company's debts; what can I do about it?",
]
MENU_IN_OTHER_WORDS = ["好的，谢谢你",
    "回主菜单",
    "你这边主要能帮我们做哪些事",
    "thanks, got it",
                       "我们是做五金的，想看看有啥能用得上的服务"]
CHIT_CHAT = ["你今年几岁啦",
    "跟我聊聊天呗，好无聊",
    "你喜欢看电影吗",
    "do you ever sleep?"]
DISSATISFIED = ["你说的跟我问的不是一回事",
    "这个回复没有任何帮助",
    "看了半天还是没明白",
    "that answer is no use to me"]
NOT_DISSATISFIED = ["试用期六个月对不对",
    "没有用人单位盖章的合同有效吗",
    "合同里违约金写得不对怎么办"]
# issue #11 (intents19): the boundaries new phrasings crossed, in phrasings written after the examples
PERSON_NOT_A_BOT = [  # a person asked for with no word the rule knows
    "别让机器人回了，我要跟真的人说", "有没有哪位律师能亲自看看我的问题", "你们那边的同事能直接回我消息吗",
    "I'd like an actual human to reply, not this bot", "can a person from your team pick this up?",
]
LEAVING_BY_NEGATION = [  # no person wanted any more: the negation decides, not the word for a person
    "不必麻烦律师了，我这边没事了", "那个顾问就别让他联系我了", "人就不用找了，你接着回答我",
    "I no longer need to speak with a lawyer", "no one needs to get in touch, it's sorted",
]
COMPLAINTS_IN_EVERYDAY_WORDS = [
    "你这答的啥玩意儿", "绕来绕去没说到重点", "真是服了，问啥都答不上", "this reply is pointless",
    "you're going round in circles",
]
LEGAL_ABOUT_AN_AUTHORITYS_ACT = [  # an official's act, asked as a rule: may they, how long, is it valid
    "住建局要我们停工，可没有书面通知，这个停工令有效吗", "商务局的人检查时要拷走我们的客户资料，我们有权拒绝吗",
    "人社局的劳动监察让我们补缴社保，法律上能往前追几年", "城管把我们门口的广告牌拆了，事先不用通知吗",
    "the customs office has held our sample goods for two months; how long may they hold them?",
    "can a local government order our plant to relocate without a written decision?",
]
ORDERS_ASKED_AS_HOW = [  # a booking asked as a question of how to book
    "合同审查怎么约，我们这周想审一份", "法律体检在哪里预约，我们想做一次", "调解服务怎么报名，我们跟客户谈崩了",
    "how can I get a contract review booked with you?", "where do I sign up for the mediation service? we need it",
]
ORDER_TRACKING_IN_WORDS = [  # a booking already made, asked about without the words of the status rule (probe30)
    "那个法律顾问对接弄好了没有呀", "请问我申请的复议协助有人在跟吗", "预约都一个星期了，到底什么时候有人来",
    "帮忙看看我提交过的单子处理到哪了", "我约的体检排上没有", "下过单的合同审查多久能给结果，现在审到哪了",
    "我们报的普法讲座啥时候来，定了吗", "我们登记的公证代办现在啥进展",
    "How is my booking coming along?", "any progress on the notarisation I requested?",
    "I placed an order for a legal consultation, has it been assigned?", "can you check where my request stands",
]
MEDIATION_WITH_A_DISPUTE_TOLD = [  # a quarrel told, then our mediation asked: an order, not a case (probe30)
    "和隔壁厂为共用的停车场闹矛盾，想请你们派人来调解", "跟装修队因为工程尾款争执不下，能不能帮我们调一调",
    "我们和老员工为加班费吵了几回了，想约个调解", "和供货商在质量问题上各说各的，想请司法所出面说和",
    "为了厂区围栏的位置和邻居单位吵得不可开交，想请你们过来调解",
    "两家厂为一条共用道路闹翻了，想请司法所的人出面调一下",
    "跟承包方为返工的事起了好几次争执，麻烦你们安排调解", "我们跟房东因为提前退租的押金吵过好几回，能请你们居中调解吗",
    "和合作方因为分账闹得很僵，想申请你们的人民调解",
    "We keep quarrelling with the neighbouring plant over a shared wall, can you arrange a mediator?",
    "our subcontractor and we disagree on the final bill, we'd like to book a mediation",
    "The landlord and we have had several shouting matches over the deposit, could you arrange mediation?",
]


@pytest.fixture(scope="module")
def router(embeddings: QifaEmbeddings, tmp_path_factory: pytest.TempPathFactory) -> Router:
    return Router(IntentModel(embeddings, tmp_path_factory.mktemp("intents")))


def _digest(message: str) -> str:
    return hashlib.sha256(message.strip().encode("utf-8")).hexdigest()


def eval_messages(*names: str) -> set[str]:
    """Digests of the messages of eval parts (the held-out ones are compared by digest, so that a failing
    assertion never prints one of their questions)."""
    found: set[str] = set()
    for name in names or ("tune.jsonl", "test.jsonl", "pack_tune.jsonl", "pack.jsonl"):
        for line in (REPO / "eval" / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                found.add(_digest(json.loads(line)["message"]))
    return found


def test_no_phrasing_here_is_in_an_eval_part_or_among_the_examples() -> None:
    ours = (ASK_FOR_PERSON + LEGAL_QUESTIONS + OUT_OF_SCOPE + GREETINGS_AND_MENU + ORDERS + HIGH_RISK
            + DISSATISFIED + NOT_DISSATISFIED + LEGAL_IN_A_DISPUTE + ORDERS_WITHOUT_ORDER_WORDS
            + MENU_IN_OTHER_WORDS + CHIT_CHAT + OUTCOME_ASKED + OUTCOME_NOT_ASKED + LEGAL_IN_COURT_AND_INCIDENT_WORDS
            + LEGAL_WITH_A_LARGE_SUM + LARGE_SUM_TO_ACT + LEGAL_IN_THE_WORDS_OF_AN_EVENT + EVENTS_THEN_A_QUESTION
            + NO_SUM_IN_NUMBER_WORDS + SUMS_IN_OTHER_WORDS + HARMLESS_IN_DANGER_WORDS + DANGER_IN_OTHER_WORDS
            + REVIEW16_PEOPLE_HELD + REVIEW16_HARMLESS + REVIEW16_LARGE_SUMS + REVIEW16_NO_SUMS
            + DANGER19_HARM + DANGER19_HARMLESS + DANGER19_LARGE_SUMS + DANGER19_NO_SUMS + DANGER19_ASKED
            + DANGER19_TOLD + DANGER19_NO_ADVISER + PERSON_NOT_A_BOT + LEAVING_BY_NEGATION
            + COMPLAINTS_IN_EVERYDAY_WORDS + LEGAL_ABOUT_AN_AUTHORITYS_ACT + ORDERS_ASKED_AS_HOW
            + ORDER_TRACKING_IN_WORDS + MEDIATION_WITH_A_DISPUTE_TOLD)
    examples = {e for group in load_examples().values() for e in group}
    assert sum(_digest(m) in eval_messages() for m in ours) == 0  # a count: no eval question is printed
    assert not set(ours) & examples
    probe = ORDER_TRACKING_IN_WORDS + MEDIATION_WITH_A_DISPUTE_TOLD  # nor in the probe that found the classes
    assert sum(_digest(m) in eval_messages("probe30_dev.jsonl") for m in probe) == 0


@pytest.mark.parametrize(("phrasings", "route", "reason", "least"), [
    (ASK_FOR_PERSON, "handoff", "user_request", 0.9),
    (LEGAL_QUESTIONS, "answer", None, 0.9),
    (OUT_OF_SCOPE, "fallback", "out_of_scope", 0.9),
    (GREETINGS_AND_MENU, "menu", None, 0.85),
    (ORDERS, "order", None, 0.85),
    (HIGH_RISK, "handoff", "high_risk", 0.85),
    (LEGAL_IN_A_DISPUTE, "answer", None, 0.85),
    (LEGAL_IN_COURT_AND_INCIDENT_WORDS, "answer", None, 0.85),
    (ORDERS_WITHOUT_ORDER_WORDS, "order", None, 0.8),
    (MENU_IN_OTHER_WORDS, "menu", None, 0.8),
    (CHIT_CHAT, "fallback", "out_of_scope", 0.75),
    (LEGAL_WITH_A_LARGE_SUM, "answer", None, 0.9),
    (LARGE_SUM_TO_ACT, "handoff", "high_risk", 1.0),
    (PERSON_NOT_A_BOT, "handoff", "user_request", 0.8),
    (LEAVING_BY_NEGATION, "leave", None, 0.8),
    (COMPLAINTS_IN_EVERYDAY_WORDS, "unhappy", None, 0.8),
    (LEGAL_ABOUT_AN_AUTHORITYS_ACT, "answer", None, 0.8),
    (ORDERS_ASKED_AS_HOW, "order", None, 0.8),
    (ORDER_TRACKING_IN_WORDS, "order", "status", 0.8),
    (MEDIATION_WITH_A_DISPUTE_TOLD, "order", None, 0.8),
], ids=["person", "legal", "out-of-scope", "menu", "order", "high-risk", "legal-in-a-dispute", "legal-in-court-words",
        "order-without-order-words", "menu-in-other-words", "chit-chat", "legal-with-a-large-sum", "large-sum-to-act",
        "person-not-a-bot", "leaving-by-negation", "complaints-in-everyday-words", "legal-about-an-authoritys-act",
        "orders-asked-as-how", "order-tracking-in-words", "mediation-with-a-dispute-told"])
def test_each_behaviour_class_is_recognised(router: Router, phrasings: list[str], route: str, reason: str | None,
                                            least: float) -> None:
    got = [router.classify(p) for p in phrasings]
    right = [p for p, i in zip(phrasings, got, strict=True) if i.route == route and i.reason == reason]
    wrong = {p: (i.route, i.reason, round(i.probability, 2)) for p, i in zip(phrasings, got, strict=True)
             if p not in right}
    assert len(right) >= least * len(phrasings), wrong


def test_a_request_for_a_person_is_never_taken_for_out_of_scope(router: Router) -> None:
    assert all(router.classify(p).route != "fallback" for p in ASK_FOR_PERSON)


def test_ordinary_questions_are_not_complaints(router: Router) -> None:
    assert all(router.classify(p).route == "unhappy" for p in DISSATISFIED)
    assert all(router.classify(p).route != "unhappy" for p in NOT_DISSATISFIED)


@pytest.mark.parametrize("text", ["取消人工", "返回机器人", "back to the assistant", "/bot", "不用人工了"])
def test_leaving_a_handoff_is_a_rule(router: Router, text: str) -> None:
    assert router.classify(text).route == "leave" and router.wants_to_leave(text)


def test_leaving_in_other_words_is_recognised_by_the_model(router: Router) -> None:
    for text in ("我不想等顾问了，继续问你吧", "forget the adviser, I'll keep asking you"):
        assert router.wants_to_leave(text), text
    assert not router.wants_to_leave("顾问什么时候回复我？")


# issue #11: a number word with a unit where no money is meant: a set phrase, a count before or after it, a bare
# round word before a noun, an English idiom
NO_SUM_IN_NUMBER_WORDS = [
    "我们的产品想做到百万富翁都爱用，广告法上能这么写吗",
    "参加百亿补贴活动，平台能强制我们降价吗",
    "十万火急！员工受伤了，工伤怎么认定",
    "百万雄师过大江的标语能用在广告里吗",
    "网红主播粉丝过百万，签约时要给多少违约金",
    "我们的公众号有几百万读者，转载文章要授权吗",
    "视频播放量破千万，被人盗用了要怎么收费",
    "这个APP下载量过亿，隐私合规要注意什么",
    "我们是百万级用户的平台，需要做数据出境评估吗",
    "公司有上百万条客户信息，泄露了怎么办",
    "成千上万的网友在骂我们，能起诉造谣的人吗",
    "千万别让员工知道，这样做合法吗",
    "我跟你说一百万遍了，合同签了没有",
    "生产线一年产能两百万台，环评怎么做",
    "一年卖出上千万件衣服，商标被抢注了怎么办",
    "园区占地上百万平方米，土地出让有什么规定",
    "我们有几百万会员，会员积分过期清零合法吗",
    "万一员工在出差途中受伤，算工伤吗",
    "我有一万个理由不续签，公司能不续签吗",
    "a million thanks for your help, what is the notice period?",
    "our app has two million players; what privacy rules apply?",
    "the video got ten million views and someone copied it",
    "there are a million reasons to fire him, can we?",
    "我们想打造一个亿万富豪俱乐部，会员协议怎么拟",
    "百万英雄答题活动的奖品要交税吗",
    "这事十万火急，营业执照被吊销了还能申请复议吗",
    "公司网站访问量过百万，需要等保备案吗",
    "全国有几千万小微企业，有什么扶持政策",
    "村里几百万棵树苗被冻死，能找保险公司吗",
    "我们直播间在线人数破百万，广告法有什么要求",
    "单月销量突破千万，商标能申请驰名吗",
    "仓库里存了两百万箱饮料，过期了怎么处理",
    "项目覆盖上千万人口，环评要公示多久",
    "We have over 5 million monthly active users; do we need a DPO?",
    "Our post got a million likes overnight; can we trademark the slogan?",
    "I've told them a million times to sign the contract; can we still enforce it?",
]
# ... and sums told without 元 or the usual words of a dispute (any verb, or the amount alone)
SUMS_IN_OTHER_WORDS = [
    "对方卷走两千万跑路了",
    "他骗了我们五百万",
    "公司投了三千万进去，现在项目黄了",
    "亏了一个多亿，股东要担责吗",
    "被挪用了八百万公款",
    "两千万，对方一直不给",
    "涉案金额大概三百万",
    "对方起诉我们要两百万",
    "我们被执行了一千二百万",
    "这个单子一千万，对方毁约了",
    "借给朋友的三百万要不回来",
    "年营业额五千万的企业算中型企业吗",
    "我们公司上千万的设备被查封了",
    "他拿了我三百万",
    "总包欠分包两千多万",
    "这笔账有一百多万",
    "五百万的货被海关扣了",
    "申请了一千万的贷款",
    "股东认缴一千万，实缴为零",
    "罚了我们两百万",
    "判决赔我们三百五十万，对方不履行",
    "对方开价两千万收购我们公司",
    "a client owes us 3 million",
    "we lost 5 million on the deal",
    "they took 2 million from our account",
    "the judgment awarded us 4 million",
    "we were fined 2 million by the regulator",
    "客户拖欠我们一千五百万货款",
    "他们公司欠了银行好几个亿",
    "我们的厂房估价两千多万，能抵押吗",
    "老板跑路了，工人工资加起来三百多万",
    "去年亏损上千万，还能分红吗",
    "对方赖掉了我们六百万",
    "法院冻结了我们两千万",
    "we paid a 2 million deposit and the seller vanished",
    "the contractor walked away with 3 million",
    "对方违约造成我们损失近千万",
    "we put 5 million into a joint venture",
]


@pytest.mark.parametrize("text", NO_SUM_IN_NUMBER_WORDS)
def test_a_number_word_where_no_money_is_meant_is_no_sum(text: str) -> None:
    assert amounts(text) == []


@pytest.mark.parametrize("text", SUMS_IN_OTHER_WORDS)
def test_a_sum_is_read_whatever_verb_tells_it(text: str) -> None:
    assert large_amount(text), amounts(text)


def test_a_question_with_a_number_word_is_no_case_by_the_sum_rule() -> None:
    """The rules alone (no model): a set phrase or a count does not make a question a case; the same question
    with a sum does."""
    assert Router(None).classify("我们的产品想做到百万富翁都爱用，广告法上能这么写吗").route == "answer"
    assert Router(None).classify("参加百亿补贴活动，平台能强制我们降价吗").route == "answer"
    assert (Router(None).classify("参加活动被平台扣了两百万，平台能强制我们降价吗").reason) == "high_risk"


@pytest.mark.parametrize(("text", "large"), [
    ("800万", True), ("99万", False), ("100.5万", True), ("1亿", True), ("50万元", False), ("3 million", True),
    ("0.5 million", False), ("第800条", False), ("5000元", False), ("合同金额 200 万", True),
    ("对方要赔两千万", True), ("欠款一百五十万", True), ("九十九万", False), ("三亿元的项目", True),
    ("罚了五万", False), ("2000000元", True), ("一千万 yuan", True), ("100万", True), ("999999元", False),
    ("1,500,000元", True), ("RMB 3,000,000", True), ("￥2,400,000", True), ("壹佰伍拾万元", True), ("玖拾万元", False),
    ("1.5千万", True),
    ("两百来万", True),
    ("一百多万", True),
    ("几百万", True),
    ("上千万的纠纷", True),
    ("欠我们百万", True),
    ("一点二亿", True), ("标的一个亿", True), ("几十万", False), ("十几万", False), ("12,000 yuan", False),
    ("价值 1,200,000 的设备", True),  # thousands commas make a sum, no currency needed (danger19 §8)
    ("千万别把合同原件交出去", False), ("数以百万计的订单数据", False), ("平台有两百万注册用户", False),
    ("五百万平方米的园区", False), ("概率只有百万分之三", False), ("一千万分之五的误差", False),
    ("we have 3 million subscribers", False), ("US$ 1,500,000 unpaid", True), ("$1,250,000 owed", True),
    ("HK$3,000,000 deposit", True), ("USD 4,000,000", True), ("three million yuan in arrears", True),
    ("RMB2.5m unpaid", True), ("a few million yuan", True), ("二百三十万人民币", True),
    # a currency sign and 元 around one sum, in contract notation (review13 §1)
    ("¥1,000,000元", True), ("RMB 2,000,000元", True), ("USD 2,000,000元", True), ("HK$5,000,000港币", True),
    ("￥3,500,000元整", True),
    # a counter's character starting a word of money or a name is no count (review13 §2)
    ("两百万家具款", True), ("三百万人工费", True), ("三百万股东借款", True), ("三百万股权转让款", True),
    ("三百万个人所得税", True), ("两百万名誉损失", True), ("两百万户外广告费", True), ("两百万次日到账", True),
    ("借款两百万张三不还", True), ("五百万家属索赔", True), ("三百万人身损害赔偿", True),
    ("三百万人的工厂", False), ("一百万股", False), ("两百万张发票", False), ("三百万个人信息泄露", False),
    ("一百万次下载", False), ("两百万家门店", False),
    # review13 §10: an idiom is no sum; bn after a bare number; 百亿 and its round words
    ("thanks a million, what is the notice period?", False), ("we had a million questions about the lease", False),
    ("a million yuan in damages", True), ("1.2bn yuan", True), ("a 2.5bn contract", True), ("1.5m yuan unpaid", True),
    ("the fence is 2m tall", False), ("百亿", True), ("几百亿的项目", True), ("上百亿的并购", True),
    ("近千亿的资产", True),
])
def test_large_amounts_in_digits_and_chinese_numerals(text: str, large: bool) -> None:
    assert large_amount(text) is large, amounts(text)


def test_a_large_amount_and_an_explicit_request_win_over_the_model(router: Router) -> None:
    assert (router.classify("合同纠纷涉及两千万，帮我们把起诉状写了").route, router.classify("两千万").reason) == (
        "handoff", "high_risk")
    assert router.classify("转人工，顺便问下试用期多久").reason == "user_request"
    assert Router(None).classify("合同纠纷涉及两千万，法律上能解除吗").reason == "high_risk"  # no model: the rule alone


def test_a_large_sum_is_answered_only_as_a_clear_question_about_the_law(router: Router) -> None:
    """The same sum asked about as a rule is answered; reported, with 怎么办, or with a request to act, it stays with
    an adviser."""
    asked = router.classify("三百万的货款，对方拖了两年，诉讼时效过了吗")
    assert (asked.route, asked.intent) == ("answer", "legal")
    for told in ("三百万的货款，对方拖了两年", "三百万的货款，对方拖了两年，怎么办", "三百万的货款，对方拖了两年，咋整",
                 "三百万的货款，对方拖了两年，你们能帮我们要回来吗", "三百万的货款，对方拖了两年，可以派个律师来吗",
                 "a 3 million yuan invoice has been unpaid for two years, what are our options?"):
        assert (router.classify(told).route, router.classify(told).reason) == ("handoff", "high_risk"), told


def test_a_large_sum_in_an_order_or_a_look_at_the_menu_follows_the_model(router: Router) -> None:
    """A sum not in dispute does not make an order a case: a sure order or menu reading is kept."""
    for text, route in (("我们有一份五百万的采购合同，想预约律师帮忙审核一下", "order"),
                        ("we have a 4 million yuan supply agreement and would like to book a contract review", "order"),
                        ("我们是注册资本两千万的制造企业，你们都能提供什么服务", "menu")):
        assert router.classify(text).route == route, text


@pytest.mark.parametrize("text", EVENTS_THEN_A_QUESTION)
def test_an_event_followed_by_a_question_is_a_sure_handoff(router: Router, text: str) -> None:
    """Self-harm, a threat, a person held, a death, a detention or an exit ban, then "are we liable?" or "may I?":
    a case for an adviser, however the question is put."""
    got = router.classify(text)
    assert (got.route, got.reason, got.sure) == ("handoff", "high_risk", True), round(got.probability, 2)


@pytest.mark.parametrize(("text", "danger"), [
    ("员工在宿舍割腕了", True),
    ("车间主任喝了农药正在抢救", True),
    ("他说不想活了", True),
    ("有人扬言要烧了仓库", True),
    ("讨债的把会计关在屋里不让走", True), ("对方不还钱就不放人", True), ("a worker tried to kill himself", True),
    ("an ex-employee threatened to stab the manager", True), ("they are holding our accountant in a car", True),
    ("suicide note found in the office", True), ("he jumped off the roof of the workshop", True),
    ("员工自杀算工伤吗", True),  # asked as a rule, still a life: an adviser
    ("客户不付钱，我们能扣着他的货不放吗", False),
    ("以不续签合同威胁员工降薪合法吗", False),
    ("农药经营许可证怎么办", False),
    ("we hold our annual meeting in the office", False), ("can we keep the deposit until they pay", False),
])
def test_danger_to_a_life_or_liberty_is_recognised(text: str, danger: bool) -> None:
    assert in_danger(text) is danger


# enterprise questions in the danger rule's words (review12 §2): 打官司, 跳楼价, 域名劫持, 刀具, 烧掉样品, goods held
HARMLESS_IN_DANGER_WORDS = [
    "合作方威胁要打电话给监管部门举报我们，这种情况我们需要提前准备什么材料",
    "经销商放话说要把我们的价格打穿，我们能要求他遵守最低转售价吗",
    "客户威胁要打官司索赔，我们的免责条款能用吗",
    "前员工扬言要去劳动局告我们，公司需要准备哪些证据",
    "年底清仓搞跳楼价促销，标注原价有什么规定",
    "我们网站的域名被劫持了，能找运营商追责吗",
    "浏览器首页被劫持算不算侵犯消费者权益",
    "质检部门拿走了我们的刀具样品做抽检，抽检不合格能复检吗",
    "我们工厂生产水果刀，出口美国需要什么资质",
    "加油站扩建需要办理哪些消防审批",
    "危险化学品运输车辆的驾驶员需要什么资格证",
    "保险公司推出的绑架赎金险合法吗",
    "员工吐槽老板是道德绑架，公司能以此辞退吗",
    "这本悬疑小说里有杀人桥段，出版需要特别审批吗",
    "短视频里有自杀镜头，平台会被处罚吗",
    "员工吃了感冒药上班打瞌睡，出了差错能扣工资吗",
    "员工服用处方药期间开叉车，公司有什么管理责任",
    "我们要和供应商一起死扛到底，仲裁申请书怎么写",
    "过期的样品公司打算烧掉处理，需要办理什么手续",
    "仓库里的废旧纸箱要烧了，环保部门会处罚吗",
    "海关把我们的集装箱扣在港口，滞港费由谁承担",
    "货车被交警扣在停车场，公司能起诉吗",
    "公司不让财务走现金账，这样规定合法吗",
    "公司不让员工拿走工牌，离职时要交还吗",
    "房东把仓库锁了，不让我们搬走设备，能要求赔偿吗",
    "银行扣着我们的保证金不退，我们能起诉银行吗",
    "公司扣着员工的毕业证不还，违法吗",
    "对方扬言要报复性降价，这算不算倾销",
    "员工遗书式的朋友圈引发舆论，公司发声明要注意什么",
    "股价跳水之后董事会能回购股份吗",
    "We received a bomb-proof door order from a bank; what contract terms should we include?",
    "Our photo shoot for the new catalogue used a model without a release; are we liable?",
    "The market for our product was shot down by a new regulation; can we claim compensation?",
    "Can a landlord keep our equipment in the warehouse until we pay the rent arrears?",
    "We hold the customer's goods in our warehouse until the invoice is settled; is that a lien?",
    "The company will not let staff leave early on Fridays; is that lawful?",
    "Our game has a kidnapping storyline; do we need a special licence?",
    "We sell hunting knives online; what age checks does the law require?",
    "An employee hurt his back lifting boxes; is it a work injury?",
    "We kept the client in the loop about the delay; does that excuse the breach?",
    # issue #11: a job left or a work rule with 不让…走, someone shut out, a licence for arms or explosives, a fire
    # started by a machine, "locked in" a price or a lease
    "员工提了辞职，主管说项目没做完不让他走，这合法吗",
    "老板不让员工辞职走人，说要赔培训费，合法吗",
    "公司规定上班时间不让员工离开工位，合法吗",
    "车间规定不让工人离开岗位去抽烟，能写进规章制度吗",
    "员工要离职，公司说交接没完成不让他走，违法吗",
    "试用期员工想走，公司不让他走，要求提前三天通知对吗",
    "服务期没满，公司不让员工离职，能扣违约金吗",
    "公司不许员工上班时间离开座位去取快递，这个制度有效吗",
    "员工迟到被关在门外，扣工资合法吗",
    "物业把醉酒闹事的访客锁在大门外面，需要承担责任吗",
    "加班回来发现被锁在宿舍楼外，公司要负责吗",
    "送货司机被关在小区门外进不去，货损谁负责",
    "爆破公司持炸药使用许可证，还需要办理什么备案",
    "保安持枪证上岗需要公司报备吗",
    "押运公司的押运员持枪支使用许可上岗，需要什么培训",
    "民爆企业持炸药生产许可证，年检有什么要求",
    "厨师带刀具上地铁被拦下，公司要出证明吗",
    "我们卖的机器有毛病把客户的厂房烧了，要我们赔吗",
    "Our employee resigned but the manager won't let him leave until the handover is done; is that lawful?",
    "Staff are not allowed to leave their desks during working hours; can we put that in the handbook?",
    "The firm does not allow interns to leave before 6pm; is that legal?",
    "A visitor was locked out of our building overnight and caught a cold; are we liable?",
    "Our security firm holds a gun licence; what reporting duties do we have?",
    "We hold a blasting licence for explosives; how often must it be renewed?",
    "Can we refuse to let an employee quit before the notice period ends?",
    "Our shop was locked out of the mall by the landlord; can we claim losses?",
    "员工辞职，公司不让走，要求先把工作交接完，合法吗",
    "公司规定工作时间不准员工离开岗位，违反了能辞退吗",
    "员工想提前离职，老板说服务期没满不放他走，要赔违约金吗",
    "我们规定夜班工人不许中途离开车间岗位，这个规定合法吗",
    "客户被关在会场门外，活动方要担责吗",
    "快递员被锁在小区外面进不来，物业有责任吗",
    "我们公司持有枪支弹药运输许可证，需要年审吗",
    "烟花厂持炸药储存许可证到期了怎么办",
    "电线老化把仓库烧了，保险公司赔吗",
    "Can we refuse to let an employee leave before the handover of his projects?",
    "Our rules do not allow workers to leave their workstations during shifts; is that lawful?",
    "The tenant was locked out of the shop by the landlord; what can he claim?",
    "We hold a firearms licence for our security guards; what must we report?",
    "We locked in the price with the supplier last month; can they raise it now?",
    "We were locked in a five-year lease; can we exit early?",
    "Our funds were locked in the escrow account for a year; can we claim interest?",
    "海关不让货物出来，滞港费谁出", "保安拦着员工不让进厂，合法吗", "老板不让我们走，公司规章制度这样写合法吗",
]


DANGER_IN_OTHER_WORDS = [  # self-harm, threats and a person held, in words the rule must name (review12 §9)
    "门卫说昨晚有个工人在宿舍里割腕，已经送到医院",
    "司机发消息说活着没意思，车停在江边，现在电话打不通",
    "有员工在厕所吞了一瓶安眠药，被同事发现了",
    "车间女工说再不发工资她就去死",
    "讨薪的工人爬上楼顶，说今天不给钱就往下跳",
    "被辞退的保安扬言要砍死车间主任",
    "合作方老板放话说要找人收拾我们的销售",
    "客户在门店里拿着菜刀追着店员跑",
    "几个混混拿着铁棍堵在我们厂门口",
    "前员工说要带汽油来把仓库烧了",
    "有人打电话说要炸了我们的工厂",
    "催债的人把我们出纳关在小黑屋里，不给钱不放人",
    "我们的司机被货主扣在停车场的宿舍里两天了",
    "讨债的人把老板堵在办公室，说不还钱谁也别想出去",
    "有人把我们的业务员软禁在酒店里",
    "对方不让我们的工程师离开工地，说要先结款",
    "An ex-worker said he would shoot the manager if he saw him again",
    "A man called the front desk saying there is a bomb under the loading dock",
    "Our cashier said she can't go on living after the audit",
    "A driver swallowed a handful of pills in the cab this morning",
    "Someone threatened to beat up our shop assistant tonight",
    "The supplier's guards are holding our engineers inside the plant until we pay",
    "Creditors locked our manager in a storeroom and say they will keep him there until the debt is cleared",
    "A worker came in waving a knife and shouting at the foreman",
    # issue #11: people held, also where a resignation or a work rule is named (what got review13 §8 reverted)
    "老板不让我们走，法律有什么规定",  # 法律规定 is no work rule
    "老板不让我们走，这违反劳动合同法吗",
    "老板不让我们走，把门锁了",
    "扣着工人不让离开厂区",
    "讨薪的工人被保安拦着不让出厂",
    "员工要辞职，老板把他锁在仓库里不让走",
    "催债的人守在宿舍门口，不让我们的会计出门",
    "供应商扣住我们的业务员，不还钱不让回家",
    "员工说要离职，主管收了他的身份证不许他走",
    "工地老板把工人关在工棚里，不准出去",
    "客户把我们的司机扣下了，说不结款不放人",
    "我们的销售被对方公司的人看着，两天没让出门",
    "讨债公司把出纳堵在办公室里不让离开",
    "对方老板说不签字就别想离开这个房间",
    "老板不让我们下班走，还派保安守着大门",
    "员工辞职，老板叫人把他关在办公室里",
    "被骗去外地的员工被人看管着，不让打电话也不让走",
    "工人被锁在车间里加班，出不去",
    "对方扣着我们的工程师不许离开工地，要先付尾款",
    "房东把我们的员工锁在店里，说不交租不放人",
    "They kept us locked in the workshop",
    "The owner won't let our drivers leave until we pay the freight",
    "Our engineers were locked in the site office overnight by the client",
    "The landlord refused to let my staff out of the shop",
    "We are not allowed to leave the factory; the guards took our phones",
    "Creditors have our accountant shut in a room at their office",
    "They took our passports and won't allow us to leave the dormitory",
    "My foreman was trapped inside the warehouse by the debt collectors",
    "The supplier's men are holding our manager in a hotel until we pay",
    "员工提出辞职，老板派人看住他，不让他离开公司",
    "工人想辞工回家，包工头不让走，还把身份证扣了",
    "试用期的女工想离职，老板不许她出宿舍",
    "员工辞职后被老板叫人拦在厂门口，不让走",
    "老板说合同没到期，不让工人离开厂区，晚上还锁门",
    "讨薪的农民工被围着不让走",
    "对方把我们的律师困在会议室，不让出来",
    "供货商不让我们的采购员走，说今天不付款谁都别想走",
    "员工在宿舍被老板关了三天",
    "几个人把我们的经理堵在车里不放",
    "The contractor will not let our workers leave the site until the debt is settled",
    "Our driver was kept in a locked room at the customer's depot",
    "Staff are not allowed to leave the dormitory and their phones were taken",
    "They won't let my colleagues go home, guards at every door",
    "Our sales rep has been trapped in the client's office since yesterday",
    "they kept my sister at the factory for two nights after she quit",
    "供应商的人把我们仓库点着了",
    "员工把自己锁在仓库里了，怎么叫都不出来",
    "离职手续办完了，厂长还是不让我出厂门，保安一直盯着",
    "催款的同事被对方留在公司一晚上，不让回来",
]


# review16: fresh phrasings a reviewer wrote (in no eval part), all four lists in full; main caught each danger and
# sum here that the first take of issue #11 missed. Safety first: every one must stay caught.

REVIEW16_PEOPLE_HELD = [  # held, threatened or burnt out by someone; a resignation, a handover or a fault nearby
    "老板把我们几个工人锁在车间里，说不结清货款谁也别想出去",
    "我辞职了，结果主管带了两个保安把我堵在办公室不让走",
    "供应商的人把我们业务员扣在他们厂里了，已经一晚上了",
    "对方公司不让我们的司机离开，说要等他们老板来了再说",
    "我们去催款，被对方关在会议室里三个小时",
    "他们扣下了我们的会计，手机也收走了",
    "离职那天老板不让我走，还把我身份证扣了",
    "员工被老板关在宿舍不让出门已经两天",
    "我老公去讨工资被包工头扣着不放",
    "对方放话说不还钱就别想走出这个门",
    "我们员工被困在对方仓库里出不来了",
    "Our sales rep is being held at the client's factory and they won't let him leave until we pay.",
    "They locked my brother in the warehouse overnight",
    "the landlord's men are keeping our staff inside the shop and won't let them go",
    "客户带人把我们的技术员围住了，不让他出厂门",
    "老板说活不干完不准回家，把大门也锁了",
    "工头拿着刀威胁工人不许走",
    "有人提着汽油桶说要烧了我们的店",
    "债主把我爸押在他们公司，让我们拿钱去赎人",
    "交了辞职信后被经理反锁在财务室，说账没交接清楚不准走",
    "公司规定加班不让回家，还派保安守在门口",
    "试用期想离职，老板扣着我不让离开厂区，说要赔违约金",
    "我被公司老板关进小黑屋了，说我偷东西",
    "讨薪的工人被项目经理锁在工棚里",
    "对方把我们的员工扣了下来，说不付尾款不放人",
    "我们派去验货的人被对方工厂拿走了护照，不让离开",
    "他说要找人弄死我",
    "员工说不想活了，桌上还留了遗书",
    "同事在厂里喝了农药，现在送医院了",
    "老板不让我们下班，门都锁了，已经晚上十一点了",
    "辞职当天被三个人拦在电梯口，不让我出公司",
    "hr said i cant leave the building until i sign the waiver, and the security guard took my phone",
    "my boss locked me in the office because I wanted to quit",
    "we were not allowed to leave the factory for 3 days, they took our ID cards",
    "They've been holding our driver at the depot since yesterday, won't let him go till we pay the freight",
    "我们的人被拘在对方厂里两天了",
    "不签字就不让我出这个会议室，门口还站着人",
    "公司规定员工上班期间不让离开，但是这次是把我们反锁在车间里了",
    "老乡来厂里打工，老板收了他的身份证不让他回家",
    "工地老板不让工人走，说活没干完，谁走就打断谁的腿",
    "我离职了公司不让我走，还叫了几个人来堵我",
    "表弟被传销组织控制了，不让出门",
    "老板把外地工人关起来了，不许他们出门",
    "入职培训结束后公司不许我们离开园区，每天有人看着",
    "i resigned and my manager and two guys blocked the door and wouldnt let me out",
    "The subcontractor is holding two of our engineers hostage at the site",
    "他们不让我女儿离开宿舍已经一周了，电话也打不通",
    "我要辞职，老板不让我走，已经两天没让我出车间了",
    "辞职了老板不让我回家，已经三天了",
    "I quit last week but the boss won't let me leave the dormitory",
    "我提离职后公司不让我离开，每天有人跟着我，连饭都送到车间",
    "离职没批，厂里不让我出厂，晚上也只能睡在厂里",
    "我们公司的出纳昨天去对方公司对账，现在人被扣在那边回不来",
    "对方把我们的驾驶员连人带车扣在停车场，不结运费不放",
    "员工想辞工，老板把他困在宿舍里",
    "老板不让我辞职，把我的证件和手机都没收了，不准出门",
    "我朋友在缅甸被公司控制了，不让回国",
    "员工因为要离职被老板打了，还不让走",
    "my husband wants to resign but his employer has confiscated his passport and won't let him leave the country",
    "they wont let my son go home, said he owes the company training fees, he is locked in the dorm",
    "我们的员工去对方公司交接项目，对方不让他离开",
    "员工被关在厂外面的仓库里",
    "我们的司机被锁在楼外面的货柜里",
    "员工离职，老板不让他走，说不交违约金别想走",
    "员工离职，公司不让他走，说赔了违约金才放",
    "our night shift staff haven't been allowed to leave the plant for two days",
    "I resigned and they won't let me leave, it's been two days and I sleep on the office floor",
    "辞职以后公司不让我离开，也不让我跟家里联系",
    "辞职后老板不让我走，还说再闹就让我好看",
    "我离职，老板不让走，说走了就弄死我",
    "我们员工被扣在对方工地，不让走",
    "海关扣着我们的业务员不让出关",
    "对方扣着我们的人不让走",
    "离职交接完了，经理还是不让我走，我已经在办公室坐了一整夜",
    "对方把我们的员工扣了下来，不付款就不放人",
    "物流公司扣着我们的司机不放",
    "they won't let us go, it's quite scary",
    "they won't let us leave, we've had no lunch and it's been ten hours",
    "对方不让我们的人走，说违约金不赔就不行",
    "老板不让我们走，说项目没做完，手里还拿着棍子",
    "交接没完成，他们把我们的人留在公司不让走，已经过了一夜",
    "员工因为设备被扣钱，一怒之下把车间烧了",
    "客户嫌我们产品差，半夜把我们店烧了",
    "前员工对机器故障被罚不满，回来把仓库给烧了",
    "设备供应商的人上门闹事把厂房烧了",
]

REVIEW16_HARMLESS = [  # look-alikes: goods or a car kept, a work rule, a licence, shut out, a price locked in
    "员工提了辞职，主管不让走，说要干满三十天，合法吗",
    "公司规定上班时间不让离开工位，这个规定有效吗",
    "客户迟到了被关在门外，保安态度不好会被投诉吗",
    "公司申请爆破作业需要持炸药使用许可证吗",
    "保安公司员工持枪证怎么办理",
    "车间里的设备短路把厂房烧了，保险能赔吗",
    "we're locked in a three-year contract with the supplier, can we get out",
    "海关扣着我们的货不让出关",
    "老板不让我们带手机进车间，合法吗",
    "公司不让员工午休时间外出，合法吗",
    "我想离职，公司不让走，说要等招到新人",
    "培训费没还完公司不让离职",
    "游戏里有绑架剧情的广告能投吗",
    "关门歇业期间员工工资怎么算",
    "the funds are locked in an escrow account until closing",
    "we're kept in the loop by the client",
    "I got locked out of the office system after I resigned",
    "我们公司做刀具生意的，拿刀具样品去展会需要什么手续",
    "合同期没到，公司不让我辞职",
    "物流公司扣着我们的货不放",
    "对方威胁要起诉我们",
    "离职证明公司一直不给开，不让我走流程",
    "The security guard wouldn't let our delivery truck leave without the gate pass",
    "合伙人把公章锁在保险柜里不给我们用",
    "供货商被锁在合同里三年，价格不能动",
    "主播在直播里玩绑架题材的剧本杀，违规吗",
    "员工上班时间不让玩手机，可以这样规定吗",
    "公司不让员工带电脑回家办公，合法吗",
    "小区物业不让我们的货车进去卸货",
    "our staff are not allowed to leave early on fridays, is that legal",
    "我们辞退了员工，他不肯走，赖在公司不走怎么办",
    "老板让我们加班，不加班就不让走，这算违法加班吗",
    "仓库锁在外面的铁门坏了，谁来修",
    "领导不让我请假回家过年，合法吗",
    "扣着我们的货不让出",
    "扣着他们的车不让走",
    "拦着我们的货车不让走",
    "扣着我们的货款不放",
]

REVIEW16_LARGE_SUMS = [  # a dispute told with any verb (坑了, 吞了, 压着, 'stiffed us'), 400w, 人民币 with digits
    "对方拖了我们三百二十万货款快两年了",
    "甲方欠工程款1200万不给",
    "他们赖账，一百五十万到现在一分没给",
    "合伙人把公司账上的580万转走了",
    "客户压着我们260万的尾款不付",
    "they owe us 5 million",
    "Client still hasn't paid the $1.2m invoice",
    "被骗了两百多万，报警没用",
    "供应商坑了我们一百来万",
    "对方公司吞了我们三千万",
    "总包黑了我们120万",
    "房东扣着押金和装修款共计一百三十万不退",
    "公司拖欠全体员工工资合计2,300,000元",
    "涉案金额约1.8亿",
    "贰佰万的借款到期不还",
    "我们被拖了大概400w",
    "对方欠我们将近两千万，起诉有用吗",
    "卷了150万跑路了",
    "他借了我们公司1500000块钱不还",
    "合同标的额 3,600,000 人民币，对方违约了",
    "Our distributor ran off with RMB 4.5 million in prepayments",
    "The buyer is refusing to pay 2.4 million dollars",
    "老板欠我们几个人加起来一百多万",
    "八百万压了一年了，对方就是不结",
    "对方不给，两百万啊！",
    "我们投了1000多万进去，现在对方说项目黄了",
    "一个亿的单子对方单方面取消了",
    "股东挪了600万",
    "they stiffed us on a $3,000,000 contract",
    "we are owed over 10 million yuan by a state-owned customer",
    "他们拿了我们两百万就不见人了",
    "对方欠咱们200来万，咋整",
    "欠了我们1.2千万",
    "人家不给 三百万 尾款",
    "总共被坑了 250 万",
    "伍佰万对方一直压着",
    "Partner embezzled about 8 million RMB",
    "他把两百万揣兜里跑了",
    "公司被前财务搞走两百多万",
    "对方拖着四百万不结",
    "被供应商坑了五百万",
    "合作方吞了我们八百万",
    "我们八百万被压着一年多了",
    "被人黑了三百万",
    "they stiffed us for 3 million",
    "they're sitting on 4 million of ours and won't release it",
    "3百万的尾款拖了半年",
    "对方至今还差我们一千五百万没结清",
    "被对方忽悠进去三百多万",
    "那边一直拖着不打款，二百五十万",
    "200万被拖了半年，对方一直找理由",
    "他们吞掉我们1200万的保证金",
    "前后被诈骗团伙骗走四百多万",
    "客户拖着两千多万不给，我们资金链要断了",
    "欠我们五百万，人跑了",
    "we're out 2 million because the supplier vanished",
    "5 million in unpaid invoices, what can we do",
    "对方押着我们三百万质保金",
    "两百万，对方一分不退",
    "那家公司骗了我们老板一千万",
    "货款的事：对方压着三百万",
    "关于工程款，他们拖着三百万不结",
    "我们是做建材的，去年给对方供了一批货，对方一直拖着，现在还差三百多万没结",
    "合同签了两年，对方到现在都没动静，三百万打水漂了",
    "对方欠款。三百万。",
    "3600000元被拖着",
    "人民币3,600,000对方不认",
    "3,600,000 人民币",
    "对方承诺的三百万补偿至今没兑现",
    "总包方拖了两年多，我们分包的三百万也就这样挂着",
    "他们一直拖，拖到现在五百万一分没见",
    "我们订了一批设备，三百万，对方不发货也不退",
    "business partner disappeared with 3 million",
    "they've held back 2 million for over a year",
    "we're chasing 3 million from a customer",
    "two million euros is still outstanding",
    "over $5m outstanding from the distributor",
    "对方不认这三百万",
]

REVIEW16_NO_SUMS = [  # set phrases, counts and idioms
    "我们的公众号粉丝破百万了，能接广告吗",
    "百万英雄答题活动的奖金要交税吗",
    "这个事十万火急，请尽快回复",
    "千万不要把这份合同发给对方",
    "我们APP下载量超过五千万次",
    "平台日活两千万用户，隐私政策要怎么写",
    "万一对方不履行合同怎么办",
    "一百万分之一的概率也要写进合同吗",
    "我们的工厂年产量三百万件",
    "百亿补贴的商品能退货吗",
    "成千上万的网友在骂我们公司，能起诉吗",
    "a million thanks for your help",
    "our video got 2 million views, can the copycat be sued",
    "在人口一千万以上的城市设分公司要什么手续",
    "他是个百万富翁，想投资我们公司",
    "我们的小程序用户数已经达到三千万",
    "新闻说全国有两亿灵活就业人员，平台要交社保吗",
    "仓库里有三百万个口罩，过期了能卖吗",
    "这款芯片有一亿个晶体管，专利怎么申请",
    "直播间有两百万人在线观看，主播说错话了",
    "这首歌播放量破亿了，别人翻唱侵权吗",
    "我们的口号是亿万用户的选择，违反广告法吗",
    "阅读量超过300万的文章转载要授权吗",
    "我们有一千万条用户数据，出境要申报吗",
    "公司的愿景是服务一亿家庭",
    "上百万吨的煤炭堆在港口，环保要怎么处理",
    "over 5 million downloads on the app store, can we trademark the name",
    "我们的商标百万家被抢注了",
    "五百万像素的摄像头专利",
    "我们旗下艺人微博粉丝三千万，被人冒用肖像",
    "全网曝光量超过一亿次，对方说我们虚假宣传",
    "平台有上千万商家入驻，平台规则怎么定",
    "活动吸引了上百万人参与，抽奖合法吗",
    "the new rule affects 20 million workers nationwide",
    "我们的订单量破千万了，要不要做合规审查",
    "千万级用户的App要做等保吗",
    "销量过百万台的产品被召回",
    "那个百万大V发视频骂我们公司",
]

@pytest.mark.parametrize("text", REVIEW16_PEOPLE_HELD)
def test_review16_every_person_held_is_danger(text: str) -> None:
    assert in_danger(text)


@pytest.mark.parametrize("text", REVIEW16_HARMLESS)
def test_review16_look_alikes_are_no_danger(text: str) -> None:
    assert not in_danger(text)


@pytest.mark.parametrize("text", REVIEW16_LARGE_SUMS)
def test_review16_every_large_dispute_is_a_large_sum(text: str) -> None:
    assert large_amount(text)


@pytest.mark.parametrize("text", REVIEW16_NO_SUMS)
def test_review16_set_phrases_counts_and_idioms_are_no_large_sum(text: str) -> None:
    assert not large_amount(text)


# danger19: a reviewer's findings (issue #11, "understanding that holds"), each as a class of phrasing with paraphrases
# of ours. Safety first for a person or a sum at stake; a county of manufacturers talks about wattage, games and counts.

DANGER19_HARM = [  # violence done, a person taken or held, a threat put as a condition (in no eval part)
    # violence done
    "我们的出纳去对账，被对方老板打了", "仓库主管昨天被讨债的人打了一顿，现在在医院", "老板被几个混混打伤了",
    "对方找人打了我们的司机", "供应商叫了一帮人把我们的业务员打了一顿", "他们派人殴打我们的工人",
    "对方用铁棍把我们的保安打得头破血流", "有人拿砖头把店长砸伤了，还把他打骨折了", "他们把我们的采购员打进了医院",
    "our manager was beaten up", "Our driver was assaulted by the buyer's men at the depot",
    "two of our workers got beaten up outside the factory gate", "the landlord's thugs punched our shop assistant",
    # a person taken or held
    "对方把我们两个司机扣了", "客户把我们的工程师扣下来了", "他们把会计控制住了，说不付款不行",
    "我们的销售被对方控制了，手机也打不通", "他们控制了我们的财务", "被对方带走了，到现在联系不上",
    "业务员昨天被几个人带走，手机一直关机", "我们的人被围住出不去", "技术员被他们困在车间里出不来",
    "they are keeping our two staff inside the warehouse", "our driver was detained by the buyer",
    "our accountant was taken away by the supplier's men", "our engineers were held at the client's site overnight",
    # a threat as a condition
    "他说再不给钱就放一把火", "对方说要是今天不结款，就把我们仓库烧了", "他说再逼他他就跳",
    "员工说再不发工资他就跳楼", "要是不还钱就对你不客气", "债主放话，小心你的家人",
    "他们发短信说，你的孩子出了事别怪我们", "pay or your family gets hurt",
    "the text said our families would get hurt if we went to the police", "they told him to pay up or he gets hurt",
]
DANGER19_HARMLESS = [  # look-alikes: a game, shelter from a storm, a blow of words, a thing held, a job left
    # a game scenario with its players
    "密室逃脱里把玩家锁在房间里，店家需要办什么消防手续", "剧本杀剧情里有把玩家关进小黑屋的环节，需要审批吗",
    "鬼屋项目里演员把游客困在笼子里吓人，要签免责协议吗",
    "Our escape room locks players in for sixty minutes; what fire safety rules apply?",
    # shelter from weather, an epidemic or a drill
    "台风天把员工留在厂房里不让出去，这段时间算加班吗", "暴雨预警期间公司不许工人离开宿舍，工资怎么算",
    "疫情封控时工厂把员工留在厂区不让回家，这期间的工资要照发吗", "消防演练时把员工集中在车间不让离开，合法吗",
    "台风来了，厂里把工人关在宿舍里不让出去，要给补贴吗",
    "Staff were kept in the building during the typhoon; do we owe them overtime?",
    "During the storm we did not let our workers leave the factory for their own safety; is that paid time?",
    # a blow of words, a cut, a call; a thing kept; a job left; no one hurt
    "我们被客户打了差评，能要求平台删除吗", "他被对方打了个措手不及，合同签错了", "会议上老板的发言被打断了",
    "项目预算被砍了一半，合同还能继续履行吗", "公司把员工的工资扣了，合法吗", "把司机扣了12分，公司要负责吗",
    "车被交警拖走了，怎么申请复议", "再不加薪他就跳槽", "再不发货我们就起诉", "如果对方不付款就走诉讼",
    "our website was attacked by hackers; are we liable for the leak?", "the landlord kicked us out of the shop",
    "my wife was hurt in a car accident on the way to work; is it a work injury?",
    "our manager was held responsible for the loss", "our shipment was detained by customs",
]
DANGER19_LARGE_SUMS = [  # 两个亿, 七位数, digits mixed with numerals, bare digits after a word of money, commas, w
    "对方欠了我们两个亿", "项目投了三个多亿进去", "被骗了2个亿", "赔了七位数", "对方欠我们八位数的货款",
    "年薪七位数的高管要走", "1百20万的货款拖了一年", "对方欠了我们1千2百万", "工程款一百20万没结",
    "货款金额3500000", "欠款 2800000 元", "合同金额：4500000.00", "欠了我们1,200,000", "损失了 3,400,000",
    "对方拖了2,500,000没给", "一千二百万的工程款没结", "对方欠我们一千二百万", "我们被拖了400w货款",
    "合同额500w，对方违约了", "欠款200w一直不还", "卖给对方的商品两百万没付款", "三百万的商品被扣了",
]
DANGER19_NO_SUMS = [  # wattage, counts of pixels, area, users, visits, goods, links and likes; codes of seven digits
    "2000W吹风机", "5000W电磁炉出口认证", "1500w的电热水壶标签怎么写", "2000W功率的电机", "3kW电机",
    "功率2000W的加热器",
    "这款3000w电暖器要做3C认证吗", "我们的产品2000W，售价300元", "两千万像素的摄像头", "五百万平方英尺",
    "平台月活两千万", "日活三百万的APP", "景区游客两百万", "上架了三百万商品", "三百万链接被屏蔽", "点赞两百万",
    "视频点赞量破两百万", "20 megapixel camera", "5 million square feet warehouse", "2 million likes on the post",
    "密码是七位数", "七位数的电话号码", "欠款人电话13812345678", "订单号2023001234",
]
DANGER19_ASKED = [  # a question: a question word or particle, 哪 in the last clause, 合法/可以 ending it unreported
    "他们欠我们两百万，我们可以去哪里告", "欠了三百万，去哪个法院起诉", "公司扣员工身份证合法不", "这样做合法",
    "对方拖欠三百万，不知道去哪里申请仲裁",
]
DANGER19_TOLD = [  # a statement with 合法 / 可以 / 哪 inside: no question
    "对方拿了我们300万说这样合法", "他们坚称这样合法，拿走了五百万", "对方说可以，然后卷走了两百万",
    "三百万，对方跑哪去了都不知道", "欠了我们三百万，哪怕打官司也要要回来", "欠款两百万，人不知道跑哪去了",
    "对方认为合同还有效，扣着四百万不给",
]
DANGER19_NO_ADVISER = [  # what a manufacturer, a venue or a platform asks: no adviser, with the model
    "我们厂生产2000W吹风机，出口欧盟要做什么认证", "5000W电磁炉的说明书上必须标注哪些安全警示",
    "功率2000W的电机能不能申请节能补贴", "Is a 3kW heater subject to compulsory certification?",
    "密室逃脱里把玩家锁在房间里，店家需要办什么消防手续", "剧本杀剧情里有把玩家关进小黑屋的环节，需要审批吗",
    "Our escape room locks players in for sixty minutes; what fire safety rules apply?",
    "台风天把员工留在厂房里不让出去，这段时间算加班吗", "暴雨预警期间公司不许工人离开宿舍，工资怎么算",
    "Staff were kept in the building during the typhoon; do we owe them overtime?",
    "我们的摄像头两千万像素，宣传时能写行业第一吗", "APP月活两千万，隐私政策要单独取得同意吗",
    "景区每年游客两百万，门票涨价要听证吗", "视频点赞两百万，被别人搬运了能告吗",
    "Our app has 20 million monthly active users; do we need a data protection officer?",
]


@pytest.mark.parametrize("text", DANGER19_HARM)
def test_danger19_violence_done_a_person_taken_and_a_threat_as_a_condition_are_danger(text: str) -> None:
    assert in_danger(text)


@pytest.mark.parametrize("text", DANGER19_HARMLESS)
def test_danger19_a_game_shelter_and_words_of_a_blow_are_no_danger(text: str) -> None:
    assert not in_danger(text)


def test_danger19_shelter_and_a_game_excuse_holding_only_and_only_when_nothing_coerces() -> None:
    """The storm or the game excuses a person kept inside; money asked for, a blow or papers taken do not, and no
    excuse covers a blow, a fire or self-harm (a real event in a venue or a storm)."""
    assert not in_danger("台风天把员工留在厂房里不让出去")
    assert in_danger("台风天讨债的人把我们会计留在厂房里不让出去，说不还钱不行")
    assert in_danger("台风天老板把工人锁在宿舍里，还收了他们的身份证")
    assert in_danger("台风天工人被老板打了")
    assert in_danger("密室逃脱店里有顾客割腕了")
    assert in_danger("密室逃脱店老板把员工锁在店里不让走")  # no player, no game scenario: held
    assert in_danger("During the typhoon the creditors kept our accountant inside until we pay")


@pytest.mark.parametrize("text", DANGER19_LARGE_SUMS)
def test_danger19_every_large_sum_is_read(text: str) -> None:
    assert large_amount(text), amounts(text)


@pytest.mark.parametrize("text", DANGER19_NO_SUMS)
def test_danger19_wattage_counts_and_codes_are_no_large_sum(text: str) -> None:
    assert not large_amount(text), amounts(text)


@pytest.mark.parametrize(("texts", "question"), [(DANGER19_ASKED, True), (DANGER19_TOLD, False)], ids=["asked", "told"])
def test_danger19_the_question_test_looks_at_where_its_words_stand(texts: list[str], question: bool) -> None:
    assert {t: asks_a_question(t) for t in texts} == {t: question for t in texts}


def test_danger19_a_large_sum_told_with_words_of_the_law_stays_with_an_adviser() -> None:
    """The rules alone (no model): a statement is no question, so the sum sends it to an adviser."""
    assert Router(None).classify("对方拿了我们300万说这样合法").reason == "high_risk"
    assert Router(None).classify("2000W吹风机出口要什么认证").route == "answer"


@pytest.mark.parametrize("text", DANGER19_NO_ADVISER)
def test_danger19_wattage_games_shelter_and_counts_do_not_call_an_adviser(router: Router, text: str) -> None:
    got = router.classify(text)
    assert not (got.route == "handoff" and got.sure), (got.intent, round(got.probability, 2))


@pytest.mark.parametrize("text", ["门卫不让走，说要等领导来", "对方不让走，已经两个小时了", "they won't let us leave"])
def test_kept_from_leaving_with_no_one_named_is_danger_on_purpose(text: str) -> None:
    """Bare 不让走 names no one (服务员不让走，说要先买单 is a false alarm of this kind): kept as danger, since a
    person held is missed far worse than a plain question sent to an adviser (review16 §7)."""
    assert in_danger(text)


def test_a_resignation_excuses_kept_from_leaving_only_next_to_it_and_only_if_nothing_holds() -> None:
    assert not in_danger("员工提了辞职，主管不让走，说要干满三十天，合法吗")
    assert in_danger("我要辞职，老板不让我走，已经两天没让我出车间了")  # two days kept
    assert in_danger("我们的员工去对方公司交接项目，对方不让他离开")  # a project handed over, no job left
    assert in_danger("they won't let us go, it's quite scary")  # 'quite' is no 'quit'


@pytest.mark.parametrize("text", HARMLESS_IN_DANGER_WORDS)
def test_the_danger_rule_leaves_ordinary_questions_alone(text: str) -> None:
    assert not in_danger(text)


@pytest.mark.parametrize("text", DANGER_IN_OTHER_WORDS)
def test_the_danger_rule_names_self_harm_threats_and_a_person_held(text: str) -> None:
    assert in_danger(text)


@pytest.mark.parametrize("text", [
    "1" * 5000, "1." * 2500, "1,000" * 1000, ",000" * 1250 + "x", "壹贰叁" * 1667, "一点" * 2500, "一多" * 2500,
    "rmb " * 1250, "1 " * 2500, "威胁" * 2500, "不让" * 2500, "held the " * 555, "lock in " * 625, "要" * 5000,
    ("合同对方违约，" * 800)[:5000], ", what" * 833,
    "1" + " " * 4998 + "x", "1" + "\u3000" * 4998 + "x", "$1" + " " * 4997 + "x",  # a digit before a whitespace run
])
def test_the_rules_take_bounded_time_on_long_inputs(text: str) -> None:
    """Linear patterns: a 5,000-character message costs milliseconds, whatever it repeats (review12 §7). The
    thread's CPU time, not the wall clock: a backtracking pattern costs seconds of CPU, while a loaded machine only
    stretches the wall clock (this test failed under other jobs' load with patterns unchanged)."""
    for rule in (in_danger, asks_a_question, large_amount, asks_outcome):
        start = time.thread_time()
        rule(text)
        assert time.thread_time() - start < 0.05, rule.__name__


def test_danger_to_a_life_or_liberty_goes_to_an_adviser_before_the_model(router: Router) -> None:
    for text in ("员工在宿舍割腕了，公司要承担责任吗", "Is it legal for creditors to lock our staff in until we pay?"):
        assert (router.classify(text).route, router.classify(text).reason, router.classify(text).intent) == (
            "handoff", "high_risk", None), text


_READ_AS_CASES = {  # new to the model and read as a sure case today (issue11R2): marked, so a fix or a new one shows
    "董事因为职务侵占被判了刑，出狱后还能再当公司董事吗",
    "我们的快递车连车带货被偷了，运输途中货物灭失的损失由谁承担"}


@pytest.mark.parametrize("text", [
    pytest.param(p, marks=pytest.mark.xfail(strict=True, reason="read as a sure case (issue11R2, open)"))
    if p in _READ_AS_CASES else p for p in LEGAL_IN_THE_WORDS_OF_AN_EVENT])
def test_a_rule_question_told_with_the_words_of_an_event_is_no_sure_handoff(router: Router, text: str) -> None:
    """Words of an accident, a theft, a police case or a flood make the high-risk intent likely, but a question
    about the rule is not a case: the model reads it as legal, or as high-risk without being sure (the engine then
    answers when the knowledge base clearly can). Safety comes first (an event followed by a question is a case), so
    the phrasings still read as cases are named above, each an expected failure, instead of a bound on their count."""
    got = router.classify(text)
    assert asks_a_question(text)
    assert not (got.route == "handoff" and got.sure), round(got.probability, 2)


@pytest.mark.parametrize(("text", "question"), [
    ("员工被拘留了，工资还要发吗", True), ("这算不算工伤", True), ("赔偿谁出", True), ("是借款还是投资", True),
    ("who pays under the law?", True), ("is it a work injury", True), ("we were fined; can we appeal", True),
    ("厂里出了人命，现在怎么办？", False), ("仓库着火了，公司要怎么处理？", False), ("对方还是不还钱，人也跑了", False),
    ("债主堵在门口要钱", False), ("what should we do now?", False),
    ("a group of suppliers is blocking our gate", False),
    ("how should we handle this?", False),
    ("员工被拘留了会不会影响劳动合同", True),
    ("这是不是违法解除", True),
    ("需不需要去备案", True),
    ("用不用交印花税", True),
    ("该不该给他补偿", True),
    ("I'd like to know whether the clause is valid", True),
    ("tell me if we owe him overtime", True),
    ("our driver hit a cyclist who pays", True),
    ("你们能帮我们起诉吗", False),
    ("可以派个律师过来吗", False),
    ("能帮我们处理一下吗", False),
    ("请你们出面跟他谈", False),
    ("货款要不回来，咋整", False),
    ("怎么搞", False),
    ("有什么办法", False),
    ("下一步怎么走", False),
    ("该咋处理", False),
    ("怎么弄", False), ("what steps should we take now", False), ("how do we get our money back", False),
    ("What are our options?", False),
    ("can you sue them for us?", False),
    ("please help us recover it, who handles this?", False),
    ("请你们解释一下，担保合同无效时保证人担责吗", True), ("麻烦律师讲讲试用期能延长吗", True),
    ("Could you explain whether a verbal guarantee binds us?", True), ("can you tell me if the clause is void", True),
    ("供应商给我们写了一份承诺书，这承诺书算不算合同", True),
    ("租期未满，房东可否提前收回厂房", True), ("试用期延长到一年行不行", True), ("劳务派遣用工有无比例限制", True),
    ("公司允不允许员工兼职", True),
    ("租赁合同有效期内厂房被查封了，怎么办", False), ("对方必须在下周前交货，可是工厂停产了，咋整", False),
    ("A customer who owes us 4 million yuan has stopped replying", False),
    ("The contractor, which still owes us wages, left the site yesterday.", False),
    ("The tenant whose lease ran out refuses to move", False),
    ("帮我们写一份律师函", False), ("请你们派人去现场看看", False),
])
def test_a_question_is_told_from_a_report_or_a_call_to_act(text: str, question: bool) -> None:
    assert asks_a_question(text) is question


def test_no_intent_example_is_a_question_of_a_held_out_part() -> None:
    held_out = eval_messages("test.jsonl", "pack.jsonl")
    shared = sum(_digest(e) in held_out for group in load_examples().values() for e in group)
    assert shared == 0  # a count, never the questions; the tuning part may lend examples (你好, 转人工)


def test_the_examples_cover_every_intent_with_enough_variety() -> None:
    examples = load_examples()
    assert set(examples) == set(INTENTS)
    for intent, group in examples.items():
        assert len(group) >= MIN_EXAMPLES, intent
        assert any(not e.isascii() for e in group) and any(e.isascii() for e in group), intent  # zh and en


def test_a_broken_examples_file_is_reported_by_name(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("intent: nonsense\nexamples: [a]\n", encoding="utf-8")
    with pytest.raises(IntentExamplesError, match=r"bad\.yaml"):
        load_examples(tmp_path)
    (tmp_path / "bad.yaml").write_text("intent: greeting\nexamples: [hi, hello]\n", encoding="utf-8")
    with pytest.raises(IntentExamplesError, match="at least 40"):
        load_examples(tmp_path)


def test_the_fitted_model_is_cached_by_the_examples_hash(embeddings: QifaEmbeddings, tmp_path: Path) -> None:
    other = CountingEmbeddings(embeddings, "a-model-nothing-is-shipped-for")
    first = IntentModel(other, tmp_path)
    assert first.source == "fit"
    cached = list(tmp_path.glob("intents-*.npz"))
    assert len(cached) == 1
    other.embedded = 0
    again = IntentModel(other, tmp_path)  # loads the cache: the same probabilities, nothing embedded
    assert again.source == "cache" and other.embedded == 0
    for text in ("转人工", "试用期多久", "讲个笑话"):
        assert again.predict(text).probabilities == first.predict(text).probabilities


class CountingEmbeddings(QifaEmbeddings):
    """The test model, counting how many texts it embeds."""

    def __init__(self, inner: QifaEmbeddings, model_id: str) -> None:
        self.inner, self.model_id, self.dimension, self.embedded = inner, model_id, inner.dimension, 0

    def encode(self, texts: list[str]) -> np.ndarray:
        self.embedded += len(texts)
        return self.inner.encode(texts)


def test_shipped_coefficients_spare_a_fresh_data_dir_the_fit(embeddings: QifaEmbeddings, tmp_path: Path) -> None:
    folder = tmp_path / "intents"
    shutil.copytree(EXAMPLES_DIR, folder, ignore=shutil.ignore_patterns("fitted-*"))
    counting = CountingEmbeddings(embeddings, "counting-model")
    assert not list(folder.glob("fitted-*"))
    IntentModel(counting, tmp_path / "a", folder)  # nothing shipped: embeds every example and fits
    assert counting.embedded > 8 * MIN_EXAMPLES
    written = write_shipped(counting, folder)
    assert written == shipped_file(folder, examples_hash(load_examples(folder), "counting-model"))
    counting.embedded = 0
    started = time.perf_counter()
    model = IntentModel(counting, tmp_path / "fresh", folder)  # a fresh data dir: the shipped file, no fit
    assert model.source == "shipped" and counting.embedded == 0
    assert time.perf_counter() - started < 2.0
    reference = IntentModel(counting, tmp_path / "a", folder)
    for text in ("转人工", "试用期多久", "讲个笑话"):
        assert model.predict(text).probabilities == reference.predict(text).probabilities
    # changed examples: the shipped coefficients no longer fit them, so the model is fitted again
    (folder / "greeting.yaml").write_text((folder / "greeting.yaml").read_text(encoding="utf-8")
                                          + "  - 早上好呀各位\n", encoding="utf-8")
    counting.embedded = 0
    changed = IntentModel(counting, tmp_path / "fresh2", folder)
    assert changed.source == "fit" and counting.embedded == 1  # the other examples' vectors are kept


def test_the_shipped_coefficients_match_the_shipped_examples() -> None:
    """A stale file would silently cost every fresh install the fit: rebuild with ingest.build_pack_vectors."""
    assert shipped_file(EXAMPLES_DIR, examples_hash(load_examples(), DEFAULT_EMBEDDING_MODEL)).is_file()


OUTCOME_ASKED = ["这场官司打下去我们能赢吗", "你看我们胜诉的把握有几成", "仲裁我们会不会输", "估计一下我们的赢面",
                 "what are our odds? will we win the case against the distributor", "chances of winning at trial?"]
OUTCOME_NOT_ASKED = ["胜诉以后对方不付钱怎么办", "败诉方要承担诉讼费吗", "员工能不能输入别人的考勤密码",
                     "怎样通过合规经营赢得客户信任", "How is a court judgment enforced after we win?"]


def test_a_request_to_predict_a_case_outcome_goes_to_an_adviser(router: Router) -> None:
    assert all(asks_outcome(t) for t in OUTCOME_ASKED), [t for t in OUTCOME_ASKED if not asks_outcome(t)]
    assert not any(asks_outcome(t) for t in OUTCOME_NOT_ASKED), [t for t in OUTCOME_NOT_ASKED if asks_outcome(t)]
    assert all((router.classify(t).route, router.classify(t).reason) == ("handoff", "high_risk")
               for t in OUTCOME_ASKED)


def _prediction(top: str, p_top: float, other: str, p_other: float) -> Prediction:
    rest = (1.0 - p_top - p_other) / (len(INTENTS) - 2)
    table = {i: rest for i in INTENTS} | {top: p_top, other: p_other}
    return Prediction(top, p_top, other, table)


def test_a_handoff_must_clearly_beat_the_other_routes() -> None:
    assert not is_sure(_prediction("high_risk", 0.48, "legal", 0.45))  # a coin flip is no hand-off
    assert not is_sure(_prediction("human", 0.47, "out_of_scope", 0.44))
    assert is_sure(_prediction("human", 0.5 + HANDOFF_MARGIN, "legal", 0.45 - HANDOFF_MARGIN))
    # a high-risk reading from HIGH_RISK_SURE on is a case, even with the legal question close behind
    assert is_sure(_prediction("high_risk", 0.7, "legal", 0.25))
    assert is_sure(_prediction("high_risk", HIGH_RISK_SURE, "legal", 0.45))
    assert not is_sure(_prediction("high_risk", HIGH_RISK_SURE - 0.05, "legal", 0.4))  # a near tie: the engine decides
    assert is_sure(_prediction("high_risk", HIGH_RISK_SURE - 0.05, "legal", 0.2))  # a clear lead is a case
    assert is_sure(_prediction("high_risk", 0.45, "order", 0.2))  # another runner-up: the plain hand-off margin
    assert is_sure(_prediction("high_risk", 0.5, "human", 0.45))  # both lead to an adviser
    assert is_sure(_prediction("legal", 0.48, "high_risk", 0.45))  # other routes keep the plain threshold (the router
    # still reads this one as a near tie with a case: near_a_case)
    assert not is_sure(_prediction("order", SURE - 0.01, "legal", 0.3))
    assert not is_sure(_prediction("order", 0.48, "legal", 0.46))  # an order form on a coin flip: ask first
    assert is_sure(_prediction("order", 0.5, "greeting", 0.45))  # the tie rule is about the legal question
    assert is_sure(_prediction("order", 0.5 + LEGAL_MARGIN, "legal", 0.5 - LEGAL_MARGIN))


class _FixedModel:
    """An intent model that reads every message the same way (the router's decision on a given reading)."""

    def __init__(self, p: Prediction) -> None:
        self.p = p
        self.embeddings = self

    def encode(self, texts: list[str]) -> np.ndarray:
        return np.zeros((len(texts), 4), dtype=np.float32)

    def predict(self, text: str, vector: np.ndarray | None = None) -> Prediction:
        return self.p


def test_a_legal_reading_just_ahead_of_a_case_is_a_near_tie_too() -> None:
    """The tie of is_sure the other way round: a legal reading that leads a high-risk one by less than LEGAL_MARGIN is
    unsure and a possible case (the engine answers it only as a question the knowledge base clearly answers)."""
    assert near_a_case(_prediction("legal", 0.48, "high_risk", 0.45))
    assert near_a_case(_prediction("legal", 0.5, "high_risk", 0.5 - LEGAL_MARGIN / 2))
    assert not near_a_case(_prediction("legal", 0.6, "high_risk", 0.3))  # a clear lead is a question
    assert not near_a_case(_prediction("legal", 0.48, "order", 0.45))  # another runner-up: the plain threshold
    assert not near_a_case(_prediction("high_risk", 0.48, "legal", 0.45))  # is_sure's own tie
    message = "公司股东被叫去问话了，我还能去外地出差吗"
    tie = Router(cast(IntentModel, _FixedModel(_prediction("legal", 0.48, "high_risk", 0.45)))).classify(message)
    assert (tie.route, tie.reason, tie.intent, tie.sure) == ("handoff", "high_risk", "legal", False)
    clear = Router(cast(IntentModel, _FixedModel(_prediction("legal", 0.7, "high_risk", 0.2)))).classify(message)
    assert (clear.route, clear.reason, clear.intent, clear.sure) == ("answer", None, "legal", True)


def test_character_ngrams_are_counted_per_message() -> None:
    assert grams("转人工") == {"转": 1, "人": 1, "工": 1, "转人": 1, "人工": 1, "转人工": 1}
    assert grams("Hi  hi") == {"h": 2, "i": 2, "hi": 2, "i ": 1, " h": 1, "hi ": 1, "i h": 1, " hi": 1}
    assert grams("   ") == {}


def test_the_shipped_model_holds_its_ngram_vocabulary() -> None:
    path = shipped_file(EXAMPLES_DIR, examples_hash(load_examples(), DEFAULT_EMBEDDING_MODEL))
    with np.load(path) as shipped:
        assert len(shipped["grams"]) == len(shipped["idf"]) > 1000
        assert shipped["coef"].shape == (len(INTENTS), 512 + len(shipped["grams"]))


@pytest.mark.parametrize("message", ["厂里的机器把工人的手轧伤了，要赔多少", "你好", "帮我办个公证", "hello there"])
def test_the_models_probabilities_are_its_decision_scores_softmaxed(router: Router, message: str) -> None:
    """The n-gram columns are added one after the other (a running sum), as the per-n-gram loop added them."""
    model = router.model
    assert model is not None
    v = model.embeddings.encode([message])[0]
    z = np.asarray(v, dtype=np.float64) @ model._coef[:, :model._dim].T + model._intercept
    for c, w in model._tfidf(message):
        z = z + w * model._coef[:, model._dim + c]
    z = np.exp(z - z.max())
    assert np.array_equal(model._proba(v, message), z / z.sum())
