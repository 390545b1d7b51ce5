"""The self-check in the conversation engine (no channel): the words and the menu button that start it, one
question at a time, answers as words or buttons, dependent questions skipped, a pause and a resume, the report
with cited findings, the hand-off with the report attached, and "预约法治体检" offering the self-check first."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from chat_support import fresh_data_dir, open_runtime

from assistant.reply import Reply
from composition import Runtime


@pytest.fixture(scope="module")
def rt(tmp_path_factory: pytest.TempPathFactory, embeddings: Any) -> Iterator[Runtime]:
    runtime = open_runtime(fresh_data_dir(tmp_path_factory, embeddings, tmp_path_factory.mktemp("se") / "var"),
                           embeddings)
    yield runtime
    runtime.close()


def say(rt: Runtime, sid: str | None, text: str, lang: str = "zh") -> Reply:
    """As a channel sends it, with the language chosen."""
    return rt.assistant.handle(sid, text, lang, "web")


@pytest.mark.parametrize(("text", "lang"), [("我想做个法治体检自测", "zh"), ("自查", "zh"), ("self-check", "en"),
                                          ("I want a checkup", "en"), ("/checkup", "zh")])
def test_words_start_the_self_check(rt: Runtime, text: str, lang: str) -> None:
    reply = rt.assistant.handle(None, text, None, "web")
    assert reply.lang == lang
    assert reply.data["checkup"]["stage"] == "choose"
    assert reply.suggestions[0].message == "/checkup general"
    assert len(reply.suggestions) == 5


@pytest.mark.parametrize("text", ["企业如何自查劳动用工风险？", "How should we self-check our contracts?"])
def test_a_question_about_self_checking_is_a_question(rt: Runtime, text: str) -> None:
    assert "checkup" not in say(rt, None, text).data


def test_the_menu_has_a_self_check_button(rt: Runtime) -> None:
    reply = say(rt, None, "/menu")
    assert any(s.message == "/checkup" and s.label == "法治体检自测" for s in reply.suggestions)
    assert "法治体检自测" in reply.reply


def test_an_industry_word_starts_its_questionnaire(rt: Runtime) -> None:
    reply = say(rt, None, "水晶企业自测")
    assert reply.data["checkup"]["id"] == "crystal" and reply.data["checkup"]["n"] == 1


def test_booking_the_on_site_check_offers_the_self_check_first(rt: Runtime) -> None:
    reply = say(rt, None, "/order enterprise-legal-health-check")
    assert reply.route == "order" and reply.data["form"]["service"] == "enterprise-legal-health-check"
    assert reply.suggestions[0].message == "/checkup" and "法治体检自测" in reply.reply
    typed = say(rt, None, "预约法治体检")  # still orders the on-site check, offering the self-check first
    assert typed.route == "order" and typed.data["form"]["service"] == "enterprise-legal-health-check"
    assert typed.suggestions[0].message == "/checkup"
    other = say(rt, None, "/order contract-review")
    assert all(s.message != "/checkup" for s in other.suggestions)


def test_a_whole_self_check_with_pause_resume_skips_report_and_handoff(rt: Runtime) -> None:
    first = say(rt, None, "/checkup foreign")
    sid = first.session_id
    assert first.data["checkup"]["question_id"] == "for-is-fie"
    assert [s.message for s in first.suggestions][:3] == ["/ck yes", "/ck no", "/ck unsure"]
    r = say(rt, sid, "否")  # not foreign-invested: the foreign investment questions are skipped
    assert r.data["checkup"]["question_id"] == "for-exports"
    r = say(rt, sid, "一部分")  # neither yes nor no, nor anything else: asked again, nothing recorded
    assert r.data["checkup"]["question_id"] == "for-exports" and "请回答" in r.reply
    r = say(rt, sid, "退出自测")
    assert r.data["checkup"]["stage"] == "paused" and r.suggestions[0].message == "/checkup"
    menu = say(rt, sid, "/menu")  # the conversation goes on meanwhile
    assert menu.route == "menu"
    r = say(rt, sid, "/checkup")
    assert "继续上次" in r.reply and r.data["checkup"]["question_id"] == "for-exports"
    r = say(rt, sid, "/ck yes")  # an exporter: the trade questions follow
    asked = [r.data["checkup"]["question_id"]]
    while "checkup" in r.data:
        r = say(rt, sid, "/ck no")
        if "checkup" in r.data:
            asked.append(r.data["checkup"]["question_id"])
    assert not any(q.startswith("fdi-") for q in asked) and "trd-customs-filing" in asked
    assert "trd-end-user" not in asked  # it follows a "yes" to the export control screening only
    report = r.data["checkup_report"]
    assert r.route == "answer" and report["level"] == "高风险" and report["findings"] >= 5
    assert r.citations and r.citations[0].title.startswith("中华人民共和国")
    assert "依据：《" in r.reply and "评分规则" in r.reply and "不构成法律意见" in r.reply
    assert report["topics"][0] == "涉外"  # the hook for a later "subscribe to alerts"
    assert [s.kind for s in r.suggestions][:3] == ["order", "order", "order"]
    stored = rt.checkups.get_report(report["id"], sid)
    assert stored.body["skipped"][:4] == ["fdi-information-report", "fdi-negative-list",
                                          "fdi-governance-transition", "trd-end-user"]
    handed = say(rt, sid, f"/checkup_handoff {report['id']}")
    assert handed.route == "handoff" and handed.handoff is not None
    assert rt.checkups.get_report(report["id"], sid).case_id == handed.handoff["id"]
    case = rt.handoffs.get(handed.handoff["id"])
    assert case is not None and case.reason == "checkup" and len(case.passages) == report["findings"]
    rt.handoffs.withdraw(handed.handoff["id"])


def test_someone_elses_report_is_not_found(rt: Runtime) -> None:
    mine = say(rt, None, "/checkup padlock")
    sid = mine.session_id
    r = mine
    while "checkup" in r.data:
        r = say(rt, sid, "/ck yes")
    report_id = r.data["checkup_report"]["id"]
    assert r.data["checkup_report"]["level"] == "低风险" and "未发现风险" in r.reply
    other = say(rt, None, "你好").session_id
    for text in (f"/checkup_handoff {report_id}", f"/checkup_report {report_id}", "/checkup_handoff abc"):
        refused = say(rt, other, text)
        assert refused.route == "fallback" and "没有找到" in refused.reply
    assert rt.handoffs.active(other) is None
    again = say(rt, sid, f"/checkup_report {report_id}")
    assert again.data["checkup_report"]["id"] == report_id


def test_english_self_check(rt: Runtime) -> None:
    r = say(rt, None, "/checkup quilting", lang="en")
    assert r.reply.startswith("Starting") and "Question 1" in r.reply
    assert [s.label for s in r.suggestions][:3] == ["Yes", "No", "Unsure"]
    sid = r.session_id
    while "checkup" in r.data:
        r = say(rt, sid, "no", lang="en")
    assert "Overall: high risk" in r.reply and "Basis：《" in r.reply


def test_the_report_offers_alerts_on_its_topics(rt: Runtime) -> None:
    r = say(rt, None, "/checkup crystal")
    sid = r.session_id
    while "checkup" in r.data:
        r = say(rt, sid, "/ck no")
    report_id = r.data["checkup_report"]["id"]
    offer = [s.message for s in r.suggestions if s.message.startswith("/checkup_alerts")]
    assert offer == [f"/checkup_alerts {report_id}"]
    assert rt.alerts.of(sid) == []
    done = say(rt, sid, offer[0])
    subscribed = rt.alerts.of(sid)
    assert "crystal" in subscribed  # the industry, and the areas of the findings
    assert done.data["subscriptions"] == subscribed and "已按自测报告订阅" in done.reply
    other = say(rt, None, "你好").session_id  # someone else's report: nothing subscribed
    refused = say(rt, other, offer[0])
    assert refused.route == "fallback" and rt.alerts.of(other) == []
