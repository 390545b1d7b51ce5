"""The figures of the staff dashboard, for whole days in the bureau's time zone.

- conversations (sessions started) and messages (sent by enterprises) per day, by channel and by site;
- the route mix of the assistant's replies; the 👍/👎 counts and the share of 👍;
- self-service resolution: conversations that got an answer with no 👎 and no hand-off, among those in which
  the enterprise wrote anything;
- hand-offs: waiting time to the first adviser message in office minutes (``handoffs.OfficeHours``: a case
  opened on Friday evening and answered on Monday morning waited only the office minutes in between), against
  the promised response time, which is counted in office minutes too; the wall-clock minutes are given beside;
- orders by service and by status; 好差评 ratings (1-5); the most frequent questions;
- self-checks (法治体检自测): completed, levels by industry and by area, the most common findings.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from datetime import UTC
from typing import Any

from sqlalchemy import select

from db import Database
from db.models_chat import ChatMessage, ChatSession, Handoff
from db.models_orders import Order
from db.models_sites import Site
from handoffs.office_hours import OfficeHours
from reporting.checkups import checkup_stats
from reporting.period import Period

TOP_QUESTIONS = 10
NO_SITE = "—"


def _per_day(period: Period, counts: dict[str, Counter[str]]) -> dict[str, list[int]]:
    """{group: [count of each day]} with every day of the period present."""
    days = [d.isoformat() for d in period.days]
    return {group: [c.get(day, 0) for day in days] for group, c in sorted(counts.items())}


def _minutes(values: list[float]) -> dict[str, float | None]:
    if not values:
        return {"median": None, "mean": None, "max": None}
    return {"median": round(statistics.median(values), 1), "mean": round(statistics.fmean(values), 1),
            "max": round(max(values), 1)}


def compute_stats(db: Database, period: Period, promise_minutes: int, hours: OfficeHours) -> dict[str, Any]:
    lo, hi = period.bounds()
    with db.session() as s:
        sites = {sid: name for sid, name in s.execute(select(Site.id, Site.name))}
        sessions = s.execute(select(ChatSession.id, ChatSession.channel, ChatSession.site_id, ChatSession.created_at)
                             .where(ChatSession.created_at >= lo, ChatSession.created_at < hi)).all()
        messages = s.execute(select(ChatMessage.session_id, ChatMessage.role, ChatMessage.route, ChatMessage.feedback,
                                    ChatMessage.text, ChatMessage.created_at)
                             .where(ChatMessage.created_at >= lo, ChatMessage.created_at < hi)).all()
        handoffs = s.execute(select(Handoff.id, Handoff.session_id, Handoff.reason, Handoff.created_at)
                             .where(Handoff.created_at >= lo, Handoff.created_at < hi)).all()
        case_sessions = {h.session_id for h in handoffs}
        adviser_msgs = s.execute(select(ChatMessage.session_id, ChatMessage.created_at).where(
            ChatMessage.role == "adviser", ChatMessage.session_id.in_(case_sessions))).all() if case_sessions else []
        orders = s.execute(select(Order.service_name, Order.status, Order.rating)
                           .where(Order.created_at >= lo, Order.created_at < hi)).all()

    channel_of = {x.id: x.channel for x in sessions}
    site_of = {x.id: sites.get(x.site_id, NO_SITE) if x.site_id else NO_SITE for x in sessions}
    conv_channel: dict[str, Counter[str]] = defaultdict(Counter)
    conv_site: dict[str, Counter[str]] = defaultdict(Counter)
    for x in sessions:
        day = period.day_of(x.created_at)
        conv_channel[x.channel][day] += 1
        conv_site[site_of[x.id]][day] += 1

    msg_channel: dict[str, Counter[str]] = defaultdict(Counter)
    msg_site: dict[str, Counter[str]] = defaultdict(Counter)
    routes: Counter[str] = Counter()
    questions: Counter[str] = Counter()
    up = down = 0
    answered: set[str] = set()
    wrote: set[str] = set()
    disliked: set[str] = set()
    for m in messages:
        if m.role == "user":
            day = period.day_of(m.created_at)
            msg_channel[channel_of.get(m.session_id, "other")][day] += 1
            msg_site[site_of.get(m.session_id, NO_SITE)][day] += 1
            wrote.add(m.session_id)
            text = " ".join(m.text.split())
            if text and not text.startswith("/"):
                questions[text[:200]] += 1
        elif m.role == "bot":
            routes[m.route or "other"] += 1
            if m.route == "answer":
                answered.add(m.session_id)
            if m.feedback == 1:
                up += 1
            elif m.feedback == -1:
                down += 1
                disliked.add(m.session_id)
    started = {x.id for x in sessions} & wrote
    resolved = {sid for sid in started if sid in answered and sid not in disliked and sid not in case_sessions}

    first_reply: dict[str, list[Any]] = defaultdict(list)
    for a in adviser_msgs:
        first_reply[a.session_id].append(a.created_at)
    waits: list[float] = []  # office minutes
    walls: list[float] = []  # wall-clock minutes
    for h in handoffs:
        later = [t for t in first_reply.get(h.session_id, []) if t >= h.created_at]
        if later:
            start, end = h.created_at.replace(tzinfo=UTC), min(later).replace(tzinfo=UTC)
            waits.append(hours.minutes_open_between(start, end))
            walls.append((end - start).total_seconds() / 60)
    within = sum(1 for w in waits if w <= promise_minutes)

    by_service: dict[str, Counter[str]] = defaultdict(Counter)
    ratings: Counter[int] = Counter()
    for o in orders:
        by_service[o.service_name][o.status] += 1
        if o.rating is not None:
            ratings[o.rating] += 1
    rated = sum(ratings.values())
    return {
        "from": period.start.isoformat(), "to": period.end.isoformat(),
        "days": [d.isoformat() for d in period.days],
        "conversations": {"total": len(sessions), "by_channel": _per_day(period, conv_channel),
                          "by_site": _per_day(period, conv_site)},
        "messages": {"total": sum(sum(c.values()) for c in msg_channel.values()),
                     "by_channel": _per_day(period, msg_channel), "by_site": _per_day(period, msg_site)},
        "routes": dict(sorted(routes.items())),
        "self_service": {"conversations": len(started), "resolved": len(resolved),
                         "rate": round(len(resolved) / len(started), 3) if started else None},
        "handoffs": {"total": len(handoffs), "answered": len(waits), "promise_minutes": promise_minutes,
                     "within_promise": within, "within_promise_rate": round(within / len(waits), 3) if waits else None,
                     "first_response_minutes": _minutes(waits), "minutes": "office",
                     "first_response_wall_minutes": _minutes(walls),
                     "by_reason": dict(sorted(Counter(h.reason for h in handoffs).items()))},
        "orders": {"total": len(orders),
                   "by_service": {k: dict(sorted(v.items())) for k, v in sorted(by_service.items())},
                   "by_status": dict(sorted(Counter(o.status for o in orders).items()))},
        "ratings": {"count": rated, "by_level": {str(k): ratings.get(k, 0) for k in range(5, 0, -1)},
                    "mean": round(sum(k * v for k, v in ratings.items()) / rated, 2) if rated else None},
        "feedback": {"up": up, "down": down, "up_rate": round(up / (up + down), 3) if up + down else None},
        "top_questions": [{"question": q, "count": n} for q, n in questions.most_common(TOP_QUESTIONS)],
        "checkups": checkup_stats(db, period),  # the legal health self-check (reporting/checkups.py)
    }
