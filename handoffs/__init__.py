"""Hand-offs to human advisers: the cases the engine opens, the advisers' desk (queue, claim, reply, close),
the bureau's office hours (with China's public holidays and make-up working days), and the feed of new cases
for channels that post them."""

from handoffs.cases import CaseInfo, Handoffs
from handoffs.desk import (
    CLOSED_NOTICE,
    STATUSES,
    AdviserDesk,
    CaseDetail,
    CaseError,
    DangerUnconfirmed,
    InvalidText,
    QueueItem,
    UnknownCase,
)
from handoffs.feed import cases_after, claim_post, last_case_id, recent_user_messages, release_post
from handoffs.office_hours import OfficeHours

__all__ = [
    "CLOSED_NOTICE",
    "STATUSES",
    "AdviserDesk",
    "CaseDetail",
    "CaseError",
    "CaseInfo",
    "DangerUnconfirmed",
    "Handoffs",
    "InvalidText",
    "OfficeHours",
    "QueueItem",
    "UnknownCase",
    "cases_after",
    "claim_post",
    "last_case_id",
    "recent_user_messages",
    "release_post",
]
