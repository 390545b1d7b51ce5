"""Compliance alerts (合规预警): topics, subscriptions of conversations, notices and their deliveries."""

from alerts.dispatch import DeliveryFailed, Dispatcher, DispatchReport, Job, Sender
from alerts.errors import (
    AlertError,
    InvalidNotice,
    NoticeWithdrawn,
    TopicsFileError,
    UnknownNotice,
    UnknownTopic,
)
from alerts.limits import SendLimits, TokenBucket
from alerts.notices import DocumentAlerts, NoticeInfo, Notices
from alerts.render import ASK, NoticeMessage, notice_actions, notice_text
from alerts.subscriptions import AlertBook, Subscriptions, kept_statement, subscribe
from alerts.topics import Topic, Topics, load_topics, parse_topics, shipped_topics
from alerts.web import WebSender

__all__ = [
    "ASK",
    "AlertBook",
    "AlertError",
    "DeliveryFailed",
    "DispatchReport",
    "Dispatcher",
    "DocumentAlerts",
    "InvalidNotice",
    "Job",
    "NoticeInfo",
    "NoticeMessage",
    "NoticeWithdrawn",
    "Notices",
    "SendLimits",
    "Sender",
    "Subscriptions",
    "TokenBucket",
    "Topic",
    "Topics",
    "TopicsFileError",
    "UnknownNotice",
    "UnknownTopic",
    "WebSender",
    "kept_statement",
    "load_topics",
    "notice_actions",
    "notice_text",
    "parse_topics",
    "shipped_topics",
    "subscribe",
]
