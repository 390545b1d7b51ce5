"""The FastAPI application. The runtime (engine, knowledge base, stores) is built once in the lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api import errors
from api.routers import chat, health, sessions
from assistant.runtime import Runtime, build_runtime
from config import Settings


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> FastAPI:
    """Give ``runtime`` to share one already built (tests); otherwise it is built from ``settings``."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = runtime is None
        rt = runtime or build_runtime(settings or Settings())
        app.state.runtime = rt
        try:
            yield
        finally:
            if owned:
                rt.close()

    app = FastAPI(title="qifa (企法通) API", version="0.1.0", lifespan=lifespan,
                  description="Enterprise legal-service assistant: chat, services, orders, hand-offs.")
    errors.install(app)
    for module in (health, chat, sessions):
        app.include_router(module.router)
    return app
