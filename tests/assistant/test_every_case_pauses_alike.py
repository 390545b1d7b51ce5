"""Every hand-off case pauses a form or a self-check alike (issue #11, no dead ends; review17): a person asked for
by name (转人工 / "talk to a human") in the middle of a form or a self-check is a request, never a field's value or
an answer; a case opened by /human, by those words or by danger words keeps the form or self-check as it was, the
reply says so, /bot asks its question again, and after an adviser closes the case the next message that would
answer it gets the question again first; the self-check's stop words (退出 / 暂停 / stop) while a case waits never
withdraw it. Through the engine and through HTTP (TestClient on api.app), Chinese and English."""

from __future__ import annotations

import copy

import pytest
from talk_support import cases, orders, question, state, talking

from assistant.texts import t
from composition import Runtime

VALUES = {  # legal-consultation asks every kind of field, the optional preferred time too
    "zh": ["浦江晶彩水晶有限公司", "91440300708461136T", "张三", "13800138000", "下周二上午",
           "咨询解除劳动合同的程序", "同意"],
    "en": ["Pujiang Crystal Co., Ltd.", "91440300708461136T", "Zhang San", "13800138000", "Tuesday morning",
           "Advice on ending a labour contract", "I agree"],
}
# ways of asking for a person, each a phrasing the router's rule takes anywhere in a conversation
PERSON = {"zh": ["转人工", "我要人工客服", "人工", "请帮我转人工服务"],
          "en": ["talk to a human", "human please", "I want a real person", "agent"]}
DANGER = {"zh": "仓库保管员刚在群里说不想活了，现在人在楼顶",
          "en": "Our foreman has just threatened to stab the site manager tonight"}
STOPS = {"zh": ["退出", "暂停", "退出自测"], "en": ["stop", "pause", "quit"]}


