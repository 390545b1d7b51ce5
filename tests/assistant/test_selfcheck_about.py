"""Questions about the self-check itself (how long, whether it is free, what it covers) are answered from its own
definition, with every questionnaire, its summary and its number of questions, and the /checkup button; they start
no self-check (issue #11, no dead ends: they were out of scope or handed off). 自查 (any self-inspection) and a
medical check-up are not the quiz. Through the engine and HTTP on a real runtime; the phrasings are this file's."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from chat_support import fresh_data_dir, open_runtime
from talk_support import state, talking

from assistant.selfcheck_about import TEXT, asked_about
from composition import Runtime

ASKED = {"zh": [("自测要多长时间？", "time"), ("做一次自测收费吗", "fee"), ("自测都测哪些内容", "scope"),
                ("这个自测有多少题", "time")],
         "en": [("How many minutes does the self-check take?", "time"), ("Do I have to pay for the self-check?", "fee"),
                ("What areas does the self-assessment cover?", "scope"), ("Is the quiz free?", "fee")]}
NOT_ABOUT = {"zh": ["企业怎么自查用工风险", "预约法治体检要多久", "我想做自测"],
             "en": ["How long does a medical check-up take for new staff?", "book the health check",
                    "start the self-check"]}


@pytest.fixture(scope="module")
def rt(tmp_path_factory: pytest.TempPathFactory, embeddings) -> Iterator[Runtime]:
    var: Path = tmp_path_factory.mktemp("about") / "var"
    runtime = open_runtime(fresh_data_dir(tmp_path_factory, embeddings, var), embeddings,
                           rate_limit_per_session=0, rate_limit_per_ip=0)
    yield runtime
    runtime.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_what_is_asked_about_the_self_check_is_read(lang: str) -> None:
    for text, aspect in ASKED[lang]:
        assert asked_about(text, lang == "en") == aspect, text
    for text in NOT_ABOUT[lang]:
        assert asked_about(text, lang == "en") is None, text


@pytest.mark.parametrize("channel", ["engine", "http"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_answer_comes_from_the_self_checks_definition_with_its_button(rt: Runtime, channel: str,
                                                                          lang: str) -> None:
    for text, aspect in ASKED[lang]:
        with talking(rt, channel, lang) as (say, sid):
            r = say(text)
            assert r["route"] == "answer", text
            assert r["reply"].startswith(TEXT[aspect][lang]), text
            for qn in rt.checkups.all():
                assert (qn.summary_en if lang == "en" else qn.summary) in r["reply"], (text, qn.id)
            assert "/checkup" in [s["message"] for s in r["suggestions"]], text
            assert "checkup" not in state(rt, sid()), text  # asked about, not started


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_asked_while_answering_it_the_self_check_pauses_and_says_how_to_go_on(rt: Runtime, lang: str) -> None:
    with talking(rt, "engine", lang) as (say, sid):
        say("/checkup general")
        r = say("这个自测一共要多久？" if lang == "zh" else "How long does this self-check take in total?")
        assert r["reply"].startswith(TEXT["time"][lang])
        assert state(rt, sid())["checkup"].get("paused")
        resumed = say("/checkup")
        assert resumed["data"]["checkup"]["answered"] == 0
