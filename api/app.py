"""The FastAPI application. The runtime (engine, knowledge base, stores) is built once in the lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from alerts import Dispatcher, Sender
from api import body_limit, errors, metrics
from api import sites as site_gate
from api.console import checkups as console_checkups
from api.console import curation as console_curation
from api.console import intents as console_intents
from api.console import notices as console_notices
from api.console import reports as console_reports
from api.console import review as console_review
from api.console import services as console_services
from api.console import users as console_users
from api.console.router import install as install_console
from api.headers import SecurityHeaders
from api.live import LiveEvents
from api.logs import AccessLog
from api.rate_limit import RateLimit
from api.routers import (
    alerts,
    audit,
    auth,
    chat,
    checkups,
    documents,
    events,
    faqs,
    handoffs,
    health,
    moderation,
    orders,
    reports,
    review,
    services,
    sessions,
    staff_orders,
    staff_users,
    telegram,
    widget,
)
from composition import Leadership, Runtime, build_runtime, run_daily
from config import Settings
from db.notify import MessageListener

log = logging.getLogger(__name__)


def alert_dispatcher(rt: Runtime, telegram: Any) -> Dispatcher:
    """The alert dispatcher of ``qifa serve``: web deliveries always, Telegram's when the bot is configured
    (sent while it runs; they wait while it does not)."""
    senders: dict[str, Sender] = {}
    if telegram is not None:
        from bot.alerts import CHANNEL, TelegramSender

        senders[CHANNEL] = TelegramSender(lambda: telegram.app.bot if telegram.ready else None, rt.notices.topics)
    return rt.dispatcher(senders)


def create_app(settings: Settings | None = None, runtime: Runtime | None = None, *, prepared: bool = False) -> FastAPI:
    """Give ``runtime`` to share one already built (tests); otherwise it is built from ``settings``.
    ``prepared``: a worker of ``qifa serve --workers N``, whose parent did the start-up work once."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = runtime is None
        rt = runtime or build_runtime(settings or Settings(), prepared=prepared)
        app.state.runtime = rt
        # one worker leads (PostgreSQL advisory lock; always this one on SQLite): Telegram polling, the purge
        leader = Leadership(rt.db) if owned else None
        app.state.leader = leader
        # PostgreSQL: event streams wake on NOTIFY when any worker stores a message (else they poll)
        app.state.live, listener = None, None
        if rt.db.engine.dialect.name == "postgresql":
            app.state.live = LiveEvents(asyncio.get_running_loop())
            listener = MessageListener(rt.db.url, app.state.live.fire_threadsafe).start()
        # the Telegram bot, when configured, runs in this event loop
        cfg = settings or rt.settings
        app.state.telegram = None
        if cfg.telegram_token is not None:
            from bot.app import TelegramBot

            app.state.telegram = TelegramBot(cfg, rt, leader=leader)
            await app.state.telegram.start_or_retry()  # unreachable: the API serves, the bot retries with backoff
        # when this app owns its runtime (``qifa serve``): the daily retention purge in the leading worker, the
        # alert dispatcher in every worker (deliveries are claimed in the store, so each is sent once)
        every = rt.settings.alerts_dispatch_interval_s
        jobs = [asyncio.create_task(alert_dispatcher(rt, app.state.telegram).run(every), name="qifa-alerts")
                ] if owned else []
        if leader is not None:
            jobs.append(asyncio.create_task(_purge_when_leading(leader, rt), name="qifa-purge"))
        if owned:  # the keyword snapshot and the in-memory vectors, built while the first users connect
            threading.Thread(target=rt.kb.warm_up, name="qifa-warm-up", daemon=True).start()
        try:
            yield
        finally:
            for job in jobs:
                job.cancel()
            for job in jobs:
                with contextlib.suppress(asyncio.CancelledError):
                    await job
            if app.state.telegram is not None:
                await app.state.telegram.stop()
            if leader is not None:
                await asyncio.to_thread(leader.release)
            if listener is not None:
                await asyncio.to_thread(listener.stop)
            if owned:
                rt.close()

    app = FastAPI(title="qifa (企法通) API", version="0.1.0", lifespan=lifespan,
                  description="Enterprise legal-service assistant: chat, services, orders, hand-offs.")
    site_gate.install(app)  # the gate admitting the sites that embed the widget (inside the request id)
    edge = settings or (runtime.settings if runtime else Settings())  # the limits at the edge
    app.add_middleware(RateLimit, settings=edge)  # before the gate's store lookup; after the body limit
    body_limit.install(app, edge)
    metrics.install(app)  # requests and latencies per route, 413s and 429s of the two above too; GET /metrics
    app.add_middleware(AccessLog)  # inside the request id, which it logs
    app.add_middleware(SecurityHeaders)
    errors.install(app)
    # enterprises: chat, messages and events, catalogue, orders; Telegram's webhook
    for module in (health, chat, sessions, events, services, orders, checkups, telegram, alerts):
        app.include_router(module.router)
    # staff: login, hand-off cases, orders, users, and the adviser console
    for module in (auth, handoffs, staff_orders, staff_users, documents, faqs, review, audit, reports, moderation):
        app.include_router(module.router)
    install_console(app)
    app.include_router(console_curation.router)  # the curators' pages of the console
    app.include_router(console_reports.router)  # the dashboard and the ledger
    app.include_router(console_review.router)  # the review queue, FAQs and hit testing
    app.include_router(console_services.router)  # catalogue edits
    app.include_router(console_intents.router)  # curators' intent examples
    app.include_router(console_notices.router)  # compliance notices
    app.include_router(console_checkups.router)  # curators' edits of the self-check questionnaires
    app.include_router(console_users.router)  # administrators: the staff accounts
    # the web widget and its demo page
    app.include_router(widget.router)
    return app


async def _purge_when_leading(leader: Leadership, rt: Runtime) -> None:
    """The daily purge, in whichever worker leads (and no longer in one that lost the lead)."""
    job: list[asyncio.Task[None]] = []

    async def start() -> None:
        job.append(asyncio.create_task(run_daily(rt.db, rt.settings), name="qifa-daily-purge"))

    async def stop() -> None:
        while job:
            task = job.pop()
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    await leader.hold(start, stop)
