"""What a message typed into the order form is (issue #11 no dead ends; review19 findings 3, 4, 6, 9, 11, 14): a
question or another booking where a name is asked is no name (the question is answered, the form asks again, the
name taken is shown back); 退出 / 不要了 / never mind stop the booking; only a message naming an item is a change
request at a free-text field; cancelling and tracking an order in words; the common ways of saying yes; full-width
and dashed codes and numbers; a service not offered. Through the engine and HTTP, on a real runtime (SQLite and
the index on disk), Chinese first, English second."""

from __future__ import annotations

from typing import Any

import pytest
from talk_support import orders, question, state, talking

from assistant.texts import t
from composition import Runtime
from orders.texts import field_label, ot

CODE = "91440300708461136T"
NAME = {"zh": "浦江晶彩水晶有限公司", "en": "Pujiang Crystal Co., Ltd."}
PERSON = {"zh": "张三", "en": "Zhang San"}
DESCRIPTION = {"zh": "审查一份采购合同", "en": "Review a supply contract"}
AGREE = {"zh": "同意", "en": "I agree"}
CONFIRM = {"zh": "确认", "en": "confirm"}


def form_of(rt: Runtime, sid: str) -> dict[str, Any]:
    form = state(rt, sid).get("form")
    assert isinstance(form, dict)
    return form


def to_confirm(say: Any, lang: str) -> dict[str, Any]:
    say("/order contract-review")
    for value in (NAME[lang], CODE, PERSON[lang], "13800138000", DESCRIPTION[lang]):
        say(value)
    return say(AGREE[lang])


def place(say: Any, lang: str) -> str:
    to_confirm(say, lang)
    r = say(CONFIRM[lang])
    return str(r["data"]["order"]["number"])


# ---- finding 3: a question, a stop word or another booking where a name is asked ----------------------------------
QUESTIONS = {
    "zh": ["试用期最长能约定几个月？", "公司不给兼职员工交社保合法吗", "员工辞职需要提前多久通知呢",
           "请问加班费应该怎么计算？"],
    "en": ["How long can a probation period be?", "Is it legal not to pay overtime to part-time staff?",
           "how much notice must an employee give before quitting?"],
}
NAMES = {"zh": ["浦江晶彩水晶有限公司", "谁家小吃店", "欧阳娜娜", "张三？"],
         "en": ["Acme Co., Ltd.", "Who's Who Ltd", "Li Si"]}


