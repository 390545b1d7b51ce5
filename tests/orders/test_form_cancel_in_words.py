"""A booking stops when the user says so in more than one word (issue #11, no dead ends): 算了，取消预约 / "never
mind, cancel the booking" in the middle of the form drop it like 取消 does — nothing is stored, the form is gone, the
next message is a question again. A clause that is something else keeps the form (a question or a value is not a
cancel). Through the engine and HTTP on a real runtime (SQLite and the index on disk)."""

from __future__ import annotations

import pytest
from talk_support import orders, state, talking

from composition import Runtime
from orders.inputs import cancels_the_booking, is_cancel
from orders.texts import ot

STOPS = {"zh": ["算了，取消预约", "不用了，不约了吧", "算了算了", "那就算了吧，不填了"],
         "en": ["never mind, cancel the booking", "Forget it. Cancel my booking please", "stop. quit"]}
NAME = {"zh": "浦江晶彩水晶有限公司", "en": "Pujiang Crystal Co., Ltd."}


@pytest.mark.parametrize("channel", ["engine", "http"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_booking_stops_when_the_user_says_so_in_several_words(rt: Runtime, channel: str, lang: str) -> None:
    for text in STOPS[lang]:
        with talking(rt, channel, lang) as (say, sid):
            say("/order contract-review")
            say(NAME[lang])
            before = orders(rt)
            r = say(text)
            assert "form" not in state(rt, sid()), (text, r["reply"])
            assert ot("form_cancelled", lang).split("\n")[0][:6] in r["reply"], (text, r["reply"])
            assert orders(rt) == before


@pytest.mark.parametrize("text", ["算了，这个合同能不能审", "never mind the name, it is Pujiang Co.",
                                  "取消订单要赔钱吗", "stop, what does it cost?"])
def test_a_clause_that_is_something_else_is_no_cancel(text: str) -> None:
    assert not is_cancel(text)


@pytest.mark.parametrize(("text", "booking"), [("算了，取消预约", True), ("never mind, cancel my booking", True),
                                               ("算了算了", False), ("取消", False)])
def test_a_cancel_names_the_booking_when_one_clause_does(text: str, booking: bool) -> None:
    assert is_cancel(text) and cancels_the_booking(text) is booking
