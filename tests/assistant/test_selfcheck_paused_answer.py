"""A habitual answer after pausing the self-check (talk20, issue #11 "no dead ends"): 是 / 否 / 不确定 / "yes" / "no"
typed after 退出自测 / "stop" is neither taken as an answer nor sent to the assistant as a message of its own (the
greeting came back): the reply says the self-check is paused, how to go on (/checkup), with the buttons to resume or
quit; /checkup then asks the next question. At a booking's confirm step the same "是" is the booking's. Through the
engine and HTTP on a real runtime (SQLite on disk, the shipped questionnaires)."""

from __future__ import annotations

import pytest
from talk_support import state, talking

from assistant.selfcheck import say as checkup_text
from composition import Runtime

WORDS = {"zh": ["是", "否", "不确定", "是的"], "en": ["yes", "no", "not sure", "Yes."]}


@pytest.mark.parametrize("channel", ["engine", "http"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_answer_word_after_a_pause_says_the_self_check_is_paused_and_how_to_go_on(rt: Runtime, channel: str,
                                                                                     lang: str) -> None:
    with talking(rt, channel, lang) as (say, sid):
        say("/checkup general")
        say(WORDS[lang][0])
        say("退出自测" if lang == "zh" else "stop")
        for word in WORDS[lang]:
            r = say(word)
            current = state(rt, sid())["checkup"]
            assert current.get("paused") and len(current["answers"]) == 1, (word, r["reply"])
            assert r["reply"].startswith(checkup_text("still_paused", lang, done=1, said=word)), r["reply"]
            assert "/checkup" in r["reply"]
            assert [s["message"] for s in r["suggestions"]] == ["/checkup", "/checkup_quit"]
            assert r["data"]["checkup"]["stage"] == "paused"
        resumed = say("/checkup")
        assert resumed["data"]["checkup"]["stage"] == "question" and resumed["data"]["checkup"]["n"] == 2


def test_after_a_pause_a_question_still_reaches_the_assistant_and_a_booking_takes_its_yes(rt: Runtime) -> None:
    """The pause frees the conversation as before: a question is answered; a booking started then takes 是 at its
    consent step as its own, not the self-check's."""
    with talking(rt, "engine", "zh") as (say, sid):
        say("/checkup general")
        say("是")
        say("退出自测")
        asked = say("试用期最长可以约定多久？")
        assert asked["route"] == "answer"
        say("/order contract-review")
        for value in ("浦江晶彩水晶有限公司", "91440300708461136T", "张三", "13800138000", "审查一份采购合同"):
            say(value)
        agreed = say("是")
        form = state(rt, sid())["form"]
        assert form["current"] is None and form["values"]["consent"] is True, agreed["reply"]
        assert state(rt, sid())["checkup"].get("paused")
