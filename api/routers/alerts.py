"""Compliance alerts: the topics, a session's subscriptions (no login: the session id is the secret, like its
messages), and notices for curators and administrators (published, fanned out, audit-logged)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter

from alerts import Subscriptions, UnknownNotice
from api.deps import RuntimeDep
from api.schemas import TextPath, id_path
from api.schemas_alerts import NoticeIn, NoticeOut, SubscriptionsIn, SubscriptionsOut, TopicOut
from api.security import Curator

router = APIRouter(tags=["alerts"])
NoticeId = Annotated[int, id_path("notice")]


def _subscriptions(book: Subscriptions, session_id: str, topics: list[str]) -> dict[str, Any]:
    return {"session_id": session_id, "topics": topics, "available": [t.to_json() for t in book.topics],
            "kept": {"zh": book.kept("zh"), "en": book.kept("en")}}


@router.get("/api/v1/alerts/topics", response_model=list[TopicOut])
def topics(rt: RuntimeDep) -> list[dict[str, str]]:
    return [t.to_json() for t in rt.alerts.topics]


@router.get("/api/v1/sessions/{session_id}/subscriptions", response_model=SubscriptionsOut)
def subscriptions(session_id: TextPath, rt: RuntimeDep) -> dict[str, Any]:
    return _subscriptions(rt.alerts, session_id, rt.alerts.of(session_id))


@router.put("/api/v1/sessions/{session_id}/subscriptions", response_model=SubscriptionsOut)
def set_subscriptions(session_id: TextPath, body: SubscriptionsIn, rt: RuntimeDep) -> dict[str, Any]:
    """Replace the session's topics (``[]``: unsubscribe from everything). Unknown topic: 422 naming it."""
    return _subscriptions(rt.alerts, session_id, rt.alerts.set(session_id, body.topics))


@router.delete("/api/v1/sessions/{session_id}/subscriptions", response_model=SubscriptionsOut)
def unsubscribe_all(session_id: TextPath, rt: RuntimeDep) -> dict[str, Any]:
    """Unsubscribe from everything in one action."""
    rt.alerts.clear(session_id)
    return _subscriptions(rt.alerts, session_id, [])


@router.post("/api/v1/notices", status_code=201, response_model=NoticeOut)
def publish(body: NoticeIn, rt: RuntimeDep, staff: Curator) -> dict[str, Any]:
    """Publish a notice: every subscriber to any of its topics receives it once, in its channel."""
    return rt.notices.publish(body.title, body.body, body.topics, body.links, staff.name).to_json()


@router.get("/api/v1/notices", response_model=list[NoticeOut])
def notices(rt: RuntimeDep, staff: Curator) -> list[dict[str, Any]]:
    """The latest 50 notices with their delivery counts."""
    return [n.to_json() for n in rt.notices.recent()]


@router.get("/api/v1/notices/{notice_id}", response_model=NoticeOut)
def notice(notice_id: NoticeId, rt: RuntimeDep, staff: Curator) -> dict[str, Any]:
    info = rt.notices.get(notice_id)
    if info is None:
        raise UnknownNotice(notice_id)
    return info.to_json()


@router.delete("/api/v1/notices/{notice_id}", response_model=NoticeOut)
def withdraw(notice_id: NoticeId, rt: RuntimeDep, staff: Curator) -> dict[str, Any]:
    """Withdraw a notice: deliveries not yet sent are dropped and the copies in web conversations say it was
    withdrawn, and Telegram copies already sent are recalled by the dispatcher (edited into the same line;
    ``recalled`` counts them). 409 when it was withdrawn already."""
    return rt.notices.withdraw(notice_id, staff.name).to_json()
