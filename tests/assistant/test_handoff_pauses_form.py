"""No dead ends around a hand-off that interrupts a form (issue #11 §6): a danger message at every step of an order
form (each field, the confirm step) and at a self-check question opens a case and keeps the form as it was; /bot,
返回机器人 / back to the assistant withdraw it and the reply asks the paused question again (the summary at the
confirm step); 取消 alone while both are open asks which one, naming what goes on; a booking's description in danger
words is kept as the description and the case takes the conversation over like any other (the adviser's exchange
never lands in the form); a word naming the booking never withdraws a case, nor does anything said in danger words;
after an adviser closes the case, the paused question is asked again before an answer is taken. Through the engine
and through HTTP (TestClient on api.app), Chinese and English."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from talk_support import Say, cases, orders, question, state, talking

from assistant.texts import t
from composition import Runtime
from db.models_chat import Handoff
from handoffs.cases import WITHDRAWN_NOTE
from orders.texts import ot

CODE = "91440300708461136T"
DANGER = {"zh": "仓库保管员刚在群里说不想活了，现在人在楼顶",
          "en": "Our foreman has just threatened to stab the site manager tonight"}
VALUES = {  # legal-consultation asks every kind of field, the optional preferred time too
    "zh": ["浦江晶彩水晶有限公司", CODE, "张三", "13800138000", "下周二上午", "咨询解除劳动合同的程序", "同意"],
    "en": ["Pujiang Crystal Co., Ltd.", CODE, "Zhang San", "13800138000", "Tuesday morning",
           "Advice on ending a labour contract", "I agree"],
}
CONFIRM = {"zh": "确认", "en": "confirm"}
LEAVE = {"zh": "返回机器人", "en": "back to the assistant"}
BARE_CANCEL = {"zh": "取消", "en": "cancel"}
INCIDENT = {"zh": "车间主任被讨薪的工人关在办公室一晚上，想请律师评估公司的责任",
            "en": "Last month a worker threatened to kill the site manager over unpaid wages; we need advice on "
                  "dismissing him"}


def assert_resumed(rt: Runtime, back: dict[str, Any], kept: dict[str, Any], case_id: int, lang: str) -> None:
    """The withdrawal says so, says the booking goes on and asks its question again; the form is as it was."""
    sid = back["session_id"]
    assert rt.handoffs.active(sid) is None
    with rt.db.session() as s:
        h = s.get(Handoff, case_id)
        assert h is not None and h.status == "closed" and h.note == WITHDRAWN_NOTE
    assert back["route"] == "order" and back["data"]["withdrawn"] == case_id
    assert back["reply"].startswith(t("handoff_withdrawn_resume", lang, case=case_id))
    assert question(kept, lang, rt) in back["reply"]
    assert back["data"]["form"]["field"] == kept["current"]
    assert state(rt, sid)["form"] == kept


@pytest.mark.parametrize("channel", ["engine", "http"])
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("action", ["/bot", "leave", "bare_cancel"])
def test_danger_then_the_way_back_at_every_step_of_a_form(rt: Runtime, channel: str, lang: str, action: str) -> None:
    """At each field (but the description) and at the confirm step: the danger message opens a case and writes
    nothing into the form; /bot or 返回机器人 withdraws it and asks the same question again (the summary at the
    confirm step, where an earlier attempt failed with a KeyError); 取消 alone asks which of the two to cancel and
    changes nothing; the form then goes on and the order is placed once, with the values given."""
    with talking(rt, channel, lang) as (say, sid):
        say("/order legal-consultation")
        for value in [*VALUES[lang], CONFIRM[lang]]:
            kept = copy.deepcopy(state(rt, sid())["form"])
            if kept["current"] == "description":  # there the account is the value (the test after the next)
                say(value)
                continue
            handed = say(DANGER[lang])
            case = rt.handoffs.active(sid())
            assert handed["route"] == "handoff" and case is not None and case.reason == "danger"
            assert handed["handoff"]["id"] == case.id and state(rt, sid())["form"] == kept and orders(rt) == 0
            if action == "bare_cancel":
                asked = say(BARE_CANCEL[lang])
                assert asked["route"] == "handoff" and asked["data"] == {"cancel_which": True}
                assert [s["message"] for s in asked["suggestions"]] == ["/bot", "/cancel"]
                assert rt.handoffs.active(sid()) is not None and state(rt, sid())["form"] == kept
            back = say({"/bot": "/bot", "leave": LEAVE[lang]}.get(action, "/bot"))
            assert_resumed(rt, back, kept, case.id, lang)
            say(value)
        assert "form" not in state(rt, sid()) and orders(rt) == 1 and rt.handoffs.active(sid()) is None
        placed = rt.orders.list_for_session(sid())  # type: ignore[union-attr]
        assert placed[0].enterprise_name == VALUES[lang][0] and placed[0].description == VALUES[lang][5]


@pytest.mark.parametrize("channel", ["engine", "http"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_self_check_interrupted_asks_its_question_again(rt: Runtime, channel: str, lang: str) -> None:
    """A danger message at a self-check question: a case, the answers kept; /bot and 返回机器人 / back to the
    assistant say the self-check goes on and show the question it waits for; the next 是 answers that question."""
    with talking(rt, channel, lang) as (say, sid):
        say("/checkup general")
        for leave in ("/bot", LEAVE[lang]):
            asked = say("/ck yes")["data"]["checkup"]
            handed = say(DANGER[lang])
            case = rt.handoffs.active(sid())
            assert handed["route"] == "handoff" and case is not None
            back = say(leave)
            assert rt.handoffs.active(sid()) is None and back["data"]["withdrawn"] == case.id
            assert back["reply"].startswith(t("handoff_withdrawn_resume", lang, case=case.id))
            shown = back["data"]["checkup"]
            assert shown["stage"] == "question" and shown["question_id"] == asked["question_id"]
            assert shown["answered"] == asked["answered"]
        answered = say("是" if lang == "zh" else "yes")
        assert answered["data"]["checkup"]["answered"] == shown["answered"] + 1


def up_to_the_description(say: Say, lang: str) -> None:
    say("/order legal-consultation")
    for value in VALUES[lang][:5]:
        say(value)


@pytest.mark.parametrize("channel", ["engine", "http"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_description_in_danger_words_is_kept_and_the_case_takes_the_conversation(rt: Runtime, channel: str,
                                                                                   lang: str) -> None:
    """The booking's own account of an incident: kept as the description (never typed twice), and the adviser gets
    one case at once with the text in its transcript; the reply says so and that the booking waits. From then on the
    conversation is the case's (review15 §1): the user's answer to the adviser's question, 转人工 and the incident told
    again reach the case, not the form (nothing written, no second case); 返回机器人 withdraws it and the booking goes
    on at consent; the order is placed once, with the description."""
    with talking(rt, channel, lang) as (say, sid):
        up_to_the_description(say, lang)
        told = say(INCIDENT[lang])
        case = rt.handoffs.active(sid())
        assert case is not None and case.reason == "danger" and told["handoff"]["id"] == case.id
        assert told["route"] == "handoff" and told["reply"].startswith(t("description_kept", lang))
        assert told["reply"].endswith(t("form_kept", lang))
        kept = copy.deepcopy(state(rt, sid())["form"])
        assert kept["values"]["description"] == INCIDENT[lang] and kept["current"] == "consent"
        assert case.id in [item.case.id for item in rt.advisers.queue("open")]
        assert any(m.role == "user" and m.text == INCIDENT[lang] for m in rt.advisers.case(case.id).transcript)
        rt.advisers.reply(case.id, "王律师", "人现在安全吗？" if lang == "zh" else "Is everyone safe now?")
        answers = {"zh": ["已经放出来了，人没事", "同意", "转人工", "修改 联系人", "人已经送医院了", INCIDENT["zh"]],
                   "en": ["He was let out, everyone is fine", "I agree", "talk to a human", "change contact name",
                          "He is in hospital now", INCIDENT["en"]]}[lang]
        for text in answers:
            reached = say(text)
            assert reached["route"] == "handoff" and reached["handoff"]["id"] == case.id, text
            assert state(rt, sid())["form"] == kept and cases(rt) == 1, text
        transcript = [m.text for m in rt.advisers.case(case.id).transcript if m.role == "user"]
        assert all(text in transcript for text in answers)
        back = say(LEAVE[lang])
        assert_resumed(rt, back, kept, case.id, lang)
        say(VALUES[lang][6])
        say(CONFIRM[lang])
        assert orders(rt) == 1 and "form" not in state(rt, sid()) and cases(rt) == 1
        assert rt.orders.list_for_session(sid())[0].description == INCIDENT[lang]  # type: ignore[union-attr]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_after_a_description_case_the_intent_models_withdrawal_and_a_new_booking(rt: Runtime, lang: str) -> None:
    """While a description's case waits, a withdrawal in the user's own words (read by the intent model, as for any
    waiting case) withdraws it and the booking goes on (review15 §1); /order another service starts no form beside
    the case: the message is the case's and the booking is kept as it was (review15 §6)."""
    with talking(rt, "http", lang) as (say, sid):
        up_to_the_description(say, lang)
        say(INCIDENT[lang])
        case = rt.handoffs.active(sid())
        assert case is not None
        kept = copy.deepcopy(state(rt, sid())["form"])
        other = say("/order contract-review")
        assert other["route"] == "handoff" and state(rt, sid())["form"] == kept
        assert rt.handoffs.active(sid()) is not None
        back = say("我们不需要等顾问了" if lang == "zh" else "I don't need the adviser any more")
        assert_resumed(rt, back, kept, case.id, lang)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_back_to_the_assistant_after_a_description_case_withdraws_it_and_the_form_goes_on(rt: Runtime,
                                                                                         lang: str) -> None:
    with talking(rt, "http", lang) as (say, sid):
        up_to_the_description(say, lang)
        say(INCIDENT[lang])
        case = rt.handoffs.active(sid())
        assert case is not None
        kept = copy.deepcopy(state(rt, sid())["form"])
        asked = say(BARE_CANCEL[lang])  # both are open: 取消 alone asks
        assert asked["data"] == {"cancel_which": True} and state(rt, sid())["form"] == kept
        back = say(LEAVE[lang])
        assert_resumed(rt, back, kept, case.id, lang)


