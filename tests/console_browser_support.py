"""Helpers of the adviser console's browser tests (tests/advisers/test_*browser*.py): the adviser's password,
logging in through the console's own form, and a message from an enterprise over the chat API."""

from __future__ import annotations

from typing import Any

import httpx

PW = "adviser-pass-1"  # the adviser wang's, added by tests/advisers/conftest.py's base_url


def log_in(page: Any, base_url: str, name: str = "wang", password: str = PW) -> None:
    """Log in through the login form (as a person does) and land on the queue."""
    page.goto(f"{base_url}/console/login")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/console/")


def chat(base_url: str, message: str, sid: str | None = None) -> dict[str, Any]:
    """An enterprise's message (a new conversation without ``sid``); the API's reply."""
    body: dict[str, Any] = {"message": message} | ({"session_id": sid} if sid else {})
    reply: dict[str, Any] = httpx.post(f"{base_url}/api/v1/chat", json=body, timeout=30).json()
    return reply
