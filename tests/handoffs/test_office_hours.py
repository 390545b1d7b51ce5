"""Office hours (``Mon-Fri 08:30-17:00`` in Asia/Shanghai) and the hand-off text built from them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from composition import Runtime, build_runtime
from config import Settings
from handoffs.cases import CaseInfo
from handoffs.office_hours import OfficeHours

SH = ZoneInfo("Asia/Shanghai")
HOURS = OfficeHours.parse("Mon-Fri 08:30-17:00", "Asia/Shanghai")


def at(day: str, hm: str, tz: tzinfo = SH) -> datetime:
    return datetime.fromisoformat(f"{day}T{hm}:00").replace(tzinfo=tz)


@pytest.mark.parametrize(("when", "open_"), [
    (at("2024-03-06", "10:00"), True),  # Wednesday morning
    (at("2024-03-06", "08:30"), True),  # opening minute
    (at("2024-03-06", "08:29"), False),
    (at("2024-03-06", "16:59"), True),
    (at("2024-03-06", "17:00"), False),  # closing minute
    (at("2024-03-06", "23:00"), False),
    (at("2024-03-08", "19:00"), False),  # Friday evening
    (at("2024-03-09", "10:00"), False),  # Saturday
    (at("2024-03-10", "10:00"), False),  # Sunday
    (at("2024-03-11", "09:00"), True),  # Monday
    (at("2024-03-06", "02:00", UTC), True),  # 10:00 in Shanghai
    (at("2024-03-06", "10:00", UTC), False),  # 18:00 in Shanghai
    (at("2024-03-08", "01:00", timezone(timedelta(hours=-5))), True),  # 06:00 UTC = Friday 14:00 in Shanghai
])
def test_open_or_closed_at_fixed_times(when: datetime, open_: bool) -> None:
    assert HOURS.is_open(when) is open_


@pytest.mark.parametrize(("when", "expected"), [
    (at("2024-03-08", "19:00"), at("2024-03-11", "08:30")),  # Friday evening -> Monday
    (at("2024-03-08", "17:00"), at("2024-03-11", "08:30")),  # Friday at closing time -> Monday
    (at("2024-03-09", "12:00"), at("2024-03-11", "08:30")),  # Saturday -> Monday
    (at("2024-03-10", "23:59"), at("2024-03-11", "08:30")),  # Sunday night -> Monday
    (at("2024-03-11", "07:00"), at("2024-03-11", "08:30")),  # Monday early -> the same morning
    (at("2024-03-06", "18:00"), at("2024-03-07", "08:30")),  # Wednesday evening -> Thursday
    (at("2024-03-08", "11:00", UTC), at("2024-03-11", "08:30")),  # Friday 19:00 in Shanghai, given in UTC
])
def test_next_opening(when: datetime, expected: datetime) -> None:
    got = HOURS.next_opening(when)
    assert got == expected
    assert got.utcoffset() == timedelta(hours=8)


def test_next_opening_on_a_friday_evening_is_monday_0830() -> None:
    got = HOURS.next_opening(at("2024-03-08", "19:30"))
    assert got.strftime("%a %Y-%m-%d %H:%M") == "Mon 2024-03-11 08:30"


def test_other_specs_and_a_bad_spec() -> None:
    weekend = OfficeHours.parse("sat-sun 10:00-12:00", "Asia/Shanghai")
    assert weekend.is_open(at("2024-03-09", "11:00")) and not weekend.is_open(at("2024-03-08", "11:00"))
    assert weekend.next_opening(at("2024-03-08", "19:00")) == at("2024-03-09", "10:00")
    for bad in ("weekdays 9-5", "Mon-Fri", "Mon-Xyz 08:30-17:00", ""):
        with pytest.raises(ValueError, match="Mon-Fri 08:30-17:00"):
            OfficeHours.parse(bad, "Asia/Shanghai")


@pytest.mark.parametrize("name", ["Nowhere/Atlantis", "", "../etc/passwd", "UTC+8"])
def test_an_unknown_time_zone_is_refused_by_settings(name: str, tmp_path) -> None:
    with pytest.raises(ValidationError, match="unknown time zone"):
        Settings(_env_file=None, data_dir=tmp_path, timezone=name)


def test_the_cli_names_an_unknown_time_zone_at_start(tmp_path, monkeypatch, capsys) -> None:
    from cli.main import main

    monkeypatch.setenv("QIFA_TIMEZONE", "Nowhere/Atlantis")
    monkeypatch.setenv("QIFA_DATA_DIR", str(tmp_path))
    assert main(["stats"]) == 2
    assert "unknown time zone 'Nowhere/Atlantis'" in capsys.readouterr().err


@pytest.mark.parametrize(("when", "open_"), [
    (at("2025-10-01", "10:00"), False),  # National Day, a Wednesday: a public holiday
    (at("2025-10-08", "10:00"), False),  # the last day of the 2025 National Day holiday, a Wednesday
    (at("2025-09-28", "10:00"), True),  # Sunday, a make-up working day (调休)
    (at("2025-10-11", "10:00"), True),  # Saturday, a make-up working day
    (at("2025-09-27", "10:00"), False),  # an ordinary Saturday
    (at("2025-10-09", "10:00"), True),  # the first working day after the holiday
])
def test_public_holidays_and_make_up_working_days(when: datetime, open_: bool) -> None:
    assert HOURS.is_open(when) is open_


def test_next_opening_skips_the_national_day_holiday() -> None:
    assert HOURS.next_opening(at("2025-09-30", "18:00")) == at("2025-10-09", "08:30")


def test_office_minutes_do_not_count_a_holiday() -> None:
    # Tuesday 2025-09-30 16:00 -> Thursday 2025-10-09 09:30: one hour before the holiday, one hour after it
    assert HOURS.minutes_open_between(at("2025-09-30", "16:00"), at("2025-10-09", "09:30")) == 120


def test_office_minutes_between_two_instants() -> None:
    start = at("2024-03-08", "16:00")  # Friday, one office hour left
    end = at("2024-03-11", "09:30")  # Monday, one office hour in
    assert HOURS.minutes_open_between(start, end) == pytest.approx(120)
    assert HOURS.minutes_open_between(at("2024-03-09", "09:00"), at("2024-03-10", "18:00")) == 0


# ------------------------------------------------------------------ the hand-off text


def case_for(runtime: Runtime, reason: str = "user_request") -> CaseInfo:
    sess = runtime.conversations.open(None, "web")
    return runtime.handoffs.open(sess.id, reason, "zh", [])


def test_handoff_text_when_open_promises_a_reply_within_the_configured_minutes(runtime: Runtime) -> None:
    case = case_for(runtime)
    zh = runtime.assistant.handoff_text(case, "zh", now=at("2024-03-06", "10:00"))
    assert "服务时间 周一至周五 08:30-17:00，预计 30 分钟内回复。" in zh and "非工作时间" not in zh
    en = runtime.assistant.handoff_text(case, "en", now=at("2024-03-06", "10:00"))
    assert "Office hours are Mon-Fri 08:30-17:00; expect a reply within 30 minutes." in en


def test_handoff_text_when_closed_says_so_and_names_the_next_opening(runtime: Runtime) -> None:
    case = case_for(runtime, "high_risk")
    friday_evening = at("2024-03-08", "19:00")
    zh = runtime.assistant.handoff_text(case, "zh", now=friday_evening)
    assert "现在是非工作时间（服务时间 周一至周五 08:30-17:00），顾问将于 2024-03-11 08:30 起尽快回复。" in zh
    assert zh.startswith("您的问题涉及较高法律风险") and f"工单号 {case.id}" in zh and "请准备" in zh
    assert "预计" not in zh
    en = runtime.assistant.handoff_text(case, "en", now=friday_evening)
    assert "It is outside office hours (Mon-Fri 08:30-17:00); an adviser will reply from 2024-03-11 08:30." in en
    assert "Please have ready" in en


def test_handoff_text_follows_the_configured_hours_and_minutes(settings, embeddings) -> None:
    custom = settings.model_copy(update={"office_hours": "Mon-Sat 09:00-12:00", "handoff_response_minutes": 45})
    rt = build_runtime(custom, shipped=False, embeddings=embeddings)
    try:
        case = case_for(rt)
        saturday = rt.assistant.handoff_text(case, "zh", now=at("2024-03-09", "10:00"))
        assert "服务时间 周一至周六 09:00-12:00，预计 45 分钟内回复。" in saturday
        afternoon = rt.assistant.handoff_text(case, "zh", now=at("2024-03-09", "13:00"))
        assert "顾问将于 2024-03-11 09:00 起" in afternoon
    finally:
        rt.close()
