"""The history of a conversation gives each bot reply's rich parts as the chat gave them (its suggestions, its data:
service cards, the booking's state, and its language), so a channel showing the history again (the widget after a
reload) draws its buttons and cards, not only its text; the user's messages have none."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from chat_support import fresh_data_dir, open_runtime
from fastapi.testclient import TestClient

from api.app import create_app


@pytest.fixture
def client(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, embeddings: Any) -> Iterator[TestClient]:
    runtime = open_runtime(fresh_data_dir(tmp_path_factory, embeddings, tmp_path / "var"), embeddings)
    with TestClient(create_app(runtime=runtime)) as c:
        yield c
    runtime.close()


def test_the_history_gives_each_replys_buttons_cards_and_language(client: TestClient) -> None:
    sid = None
    replies = []
    for text, lang in [("/menu", "zh"), ("Could someone review a supply contract for us? We'd like to book that", "en"),
                       ("/cancel", "en"), ("/service contract-review", "zh")]:
        body: dict[str, Any] = {"message": text, "lang": lang}
        if sid:
            body["session_id"] = sid
        r = client.post("/api/v1/chat", json=body).json()
        sid = r["session_id"]
        replies.append(r)
    # the menu's buttons, a booking's state, a service's card
    assert replies[0]["suggestions"] and replies[1]["data"]["form"] and replies[3]["data"]["services"]
    history = client.get(f"/api/v1/sessions/{sid}/messages").json()
    bots = [m for m in history if m["role"] == "bot"]
    assert [(m["suggestions"], m["data"], m["lang"]) for m in bots] == [
        (r["suggestions"], r["data"], r["lang"]) for r in replies]
    assert all(m["suggestions"] == [] and m["data"] == {} and m["lang"] is None
               for m in history if m["role"] == "user")
