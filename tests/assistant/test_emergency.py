"""An emergency happening now — someone bleeding, unconscious, trapped, in a fire, a gas leak, an electric shock — is
danger: the first reply says to call 120 / 119 / 110 before anything else and the case is marked danger, first in
the advisers' queue (review20 finding 1). An accident told as the subject of a legal question (工伤认定, 赔偿, "who
pays", last month) stays a legal question, and money or a deal "stuck" is no one trapped. Phrasings are this file's
own (none from an eval set)."""

from __future__ import annotations

import pytest
from talk_support import talking

from assistant.emergency_cues import emergency_now
from assistant.router import in_danger
from assistant.texts import t
from composition import Runtime

EMERGENCIES = [
    "车间有个工人被冲床压住了手，血流不止",
    "师傅从三米高的架子上掉下来，现在昏迷不醒",
    "食堂天然气泄漏了，两个阿姨晕倒在厨房",
    "锅炉房起火了，还有三个工人没出来",
    "电焊工触电了，倒在地上没有呼吸",
    "货架倒了，有人被压在下面",
    "一个小工掉进了污水池里",
    "电梯停在两层中间，里面有人出不来",
    "A forklift driver is pinned under a pallet and bleeding badly",
    "Our paint shop is on fire and two painters are still inside",
    "A welder collapsed in the workshop and is not breathing",
    "Someone was electrocuted at the substation just now, he is unconscious",
]
LEGAL_QUESTIONS = [
    "员工上个月在车间被机器压伤了手，工伤怎么认定？",
    "工人干活时晕倒了，算不算工伤？",
    "仓库失火烧了一批货，保险公司要赔吗",
    "司机出车祸昏迷住院，医疗费谁来出",
    "If a worker passes out from heat at work, is it a work-related injury?",
    "A worker was trapped in a lift last year; can he claim compensation from us?",
    "货被卡在海关出不来，合同约定的交货期怎么办",
    "项目审批卡在环保局那一环了，能申请行政复议吗",
    "Our payment is stuck in the escrow account, what can we do?",
    "我们被一个不合理的条款困住了，能要求变更吗",
    "锅炉房前天爆炸，两名工人身亡，企业要承担什么",
    "A fire at our plant last night killed a welder, what happens now?",
]


@pytest.mark.parametrize("message", EMERGENCIES)
def test_an_emergency_happening_now_is_danger(message: str) -> None:
    assert emergency_now(message) and in_danger(message)


@pytest.mark.parametrize("message", LEGAL_QUESTIONS)
def test_an_accident_asked_about_or_a_thing_stuck_is_no_emergency(message: str) -> None:
    assert not emergency_now(message)


@pytest.mark.parametrize(("lang", "message"), [("zh", EMERGENCIES[0]), ("en", EMERGENCIES[9])])
def test_the_reply_says_whom_to_call_first_and_the_case_is_danger(rt: Runtime, lang: str, message: str) -> None:
    with talking(rt, "http", lang) as (say, sid):
        first = say(message)
        case = rt.handoffs.active(sid())
        assert first["route"] == "handoff" and case is not None and case.reason == "danger"
        assert first["reply"].startswith(t("why_danger", lang))
        assert all(number in first["reply"] for number in ("120", "119", "110"))
    queue = [item.case for item in rt.advisers.queue("open")]
    assert queue[0].reason == "danger"


@pytest.mark.parametrize("message", ["货款被困在平台里出不来了，怎么要回来", "我们被困在这份租赁合同里，想提前解除",
                                     "Our deal has been trapped in red tape for months",
                                     "Our funds are locked in escrow until the dispute ends"])
def test_money_or_a_deal_trapped_is_no_danger(message: str) -> None:
    assert not in_danger(message)
