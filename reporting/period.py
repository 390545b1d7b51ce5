"""A reporting period: whole days ``from``..``to`` (inclusive) in the bureau's time zone, as UTC bounds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MAX_DAYS = 366
DEFAULT_DAYS = 30


class PeriodError(ValueError):
    """A period that cannot be reported on; ``field`` names the parameter, the message is bilingual."""

    code = "invalid_period"

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive
    tz: ZoneInfo

    @classmethod
    def parse(cls, start: str, end: str, timezone: str, today: date | None = None) -> Period:
        tz = ZoneInfo(timezone)
        today = today or datetime.now(tz).date()
        last = _day("to", end) if end else today
        first = _day("from", start) if start else last - timedelta(days=DEFAULT_DAYS - 1)
        if first > last:
            raise PeriodError("from", "from is after to / 开始日期晚于结束日期")
        if (last - first).days + 1 > MAX_DAYS:
            raise PeriodError("to", f"the period is longer than {MAX_DAYS} days / 统计区间不能超过 {MAX_DAYS} 天")
        return cls(first, last, tz)

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]

    def bounds(self) -> tuple[datetime, datetime]:
        """Naive UTC datetimes (the way times are stored) of the period's first and one-past-last instant."""
        lo = datetime.combine(self.start, time(), self.tz).astimezone(UTC).replace(tzinfo=None)
        hi = datetime.combine(self.end + timedelta(days=1), time(), self.tz).astimezone(UTC).replace(tzinfo=None)
        return lo, hi

    def local(self, stored: datetime) -> datetime:
        return stored.replace(tzinfo=UTC).astimezone(self.tz)

    def day_of(self, stored: datetime) -> str:
        return self.local(stored).date().isoformat()


def _day(field: str, value: str) -> date:
    try:
        if len(value) != 10:
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise PeriodError(field, f"{field} must be a date YYYY-MM-DD, not '{value[:20]}' / "
                                 "日期应为 YYYY-MM-DD 格式") from None
