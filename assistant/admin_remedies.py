"""A remedy against an administrative decision, asked about: 行政复议, 行政诉讼, 听证, 陈述申辩 (issue #11, admin31).

"我们厂被环保局罚了五万，能申请行政复议吗" / "Our factory was fined by the environment bureau, can we appeal?" asks
what the statutes set (行政复议法, 行政诉讼法, 行政处罚法: who may apply, within how long, whether a hearing may be
asked, whether the fine is paid meanwhile), however the decision is told. The router reads such a question as it
reads one about a court's procedure (``assistant.router.asks_court_procedure``): answered, and when the decision is
the user's own (``received_a_decision``: 被罚了, 收到责令停产通知, "we were fined") an adviser is offered besides.

Here only the words: a remedy named (``names_a_remedy``: the administrative ones by themselves, 复议 / 行政诉讼 / 听证 /
"reconsideration"; the general ones, 不服 / 申辩 / "appeal" / "challenge", only with a decision or an authority
named), and a decision received. Whether the message asks something, and no strategy, win, criminal matter or
request to act, is the router's to check.
"""

from __future__ import annotations

import re

# a remedy that is administrative by itself
_ADMIN_REMEDY = re.compile(
    r"复议|行政诉讼|行政官司|行政起诉|听证|暂缓执行|"
    r"\b(reconsideration|administrative (review|litigation|lawsuit|proceedings?|appeal))\b",
    re.I,
)
# a remedy that may be any (a civil appeal, a court hearing): administrative only with a decision or an authority
_ANY_REMEDY = re.compile(
    r"不服|申辩|陈述(权|意见)?|异议|申诉|停止执行|暂停执行|撤销(这个|该|这份|此)?(行政)?(处罚|罚款|罚单|决定|责令)|(告(?![诉知])|起诉)[^，。,.？?]{0,6}(局|政府|机关|城管|大队|支队|委员会)|"
    r"\b(appeal\w*|challeng\w*|contest\w*|dispute|object to|objection|hearing|defen[cs]e|argue|"
    r"sue (the|a) [\w ]{0,20}(bureau|authority|regulator|government|agency|department|administration))\b",
    re.I,
)
# an administrative decision or the authority that makes one
_DECISION = re.compile(
    r"罚款|罚单|罚了|被罚|处罚|罚没|责令|吊销|没收|查封|扣押|停产|停业|关停|降低资质|行政决定|行政行为|执法|告知书|决定书|"
    r"(环保|生态环境|市场监管|市监|工商|税务|应急|安监|消防|城管|交通|交警|质监|住建|人社|卫健|自然资源|规划|文旅|农业|水利)"
    r"(局|部门|大队|支队|委员会|所)?|"
    r"\b(fined|fines|(a|the|this|that|our) fine|fine of|penalt(y|ies)|penali[sz]\w+|sanction\w*|revok\w*|"
    r"suspend\w* (our )?(production|operations|business)|ordered (us |our \w+ )?to (stop|suspend|close|shut|halt)|"
    r"closure order|bureau|authorit(y|ies)|regulators?|inspectorate|enforcement)\b",
    re.I,
)
# the decision the user's own side received: 被罚 / 罚了我们 / 收到处罚决定书 / 罚款交了 / "we were fined"
_RECEIVED = re.compile(
    r"被[^，。,.？?]{0,10}(罚|处罚|责令|吊销|没收|查封|扣押|停产|停业|关停|取缔|降低资质)|"
    r"(罚|处罚|罚款)了?(我们|我|咱们|公司|我司|厂里?|店里?)|"
    r"(给|对|要对)(我们|我|咱们|公司|我司|厂里?|店里?)[^，。,.？?]{0,10}(罚|处罚|开了?罚单|责令|吊销|没收|查封|扣押)|"
    r"(收到|接到|拿到)[^，。,.？?]{0,10}(罚单|处罚|决定书|告知书|通知|责令)|罚款[^，。,.？?]{0,6}交了|"
    r"(没收|扣|扣押|查封|拆)了?(我们|我|咱们|公司|我司|厂里?|店里?)(公司|厂|店)?的|"
    r"把(我们|我|咱们|公司|我司|厂里?|店里?)[^，。,.？?]{0,8}(没收|扣|扣押|查封|拆|封)|开了?[^，。,.？?]{0,4}罚(款)?单|"
    r"(我们|我司|公司)[^，。,.？?]{0,4}(正在|已经|刚)[^，。,.？?]{0,4}(申请|提起|提出)了?[^，。,.？?]{0,4}(复议|行政诉讼|听证)|"
    r"\b(our|my) (\w+ )?(reconsideration|appeal|hearing) (application|request)\b|"
    r"\b(we|i|our [\w ]{1,20}|the company|my company) (were|was|have been|has been|had been|got|'ve been|are being|"
    r"'re being) (fined|penali[sz]ed|sanctioned|ordered|shut down|closed down)\b|"
    r"\b(fined|penali[sz]ed|sanctioned) (us|our|me|my)\b|\bordered (us|our \w+) to\b|"
    r"\b(we|i) (have |'ve )?(received|got|been (given|issued|served))[^.;?]{0,30}"
    r"\b(fine|penalty|notice|decision|order)\b|"
    r"\b(our|my) [\w ]{0,20}(licen[cs]e|permit) (was|has been|got|is being) (revoked|suspended|cancell?ed)\b|"
    r"\b(we|i) (already |have already |'ve already )?paid the fine\b",
    re.I,
)


def names_a_remedy(text: str) -> bool:
    """Whether the message names a remedy against an administrative decision: 复议 / 行政诉讼 / 听证 by themselves,
    不服 / 申辩 / "appeal" / "challenge" with a decision or an
    authority named (罚款, 责令停产, 环保局, "the bureau")."""
    return bool(_ADMIN_REMEDY.search(text) or (_ANY_REMEDY.search(text) and _DECISION.search(text)))


def received_a_decision(text: str) -> bool:
    """Whether the message tells of a decision the user's own side received (被环保局罚了五万, 收到责令停产通知,
    罚款交了, "we were fined", "our licence was revoked"): not a question asked in general (对处罚不服能复议吗)."""
    return bool(_RECEIVED.search(text))
