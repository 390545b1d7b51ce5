"""A question about what a third party must provide: 物业公司应提供哪些服务, 劳务派遣单位应当向员工提供哪些服务,
"What services must a property manager provide?" (issue #11, no dead ends).

Such a question names services, so the intent model reads it as a look at our menu; but what a property manager,
an agency or a landlord owes is set by the law, and the welcome menu is a dead end for it. It is a legal question
when a duty is put on someone (应当 / 应该 / 必须 / 须 / 应 / 有义务 / "must", "should", "is required to" …)
together with providing (提供 / "provide", "offer", "give", "supply") and what is provided is asked (哪些 / 什么 /
"what", "which"), and the question is not put to us (你们提供哪些服务, 你们应该有哪些服务吧, "what services should
you offer" stay the menu). Without providing, a duty asks which of ours to pick (我们应该选哪些服务, "what services
should I book"): the menu too.
"""

from __future__ import annotations

import re

# the duty and the providing in one clause: 应(当|该)? … 提供, 必须 … 提供, 有义务 … 提供 (not 相应 / 供应 / 应用)
_OWES_ZH = re.compile(r"(应当|应该|必须|务必|须|有义务|有责任|(?<![相响供适对反答回])应(?![用对聘急付收诉]))"
                      r"[^，。,.；;？?！!]{0,14}(提供|给予|配备|安排)")
_ASKS_ZH = re.compile(r"哪些|什么|啥|哪几(个|项|类|种)|哪一些|有无|有没有|是否")
_OWES_EN = re.compile(r"\b(must|shall|should|required to|obliged to|obligated to|have to|has to|needs? to|"
                      r"duty to|responsible for)\b[^.;?!]{0,40}\b(provid\w*|offer\w*|giv\w*|suppl\w*)\b", re.I)
_ASKS_EN = re.compile(r"\b(what|which|whether|any)\b", re.I)
# put to us, the service (not 我们 / "we": the user's own company's duties are the law's question too)
_TO_US = re.compile(r"你们|您们|你这|您这|贵(单位|局|中心|所)|\b(you|your)\b", re.I)


def owed_by_another(text: str) -> bool:
    """Whether the message asks what someone other than us must provide (a duty with providing, what asked, not to
    us): a legal question, never the menu."""
    if _TO_US.search(text):
        return False
    return bool((_OWES_ZH.search(text) and _ASKS_ZH.search(text))
                or (_OWES_EN.search(text) and _ASKS_EN.search(text)))
