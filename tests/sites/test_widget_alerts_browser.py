"""Compliance alerts in the web widget, in real headless Chromium on a host page with a strict CSP (the fixtures
of test_widget_browser.py): the alerts button, the subscriptions panel (topics by group, what is kept, save,
unsubscribe all), a notice arriving live over the event stream with its actions ("ask about it" answered), and
the same notice shown again on the next visit. A screenshot goes to ``tests/artifacts/``."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import test_widget_browser as wb
from test_widget_browser import ARTIFACTS, TIMEOUT, Env, open_widget, stored

from composition import Runtime

# the widget tests' fixtures: Chromium, the runtime, the API and host page on two origins, a page with CSP checks
browser, rt, env, page = wb.browser, wb.rt, wb.env, wb.page


def dispatch(rt: Runtime) -> int:
    """One dispatcher round, in a thread of its own (Playwright's sync API keeps an event loop in this one)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(rt.dispatcher().run_once()).sent).result(timeout=60)


def test_subscribe_receive_live_ask_and_unsubscribe(page: Any, env: Env, rt: Runtime) -> None:
    open_widget(page, f"{env.host}/")
    page.locator("[data-qifa=alerts]").click()  # no conversation yet: the assistant offers the topics
    first = page.locator("[data-qifa=message][data-role=bot]").first
    first.wait_for(timeout=TIMEOUT)
    assert "合规预警订阅" in first.inner_text()
    assert page.locator("[data-qifa=suggestion]").filter(has_text="劳动用工").count() == 1
    sid = stored(page, env)

    page.locator("[data-qifa=alerts]").click()
    sheet = page.locator("[data-qifa=alerts-sheet]")
    sheet.wait_for(timeout=TIMEOUT)
    assert sheet.locator("legend").all_inner_texts() == ["本地产业", "领域"]
    assert "聊天编号" in sheet.locator("[data-qifa=kept]").inner_text()
    sheet.get_by_label("劳动用工").check()
    sheet.get_by_label("水晶产业").check()
    sheet.locator("[data-qifa=alerts-save]").click()
    saved = page.locator("[data-qifa-subscriptions]").last
    saved.wait_for(timeout=TIMEOUT)
    assert "水晶产业、劳动用工" in saved.inner_text()
    assert rt.alerts.of(sid) == ["crystal", "labour"]

    # a notice arrives live (the event stream is open)
    notice = rt.notices.publish("试用期约定提醒", "<b>劳动合同期限三个月以上不满一年的</b>，试用期不得超过一个月。",
                                ["labour"], ["https://example.gov.cn/n/1"], "chen")
    assert dispatch(rt) == 1
    alert = page.locator("[data-qifa=alert]")
    alert.wait_for(timeout=TIMEOUT)
    text = alert.inner_text()
    assert text.startswith("📢 合规预警\n") and "试用期约定提醒" in text
    assert "<b>劳动合同期限" in text  # markup stays text
    assert alert.get_attribute("data-notice") == str(notice.id)
    assert alert.locator("[data-qifa=alert-action]").all_inner_texts() == ["就此提问", "预约服务", "管理订阅"]
    page.screenshot(path=str(ARTIFACTS / "widget-alert.png")) if ARTIFACTS.is_dir() else None
    bots = page.locator("[data-qifa=message][data-role=bot]")
    before = bots.count()
    alert.get_by_role("button", name="就此提问").click()
    bots.nth(before).wait_for(timeout=TIMEOUT)
    assert "试用期" in bots.nth(before).inner_text()
    assert dispatch(rt) == 0  # never twice

    # the next visit shows it from the history, once
    page.reload()
    page.locator("[data-qifa=launcher]").click()
    page.locator("[data-qifa=alert]").first.wait_for(timeout=TIMEOUT)
    assert page.locator("[data-qifa=alert]").count() == 1

    # manage from the alert itself, then unsubscribe from everything in one action
    page.locator("[data-qifa=alert]").get_by_role("button", name="管理订阅").click()
    sheet.wait_for(timeout=TIMEOUT)
    assert sheet.get_by_label("劳动用工").is_checked() and not sheet.get_by_label("税务").is_checked()
    sheet.locator("[data-qifa=alerts-off]").click()
    page.locator("[data-qifa-subscriptions='']").wait_for(timeout=TIMEOUT)
    assert rt.alerts.of(sid) == []
