"""The adviser console in a real headless Chromium: log in, the queue updates by itself, reply from a
case page and the enterprise gets the message; the page fits a phone's width."""

from __future__ import annotations

from typing import Any

import httpx
from console_browser_support import chat, log_in


def hand_off(console_url: str) -> str:
    reply = chat(console_url, "转人工，我们和供应商有合同纠纷")
    assert reply["route"] == "handoff"
    return str(reply["session_id"])


def test_queue_updates_by_itself_and_a_reply_reaches_the_enterprise(console_url: str, console_browser: Any) -> None:
    page = console_browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(f"{console_url}/console/")
    assert page.url.endswith("/console/login")
    log_in(page, console_url)
    cases = page.locator("a[href*='/console/cases/']")
    assert cases.count() == 0

    sid = hand_off(console_url)  # arrives while the page is open: no reload
    cases.first.wait_for(timeout=12_000)
    assert cases.count() == 1

    cases.first.click()
    page.wait_for_url("**/console/cases/*")
    assert "转人工，我们和供应商有合同纠纷" in page.inner_text("body")
    page.fill("textarea[name=text]", "您好，我是法律顾问王，请把合同发给我看看。")
    page.click("form:has(textarea[name=text]) button[type=submit]")
    page.wait_for_load_state()

    messages = httpx.get(f"{console_url}/api/v1/sessions/{sid}/messages", timeout=10).json()
    assert messages[-1]["role"] == "adviser" and messages[-1]["author"] == "wang"
    assert messages[-1]["text"] == "您好，我是法律顾问王，请把合同发给我看看。"


def test_console_pages_fit_a_phone(console_url: str, console_browser: Any) -> None:
    hand_off(console_url)
    page = console_browser.new_page(viewport={"width": 390, "height": 844})
    log_in(page, console_url)
    for path in ("/console/", "/console/cases/1", "/console/orders"):
        page.goto(f"{console_url}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} is {width}px wide on a 390px screen"
