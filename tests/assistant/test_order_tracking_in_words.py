"""A booking already made, asked about in everyday words (not the words of the status rule, not a number): the
session's orders are shown, and neither a new booking form nor a hand-off starts. Phrasings are this file's own
(in no eval file and not among the intent examples); the earlier orders of a session are listed, none are made up."""

from __future__ import annotations

import pytest

from composition import Runtime

ASKED = [
    "我们前阵子约的那个合同审查，审得怎么样了",
    "报了名的法治体检怎么一直没人来，排到哪天了",
    "Has anyone looked at the booking I made on Monday yet?",
    "what's happening with the mediation request we sent in?",
]


@pytest.mark.parametrize("text", ASKED)
def test_a_booking_asked_about_in_words_lists_the_sessions_orders(runtime: Runtime, text: str) -> None:
    reply = runtime.assistant.handle(None, text, lang=None)
    assert reply.route == "order", (reply.route, reply.reply[:80])
    assert reply.data.get("orders") == []  # this session has none: said so, with the way to book one
    assert "form" not in reply.data and not reply.handoff
    assert runtime.handoffs.active(reply.session_id) is None
