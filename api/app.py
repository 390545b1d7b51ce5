"""The FastAPI application. The runtime (engine, knowledge base, stores) is built once in the lifespan."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api import errors
from api import sites as site_gate
from api.console.router import install as install_console
from api.routers import (
    auth,
    chat,
    events,
    handoffs,
    health,
    orders,
    services,
    sessions,
    staff_orders,
    staff_users,
    telegram,
    widget,
)
from composition import Runtime, build_runtime
from config import Settings
from config.settings import DEFAULT_SECRET_KEY

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> FastAPI:
    """Give ``runtime`` to share one already built (tests); otherwise it is built from ``settings``."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = runtime is None
        rt = runtime or build_runtime(settings or Settings())
        app.state.runtime = rt
        if rt.settings.secret_key.get_secret_value() == DEFAULT_SECRET_KEY:
            log.warning("QIFA_SECRET_KEY is the built-in default: set it before staff log in over a network")
        # the Telegram bot, when configured, runs in this event loop
        cfg = settings or rt.settings
        app.state.telegram = None
        if cfg.telegram_token is not None:
            from bot.app import TelegramBot

            app.state.telegram = TelegramBot(cfg, rt)
            await app.state.telegram.start()
        try:
            yield
        finally:
            if app.state.telegram is not None:
                await app.state.telegram.stop()
            if owned:
                rt.close()

    app = FastAPI(title="qifa (企法通) API", version="0.1.0", lifespan=lifespan,
                  description="Enterprise legal-service assistant: chat, services, orders, hand-offs.")
    site_gate.install(app)  # the gate admitting the sites that embed the widget (inside the request id)
    errors.install(app)
    # enterprises: chat, messages and events, catalogue, orders; Telegram's webhook
    for module in (health, chat, sessions, events, services, orders, telegram):
        app.include_router(module.router)
    # staff: login, hand-off cases, orders, users, and the adviser console
    for module in (auth, handoffs, staff_orders, staff_users):
        app.include_router(module.router)
    install_console(app)
    # the web widget and its demo page
    app.include_router(widget.router)
    return app
