"""The adviser's case page in a real headless Chromium (review20 finding 5): the enterprise's new messages appear
while the page is open, a reply typed when the enterprise withdraws stays in its box with a Chinese-first reason,
and closing a case asks first (explicitly for an unanswered danger case)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from console_browser_support import chat, log_in


@pytest.fixture
def page(console_browser: Any, console_url: str) -> Iterator[Any]:
    """The adviser wang, logged in, at 1280 px."""
    p = console_browser.new_page(viewport={"width": 1280, "height": 800})
    log_in(p, console_url)
    yield p


def test_new_messages_appear_and_a_reply_typed_as_the_enterprise_withdraws_is_kept(console_url: str, page: Any) -> None:
    first = chat(console_url, "转人工，我们和员工有劳动合同纠纷")
    sid, case_id = first["session_id"], first["handoff"]["id"]
    page.goto(f"{console_url}/console/cases/{case_id}")
    transcript = page.locator("#transcript")
    assert "补充：员工已经入职两个月了。" not in transcript.inner_text()

    chat(console_url, "补充：员工已经入职两个月了。", sid)  # no reload: the page shows it by itself
    transcript.locator(".bubble.user", has_text="补充：员工已经入职两个月了。").wait_for(timeout=10_000)

    page.fill("textarea[name=text]", "您好，请提供劳动合同的复印件。")
    chat(console_url, "/bot", sid)  # the enterprise presses 返回机器人 while the adviser writes
    closed = page.locator("#case-closed-live")
    closed.wait_for(state="visible", timeout=10_000)
    assert closed.inner_text().startswith("企业已返回机器人") and "withdrew" in closed.inner_text()
    assert page.input_value("textarea[name=text]") == "您好，请提供劳动合同的复印件。"
    assert page.locator("#reply-form button[type=submit]").is_disabled()
    assert "返回机器人" in transcript.inner_text() and "/bot" not in transcript.inner_text()


def test_a_reply_sent_after_the_withdrawal_comes_back_in_its_box(console_url: str, page: Any) -> None:
    first = chat(console_url, "转人工，我们和员工有劳动合同纠纷")
    page.goto(f"{console_url}/console/cases/{first['handoff']['id']}")
    page.fill("textarea[name=text]", "您好，我是顾问王。")
    chat(console_url, "/bot", first["session_id"])
    page.click("#reply-form button[type=submit]")  # before the page's next look at the case
    page.wait_for_load_state()
    assert page.locator("#case-error").inner_text().startswith("回复未发送。企业已返回机器人")
    assert page.input_value("textarea[name=text]") == "您好，我是顾问王。"


def test_closing_asks_first(console_url: str, page: Any) -> None:
    case_id = chat(console_url, "转人工，我们和供应商有合同纠纷")["handoff"]["id"]
    page.goto(f"{console_url}/console/cases/{case_id}")
    asked: list[str] = []
    page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    page.click("#close-form button[type=submit]")
    page.wait_for_timeout(300)
    assert asked and asked[0].startswith("尚无顾问回复。确定结案吗？")
    assert page.locator("#case-status").inner_text() == "待处理 Open"

    page.once("dialog", lambda d: d.accept())
    page.click("#close-form button[type=submit]")
    page.wait_for_url("**done=closed")
    assert page.locator("#case-status").inner_text() == "已结案 Closed"


def test_closing_an_unanswered_danger_case_asks_explicitly(console_url: str, page: Any) -> None:
    reply = chat(console_url, "有人拿刀堵在公司门口说要杀了我")
    assert reply["handoff"]["reason"] == "danger"
    page.goto(f"{console_url}/console/cases/{reply['handoff']['id']}")
    asked: list[str] = []
    page.on("dialog", lambda d: (asked.append(d.message), d.accept()))
    page.click("#close-form button[type=submit]")  # the confirmation box is required: the browser stops here
    page.wait_for_timeout(300)
    assert not asked and page.locator("#case-status").inner_text() == "待处理 Open"
    page.check("input[name=confirm_danger]")
    page.click("#close-form button[type=submit]")
    page.wait_for_url("**done=closed")
    assert asked and asked[0].startswith("此案涉及人身安全，尚无顾问回复。")