@pytest.mark.parametrize("channel", ["engine", "http"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_asking_for_a_person_at_every_step_of_a_form_opens_a_case_and_keeps_the_form(rt: Runtime, channel: str,
                                                                                     lang: str) -> None:
    """At each field and at the confirm step, a request for a person (a different phrasing each time) opens a
    user_request case and writes nothing into the form; the reply says the booking is kept; /bot asks the same
    question again; the booking then goes on and is placed once, with the values given."""
    with talking(rt, channel, lang) as (say, sid):
        say("/order legal-consultation")
        steps = [*VALUES[lang], {"zh": "确认", "en": "confirm"}[lang]]
        for n, value in enumerate(steps):
            kept = copy.deepcopy(state(rt, sid())["form"])
            asked = PERSON[lang][n % len(PERSON[lang])]
            handed = say(asked)
            case = rt.handoffs.active(sid())
            assert handed["route"] == "handoff" and case is not None and case.reason == "user_request", asked
            assert handed["reply"].endswith(t("form_kept", lang)) and state(rt, sid())["form"] == kept, asked
            back = say("/bot")
            assert rt.handoffs.active(sid()) is None and back["data"]["withdrawn"] == case.id
            assert back["reply"].startswith(t("handoff_withdrawn_resume", lang, case=case.id))
            assert question(kept, lang, rt) in back["reply"] and state(rt, sid())["form"] == kept
            say(value)
        placed = rt.orders.list_for_session(sid())  # type: ignore[union-attr]
        assert orders(rt) == 1 and cases(rt) == len(steps)
        assert placed[0].enterprise_name == VALUES[lang][0] and placed[0].contact_name == VALUES[lang][2]


def test_an_account_that_mentions_manual_services_is_a_description_not_a_request(rt: Runtime) -> None:
    """At the booking's description, a long account that happens to contain 人工服务 is the description; a short
    转人工 there is a request."""
    account = "我们公司给客户提供人工服务外包，想咨询劳务派遣用工的合规问题"
    with talking(rt, "engine", "zh") as (say, sid):
        say("/order legal-consultation")
        for value in VALUES["zh"][:5]:
            say(value)
        assert state(rt, sid())["form"]["current"] == "description"
        handed = say("我要转人工客服")
        assert handed["route"] == "handoff" and rt.handoffs.active(sid()) is not None
        say("/bot")
        kept = say(account)
        assert kept["route"] == "order" and rt.handoffs.active(sid()) is None
        assert state(rt, sid())["form"]["values"]["description"] == account


@pytest.mark.parametrize("channel", ["engine", "http"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_asking_for_a_person_in_a_self_check_is_no_answer(rt: Runtime, channel: str, lang: str) -> None:
    """In the middle of a self-check, 人工 / "talk to a human" opens a case (the self-check's "please answer yes or
    no" was a dead end); the answers stay as they were and /bot shows the question it waits for."""
    with talking(rt, channel, lang) as (say, sid):
        say("/checkup general")
        asked = say("/ck yes")["data"]["checkup"]
        for request in PERSON[lang][:2]:
            handed = say(request)
            case = rt.handoffs.active(sid())
            assert handed["route"] == "handoff" and case is not None and case.reason == "user_request", request
            assert handed["reply"].endswith(t("checkup_kept", lang))
            back = say("/bot")
            shown = back["data"]["checkup"]
            assert back["data"]["withdrawn"] == case.id and shown["question_id"] == asked["question_id"]
            assert shown["answered"] == asked["answered"]


@pytest.mark.parametrize("opener", ["/human", "person", "danger"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_after_any_case_is_closed_the_paused_question_comes_first(rt: Runtime, opener: str, lang: str) -> None:
    """However the case opened (the /human button, the words, danger words), the adviser's close leaves the form as
    it was and the next message that would fill a field gets the field's question again first."""
    with talking(rt, "http", lang) as (say, sid):
        say("/order legal-consultation")
        say(VALUES[lang][0])
        kept = copy.deepcopy(state(rt, sid())["form"])
        handed = say({"/human": "/human", "person": PERSON[lang][0], "danger": DANGER[lang]}[opener])
        case = rt.handoffs.active(sid())
        assert case is not None and handed["reply"].endswith(t("form_kept", lang))
        rt.advisers.reply(case.id, "王律师", "您好，已收到。" if lang == "zh" else "Hello, noted.")
        rt.advisers.close(case.id, "王律师")
        asked = say(VALUES[lang][1])  # would fill the field they have not seen for a while
        assert asked["route"] == "order" and asked["reply"].startswith(t("handoff_closed_resume", lang, case=case.id))
        assert question(kept, lang, rt) in asked["reply"] and state(rt, sid())["form"] == kept
        say(VALUES[lang][1])
        assert state(rt, sid())["form"]["values"]["credit_code"] == VALUES[lang][1]


@pytest.mark.parametrize("channel", ["engine", "http"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_stop_words_while_a_case_waits_never_withdraw_it(rt: Runtime, channel: str, lang: str) -> None:
    """A danger case over a self-check: 退出 / 暂停 / stop name no case, so the case waits on every time (they reach
    the adviser), the reply says the self-check stays paused, and its answers are untouched; /bot then shows the
    question it waits for."""
    with talking(rt, channel, lang) as (say, sid):
        say("/checkup general")
        asked = say("/ck yes")["data"]["checkup"]
        say(DANGER[lang])
        case = rt.handoffs.active(sid())
        assert case is not None
        for word in STOPS[lang]:
            reached = say(word)
            active = rt.handoffs.active(sid())
            assert reached["route"] == "handoff" and active is not None and active.id == case.id, word
            assert reached["reply"].startswith(t("checkup_still_paused", lang)), word
        transcript = [m.text for m in rt.advisers.case(case.id).transcript if m.role == "user"]
        assert all(word in transcript for word in STOPS[lang])
        back = say("/bot")
        assert back["data"]["checkup"]["question_id"] == asked["question_id"]
        assert back["data"]["checkup"]["answered"] == asked["answered"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_stop_words_while_a_case_waits_over_a_form_keep_both(rt: Runtime, lang: str) -> None:
    """No self-check, a booking paused by a danger case: 退出 / stop reach the adviser; the case and the booking
    stay as they were."""
    with talking(rt, "engine", lang) as (say, sid):
        say("/order legal-consultation")
        say(VALUES[lang][0])
        say(DANGER[lang])
        kept = copy.deepcopy(state(rt, sid())["form"])
        reached = say(STOPS[lang][0])
        assert reached["route"] == "handoff" and rt.handoffs.active(sid()) is not None
        assert not reached["reply"].startswith(t("checkup_still_paused", lang))
        assert state(rt, sid())["form"] == kept and cases(rt) == 1
