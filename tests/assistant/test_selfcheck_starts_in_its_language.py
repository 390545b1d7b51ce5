"""A self-check asked for as a conversation's first message starts in that message's language (talk21, issue #11):
an English request of ordinary length ("start the compliance self-check", "I want to take the legal health
self-check") starts it in English as a short one does; a polite request with a question mark
("我可以做一下法治体检自测吗？", "Could we take the self-check now?") is a request; a Chinese start stays Chinese,
and /lang still wins. A question about self-inspection stays a question. Through the engine and HTTP (TestClient on
api.app), on a real runtime.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from functools import partial
from typing import Any

import pytest
from chat_support import fresh_data_dir, open_runtime
from fastapi.testclient import TestClient

from api.app import create_app
from assistant.selfcheck import say as ck_say
from composition import Runtime


@pytest.fixture(scope="module")
def rt(tmp_path_factory: pytest.TempPathFactory, embeddings: Any) -> Iterator[Runtime]:
    runtime = open_runtime(fresh_data_dir(tmp_path_factory, embeddings, tmp_path_factory.mktemp("ck21") / "var"),
                           embeddings, rate_limit_per_session=0, rate_limit_per_ip=0)
    yield runtime
    runtime.close()


STARTS = {
    "zh": ["我可以做一下法治体检自测吗？", "帮我开始企业法治体检自测吧", "我们公司想做一次合规自测，麻烦开始"],
    "en": ["start the compliance self-check", "I want to take the legal health self-check",
           "Could we take the self-check now?", "let's do a compliance check-up for our company",
           "I'd like to start the legal health self-check for my factory please"],
}


@contextmanager
def chat(rt: Runtime, channel: str = "engine") -> Iterator[Callable[[str], tuple[str, str, dict[str, Any], list[str]]]]:
    """``send(text) -> (reply text, lang, data, suggestions' messages)`` in one conversation, with no language given:
    the engine or HTTP decides it from the message, as the widget without data-lang and Telegram without a hint do."""
    with ExitStack() as stack:
        client = stack.enter_context(TestClient(create_app(runtime=rt))) if channel == "http" else None
        yield partial(_send, rt, client, [])


def _send(rt: Runtime, client: TestClient | None, sid: list[str], text: str) -> tuple[str, str, dict[str, Any],
                                                                                        list[str]]:

    if client is not None:
        body: dict[str, Any] = {"message": text, **({"session_id": sid[0]} if sid else {})}
        r = client.post("/api/v1/chat", json=body)
        assert r.status_code == 200, r.text
        data = r.json()
        sid[:] = [data["session_id"]]
        return data["reply"], data["lang"], data["data"], [s["message"] for s in data["suggestions"]]
    reply = rt.assistant.handle(sid[0] if sid else None, text)
    sid[:] = [reply.session_id]
    return reply.reply, str(reply.lang), reply.data, [s.message for s in reply.suggestions]


@pytest.mark.parametrize("channel", ["engine", "http"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_first_message_asking_for_the_self_check_starts_it_in_its_language(rt: Runtime, channel: str,
                                                                              lang: str) -> None:
    """The questionnaires are offered in the message's language, and the whole self-check goes on in it: the first
    question, an answer typed as words, the next question."""
    assert rt.assistant.selfcheck is not None
    quilting = rt.assistant.selfcheck.desk.find("quilting")
    assert quilting is not None
    title = {"zh": quilting.title, "en": quilting.title_en}
    for text in STARTS[lang]:
        with chat(rt, channel) as send:
            body, said, data, buttons = send(text)
            assert said == lang and data.get("checkup", {}).get("stage") == "choose", (text, body)
            assert body.startswith(ck_say("choose", lang)) and "/checkup general" in buttons
            body, said, data, buttons = send("/checkup quilting")
            assert said == lang and data["checkup"]["stage"] == "question" and data["checkup"]["n"] == 1
            assert body.startswith(ck_say("start", lang, title=title[lang], n=data["checkup"]["total"]))
            body, said, data, _ = send("是" if lang == "zh" else "yes")
            assert said == lang and data["checkup"]["n"] == 2 and data["checkup"]["answered"] == 1, body
            assert ck_say("question", lang, n=2, total=data["checkup"]["total"], area="", text="")[:4] in body


def test_lang_wins_over_the_language_of_the_message_that_starts_it(rt: Runtime) -> None:
    for chosen, text in (("zh", "start the compliance self-check"), ("en", "我想做个法治体检自测")):
        with chat(rt) as send:
            send(f"/lang {chosen}")
            body, said, data, _ = send(text)
            assert said == chosen and data["checkup"]["stage"] == "choose" and body.startswith(ck_say("choose", chosen))


@pytest.mark.parametrize("text", ["企业如何开展合规自查？", "自测一般要做多久？",
                                  "What should a company look at in a compliance self-check?",
                                  "How long does the self-check take?"])
def test_a_question_about_the_self_check_or_self_inspection_starts_nothing(rt: Runtime, text: str) -> None:
    with chat(rt) as send:
        _, _, data, _ = send(text)
    assert "checkup" not in data


def test_the_on_site_check_asked_in_english_is_offered_with_the_self_check_in_english(rt: Runtime) -> None:
    """"I want a legal health check" names the on-site check (as 我想做个法治体检 does): its booking opens in English
    with the self-check offered first, and pressing that offer starts the self-check in English too."""
    with chat(rt) as send:
        body, said, data, buttons = send("I want a legal health check")
        assert said == "en" and data["form"]["service"] == "enterprise-legal-health-check"
        assert body.startswith(ck_say("offer", "en")) and buttons[0] == "/checkup"
        body, said, data, _ = send("/checkup")
        assert said == "en" and data["checkup"]["stage"] == "choose" and body.startswith(ck_say("choose", "en"))
