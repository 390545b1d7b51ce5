"""The routing rules applied before retrieval: hand-off (asked for / high-risk / large amounts), menu,
out of scope, order, and everything else as a question for the knowledge base."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.router import LARGE_AMOUNT_YUAN, classify, is_dissatisfied, large_amount

EVAL = Path(__file__).resolve().parents[2] / "eval" / "questions.jsonl"


def eval_questions() -> list[tuple[str, str, str]]:
    rows = [json.loads(line) for line in EVAL.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [(r["id"], r["message"], r["expect_route"]) for r in rows]


@pytest.mark.parametrize(("qid", "message", "route"), eval_questions(), ids=[q[0] for q in eval_questions()])
def test_every_question_of_the_eval_set_is_routed_as_labelled(qid: str, message: str, route: str) -> None:
    # questions labelled "answer" must reach the knowledge base (which may still hand off on low confidence)
    assert classify(message).route == route, qid


def test_the_eval_set_covers_every_route() -> None:
    assert {route for _, _, route in eval_questions()} == {"answer", "menu", "order", "handoff", "fallback"}


@pytest.mark.parametrize("message", [
    "转人工", "人工", "人工客服", "真人", "我要找顾问", "帮我找个律师", "联系法律顾问", "别跟机器说了",
    "talk to a human", "I want to talk to a lawyer", "speak with an adviser please", "agent", "Is there a real person?",
])
def test_asking_for_a_person(message: str) -> None:
    intent = classify(message)
    assert (intent.route, intent.reason) == ("handoff", "user_request")


@pytest.mark.parametrize("message", [
    "我们想找律师事务所合作，有什么推荐",  # a law firm is not a request for a person
    "humanitarian aid for workers",  # 'human' only as a whole word
])
def test_words_that_only_look_like_asking_for_a_person(message: str) -> None:
    assert classify(message).route != "handoff" or classify(message).reason != "user_request"


@pytest.mark.parametrize("message", [
    "我们能胜诉吗？", "帮我分析一下这份合同的风险", "评估一下我们该怎么应对", "请制定诉讼策略",
    "老板会不会坐牢", "公司涉嫌虚开发票", "厂里发生安全事故，有人死亡", "对方要转移资产，怎么申请财产保全",
    "合同纠纷涉及800万", "欠款1.2亿", "对方索赔100万元",
    "Can you help us win the case?", "The police detained our manager", "Is this a criminal offence?",
    "What strategy should we use in the arbitration?", "a claim of 2 million yuan", "a 1.5 billion deal dispute",
])
def test_high_risk_matters(message: str) -> None:
    intent = classify(message)
    assert (intent.route, intent.reason) == ("handoff", "high_risk")


@pytest.mark.parametrize(("text", "large"), [
    ("800万", True), ("100万", True), ("99万", False), ("99.9万", False), ("100.5万", True), ("1亿", True),
    ("0.01亿", True), ("50万元", False), ("3 million", True), ("0.5 million", False), ("1 billion", True),
    ("第800条", False), ("5000元", False), ("合同金额 200 万", True),
])
def test_large_amounts(text: str, large: bool) -> None:
    assert LARGE_AMOUNT_YUAN == 1_000_000
    assert large_amount(text) is large


def test_a_small_amount_is_an_ordinary_question() -> None:
    assert classify("客户拖欠货款50万元，怎么催收？").route == "answer"


@pytest.mark.parametrize("message", [
    "你好", "您好！", "在吗", "早上好", "hi", "Hello!", "hey there", "good morning", "菜单", "帮助", "help",
    "你能做什么？", "有哪些服务", "有什么法律服务", "怎么用", "what can you do", "What services do you offer?",
    "show me the menu", "How do I use this?",
])
def test_greetings_and_menu_requests(message: str) -> None:
    assert classify(message).route == "menu"


def test_a_long_message_mentioning_services_is_not_a_menu_request() -> None:
    message = "我们公司想了解一下，针对外贸企业在签订出口合同时，你们有哪些服务可以帮我们审查合同条款并提示风险？"
    assert len(message) > 40
    assert classify(message).route != "menu"


@pytest.mark.parametrize("message", [
    "今天天气怎么样？", "明天会下雨吗", "写一首关于春天的诗", "讲个笑话", "推荐一只股票", "红烧肉怎么做",
    "最近有什么好看的电影", "NBA总决赛谁赢了", "123乘以456等于多少", "番茄炒蛋怎么做", "鱼香肉丝怎么做？",
    "What's the weather like?", "Write me a poem", "tell me a joke", "any good movies?", "Any good films this weekend?",
    "tell me some jokes", "who won the football match",
])
def test_out_of_scope(message: str) -> None:
    intent = classify(message)
    assert (intent.route, intent.reason) == ("fallback", "out_of_scope")


@pytest.mark.parametrize("message", [
    "我想预约合同审查", "帮我们预约企业法治体检", "我要申请调解服务", "想请律师帮忙看看合同", "我要下单",
    "I'd like to book a contract review", "We would like to schedule a legal health check",
    "please arrange a mediation", "Book a notarisation",
])
def test_orders(message: str) -> None:
    assert classify(message).route == "order"


@pytest.mark.parametrize("message", [
    "试用期最长多久？", "经济补偿怎么计算？", "想申请行政复议要多久？",  # a question about applying is not an order
    "How long can a probation period be?", "收到罚款决定书，多少天内可以申请行政复议？",
    # "怎么做" (how to do) is off-topic for recipes only, not for what a company should do
    "员工不签劳动合同，公司应该怎么做？", "我们公司该怎么做才能合法裁员？", "企业合规怎么做",
])
def test_questions_go_to_the_knowledge_base(message: str) -> None:
    assert classify(message).route == "answer"


def test_the_order_of_the_rules() -> None:
    assert classify("转人工，我们的官司能胜诉吗").reason == "user_request"  # asking for a person wins
    assert classify("你好").route == "menu"
    assert classify("天气不好导致交货延迟800万违约").route == "fallback"  # off-topic words are checked first
    assert classify("帮我分析一下怎么预约合同审查").route == "handoff"  # risk before order


@pytest.mark.parametrize(("text", "unhappy"), [
    ("不满意", True), ("没用", True), ("答非所问", True), ("这不是我要的", True), ("看不懂", True),
    ("not helpful", True), ("useless", True), ("That didn't help", True), ("wrong answer", True),
    ("满意", False), ("谢谢", False), ("有用", False),
    ("我对这个回答不满意，我想问的是劳动合同到期不续签要不要支付经济补偿金", False),  # a real question
])
def test_dissatisfaction(text: str, unhappy: bool) -> None:
    assert is_dissatisfied(text) is unhappy
