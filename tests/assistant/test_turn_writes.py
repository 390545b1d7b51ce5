"""The writes of a new conversation's first turn: answered from the knowledge base, the session, the user's message and
the reply go in one transaction at the end of the turn; a turn that opens a case stores the session and the message
before the case, as every turn did; a turn that fails keeps them. Read back through a connection of its own (sqlite3),
which holds nothing back."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from conftest import LABOUR_2012, LABOUR_TITLE, Docs
from sqlalchemy import event

from composition import Runtime
from ingest.pipeline import ingest


def _stored(rt: Runtime) -> list[tuple[Any, ...]]:
    """(session, channel, lang, state, role, text) of every message, straight from the file."""
    with sqlite3.connect(str(rt.db.engine.url.database)) as conn:
        return conn.execute("SELECT s.id, s.channel, s.lang, s.state, m.role, m.text FROM chat_messages m "
                            "JOIN chat_sessions s ON s.id = m.session_id ORDER BY m.id").fetchall()


@contextmanager
def _transactions(rt: Runtime) -> Iterator[list[list[str]]]:
    """The statements of each committed transaction (first words: INSERT INTO chat_sessions …)."""
    done: list[list[str]] = [[]]

    def statement(conn: Any, cursor: Any, sql: str, *rest: Any) -> None:
        done[-1].append(" ".join(sql.split()[:3]))

    def commit(conn: Any) -> None:
        done.append([])

    event.listen(rt.db.engine, "before_cursor_execute", statement)
    event.listen(rt.db.engine, "commit", commit)
    try:
        yield done
    finally:
        event.remove(rt.db.engine, "before_cursor_execute", statement)
        event.remove(rt.db.engine, "commit", commit)


@pytest.mark.parametrize("question", ["劳动合同的试用期最长可以约定多久？",
                                      "How long can the probation period of a labour contract be?"])
def test_a_new_conversation_answered_from_the_knowledge_base_writes_once(runtime: Runtime, docs: Docs,
                                                                         question: str) -> None:
    ingest(runtime.kb, [docs.statute("劳动合同法(2012-12-28).md", LABOUR_TITLE, LABOUR_2012)], 20_000_000)
    runtime.assistant.handle(None, "试用期")  # warm: the snapshot and the version poll
    with _transactions(runtime) as done:
        reply = runtime.assistant.handle(None, question)
    assert reply.route == "answer" and reply.citations
    writes = [t for t in done if any(s.startswith(("INSERT", "UPDATE", "DELETE")) for s in t)]
    assert writes == [["INSERT INTO chat_sessions", "INSERT INTO chat_messages", "INSERT INTO chat_messages"]]
    rows = [r for r in _stored(runtime) if r[0] == reply.session_id]
    assert [(r[4], r[5]) for r in rows] == [("user", question), ("bot", reply.reply)]
    assert rows[0][2] == reply.lang and json.loads(rows[0][3])["notice_given"] is True  # the state the turn ended with
    again = runtime.assistant.handle(reply.session_id, question)  # the next turn finds the session as it was left
    assert again.session_id == reply.session_id and again.notice is None
    assert [r[4] for r in _stored(runtime) if r[0] == reply.session_id] == ["user", "bot", "user", "bot"]


@pytest.mark.parametrize("message", ["转人工", "I want to talk to a human"])
def test_a_case_opened_by_the_first_message_finds_the_session_and_the_message(runtime: Runtime,
                                                                              message: str) -> None:
    seen: list[list[tuple[Any, ...]]] = []

    def statement(conn: Any, cursor: Any, sql: str, *rest: Any) -> None:
        if sql.startswith("INSERT INTO handoffs"):
            seen.append(_stored(runtime))  # what another connection reads as the case is written

    event.listen(runtime.db.engine, "before_cursor_execute", statement)
    try:
        reply = runtime.assistant.handle(None, message, channel="web")
    finally:
        event.remove(runtime.db.engine, "before_cursor_execute", statement)
    assert reply.route == "handoff" and reply.handoff is not None
    assert [[(r[0], r[1], r[4], r[5]) for r in rows] for rows in seen] == [[(reply.session_id, "web", "user", message)]]
    assert [r[4] for r in _stored(runtime) if r[0] == reply.session_id] == ["user", "bot"]


def test_a_turn_that_fails_keeps_the_session_and_the_message(runtime: Runtime) -> None:
    router = runtime.assistant.router
    classify = router.classify

    def broken(text: str) -> Any:
        raise RuntimeError("the intent model failed")

    router.classify = broken  # type: ignore[method-assign]
    with pytest.raises(RuntimeError):
        runtime.assistant.handle(None, "公司可以随便扣工资吗？", channel="telegram", external_id="7")
    assert [(r[1], r[4], r[5]) for r in _stored(runtime)] == [("telegram", "user", "公司可以随便扣工资吗？")]
    router.classify = classify  # type: ignore[method-assign]
    reply = runtime.assistant.handle(None, "Can the company deduct wages at will?", channel="telegram",
                                     external_id="7")  # the same chat: its session, nothing stored twice
    assert {r[0] for r in _stored(runtime)} == {reply.session_id}
    assert [r[4] for r in _stored(runtime)] == ["user", "user", "bot"]
