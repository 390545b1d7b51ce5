"""A user's ordinary turns get an answer that fits (review19 findings 2, 5, 7, 12, 16, 18; issue #11, no dead ends):
danger words get a reply that says to call 110 first and a case marked as danger, first in the advisers' queue; a
detail of the last service asked alone ("多久能办好") is answered from it; /lang in the middle of a booking or a
self-check switches them too; thanks, bye, ok, a bare "no" and emoji get a short reply (never a complaint, never the
whole greeting); an unknown command is named; 取消 / cancel with nothing but a waiting case withdraws it in both
languages alike. Through the engine and HTTP (TestClient on api.app)."""

from __future__ import annotations

import pytest
from talk_support import state, talking

from assistant.smalltalk import small_talk
from assistant.texts import t
from bot.delivery import case_post
from composition import Runtime
from orders.texts import ot

DANGER = {"zh": ["有人拿刀堵在公司门口说要杀了我", "仓库保管员刚在群里说不想活了，现在人在楼顶"],
          "en": ["A man with a knife is threatening to kill our manager at the gate",
                 "Our foreman has just threatened to stab the site manager tonight"]}


@pytest.mark.parametrize("channel", ["engine", "http"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_danger_says_call_110_first_and_the_case_is_marked_danger(rt: Runtime, channel: str, lang: str) -> None:
    """The first reply puts 110 / 120 before anything else; every reply while the case waits repeats it; the case's
    reason is danger (a large sum stays high_risk) and the advisers' queue and the Telegram post put it first."""
    with talking(rt, channel, lang) as (say, sid):
        say("你好" if lang == "zh" else "hello")
        for message in DANGER[lang]:
            first = say(message)
            case = rt.handoffs.active(sid())
            assert case is not None and case.reason == "danger" and first["route"] == "handoff", message
            assert first["reply"].startswith(t("why_danger", lang)) and "110" in first["reply"]
            waiting = say("他还在门口" if lang == "zh" else "he is still at the gate")
            assert waiting["reply"].startswith(t("danger_wait", lang)) and rt.handoffs.active(sid()) is not None
            say("/bot")
    large = rt.assistant.handle(None, "对方欠我们300万货款一直不还，怎么办？")
    large_case = rt.handoffs.active(large.session_id)
    assert large_case is not None and large_case.reason == "high_risk"
    assert "110" not in large.reply


def test_the_advisers_queue_and_post_put_a_danger_case_first(rt: Runtime) -> None:
    older = rt.assistant.handle(None, "对方欠我们300万货款一直不还，怎么办？")
    newer = rt.assistant.handle(None, DANGER["zh"][0])
    queue = [item.case for item in rt.advisers.queue("open")]
    assert [c.session_id for c in queue] == [newer.session_id, older.session_id]
    assert [c.reason for c in queue] == ["danger", "high_risk"]
    assert "URGENT" in case_post(queue[0], []) and "URGENT" not in case_post(queue[1], [])


@pytest.mark.parametrize(("lang", "card", "follow"), [
    ("zh", "合同审查服务需要什么材料", ["多久能办好", "大概多少钱？", "需要准备哪些材料"]),
    ("en", "What does the contract review service need?", ["how long will it take", "what is the fee?"]),
])
def test_a_detail_of_the_last_service_asked_alone_is_answered_from_it(rt: Runtime, lang: str, card: str,
                                                                       follow: list[str]) -> None:
    """After a service card, a short question naming only its time, fee or materials (no 那 in front) gets the
    service's details, not an adviser or "out of scope"; a question with a subject of its own is a question."""
    with talking(rt, "http", lang) as (say, sid):
        shown = say(card)
        service = shown["data"].get("services", [None])[0] or state(rt, sid()).get("last_service")
        assert service, shown["reply"]
        for text in follow:
            got = say(text)
            assert got["route"] == "answer" and got["data"].get("services") == [service], (text, got["reply"][:80])
            assert rt.handoffs.active(sid()) is None
        own = say("试用期最长可以约定多久" if lang == "zh" else "How long can a probation period be?")
        assert own["data"].get("services") != [service]


@pytest.mark.parametrize("channel", ["engine", "http"])
def test_lang_in_the_middle_of_a_booking_switches_the_booking(rt: Runtime, channel: str) -> None:
    """/lang zh after an English booking's first field: the reply says so and asks the next field in Chinese; the
    errors are Chinese too; /lang en switches it back."""
    with talking(rt, channel, "en") as (say, sid):
        say("/order legal-consultation")
        say("Acme Co., Ltd.")
        switched = say("/lang zh")
        assert switched["reply"].startswith(t("lang_set", "zh")) and ot("ask_credit_code", "zh") in switched["reply"]
        assert state(rt, sid())["form"]["lang"] == "zh"
        wrong = say("12")
        assert ot("ask_credit_code", "zh") in wrong["reply"]
        back = say("/lang en")
        assert back["reply"].startswith(t("lang_set", "en")) and ot("ask_credit_code", "en") in back["reply"]


def test_lang_in_the_middle_of_a_self_check_switches_it(rt: Runtime) -> None:
    with talking(rt, "engine", "zh") as (say, sid):
        say("/checkup general")
        asked = say("是")["data"]["checkup"]
        switched = say("/lang en")
        shown = switched["data"]["checkup"]
        assert switched["reply"].startswith(t("lang_set", "en")) and shown["question_id"] == asked["question_id"]
        assert state(rt, sid())["checkup"]["lang"] == "en"
        nxt = say("yes")
        assert nxt["data"]["checkup"]["answered"] == asked["answered"] + 1
        assert "Question" in nxt["reply"] or "question" in nxt["reply"]


def test_lang_while_a_case_waits_switches_quietly(rt: Runtime) -> None:
    """The conversation is the case's: /lang says it switched and does not ask the booking's question."""
    with talking(rt, "engine", "en") as (say, sid):
        say("/order legal-consultation")
        say(DANGER["en"][1])
        switched = say("/lang zh")
        assert switched["reply"] == t("lang_set", "zh") and rt.handoffs.active(sid()) is not None
        assert state(rt, sid())["form"]["lang"] == "zh"


SMALL = {  # every phrasing a class of small talk: each gets its short reply, in the message's language
    "small_thanks": ["谢谢", "谢谢您！", "多谢", "辛苦了", "thanks", "Thank you so much!", "thx"],
    "small_bye": ["再见", "拜拜~", "bye", "Goodbye!", "see you"],
    "small_ack": ["好的", "嗯嗯", "收到", "明白了", "ok", "Okay.", "got it", "👍"],
    "small_no": ["否", "不是", "没有", "no", "nope"],
    "small_nothing": ["？？？", "😀😀", "...", "🙏🙏🙏"],
}


def test_small_talk_is_read_by_class() -> None:
    for key, phrasings in SMALL.items():
        assert [small_talk(p) for p in phrasings] == [key] * len(phrasings), key
    for text in ("谢谢，那试用期最长多久？", "不是说好三十天吗", "no contract was signed, what now?", "好的律师在哪里",
                 "QF-20261203-0001", "13800138000"):
        assert small_talk(text) is None, text


@pytest.mark.parametrize("channel", ["engine", "http"])
def test_small_talk_gets_a_short_reply_and_never_counts_as_a_complaint(rt: Runtime, channel: str) -> None:
    """After an answer, thanks / ok / 否 / 不是 / no, one after the other: short replies with the menu's buttons,
    no greeting, no case (two complaints in a row would open one)."""
    with talking(rt, channel, "zh") as (say, sid):
        say("劳动合同试用期最长可以约定多久？")
        # each in its own language; emoji have none and keep the conversation's (English after "nope")
        for text, lang in (("否", "zh"), ("不是", "zh"), ("谢谢", "zh"), ("😀", "zh"), ("好的", "zh"), ("no", "en"),
                           ("nope", "en"), ("😀", "en"), ("bye", "en")):
            got = say(text)
            assert got["route"] == "menu" and got["suggestions"], text
            assert got["reply"] == t(small_talk(text) or "", lang), text
            assert rt.handoffs.active(sid()) is None, text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_unknown_command_is_named(rt: Runtime, lang: str) -> None:
    with talking(rt, "http", lang) as (say, _sid):
        say("你好" if lang == "zh" else "hello")
        got = say("/foo bar")
        assert got["reply"] == t("unknown_command", lang, command="/foo") and got["suggestions"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_bare_cancel_with_only_a_case_waiting_withdraws_it_in_both_languages(rt: Runtime, lang: str) -> None:
    """取消 and cancel alike: with no booking kept, the only thing they can name is the request for an adviser."""
    with talking(rt, "engine", lang) as (say, sid):
        say("转人工" if lang == "zh" else "talk to a human")
        case = rt.handoffs.active(sid())
        assert case is not None
        back = say("取消" if lang == "zh" else "cancel")
        assert rt.handoffs.active(sid()) is None and back["data"]["withdrawn"] == case.id
        assert back["reply"] == t("handoff_withdrawn", lang, case=case.id)
