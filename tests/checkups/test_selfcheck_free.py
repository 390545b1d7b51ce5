"""The self-check holds the conversation only while the user answers it (issue #11, no dead ends; review19 findings
1, 10, 13): natural answers are read (有的，签了 / 没签 / 不太清楚 / yep / not sure); after a pause messages go to the
assistant until the user goes on (继续自测 / /checkup / resume the self-check); a message that is clearly not an answer
pauses it and the reply says how to go on; 放弃自测 / quit the self-check gives it up for good; "把报告发给顾问" sends
the report with the case like its button, whose reply says the report went with it. Through the engine and HTTP,
Chinese and English."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from chat_support import fresh_data_dir, open_runtime
from talk_support import state, talking

from assistant.checkup_answers import read_answer
from assistant.selfcheck import TEXT as CK
from assistant.texts import t
from composition import Runtime

FIRST_YES = {"zh": "是", "en": "yes"}
NOT_ANSWERS = {"zh": ["劳动合同试用期最长可以约定多久？", "我的订单", "我想预约合同审查", "帮我查一下订单进度",
                      "我们有个员工上个月离职了现在要求补发加班费"],
               "en": ["How long can a probation period be?", "my orders", "I'd like to book a contract review",
                      "can you tell me what a labour contract must contain"]}
PAUSES = {"zh": ["退出自测", "暂停", "/ck stop", "算了"], "en": ["pause", "stop", "/ck stop", "later"]}
RESUMES = {"zh": ["继续自测", "/checkup", "继续", "接着做"], "en": ["resume the self-check", "/checkup", "continue",
                                                                "go on"]}
QUITS = {"zh": ["放弃自测", "不做了，放弃自测", "不想测了", "/checkup_quit"],
         "en": ["quit the self-check", "I give up", "abandon the checkup", "/checkup_quit"]}
SEND = {"zh": ["我想把报告发给顾问", "把自测报告交给律师看看", "请把报告转给人工顾问"],
        "en": ["send the report to an adviser", "please share my report with a lawyer",
               "forward the report to a human"]}


@pytest.fixture(scope="module")
def rt(tmp_path_factory: pytest.TempPathFactory, embeddings) -> Iterator[Runtime]:
    var: Path = tmp_path_factory.mktemp("free") / "var"
    runtime = open_runtime(fresh_data_dir(tmp_path_factory, embeddings, var), embeddings,
                           rate_limit_per_session=0, rate_limit_per_ip=0)
    yield runtime
    runtime.close()


@pytest.mark.parametrize(("text", "word"), [
    ("有的，签了", "yes"), ("签了", "yes"), ("都办了", "yes"), ("是的，我们一直这样做", "yes"), ("嗯，有的", "yes"),
    ("没", "no"), ("没签", "no"), ("还没有呢", "no"), ("都没有", "no"), ("未办理", "no"), ("不是的", "no"),
    ("不太清楚", "unsure"), ("不知道", "unsure"), ("说不准", "unsure"), ("可能没有吧", "unsure"), ("忘了", "unsure"),
    ("yep", "yes"), ("Yes, we have", "yes"), ("I think so", "yes"), ("of course", "yes"), ("we do", "yes"),
    ("nope", "no"), ("No, not yet", "no"), ("I don't think so", "no"), ("never", "no"), ("not really", "no"),
    ("not sure", "unsure"), ("no idea", "unsure"), ("maybe", "unsure"), ("I don't know", "unsure"),
    ("有的签了有的没签", None), ("一部分", None), ("是的，没签", None), ("yes and no", None), ("some of them", None),
    ("是否一定要签？", None), ("有没有规定", None), ("how long", None)])
def test_natural_answers_are_read_as_yes_no_or_unsure(text: str, word: str | None) -> None:
    assert read_answer(text) == word


@pytest.mark.parametrize("channel", ["engine", "http"])
@pytest.mark.parametrize(("lang", "answers"), [
    ("zh", [("有的，签了", "yes"), ("没签", "no"), ("不太清楚", "unsure"), ("都没有", "no")]),
    ("en", [("yep", "yes"), ("nope", "no"), ("I'm not sure", "unsure"), ("I think so", "yes")])])
def test_natural_answers_move_the_self_check_on(rt: Runtime, channel: str, lang: str,
                                                 answers: list[tuple[str, str]]) -> None:
    with talking(rt, channel, lang) as (say, sid):
        say("/checkup general")
        say(FIRST_YES[lang])
        for n, (text, word) in enumerate(answers, start=2):
            r = say(text)
            assert r["data"]["checkup"]["answered"] == n, text
            assert list(state(rt, sid())["checkup"]["answers"].values())[-1] == word, text


@pytest.mark.parametrize("channel", ["engine", "http"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_after_a_pause_messages_go_to_the_assistant_until_the_user_goes_on(rt: Runtime, channel: str,
                                                                          lang: str) -> None:
    """Each way of pausing frees the conversation (a legal question is answered, orders are listed); each way of
    going on asks the same question with the answers kept."""
    with talking(rt, channel, lang) as (say, _sid):
        first = say("/checkup general")
        asked = say(FIRST_YES[lang])["data"]["checkup"]
        for pause, resume in zip(PAUSES[lang], RESUMES[lang], strict=True):
            paused = say(pause)
            assert paused["data"]["checkup"]["stage"] == "paused", pause
            assert [s["message"] for s in paused["suggestions"]] == ["/checkup", "/checkup_quit"]
            free = say(NOT_ANSWERS[lang][0])
            assert free["route"] == "answer" and CK["again"][lang] not in free["reply"], pause
            mine = say(NOT_ANSWERS[lang][1])
            assert mine["route"] == "order" and CK["again"][lang] not in mine["reply"], pause
            back = say(resume)
            assert back["data"]["checkup"]["question_id"] == asked["question_id"], resume
            assert back["data"]["checkup"]["answered"] == 1 and "checkup" in first["data"]


@pytest.mark.parametrize("channel", ["engine", "http"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_message_that_is_not_an_answer_pauses_the_self_check_and_says_how_to_go_on(rt: Runtime, channel: str,
                                                                                   lang: str) -> None:
    with talking(rt, channel, lang) as (say, sid):
        say("/checkup general")
        asked = say(FIRST_YES[lang])["data"]["checkup"]
        for text in NOT_ANSWERS[lang]:
            r = say(text)
            assert CK["again"][lang] not in r["reply"], text
            assert r["reply"].rstrip().endswith(CK["paused_note"][lang].format(done=1)), text
            assert "/checkup" in [s["message"] for s in r["suggestions"]], text
            assert state(rt, sid())["checkup"]["paused"] is True
            if "form" in state(rt, sid()):
                say("/cancel")
            back = say(RESUMES[lang][0])
            assert back["data"]["checkup"]["question_id"] == asked["question_id"], text
        short = say({"zh": "一部分", "en": "some of them"}[lang])  # neither an answer nor anything else: asked again
        assert short["reply"].startswith(CK["again"][lang]) and not state(rt, sid())["checkup"].get("paused")


@pytest.mark.parametrize("channel", ["engine", "http"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_self_check_can_be_given_up_for_good(rt: Runtime, channel: str, lang: str) -> None:
    with talking(rt, channel, lang) as (say, sid):
        for n, quit_ in enumerate(QUITS[lang]):
            say("/checkup crystal")
            say(FIRST_YES[lang])
            if n % 2:  # from a pause, too
                say(PAUSES[lang][0])
            gone = say(quit_)
            assert gone["data"]["checkup"]["stage"] == "quit", quit_
            assert gone["reply"] == CK["quit"][lang].format(done=1) and "checkup" not in state(rt, sid()), quit_
        again = say(QUITS[lang][0])
        assert again["reply"] == CK["nothing"][lang]
        assert "checkup" not in say(NOT_ANSWERS[lang][0])["data"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_case_over_the_self_check_still_brings_it_back_and_quitting_keeps_the_case(rt: Runtime, lang: str) -> None:
    with talking(rt, "engine", lang) as (say, sid):
        say("/checkup general")
        asked = say(FIRST_YES[lang])["data"]["checkup"]
        handed = say({"zh": "转人工", "en": "talk to a human"}[lang])
        assert handed["reply"].endswith(t("checkup_kept", lang))
        back = say("/bot")
        assert back["data"]["checkup"]["question_id"] == asked["question_id"]
        say({"zh": "转人工", "en": "talk to a human"}[lang])
        case = rt.handoffs.active(sid())
        gone = say(QUITS[lang][0])
        assert gone["route"] == "handoff" and gone["reply"].startswith(CK["quit"][lang].format(done=1))
        assert "checkup" not in state(rt, sid()) and case is not None and rt.handoffs.active(sid()) is not None
        rt.handoffs.withdraw(case.id)


@pytest.mark.parametrize("channel", ["engine", "http"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_report_goes_to_an_adviser_in_words_as_with_its_button(rt: Runtime, channel: str, lang: str) -> None:
    with talking(rt, channel, lang) as (say, sid):
        say(SEND[lang][0])  # no report yet: whatever the assistant makes of it, no report goes anywhere
        case = rt.handoffs.active(sid())
        assert case is None or case.reason != "checkup"
        say("/bot")
        r = say("/checkup crystal")
        while "checkup" in r["data"]:
            r = say({"zh": "否", "en": "no"}[lang])
        report = r["data"]["checkup_report"]
        for text in [*SEND[lang], f"/checkup_handoff {report['id']}"]:
            sent = say(text)
            case = rt.handoffs.active(sid())
            assert case is not None and case.reason == "checkup" and len(case.passages) == report["findings"], text
            assert sent["reply"].startswith(t("why_checkup", lang)), text
            assert rt.checkups.get_report(report["id"], sid()).case_id == case.id
            say("/bot")
