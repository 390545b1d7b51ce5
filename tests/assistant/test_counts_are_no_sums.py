"""A count is not a sum (talk20, issue #11): users, visits, downloads, installs, staff or goods counted in millions
("APP月活两千万，隐私政策怎么写", "our platform has 12 million registered accounts") are no disputed amount, for the
large-amount rule and for the intent model alike, so such a question opens no high-risk case; money owed, paid or
lost in the same numbers still does. On a real runtime (the bundled model, SQLite and the index on disk)."""

from __future__ import annotations

import pytest

from assistant.amounts import large_amount, without_counts
from composition import Runtime

COUNTS = {
    "zh": ["APP月活两千万，隐私政策怎么写", "我们APP月活两千万，隐私政策怎么写", "APP用户量五百万，隐私政策要怎么写",
           "平台用户规模三千万，要做哪些备案", "官网访问次数每月两百万，需要等级保护吗",
           "小程序下载次数超过一千万，收集信息要注意什么", "APP安装量达到一千五百万，要做安全评估吗",
           "公司员工人数三万，工会经费怎么交", "网站每月两百万访问量，要办什么许可"],
    "en": ["we have 5 million installs, what must our privacy notice say?",
           "Our website gets 8 million page views a month, do we need an ICP licence?",
           "The app's user base is 15 million, what personal information rules apply?"],
}
MONEY = ["拖欠员工两千万工资，怎么办", "客户有两百万的货款没付，帮我们追", "员工卷走两千万跑了",
         "订单金额两千万的合同被对方撕毁了，怎么办", "they owe us 5 million yuan and refuse to pay"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_count_in_millions_is_no_sum_and_opens_no_high_risk_case(rt: Runtime, lang: str) -> None:
    for message in COUNTS[lang]:
        assert not large_amount(message), message
        intent = rt.assistant.router.classify(message)
        assert intent.reason != "high_risk", (message, intent)
        reply = rt.assistant.handle(None, message, lang=lang)
        case = rt.handoffs.active(reply.session_id)
        assert case is None or case.reason != "high_risk", (message, reply.reply[:80])


def test_money_in_the_same_numbers_still_goes_to_an_adviser(rt: Runtime) -> None:
    for message in MONEY:
        assert large_amount(message), message
        reply = rt.assistant.handle(None, message)
        case = rt.handoffs.active(reply.session_id)
        assert reply.route == "handoff" and case is not None and case.reason == "high_risk", message


def test_the_model_reads_a_count_as_many_and_a_sum_as_it_is() -> None:
    assert without_counts("APP月活两千万，隐私政策怎么写") == "APP月活很多，隐私政策怎么写"
    assert without_counts("有三百万注册用户和两百万货款") == "有很多注册用户和两百万货款"
    assert without_counts("our app has 20 million monthly active users") == "our app has many monthly active users"
    for message in MONEY:
        assert without_counts(message) == message
