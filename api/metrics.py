"""Prometheus metrics: requests and latencies per route (an ASGI middleware), and at scrape time the replies per
conversation route and the hand-offs waiting. ``GET /metrics`` is for admins (a staff token)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter, FastAPI, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.logs import matched_route
from api.security import Admin
from composition import Runtime
from composition.health import handoffs_waiting, replies_by_route

router = APIRouter(tags=["health"])


class _StoreFigures(Collector):
    def __init__(self, app: FastAPI) -> None:
        self.app = app

    def collect(self) -> Iterator[Any]:
        rt: Runtime | None = getattr(self.app.state, "runtime", None)
        if rt is None:
            return
        waiting = GaugeMetricFamily("qifa_handoffs_waiting", "hand-off cases no adviser has taken yet")
        waiting.add_metric([], handoffs_waiting(rt))
        yield waiting
        replies = CounterMetricFamily("qifa_replies", "assistant replies stored, by conversation route",
                                      labels=["route"])
        for route, n in sorted(replies_by_route(rt).items()):
            replies.add_metric([route], n)
        yield replies
        degraded = GaugeMetricFamily("qifa_vector_store_down",
                                     "1 while the vector store does not answer (answers use keyword search, "
                                     "or this process's in-memory copy of the vectors)")
        degraded.add_metric([], 0 if rt.kb.vector_error is None else 1)
        yield degraded


class Metrics:
    """One registry per app (tests build many apps in one process)."""

    def __init__(self, app: FastAPI) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("qifa_http_requests", "HTTP requests by method, route and status",
                                ["method", "route", "status"], registry=self.registry)
        self.latency = Histogram("qifa_http_request_duration_seconds", "time to the response's first byte",
                                 ["method", "route"], registry=self.registry,
                                 buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
        self.registry.register(_StoreFigures(app))


class MetricsMiddleware:
    """Counts every HTTP request under its route's template (``/api/v1/orders/{order_id}``), never its path:
    ids stay out of the labels. Unmatched paths count as ``other``. It sits outside the body limit and the rate
    limit, so their 413s, 408s and 429s are counted under the route they were meant for."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = {"code": 500}

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = int(message["status"])
                route = _route(scope)
                self.metrics.latency.labels(scope["method"], route).observe(time.perf_counter() - start)
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            self.metrics.requests.labels(scope["method"], _route(scope), str(status["code"])).inc()


def _route(scope: Scope) -> str:
    return matched_route(scope) or "other"


def install(app: FastAPI) -> None:
    metrics = Metrics(app)
    app.state.metrics = metrics
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    app.include_router(router)


@router.get("/metrics", response_class=Response, responses={
    200: {"content": {"text/plain": {"schema": {"type": "string"}}}, "description": "Prometheus text format"}})
def metrics(request: Request, staff: Admin) -> Response:
    registry: CollectorRegistry = request.app.state.metrics.registry
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
