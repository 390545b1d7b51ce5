"""The FastAPI application. The runtime (engine, knowledge base, stores) is built once in the lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api import errors
from api.console import router as console_router  # issue 5
from api.routers import auth as auth_router  # issue 5
from api.routers import chat, health, sessions
from api.routers import events as events_router  # issue 5
from api.routers import handoffs as handoffs_router  # issue 5
from api.routers import orders as orders_router  # issue 4
from api.routers import services as services_router  # issue 4
from api.routers import staff_orders as staff_orders_router  # issue 5
from api.routers import staff_users as staff_users_router  # issue 5
from api.routers import telegram as telegram_router  # issue 6
from assistant.runtime import Runtime, build_runtime
from config import Settings


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> FastAPI:
    """Give ``runtime`` to share one already built (tests); otherwise it is built from ``settings``."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = runtime is None
        rt = runtime or build_runtime(settings or Settings())
        app.state.runtime = rt
        # issue 6: the Telegram bot, when configured, runs in this event loop ---------------------------
        cfg = settings or rt.settings
        app.state.telegram = None
        if cfg.telegram_token is not None:
            from bot.app import TelegramBot

            app.state.telegram = TelegramBot(cfg, rt)
            await app.state.telegram.start()
        # ------------------------------------------------------------------------------ end issue 6
        try:
            yield
        finally:
            if app.state.telegram is not None:  # issue 6
                await app.state.telegram.stop()
            if owned:
                rt.close()

    app = FastAPI(title="qifa (企法通) API", version="0.1.0", lifespan=lifespan,
                  description="Enterprise legal-service assistant: chat, services, orders, hand-offs.")
    errors.install(app)
    for module in (health, chat, sessions):
        app.include_router(module.router)
    app.include_router(services_router.router)  # issue 4: service catalogue
    app.include_router(orders_router.router)  # issue 4: service orders
    app.include_router(telegram_router.router)  # issue 6: Telegram webhook
    # issue 5: staff login, hand-off cases, the web channel's event stream, staff orders and users, the console
    for staff_module in (auth_router, handoffs_router, events_router, staff_orders_router, staff_users_router):
        app.include_router(staff_module.router)
    console_router.install(app)
    return app