@pytest.mark.parametrize("channel", ["engine", "http"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_question_at_a_name_field_is_no_name_and_the_form_asks_again(rt: Runtime, channel: str,
                                                                       lang: str) -> None:
    """At the enterprise name and the contact name, each question leaves the field empty: it is answered (a legal
    answer) or said to be no name, and the same question is asked again; a name, one with doubt too, is taken and
    shown back with the way to change it."""
    with talking(rt, channel, lang) as (say, sid):
        say("/order contract-review")
        for field, value in (("enterprise_name", NAME[lang]), ("contact_name", PERSON[lang])):
            if field == "contact_name":
                say(CODE)
            for q in QUESTIONS[lang]:
                r = say(q)
                form = form_of(rt, sid())
                assert form["current"] == field and field not in form["values"], (q, r["reply"])
                assert question(form, lang, rt) in r["reply"]
                assert r["route"] in ("answer", "order")
                if r["route"] == "order":
                    assert ot("not_a_name", lang, text=q, label=field_label(field, lang)) in r["reply"]
            r = say(value)
            label = field_label(field, lang)
            assert form_of(rt, sid())["values"][field] == value
            assert r["reply"].startswith(ot("taken", lang, label=label, label_cap=label[:1].upper() + label[1:],
                                            value=value))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_names_that_read_like_questions_are_still_names(rt: Runtime, lang: str) -> None:
    """A name with an enterprise's ending, a short name said with doubt, and a value given with its label
    (企业名称：…) are taken as they are."""
    labelled = {"zh": ("企业名称：为什么不呢文化传播", "为什么不呢文化传播"),
                "en": ("company name: How Come Why Not", "How Come Why Not")}
    for name in NAMES[lang]:
        with talking(rt, "engine", lang) as (say, sid):
            say("/order contract-review")
            say(name)
            assert form_of(rt, sid())["values"]["enterprise_name"] == name
    with talking(rt, "engine", lang) as (say, sid):
        say("/order contract-review")
        say(labelled[lang][0])
        assert form_of(rt, sid())["values"]["enterprise_name"] == labelled[lang][1]


@pytest.mark.parametrize("word", ["退出", "不要了", "不用了", "不需要了", "never mind", "Forget it.", "exit"])
def test_stop_words_at_a_name_field_end_the_booking(rt: Runtime, word: str) -> None:
    lang = "en" if word.isascii() else "zh"
    with talking(rt, "engine", lang) as (say, sid):
        say("/order legal-consultation")
        r = say(word)
        assert r["reply"] == ot("form_cancelled", lang)
        assert "form" not in state(rt, sid()) and orders(rt) == 0


@pytest.mark.parametrize("lang,asks", [
    ("zh", ["我想预约合同审查", "帮我预约一下合同审查服务"]),
    ("en", ["I'd like to book a contract review", "can I book contract review instead"]),
])
def test_another_booking_at_a_field_keeps_the_form_and_offers_to_switch(rt: Runtime, lang: str,
                                                                        asks: list[str]) -> None:
    """Another booking typed at a name, a code or a phone field is no value: the reply names the booking in
    progress, a button switches to the service asked for, and the same question comes again."""
    with talking(rt, "engine", lang) as (say, sid):
        say("/order legal-consultation")
        for at in ("enterprise_name", "credit_code"):
            for ask in asks:
                r = say(ask)
                form = form_of(rt, sid())
                assert form["service"] == "legal-consultation" and form["current"] == at
                assert at not in form["values"] and question(form, lang, rt) in r["reply"]
                assert r["suggestions"][0]["message"] == "/order contract-review"
            say(NAME[lang] if at == "enterprise_name" else CODE)
        r = say("/order contract-review")
        assert form_of(rt, sid())["service"] == "contract-review"


# ---- finding 4: change requests name an item -----------------------------------------------------------------------
ACCOUNTS = {
    "zh": ["修改劳动合同模板，增加保密条款", "更改股东信息需要准备什么", "改一下公司章程里的分红条款"],
    "en": ["Change the termination clause of our supply contract", "Edit our NDA to add a non-compete",
           "correct the figures in our lease renewal"],
}


@pytest.mark.parametrize("channel", ["engine", "http"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_at_the_description_only_a_named_item_is_a_change_request(rt: Runtime, channel: str, lang: str) -> None:
    for account in ACCOUNTS[lang]:
        with talking(rt, channel, lang) as (say, sid):
            say("/order contract-review")
            for value in (NAME[lang], CODE, PERSON[lang], "13800138000"):
                say(value)
            r = say(account)
            form = form_of(rt, sid())
            assert form["values"]["description"] == account and form["current"] == "consent", r["reply"]
    with talking(rt, channel, lang) as (say, sid):
        say("/order contract-review")
        for value in (NAME[lang], CODE, PERSON[lang], "13800138000"):
            say(value)
        r = say("修改 电话" if lang == "zh" else "change the phone number")
        assert form_of(rt, sid())["current"] == "phone"
        assert ot("edit_ask", lang, label=field_label("phone", lang)) in r["reply"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_change_without_an_item_asks_which_and_a_new_value_may_come_with_it(rt: Runtime, lang: str) -> None:
    """/edit, 修改, "edit" alone: which item, with one button per item (no empty quotes); 修改电话为… at the
    confirm step takes the new number and shows the summary again."""
    with talking(rt, "engine", lang) as (say, sid):
        to_confirm(say, lang)
        fields = form_of(rt, sid())["fields"]
        for ask in ("/edit", "修改" if lang == "zh" else "edit", "我要修改" if lang == "zh" else "I want to change"):
            r = say(ask)
            assert r["reply"].startswith(ot("edit_which", lang, fields=("、" if lang == "zh" else ", ").join(
                field_label(f, lang) for f in fields))), r["reply"]
            assert "“”" not in r["reply"] and '""' not in r["reply"]
            assert [s["message"] for s in r["suggestions"][:len(fields)]] == [f"/edit {f}" for f in fields]
        r = say("修改电话为13900139000" if lang == "zh" else "change phone to 139-0013-9000")
        form = form_of(rt, sid())
        assert form["values"]["phone"] == "13900139000" and form["current"] is None
        assert r["reply"].startswith(ot("summary_head", lang)) and "13900139000" in r["reply"]
        r = say("/edit phone")
        assert form_of(rt, sid())["current"] == "phone"


# ---- finding 6: cancelling and tracking in words -------------------------------------------------------------------
CANCELS = {"zh": ["我要取消订单", "取消订单", "帮我取消刚才的预约", "不想要这个订单了", "这个预约不要了",
                  "能帮我把订单撤销吗"],
           "en": ["cancel my order", "I want to cancel the booking", "could you please cancel my appointment",
                  "I don't want my order anymore"]}


@pytest.mark.parametrize("channel", ["engine", "http"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_cancelling_in_words_lists_the_orders_with_their_buttons(rt: Runtime, channel: str, lang: str) -> None:
    with talking(rt, channel, lang) as (say, _sid):
        r = say(CANCELS[lang][0])
        assert r["reply"] == ot("nothing_to_cancel", lang)
        number = place(say, lang)
        for words in CANCELS[lang]:
            r = say(words)
            assert r["route"] == "order" and r["reply"].startswith(ot("cancel_pick", lang)), (words, r["reply"])
            assert number in r["reply"]
            assert (f"/cancel_order {number}", f"取消 {number}" if lang == "zh" else f"Cancel {number}") in [
                (b["message"], b["label"]) for b in r["suggestions"]]
        r = say(r["suggestions"][0]["message"])
        assert r["reply"] == ot("order_cancelled", lang, number=number)
        r = say(CANCELS[lang][1])
        assert r["reply"] == ot("nothing_to_cancel", lang)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_order_number_anywhere_shows_its_status_in_the_conversations_language(rt: Runtime, lang: str) -> None:
    asks = {"zh": ["订单{n}到哪了", "{n}", "帮我查一下{n}的进度", "{n} 现在什么状态"],
            "en": ["where is order {n}?", "{n}", "what's the status of {n}"]}
    with talking(rt, "engine", lang) as (say, _sid):
        number = place(say, lang)
        for ask in asks[lang]:
            r = say(ask.format(n=number))
            assert r["reply"].startswith(ot("order_status_head", lang)), (ask, r["reply"])
            assert number in r["reply"] and ("已提交" if lang == "zh" else "submitted") in r["reply"]
        r = say("QF-20200101-0099")
        assert "QF-20200101-0099" in r["reply"] and ("没有找到" if lang == "zh" else "no order") in r["reply"]
        r = say(("帮我把{n}撤销" if lang == "zh" else "please cancel {n}").format(n=number))
        assert r["reply"] == ot("order_cancelled", lang, number=number)


def test_a_question_about_cancelling_an_order_is_a_legal_question(rt: Runtime) -> None:
    """Someone else's cancellation, or whether one may cancel, is asked of the law: no order list."""
    with talking(rt, "engine", "zh") as (say, _sid):
        place(say, "zh")
        for q in ("客户取消订单要承担违约责任吗", "对方单方面取消订单怎么办",
                  "Can a buyer cancel an order after signing?"):
            r = say(q)
            assert not r["reply"].startswith(ot("cancel_pick", "zh")) and "/cancel_order" not in str(r["suggestions"])


# ---- finding 9: the ways of saying yes ----------------------------------------------------------------------------
YES = {"zh": ["没问题", "对的，提交吧", "提交", "同意", "好的", "没错，确认提交"],
       "en": ["looks good", "yes please", "ok", "Sure, submit it.", "that's right"]}
CONSENT = {"zh": ["可以", "好的，同意", "行"], "en": ["sure", "yes please", "ok", "Yes, I agree."]}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_confirm_step_takes_the_common_ways_of_saying_yes(rt: Runtime, lang: str) -> None:
    for i, yes in enumerate(YES[lang]):
        with talking(rt, "engine", lang) as (say, sid):
            to_confirm(say, lang)
            r = say(yes)
            assert r["data"]["order"]["number"] and "form" not in state(rt, sid()), (yes, r["reply"])
            assert orders(rt) == i + 1


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_anything_else_at_the_confirm_step_says_how_to_confirm_first(rt: Runtime, lang: str) -> None:
    others = {"zh": ["嗯，我再想想", "稍等一下"], "en": ["hmm, let me think", "wait a moment"]}
    with talking(rt, "engine", lang) as (say, sid):
        to_confirm(say, lang)
        for other in others[lang]:
            r = say(other)
            assert r["reply"].startswith(ot("confirm_hint", lang) + "\n" + ot("summary_head", lang)), r["reply"]
            assert orders(rt) == 0 and form_of(rt, sid())["current"] is None


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_consent_takes_the_common_ways_of_saying_yes(rt: Runtime, lang: str) -> None:
    for yes in CONSENT[lang]:
        with talking(rt, "engine", lang) as (say, sid):
            say("/order contract-review")
            for value in (NAME[lang], CODE, PERSON[lang], "13800138000", DESCRIPTION[lang]):
                say(value)
            r = say(yes)
            assert form_of(rt, sid())["values"]["consent"] is True, (yes, r["reply"])
            assert r["reply"].startswith(ot("summary_head", lang))
        with talking(rt, "engine", lang) as (say, sid):
            say("/order contract-review")
            for value in (NAME[lang], CODE, PERSON[lang], "13800138000", DESCRIPTION[lang]):
                say(value)
            say("不可以" if lang == "zh" else "no thanks")
            assert "consent" not in form_of(rt, sid())["values"]


# ---- finding 11: full-width, dashes and spaces ---------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_full_width_and_dashed_codes_and_numbers_are_taken(rt: Runtime, lang: str) -> None:
    codes = ["９１４４０３００７０８４６１１３６Ｔ", "9144-0300-7084-6113-6T",
             "９１４４ ０３００ ７０８４ ６１１３ ６ｔ"]
    phones = [("１３８００１３８０００", "13800138000"), ("138-0013-8000", "13800138000"),
              ("138 0013 8000", "13800138000"), ("+86 139—0013—9000", "13900139000"),
              ("０５７９－８４１２３４５６", "0579-84123456"), ("0579-8412-3456", "0579-84123456")]
    for code in codes:
        with talking(rt, "engine", lang) as (say, sid):
            say("/order contract-review")
            say(NAME[lang])
            r = say(code)
            assert form_of(rt, sid())["values"].get("credit_code") == CODE, (code, r["reply"])
    for typed, kept in phones:
        with talking(rt, "engine", lang) as (say, sid):
            say("/order contract-review")
            for value in (NAME[lang], CODE, PERSON[lang]):
                say(value)
            r = say(typed)
            assert form_of(rt, sid())["values"].get("phone") == kept, (typed, r["reply"])


# ---- finding 14: a service that isn't offered ---------------------------------------------------------------------
@pytest.mark.parametrize("channel", ["engine", "http"])
@pytest.mark.parametrize("lang,asks", [
    ("zh", [("我要注册公司", "注册公司"), ("帮我办理营业执照年检", "营业执照年检"),
            ("/order nonexistent", "nonexistent")]),
    ("en", [("I want to register a company", "register a company"), ("/order no-such-service", "no-such-service")]),
])
def test_a_service_not_offered_says_so_then_lists_the_services(rt: Runtime, channel: str, lang: str,
                                                              asks: list[tuple[str, str]]) -> None:
    for ask, asked in asks:
        with talking(rt, channel, lang) as (say, _sid):
            r = say(ask)
            assert r["route"] == "order", (ask, r["reply"])
            lines = r["reply"].split("\n")
            assert lines[0] == ot("not_offered", lang, asked=asked) and lines[1] == ot("offered_head", lang)
            assert t("menu_intro", lang) not in r["reply"]
            names = [s.name_en if lang == "en" else s.name for s in rt.catalogue.services]
            assert all(n in r["reply"] for n in names)
            assert all(s["message"].startswith("/category ") for s in r["suggestions"])
