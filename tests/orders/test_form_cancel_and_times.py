"""The order form takes only what its field asks for (talk20, issue #11): 取消订单 / "cancel my order" with no number
typed in the middle of a booking lists the orders to cancel and offers to drop the booking (never the field's value);
the preferred time takes a date, a weekday, a time of day, a range or 尽快 / "any time" and says what it expects
otherwise (a legal question there is answered, the form goes on); a credit code or a phone number where a name is
asked is said to be one. Through the engine and HTTP on a real runtime (SQLite and the index on disk)."""

from __future__ import annotations

from typing import Any

import pytest
from talk_support import orders, question, state, talking

from composition import Runtime
from orders.texts import ot
from orders.validation import FieldError, validate_contact_name, validate_preferred_time

CODE = "91440300708461136T"  # a valid check character
NAME = {"zh": "浦江晶彩水晶有限公司", "en": "Pujiang Crystal Co., Ltd."}
PERSON = {"zh": "张三", "en": "Zhang San"}
PHONE = "13800138000"
CANCELS = {"zh": ["取消订单", "我要取消订单", "帮我取消刚才的预约"],
           "en": ["cancel my order", "I want to cancel my booking"]}


def form_of(rt: Runtime, sid: str) -> dict[str, Any]:
    form = state(rt, sid).get("form")
    assert isinstance(form, dict)
    return form


def place(say: Any, lang: str) -> str:
    say("/order contract-review")
    for value in (NAME[lang], CODE, PERSON[lang], PHONE, "审查一份采购合同" if lang == "zh" else "Review a contract"):
        say(value)
    say("同意" if lang == "zh" else "I agree")
    return str(say("确认" if lang == "zh" else "confirm")["data"]["order"]["number"])


def to_time(say: Any, lang: str) -> None:
    say("/order legal-consultation")
    for value in (NAME[lang], CODE, PERSON[lang], PHONE):
        say(value)


# ---- 取消订单 in a booking -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("channel", ["engine", "http"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_cancelling_an_order_in_a_booking_lists_the_orders_and_offers_to_drop_it(rt: Runtime, channel: str,
                                                                                  lang: str) -> None:
    """With an order placed, each wording at the enterprise name shows the order with
    its cancel button and a button to drop the booking; nothing is filled in, nothing is cancelled, the same question
    follows."""
    with talking(rt, channel, lang) as (say, sid):
        number = place(say, lang)
        say("/order legal-consultation")
        for text in CANCELS[lang]:
            r = say(text)
            form = form_of(rt, sid())
            assert form["current"] == "enterprise_name" and not form["values"], (text, r["reply"])
            assert number in r["reply"] and question(form, lang, rt) in r["reply"]
            buttons = [s["message"] for s in r["suggestions"]]
            assert f"/cancel_order {number}" in buttons and "/cancel" in buttons, buttons
        dropped = say("/cancel")
        assert dropped["reply"] == ot("form_cancelled", lang) and "form" not in state(rt, sid())
        placed = rt.orders.by_number(number, sid())
        assert placed is not None and placed.status == "submitted"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_cancelling_an_order_in_a_first_booking_says_there_is_none_and_how_to_drop_it(rt: Runtime,
                                                                                       lang: str) -> None:
    with talking(rt, "engine", lang) as (say, sid):
        say("/order legal-consultation")
        say(NAME[lang])
        say(CODE)
        r = say(CANCELS[lang][0])
        form = form_of(rt, sid())
        assert form["current"] == "contact_name" and "contact_name" not in form["values"]
        assert ot("nothing_to_cancel", lang) in r["reply"] and question(form, lang, rt) in r["reply"]
        assert [s["message"] for s in r["suggestions"]][-1] == "/cancel"


# ---- the preferred time --------------------------------------------------------------------------------------------
TIMES = {"zh": ["下周三下午", "3月12日上午10点", "尽快", "随时都可以", "周一到周五 9:00-11:00", "下周二上午可以吗",
                "月底之前，最好是下午"],
         "en": ["Wednesday afternoon", "any time", "next Monday 10am", "as soon as possible", "is Friday ok?",
                "between 2pm and 4pm on weekdays"]}
NOT_TIMES = {"zh": ["asdf", CODE, PHONE, "员工周末加班的工资怎么算"],
             "en": ["qwerty", CODE, "what is our deadline to pay tax?"]}


@pytest.mark.parametrize("channel", ["engine", "http"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_preferred_time_takes_times_and_says_what_it_expects_otherwise(rt: Runtime, channel: str,
                                                                           lang: str) -> None:
    with talking(rt, channel, lang) as (say, sid):
        to_time(say, lang)
        for text in NOT_TIMES[lang]:
            r = say(text)
            form = form_of(rt, sid())
            assert form["current"] == "preferred_time" and "preferred_time" not in form["values"], (text, r["reply"])
            assert question(form, lang, rt) in r["reply"]
            if r["route"] == "order":  # a question is answered aside instead
                assert r["data"]["error"] == "preferred_time"
                assert ("尽快" if lang == "zh" else "as soon as") in r["reply"]
        say(TIMES[lang][0])
        assert form_of(rt, sid())["values"]["preferred_time"] == TIMES[lang][0]
    for text in TIMES[lang]:
        assert validate_preferred_time(text) == text


def test_a_legal_question_at_the_preferred_time_is_answered_and_the_form_goes_on(rt: Runtime) -> None:
    with talking(rt, "engine", "zh") as (say, sid):
        to_time(say, "zh")
        r = say("试用期最长可以约定几个月？")
        form = form_of(rt, sid())
        assert r["route"] == "answer" and form["current"] == "preferred_time" and question(form, "zh", rt) in r["reply"]


def test_the_orders_api_names_a_preferred_time_that_is_no_time() -> None:
    for text in ("asdf", CODE, "员工周末加班的工资怎么算"):
        with pytest.raises(FieldError) as exc:
            validate_preferred_time(text)
        assert exc.value.field == "preferred_time" and "下周二上午" in exc.value.zh and "Tuesday" in exc.value.en


# ---- a code or a phone number where a name is asked ----------------------------------------------------------------
@pytest.mark.parametrize("channel", ["engine", "http"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_code_or_a_phone_at_the_contact_name_is_said_to_be_one(rt: Runtime, channel: str, lang: str) -> None:
    with talking(rt, channel, lang) as (say, sid):
        say("/order contract-review")
        say(NAME[lang])
        say(CODE)
        for text, kind in ((CODE, ("统一社会信用代码", "credit code")), (PHONE, ("电话号码", "phone number")),
                           ("0579-8412 3456", ("电话号码", "phone number"))):
            r = say(text)
            form = form_of(rt, sid())
            assert form["current"] == "contact_name" and "contact_name" not in form["values"], (text, r["reply"])
            assert (kind[0] if lang == "zh" else kind[1]) in r["reply"] and question(form, lang, rt) in r["reply"]
        say(PERSON[lang])
        assert form_of(rt, sid())["values"]["contact_name"] == PERSON[lang] and orders(rt) == 0


def test_a_name_with_letters_and_digits_is_still_a_name() -> None:
    for name in ("张三", "Zhang San", "Room 101 Wang"):  # a name with a phone: tests/orders/test_contact_with_number.py
        assert validate_contact_name(name) == name
