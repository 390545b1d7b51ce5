"""Asking where a booking made before stands, in words, in the middle of another booking (issue #11, a question aside
is answered and the form resumes): the session's orders are shown with their number, then the form's question again;
nothing is filled in, the form stays where it was. Through the engine and HTTP on a real runtime."""

from __future__ import annotations

import pytest
from talk_support import state, talking
from test_form_cancel_and_times import place

from composition import Runtime

ASKS = {"zh": ["我前面约的那个合同审查现在到哪一步了", "上次预约的审查进展怎么样了？"],
        "en": ["Where is my earlier booking at?", "Any news on the contract review I booked with you?"]}


@pytest.mark.parametrize("channel", ["engine", "http"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_tracking_asked_in_words_inside_a_form_shows_the_orders_and_resumes(rt: Runtime, channel: str,
                                                                            lang: str) -> None:
    with talking(rt, channel, lang) as (say, sid):
        number = place(say, lang)
        say("/order legal-consultation")
        for text in ASKS[lang]:
            r = say(text)
            form = state(rt, sid())["form"]
            assert number in r["reply"] and r["data"].get("orders"), (text, r["reply"])
            assert form["current"] == "enterprise_name" and not form["values"], (text, r["reply"])
