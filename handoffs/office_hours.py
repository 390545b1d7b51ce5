"""Office hours such as ``Mon-Fri 08:30-17:00`` in the bureau's time zone, on China's working days.

Which days are working days follows the State Council's calendar as kept by the maintained
``chinesecalendar`` package: public holidays (e.g. National Day, 2025-10-01) are closed and the make-up
working days (调休, e.g. Sunday 2025-09-28) are open. On days the package names no holiday or make-up day
(and in years it does not cover yet) the weekday range of the spec decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

import chinese_calendar

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_ZH_DAYS = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]
_SPEC = re.compile(r"^\s*(\w{3})\s*-\s*(\w{3})\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


@dataclass
class OfficeHours:
    first_day: int
    last_day: int
    opens: time
    closes: time
    tz: tzinfo
    spec: str

    @classmethod
    def parse(cls, spec: str, tz_name: str) -> OfficeHours:
        m = _SPEC.match(spec)
        if not m or m.group(1).lower() not in DAYS or m.group(2).lower() not in DAYS:
            raise ValueError(f"office hours '{spec}' should look like 'Mon-Fri 08:30-17:00'")
        tz: tzinfo = ZoneInfo(tz_name)  # Settings has checked the name
        return cls(DAYS.index(m.group(1).lower()), DAYS.index(m.group(2).lower()),
                   time(int(m.group(3)), int(m.group(4))), time(int(m.group(5)), int(m.group(6))), tz, spec)

    def described(self, lang: str) -> str:
        """The hours as a user reads them: 周一至周五 08:30-17:00 in Chinese, the spec itself in English."""
        if lang != "zh":
            return self.spec
        days = _ZH_DAYS[self.first_day] if self.first_day == self.last_day else \
            f"{_ZH_DAYS[self.first_day]}至{_ZH_DAYS[self.last_day]}"
        return f"{days} {self.opens:%H:%M}-{self.closes:%H:%M}"

    def workday(self, day: date) -> bool:
        """A public holiday is closed and a make-up working day (调休) open; other days follow the spec."""
        try:
            holiday, name = chinese_calendar.get_holiday_detail(day)
        except NotImplementedError:  # a year the package has no calendar for
            name = None
        if name is not None:
            return not holiday
        return self.first_day <= day.weekday() <= self.last_day

    def is_open(self, now: datetime | None = None) -> bool:
        local = (now or datetime.now(UTC)).astimezone(self.tz)
        return self.workday(local.date()) and self.opens <= local.time() < self.closes

    def next_opening(self, now: datetime | None = None) -> datetime:
        local = (now or datetime.now(UTC)).astimezone(self.tz)
        for add in range(32):  # the longest holiday with its weekends is well under a month
            day = local + timedelta(days=add)
            start = day.replace(hour=self.opens.hour, minute=self.opens.minute, second=0, microsecond=0)
            if self.workday(day.date()) and start > local:
                return start
        return local

    def minutes_open_between(self, start: datetime, end: datetime) -> float:
        """Office minutes that passed between two instants (for 'waiting past the promised time')."""
        total = 0.0
        cur = start.astimezone(self.tz)
        end_l = end.astimezone(self.tz)
        while cur < end_l:
            day_open = cur.replace(hour=self.opens.hour, minute=self.opens.minute, second=0, microsecond=0)
            day_close = cur.replace(hour=self.closes.hour, minute=self.closes.minute, second=0, microsecond=0)
            if self.workday(cur.date()):
                lo, hi = max(cur, day_open), min(end_l, day_close)
                if hi > lo:
                    total += (hi - lo).total_seconds() / 60
            cur = (cur + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        return total
