"""No dead ends: a waiting hand-off always replies and can be withdrawn; a low-confidence hand-off outside
office hours asks first; an unclear message gets a clarifying choice; a question in the middle of an order
form is answered and the form resumes where it was. Real SQLite, Chroma and the bundled model."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from chat_support import fresh_data_dir, open_runtime

import assistant.answerability as answerability
from assistant.reply import Reply
from assistant.texts import t
from composition import Runtime
from db.models_chat import Handoff
from handoffs import OfficeHours
from handoffs.cases import WITHDRAWN_NOTE
from orders.texts import ot


@pytest.fixture
def rt(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, embeddings) -> Iterator[Runtime]:
    runtime = open_runtime(fresh_data_dir(tmp_path_factory, embeddings, tmp_path / "var"), embeddings)
    yield runtime
    runtime.close()


def ask(rt: Runtime, message: str, sid: str | None = None) -> Reply:
    return rt.assistant.handle(sid, message, lang="zh" if message.startswith("/") else None)


@pytest.mark.parametrize(("leave", "lang"), [("取消人工", "zh"), ("返回机器人", "zh"), ("/bot", "zh"),
                                            ("back to the assistant", "en"), ("算了，不等顾问了，我继续问你", "zh")])
def test_withdrawing_a_handoff_closes_the_case_and_the_assistant_answers_again(rt: Runtime, leave: str,
                                                                             lang: str) -> None:
    sid = ask(rt, "转人工").session_id
    case = rt.handoffs.active(sid)
    assert case is not None
    back = ask(rt, leave, sid)
    assert back.route == "menu" and back.data == {"withdrawn": case.id}
    assert back.reply == t("handoff_withdrawn", back.lang, case=case.id) and back.suggestions
    assert rt.handoffs.active(sid) is None
    with rt.db.session() as s:
        h = s.get(Handoff, case.id)
        assert h is not None and h.status == "closed" and h.note == WITHDRAWN_NOTE and h.closed_at is not None
    answered = ask(rt, "试用期最长可以约定多久？", sid)
    assert answered.route == "answer" and answered.citations


def test_every_handoff_reply_offers_the_way_back(rt: Runtime) -> None:
    opened = ask(rt, "转人工")
    assert [(s.label, s.message) for s in opened.suggestions] == [(t("back_label", "zh"), "/bot")]
    for text in ("还在吗", "合同的事情很急", "hello?"):
        waiting = ask(rt, text, opened.session_id)
        assert waiting.reply and waiting.route == "handoff" and waiting.suggestions[0].message == "/bot"


def test_asking_when_the_adviser_replies_does_not_withdraw(rt: Runtime) -> None:
    sid = ask(rt, "转人工").session_id
    assert ask(rt, "顾问大概什么时候能回我？", sid).route == "handoff"
    assert rt.handoffs.active(sid) is not None


def test_bot_without_a_handoff_says_the_assistant_is_here(rt: Runtime) -> None:
    reply = ask(rt, "/bot")
    assert reply.route == "menu" and reply.reply == t("bot_here", "zh")


def _unsupported(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every question 'close to the knowledge base but not answerable' (the fixture corpus is small)."""
    monkeypatch.setattr(answerability, "MIN_BM25", 1e9)
    monkeypatch.setattr(answerability, "MIN_DENSE", 2.0)
    monkeypatch.setattr(answerability, "LEGAL_BM25", 0.0)


def test_a_low_confidence_handoff_outside_office_hours_asks_first(rt: Runtime, monkeypatch) -> None:
    _unsupported(monkeypatch)
    monkeypatch.setattr(OfficeHours, "is_open", lambda self, now: False)
    first = ask(rt, "船舶优先权如何行使？")
    assert first.route == "handoff" and first.handoff is None and first.data == {"ask_first": True}
    assert rt.handoffs.active(first.session_id) is None  # nothing opened yet
    assert [s.message for s in first.suggestions] == ["/leave_message", "/bot"]
    left = ask(rt, "/leave_message", first.session_id)
    case = rt.handoffs.active(first.session_id)
    assert case is not None and case.reason == "low_confidence" and left.handoff == case.brief()
    assert case.passages, "the adviser gets the passages found for the question"


def test_keep_asking_instead_of_leaving_a_message(rt: Runtime, monkeypatch) -> None:
    _unsupported(monkeypatch)
    monkeypatch.setattr(OfficeHours, "is_open", lambda self, now: False)
    sid = ask(rt, "船舶优先权如何行使？").session_id
    assert ask(rt, "/bot", sid).reply == t("bot_here", "zh")
    assert rt.handoffs.active(sid) is None


def test_in_office_hours_a_low_confidence_question_is_handed_off_at_once(rt: Runtime, monkeypatch) -> None:
    _unsupported(monkeypatch)
    monkeypatch.setattr(OfficeHours, "is_open", lambda self, now: True)
    reply = ask(rt, "船舶优先权如何行使？")
    assert reply.handoff is not None and reply.handoff["reason"] == "low_confidence"


def test_an_unclear_message_gets_a_clarifying_choice(rt: Runtime, monkeypatch) -> None:
    import assistant.router as router_module

    monkeypatch.setattr(router_module, "SURE", 1.01)  # the model is never sure
    _unsupported(monkeypatch)
    reply = ask(rt, "那个事情怎么弄")
    assert reply.route == "fallback" and reply.data == {"clarify": True}
    assert [s.label for s in reply.suggestions] == ["咨询法律问题", "预约服务", "转人工"]
    assert rt.handoffs.active(reply.session_id) is None


def test_a_question_in_the_middle_of_an_order_form_is_answered_and_the_form_resumes(rt: Runtime) -> None:
    sid = ask(rt, "/order contract-review").session_id
    ask(rt, "浦江县晶华水晶有限公司", sid)  # the enterprise's name; the form now asks for the credit code
    aside = ask(rt, "试用期最长可以约定多久？", sid)
    assert aside.route == "answer" and aside.citations
    assert aside.reply.endswith(f"{t('form_resume', 'zh')}\n{ot('ask_credit_code', 'zh')}")
    state = rt.conversations.get(sid).state
    assert state["form"]["current"] == "credit_code" and state["form"]["values"] == {
        "enterprise_name": "浦江县晶华水晶有限公司"}
    after = ask(rt, "91440300708461136T", sid)  # the form goes on where it was
    assert ot("ask_contact_name", "zh") in after.reply


def test_a_wrong_value_that_is_no_question_still_gets_the_field_error(rt: Runtime) -> None:
    sid = ask(rt, "/order contract-review").session_id
    ask(rt, "浦江县晶华水晶有限公司", sid)
    reply = ask(rt, "12345", sid)
    assert reply.route == "order" and ot("ask_credit_code", "zh") in reply.reply
