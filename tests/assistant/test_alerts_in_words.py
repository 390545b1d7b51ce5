"""Compliance alerts named in words (review19 findings 8 and 15): unsubscribing names one topic (everything only when
none is named), subscribing in words subscribes to the topic named (水晶 for 水晶产业, labor for "Labour and
employment"), a topic that does not exist gets the list of topics in the conversation's language (no API path), and
HTML or script with "alert" in it is no request for the alerts panel. Through the engine and HTTP, zh and en."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from chat_support import fresh_data_dir, open_runtime
from talk_support import talking

from assistant.subscribing import TEXT
from composition import Runtime


@pytest.fixture(scope="module")
def rt(tmp_path_factory: pytest.TempPathFactory, embeddings) -> Iterator[Runtime]:
    var: Path = tmp_path_factory.mktemp("alw") / "var"
    runtime = open_runtime(fresh_data_dir(tmp_path_factory, embeddings, var), embeddings,
                           rate_limit_per_session=0, rate_limit_per_ip=0)
    yield runtime
    runtime.close()


SUBSCRIBE = {"zh": [("订阅水晶产业预警", ["crystal"]), ("我想订阅劳动用工方面的合规提醒", ["labour"]),
                    ("订阅税务和知识产权预警", ["tax", "ip"])],
             "en": [("subscribe to crystal alerts", ["crystal"]), ("subscribe to labor alerts", ["labour"]),
                    ("subscribe to tax and contract alerts", ["tax", "contracts"])]}
DROP_ONE = {"zh": ["取消订阅水晶", "不再推送水晶产业的预警", "退订水晶"],
            "en": ["unsubscribe from crystal", "stop the crystal alerts", "unsubscribe crystal industry"]}
DROP_ALL = {"zh": "取消订阅", "en": "unsubscribe"}


@pytest.mark.parametrize("channel", ["engine", "http"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_subscribing_in_words_subscribes_to_the_topic_named(rt: Runtime, channel: str, lang: str) -> None:
    with talking(rt, channel, lang) as (say, sid):
        say({"zh": "你好", "en": "hello"}[lang])
        wanted: set[str] = set()
        for text, topics in SUBSCRIBE[lang]:
            r = say(text)
            wanted |= set(topics)
            assert set(rt.alerts.of(sid())) == wanted, text
            assert r["data"]["subscriptions"] == rt.alerts.of(sid())
            names = dict(rt.alerts.choices(lang))
            assert all(TEXT[lang]["added"].format(topic=names[tid]) in r["reply"] for tid in topics), text


@pytest.mark.parametrize("channel", ["engine", "http"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_unsubscribing_from_a_topic_named_keeps_the_others(rt: Runtime, channel: str, lang: str) -> None:
    with talking(rt, channel, lang) as (say, sid):
        for text in DROP_ONE[lang]:
            say("/subscribe crystal")
            say("/subscribe labour")
            r = say(text)
            assert rt.alerts.of(sid()) == ["labour"], text
            assert TEXT[lang]["removed"].format(topic=dict(rt.alerts.choices(lang))["crystal"]) in r["reply"], text
            say("/subscribe labour")  # off again for the next round
        say("/subscribe crystal")
        say("/subscribe labour")
        gone = say(DROP_ALL[lang])  # no topic named: everything
        assert rt.alerts.of(sid()) == [] and gone["reply"] == TEXT[lang]["cleared"]
        assert say("/unsubscribe tax")["reply"].startswith(TEXT[lang]["not_had"].format(
            topic=dict(rt.alerts.choices(lang))["tax"]))


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", ["天气", "weather", "劳动法律师"])
def test_an_unknown_topic_gets_the_topics_in_the_conversations_language(rt: Runtime, lang: str, name: str) -> None:
    with talking(rt, "http", lang) as (say, sid):
        say({"zh": "你好", "en": "hello"}[lang])
        r = say(f"/subscribe {name}")
        assert r["lang"] == lang and "/api/" not in r["reply"] and "GET" not in r["reply"]
        topics = [n for _, n in rt.alerts.choices(lang)]
        assert r["reply"].startswith(TEXT[lang]["no_topic"].format(name=name, topics=("、" if lang == "zh" else ", ")
                                                                                      .join(topics)))
        assert rt.alerts.of(sid()) == []
        assert say("/subscribe 劳动")["data"]["subscriptions"] == ["labour"]  # as people say it: a topic


@pytest.mark.parametrize("channel", ["engine", "http"])
@pytest.mark.parametrize("text", ["<script>alert(1)</script>", "<b>alert</b>", "<img src=x onerror=alert(1)>",
                                  "<p>订阅</p>"])
def test_markup_with_alert_is_no_request_for_the_alerts_panel(rt: Runtime, channel: str, text: str) -> None:
    with talking(rt, channel, "zh") as (say, sid):
        say("试用期最长多久？")
        r = say(text)
        assert "subscriptions" not in r["data"] and TEXT["en"]["panel"] not in r["reply"]
        assert TEXT["zh"]["panel"] not in r["reply"]
        if "script" in text or "img" in text:  # code is no word of either language: the conversation's
            assert rt.conversations.get(sid()).lang == "zh"
