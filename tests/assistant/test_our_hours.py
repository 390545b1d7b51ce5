"""A question about when we are there (你们周末有人吗 / "what are your office hours?") is answered with the advisers'
hours, in the user's language, and whether one is on duty now, with the button to one; a question about someone
else's hours (员工的工作时间) stays the law's. Real SQLite, Chroma and the bundled model."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from chat_support import fresh_data_dir, open_runtime

from assistant.our_hours import asks_our_hours
from composition import Runtime
from handoffs import OfficeHours

HOURS_ASKED = ["你们下午几点关门？", "顾问周六也上班吗", "人工客服什么时候有人", "贵局的办公时间是？", "律师晚上在吗",
               "服务时间是几点", "What are your opening hours?", "When is an adviser available?",
               "Are you open on Saturdays?", "what time do you close today"]
REAL_IS_OPEN = OfficeHours.is_open  # the suite keeps the office open (conftest); this test asks the real calendar
NOT_OURS = ["员工每天的工作时间不能超过几小时", "我们公司周末上班要付加班费吗", "法定节假日上班工资怎么算",
            "What are the maximum working hours for our staff?", "加班到晚上十点，下班时间怎么约定才合法",
            "你们能帮我看看合同吗"]


@pytest.mark.parametrize("message", HOURS_ASKED)
def test_a_question_about_our_hours_is_read_as_one(message: str) -> None:
    assert asks_our_hours(message)


@pytest.mark.parametrize("message", NOT_OURS)
def test_a_question_about_someone_elses_hours_is_not(message: str) -> None:
    assert not asks_our_hours(message)


def test_the_hours_are_described_in_the_users_language() -> None:
    hours = OfficeHours.parse("Mon-Sat 09:00-12:00", "Asia/Shanghai")
    assert hours.described("zh") == "周一至周六 09:00-12:00"
    assert hours.described("en") == "Mon-Sat 09:00-12:00"


@pytest.fixture
def rt(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, embeddings) -> Iterator[Runtime]:
    runtime = open_runtime(fresh_data_dir(tmp_path_factory, embeddings, tmp_path / "var"), embeddings)
    yield runtime
    runtime.close()


@pytest.mark.parametrize(("message", "lang", "on_duty", "says"), [
    ("你们周末有人值班吗", "zh", False, ["周一至周五 08:30-17:00", "现在是非工作时间", "全天在线"]),
    ("顾问几点上班？", "zh", True, ["周一至周五 08:30-17:00", "现在顾问在线"]),
    ("What are your office hours?", "en", False, ["Mon-Fri 08:30-17:00", "outside office hours", "any hour"]),
    ("When is an adviser available?", "en", True, ["Mon-Fri 08:30-17:00", "on duty now"]),
])
def test_our_hours_are_answered_with_whether_an_adviser_is_on_duty(rt: Runtime, monkeypatch, message: str, lang: str,
                                                                  on_duty: bool, says: list[str]) -> None:
    monkeypatch.setattr(OfficeHours, "is_open", lambda self, now=None: on_duty)
    reply = rt.assistant.handle(None, message, lang=None)
    assert reply.route == "menu" and reply.data == {"our_hours": True, "on_duty": on_duty}, reply.reply
    for words in says:
        assert words in reply.reply, reply.reply
    assert reply.suggestions[0].message == "/human" and "/menu" not in [s.message for s in reply.suggestions[:1]]
    assert rt.handoffs.active(reply.session_id) is None  # asked when, not handed off
    assert rt.conversations.messages(reply.session_id)[-1].text == reply.reply


def test_a_question_about_staff_hours_is_still_answered_from_the_law(rt: Runtime) -> None:
    reply = rt.assistant.handle(None, "员工每天的工作时间不能超过几小时", lang=None)
    assert "our_hours" not in reply.data and reply.route != "menu", reply.reply


def test_the_closed_notice_names_the_next_opening(rt: Runtime, monkeypatch) -> None:
    monkeypatch.setattr(OfficeHours, "is_open", REAL_IS_OPEN)
    sunday_noon = datetime(2026, 3, 8, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai, no holiday that day
    reply = rt.assistant._our_hours("s", "zh", sunday_noon)
    assert "2026-03-09 08:30" in reply.reply and reply.data["on_duty"] is False


@pytest.mark.parametrize(("message", "lang"), [("等一下，你们几点下班？", "zh"),
                                              ("wait, what are your opening hours?", "en")])
def test_our_hours_asked_inside_a_booking_are_answered_and_the_form_goes_on(rt: Runtime, message: str,
                                                                         lang: str) -> None:
    start = rt.assistant.handle(None, "我想预约合同审查" if lang == "zh" else "I'd like to book a contract review",
                                lang=None)
    asked = start.reply.rsplit("\n", 1)[-1]
    reply = rt.assistant.handle(start.session_id, message, lang=None)
    assert reply.data.get("our_hours") and "error" not in reply.data, reply.reply
    assert reply.reply.endswith(asked), reply.reply  # the form's question again, nothing filled
    assert [s.message for s in reply.suggestions] == ["/human"]
    name = rt.assistant.handle(start.session_id, "浙江某某机械有限公司", lang=None)
    assert "浙江某某机械有限公司" in name.reply and "error" not in name.data, name.reply
