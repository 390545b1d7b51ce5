"""Sensitive words: refused politely in both languages, kept for review (never in the general log), on messages
and on answers; a staff-editable list (`qifa words`) on top of the shipped one."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from chat_support import ingest_text
from fastapi.testclient import TestClient

from api.app import create_app
from assistant.moderation import ANSWER_WITHHELD, PLACEHOLDER, REFUSAL, SensitiveWords, WordError, shipped_words
from cli.main import main
from composition import Runtime


@pytest.mark.parametrize("message", ["我想找人办假证", "办 假 证多少钱", "办\u200b假证", "出售枪支吗", "你是傻逼吗"])
def test_a_message_with_a_sensitive_word_is_refused_and_kept_for_review(
        runtime: Runtime, message: str, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        reply = runtime.assistant.handle(None, message)
    assert reply.reply == REFUSAL["zh"] and reply.route == "fallback"
    stored = [m.text for m in runtime.conversations.messages(reply.session_id)]
    assert stored[0] == PLACEHOLDER and message not in stored
    assert runtime.assistant.words is not None
    [event] = runtime.assistant.words.review()
    assert (event.kind, event.text, event.session_id) == ("input", message, reply.session_id)
    assert message not in caplog.text and "blocked input" in caplog.text


def test_english_refusal_and_ordinary_legal_questions_pass(runtime: Runtime) -> None:
    assert runtime.assistant.handle(None, "Where can I 办假证?", lang="en").reply == REFUSAL["en"]
    for legal in ("税务机关可以为个体户代开发票吗？", "贩卖毒品罪的量刑标准是什么？", "公司被人骂了可以起诉吗"):
        assert runtime.assistant.handle(None, legal).reply not in (REFUSAL["zh"], REFUSAL["en"])


def test_an_answer_with_a_staff_added_word_is_withheld(runtime: Runtime, tmp_path: Path) -> None:
    ingest_text(runtime, tmp_path / "docs", "货架指引.md", "# 仓储货架安全检查指引\n\n## 一、检查频次\n\n"
                "企业仓储货架应当每月进行一次安全检查，记录交由蓝鲸代理保存。\n")
    question = "仓储货架多久进行一次安全检查？"
    assert "蓝鲸代理" in runtime.assistant.handle(None, question).reply
    words = runtime.assistant.words
    assert words is not None
    words.add("蓝鲸代理")
    reply = runtime.assistant.handle(None, question)
    assert reply.reply == ANSWER_WITHHELD["zh"] and "蓝鲸代理" not in reply.reply
    events = words.review()
    assert events[-1].kind == "answer" and "蓝鲸代理" in events[-1].text
    words.remove("蓝鲸代理")
    assert "蓝鲸代理" in runtime.assistant.handle(None, question).reply


def test_the_list_refuses_bad_edits(runtime: Runtime) -> None:
    words = SensitiveWords(runtime.db)
    words.add(" 黑产接单 ")
    assert words.staff_words() == ["黑产接单"]
    for bad, why in (("黑产接单", "already"), ("  ", "empty"), ("x" * 101, "longer")):
        with pytest.raises(WordError, match=why):
            words.add(bad)
    with pytest.raises(WordError, match="shipped"):
        words.remove(shipped_words()[0])
    with pytest.raises(WordError, match="not on the staff list"):
        words.remove("从未添加")


def test_qifa_words_cli(runtime: Runtime, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("QIFA_DATA_DIR", str(runtime.settings.data_dir))
    assert main(["words", "add", "黑产接单"]) == 0
    assert main(["words", "add", "黑产接单"]) == 2
    assert main(["words", "list", "--json"]) == 0
    out = capsys.readouterr()
    assert json.loads(out.out.splitlines()[-1]) == [{"word": "黑产接单", "source": "staff"}]
    assert "already" in out.err
    assert main(["words", "list", "--shipped"]) == 0
    assert "办假证\tshipped" in capsys.readouterr().out
    assert main(["words", "remove", "黑产接单"]) == 0
    assert main(["words", "remove", "黑产接单"]) == 2


def test_through_the_api_and_delete_my_conversation_removes_the_review_entry(runtime: Runtime) -> None:
    with TestClient(create_app(runtime=runtime)) as client:
        r = client.post("/api/v1/chat", json={"message": "出售枪支"})
        assert r.status_code == 200 and r.json()["reply"] == REFUSAL["zh"]
        sid = r.json()["session_id"]
        assert client.get(f"/api/v1/sessions/{sid}/messages").json()[0]["text"] == PLACEHOLDER
        assert runtime.assistant.words is not None and len(runtime.assistant.words.review()) == 1
        assert client.delete(f"/api/v1/sessions/{sid}").status_code == 200
        assert runtime.assistant.words.review() == []
