"""The event stream (sse-starlette): the retry interval first, then messages after ``?after=`` or
``Last-Event-ID`` (the header wins), each as ``event: message`` with its id; a ping comment as heartbeat."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from live_server import live_server

import api.routers.events as events_module
from api.app import create_app
from composition import Runtime


@pytest.fixture
def server(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setattr(events_module, "HEARTBEAT_S", 0.3)
    with live_server(create_app(runtime=runtime)) as url:
        yield url


def read(url: str, wanted: int, headers: dict[str, str] | None = None) -> tuple[list[str], list[dict[str, Any]]]:
    """The stream's lines until ``wanted`` messages and a heartbeat have arrived (or 5 s have passed)."""
    lines: list[str] = []
    events: list[dict[str, Any]] = []
    event: dict[str, str] = {}
    with httpx.stream("GET", url, headers=headers or {}, timeout=5) as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        for line in r.iter_lines():
            lines.append(line)
            if line.startswith(("event:", "id:", "data:")):
                key, _, value = line.partition(":")
                event[key] = value.strip()
            elif line == "" and "data" in event:
                events.append({"id": int(event["id"]), "event": event["event"], **json.loads(event["data"])})
                event = {}
            if len(events) >= wanted and any(x.startswith(":") for x in lines):
                break
    return lines, events


def test_after_last_event_id_and_heartbeat(server: str, runtime: Runtime) -> None:
    reply = runtime.assistant.handle(None, "你好", channel="web")
    sid = reply.session_id
    first, second = (m.id for m in runtime.conversations.messages(sid))
    url = f"{server}/api/v1/sessions/{sid}/events"

    lines, events = read(url, 2)
    assert lines[0].startswith("retry:")
    assert [(e["id"], e["event"], e["role"]) for e in events] == [
        (first, "message", "user"), (second, "message", "bot")]
    assert any(line.startswith(":") for line in lines)  # the heartbeat comment

    _, events = read(f"{url}?after={first}", 1)
    assert [e["id"] for e in events] == [second]

    runtime.conversations.add(sid, "adviser", "顾问消息", author="王")
    _, events = read(f"{url}?after=0", 1, headers={"Last-Event-ID": str(second)})  # the header wins
    assert [(e["role"], e["text"], e["author"]) for e in events] == [("adviser", "顾问消息", "王")]
