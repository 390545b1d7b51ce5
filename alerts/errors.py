"""The alerts' errors: plain exceptions with a code and the field they name (api/errors.py maps them)."""

from __future__ import annotations


class AlertError(ValueError):
    """Bad input to subscriptions or notices; the message is in Chinese and English."""

    code = "invalid_request"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class UnknownTopic(AlertError):
    code = "unknown_topic"

    def __init__(self, field: str, names: list[str]) -> None:
        shown = ", ".join(f"'{n[:40]}'" for n in names)
        super().__init__(field, f"unknown topic {shown} (GET /api/v1/alerts/topics lists them) / 未知的主题：{shown}")
        self.names = names


class InvalidNotice(AlertError):
    code = "invalid_notice"


class NoticeWithdrawn(AlertError):
    code = "notice_withdrawn"

    def __init__(self, notice_id: int) -> None:
        super().__init__("notice_id", f"notice {notice_id} was withdrawn already / 该通知已撤回")


class TopicsFileError(ValueError):
    """The shipped topics YAML is broken: every problem with the file, the topic and the field."""


class UnknownNotice(LookupError):
    """No notice with this id."""