@pytest.mark.parametrize("channel", ["engine", "http"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_word_naming_the_booking_never_withdraws_a_case(rt: Runtime, channel: str, lang: str) -> None:
    """取消预约 / cancel the booking while a danger case waits: with a booking it is dropped, with none (said again,
    or no booking ever) the user is told there is none; the case waits on every time (review15 §2)."""
    words = {"zh": "取消预约", "en": "cancel the booking"}[lang]
    with talking(rt, channel, lang) as (say, sid):
        say("/order legal-consultation")
        say(VALUES[lang][0])
        say(DANGER[lang])
        case = rt.handoffs.active(sid())
        assert case is not None
        dropped = say(words)
        assert "form" not in state(rt, sid()) and t("handoff_wait", lang, case=case.id) in dropped["reply"]
        for again in (words, "/cancel"):
            none = say(again)
            assert none["route"] == "handoff" and none["reply"].startswith(t("no_booking", lang))
            assert t("handoff_wait", lang, case=case.id) in none["reply"]
            assert rt.handoffs.active(sid()) is not None and rt.handoffs.active(sid()).id == case.id  # type: ignore[union-attr]
    with talking(rt, channel, lang) as (say, sid):  # no booking at all
        say("你好" if lang == "zh" else "hello")
        say(DANGER[lang])
        case = rt.handoffs.active(sid())
        assert case is not None
        none = say(words)
        assert none["reply"].startswith(t("no_booking", lang)) and rt.handoffs.active(sid()) is not None


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_danger_message_while_a_case_waits_never_withdraws_it(rt: Runtime, lang: str) -> None:
    """Danger words reach the adviser even when they come with words that would withdraw the case."""
    leaving = {"zh": "返回机器人，他刚才又说要杀了我",
               "en": "back to the assistant, he just threatened to kill me again"}
    with talking(rt, "engine", lang) as (say, sid):
        say("/order legal-consultation")
        say(DANGER[lang])
        case = rt.handoffs.active(sid())
        assert case is not None
        reached = say(leaving[lang])
        assert reached["route"] == "handoff" and rt.handoffs.active(sid()) is not None and cases(rt) == 1
        assert leaving[lang] in [m.text for m in rt.advisers.case(case.id).transcript]


@pytest.mark.parametrize("channel", ["engine", "http"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_cancel_with_a_self_check_and_a_booking_names_what_goes_on(rt: Runtime, channel: str, lang: str) -> None:
    """The on-site check's booking and a self-check both open, a danger message, 取消 alone: the reply names all
    three and the withdrawal's button says the self-check goes on, which it does (review15 §3, §4)."""
    with talking(rt, channel, lang) as (say, sid):
        say("/order enterprise-legal-health-check")
        say("/checkup general")
        asked = say("/ck yes")["data"]["checkup"]
        say(DANGER[lang])
        case = rt.handoffs.active(sid())
        assert case is not None
        which = say(BARE_CANCEL[lang])
        assert which["reply"] == t("cancel_which_checkup", lang, case=case.id)
        labels = {"zh": ["撤回转人工，继续自测", "放弃预约，继续等顾问"],
                  "en": ["Withdraw the adviser request, go on with the self-check",
                         "Drop the booking, keep the adviser"]}
        assert [s["message"] for s in which["suggestions"]] == ["/bot", "/cancel"]
        assert [s["label"] for s in which["suggestions"]] == labels[lang]
        back = say("/bot")
        assert back["data"]["checkup"]["question_id"] == asked["question_id"] and "form" in state(rt, sid())


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_which_to_cancel_buttons_name_the_booking_in_both_languages(rt: Runtime, lang: str) -> None:
    """Case and booking open: the withdrawal's button says the booking goes on, in Chinese and English (review15
    §4)."""
    with talking(rt, "engine", lang) as (say, _sid):
        say("/order legal-consultation")
        say(DANGER[lang])
        which = say(BARE_CANCEL[lang])
        assert which["suggestions"][0]["label"] == {
            "zh": "撤回转人工，继续预约", "en": "Withdraw the adviser request, go on with the booking"}[lang]


def test_dropping_the_booking_while_a_case_waits_answers_in_one_language(rt: Runtime) -> None:
    """An English booking, a case, then 取消预约 typed in Chinese: the whole reply is in the message's language
    (review15 §5)."""
    with talking(rt, "http", "en") as (say, sid):
        say("/order legal-consultation")
        say(DANGER["en"])
        case = rt.handoffs.active(sid())
        assert case is not None
        dropped = say("取消预约")
        assert dropped["reply"] == f"{ot('form_cancelled', 'zh')}\n{t('handoff_wait', 'zh', case=case.id)}"


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("cancel", ["/cancel", "booking_words"])
def test_cancelling_the_booking_while_a_case_waits_keeps_the_case(rt: Runtime, lang: str, cancel: str) -> None:
    """The form's /cancel button or 取消预约 / cancel the booking: the booking is dropped, nothing submitted; the
    case goes on waiting, and the reply says both."""
    with talking(rt, "http", lang) as (say, sid):
        say("/order legal-consultation")
        say(VALUES[lang][0])
        say(DANGER[lang])
        case = rt.handoffs.active(sid())
        assert case is not None
        words = {"zh": "取消预约", "en": "cancel the booking"}[lang] if cancel == "booking_words" else "/cancel"
        dropped = say(words)
        assert "form" not in state(rt, sid()) and orders(rt) == 0
        assert rt.handoffs.active(sid()) is not None and dropped["route"] == "handoff"
        assert ot("form_cancelled", lang) in dropped["reply"]
        assert t("handoff_wait", lang, case=case.id) in dropped["reply"]
        back = say("/bot")  # nothing paused any more: the plain withdrawal
        assert back["route"] == "menu" and back["reply"] == t("handoff_withdrawn", lang, case=case.id)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_after_an_adviser_closes_the_case_the_paused_question_is_asked_before_an_answer_is_taken(
        rt: Runtime, lang: str) -> None:
    """The adviser closes the case that paused the form: the user's next text would fill a field they have not
    seen for a while, so the question is asked again instead (nothing written); the answer after it is taken."""
    with talking(rt, "engine", lang) as (say, sid):
        say("/order legal-consultation")
        say(DANGER[lang])
        case = rt.handoffs.active(sid())
        assert case is not None
        rt.advisers.close(case.id, "王律师")
        kept = copy.deepcopy(state(rt, sid())["form"])
        asked = say("你好" if lang == "zh" else "hello")
        assert asked["route"] == "order" and asked["reply"].startswith(t("handoff_closed_resume", lang, case=case.id))
        assert question(kept, lang, rt) in asked["reply"] and state(rt, sid())["form"] == kept
        say(VALUES[lang][0])
        assert state(rt, sid())["form"]["values"]["enterprise_name"] == VALUES[lang][0]


def test_back_to_the_assistant_in_a_form_without_a_case_is_no_field_value(rt: Runtime) -> None:
    """返回机器人 typed while a form asks for the enterprise's name (which takes any text) and no case waits: the
    assistant says it is here and asks the question again; the words are not the name."""
    with talking(rt, "engine", "zh") as (say, sid):
        say("/order legal-consultation")
        back = say("返回机器人")
        assert back["reply"].startswith(t("bot_here_resume", "zh")) and ot("ask_enterprise_name", "zh") in back["reply"]
        assert state(rt, sid())["form"]["values"] == {}
