"""The widget's 中文 / EN button and the buttons pressed while a reply is pending (review20 leftovers, widget21), in
real headless Chromium against the live API (the fixtures of test_widget_browser.py):

- the header's language button is reachable by keyboard (and inside the phone's focus trap), switches the labels
  at once and the conversation's language on the server (it sends /lang), is kept through a reload (from the
  moment it is chosen: also after 新对话, before the next message), and an open order form follows it with what was
  typed;
- a button pressed while a reply is pending waits its turn, named in the hint, and goes after the reply (after
  text queued before it); when the pending send fails it is named as not sent, never dropped silently.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from test_widget_browser import (  # the host page, the live API and Chromium
    TIMEOUT,
    Env,
    ask,
    browser,
    env,
    open_widget,
    page,
    rt,
    stored,
)

from composition import Runtime

__all__ = ["browser", "env", "page", "rt"]  # fixtures used here

SHADOW = "document.querySelector('[data-qifa=root]').shadowRoot"


def focused(page: Any) -> str | None:
    """The data-qifa of the element focused inside the widget (None when the focus is outside its panel)."""
    name: str | None = page.evaluate(f"""() => {{ const r = {SHADOW}; const a = r.activeElement;
        return a && r.querySelector('[data-qifa=panel]').contains(a) ? (a.dataset.qifa || a.tagName) : null; }}""")
    return name


def users_said(rt: Runtime, sid: str) -> list[str]:
    return [m.text for m in rt.conversations.messages(sid) if m.role == "user"]


class Held:
    """The chat requests held in the network (the reply stays pending) until released (then the next ones pass)
    or aborted (as a dropped connection)."""

    def __init__(self, page: Any, env: Env) -> None:
        self.page, self.url = page, f"{env.api}/api/v1/chat"
        self.routes: list[Any] = []
        self.open = False
        page.route(self.url, self._hold)

    def _hold(self, route: Any) -> None:
        if self.open:
            route.continue_()
        else:
            self.routes.append(route)

    def wait(self, n: int = 1) -> None:
        deadline = time.monotonic() + 10
        while len(self.routes) < n and time.monotonic() < deadline:
            self.page.wait_for_timeout(50)
        assert len(self.routes) >= n

    def release(self) -> None:
        self.open = True
        for route in self.routes:
            route.continue_()

    def abort(self) -> None:
        self.open = True
        for route in self.routes:
            route.abort()

    def done(self) -> None:
        self.page.unroute(self.url)


def replies_settled(page: Any, bots: int) -> None:
    page.wait_for_function(f"""() => {{ const r = {SHADOW};
        return r.querySelectorAll('[data-qifa=message][data-role=bot]').length >= {bots}
            && r.querySelector('[data-qifa=typing]').hidden; }}""", timeout=TIMEOUT)


def test_the_language_button_switches_labels_and_replies_and_is_kept(page: Any, env: Env, rt: Runtime) -> None:
    open_widget(page, f"{env.host}/")
    button = page.locator("[data-qifa=lang]")
    assert button.inner_text() == "EN" and button.get_attribute("aria-label") == "Switch the chat to English"
    assert button.get_attribute("lang") == "en" and page.locator("[data-qifa=send]").inner_text() == "发送"
    ask(page, "试用期最长能约定多久？")
    # by keyboard: back from the input to the header's button, then Enter
    page.locator("[data-qifa=input]").focus()
    for _ in range(12):
        if focused(page) == "lang":
            break
        page.keyboard.press("Shift+Tab")
    assert focused(page) == "lang"
    bots = page.locator("[data-qifa=message][data-role=bot]")
    before = bots.count()
    page.keyboard.press("Enter")
    # the labels at once, and the focus stays on the button
    assert page.locator("[data-qifa=send]").inner_text() == "Send"
    handoff = page.locator("[data-qifa=handoff]")  # a short label, the full name for a screen reader
    assert handoff.inner_text().endswith("Adviser") and handoff.get_attribute("aria-label") == "Talk to an adviser"
    assert page.locator("[data-qifa=new]").inner_text() == "New chat"
    assert page.locator("[data-qifa=input]").get_attribute("placeholder") == "Type your question"
    assert button.inner_text() == "中文" and button.get_attribute("aria-label") == "切换为中文"
    assert focused(page) == "lang"
    assert "Personal data" in page.locator("[data-qifa=notice]").inner_text()
    assert page.locator("[data-qifa=message][data-role=user] .who").first.inner_text() == "You"
    # the server's side, as /lang does: confirmed, and the next Chinese question is answered in English
    bots.nth(before).wait_for(timeout=TIMEOUT)
    assert bots.nth(before).inner_text().endswith("Language set to English.")
    english = ask(page, "试用期最长能约定多久？").inner_text()
    assert "Labour Contract Law of the PRC, Article" in english  # the quoted passages stay Chinese
    sid = stored(page, env)
    assert "/lang en" in users_said(rt, sid)
    # kept through a reload: English labels, the button's press shown by its label, not as /lang en
    page.reload()
    page.locator("[data-qifa=launcher]").click()
    page.locator("[data-qifa=message][data-role=bot]").nth(2).wait_for(timeout=TIMEOUT)
    assert page.locator("[data-qifa=send]").inner_text() == "Send" and button.inner_text() == "中文"
    shown = page.locator("[data-qifa=message][data-role=user]").all_inner_texts()
    assert any("🌐 English" in u for u in shown) and not any("/lang" in u for u in shown)
    # and back: Chinese labels and replies
    button.click()
    assert page.locator("[data-qifa=send]").inner_text() == "发送"
    replies_settled(page, 4)
    chinese = ask(page, "How long can a probation period be?").inner_text()
    assert "第十九条" in chinese and "Article" not in chinese


def test_on_an_english_page_the_button_switches_to_chinese_and_an_open_form_follows(page: Any, env: Env) -> None:
    open_widget(page, f"{env.host}/en")
    ask(page, "I want to book a contract review")
    page.locator("[data-qifa=service-card][data-service=contract-review] [data-qifa=order]").click(timeout=TIMEOUT)
    form = page.locator("[data-qifa=order-form]")
    form.wait_for()
    assert "Enterprise name" in form.inner_text()
    form.locator("[name=enterprise_name]").fill("Pujiang Crystal Co., Ltd.")
    button = page.locator("[data-qifa=lang]")
    assert button.inner_text() == "中文" and button.get_attribute("lang") == "zh-CN"
    button.click()
    # the form again, in Chinese, with what was typed; the focus stays on the button
    form = page.locator("[data-qifa=order-form]")
    assert "企业名称" in form.inner_text() and "Enterprise name" not in form.inner_text()
    assert form.locator("[name=enterprise_name]").input_value() == "Pujiang Crystal Co., Ltd."
    assert focused(page) == "lang" and button.inner_text() == "EN"
    page.get_by_role("button", name="返回对话").click()
    assert page.locator("[data-qifa=send]").inner_text() == "发送"
    replies_settled(page, 2)
    chinese = ask(page, "How long can a probation period be?").inner_text()
    assert "第十九条" in chinese and "Article" not in chinese


def test_the_language_button_is_inside_the_phones_focus_trap(browser: Any, env: Env) -> None:
    phone = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    page = phone.new_page()
    try:
        open_widget(page, f"{env.host}/en")
        page.locator("[data-qifa=input]").focus()
        seen = []
        for _ in range(16):
            page.keyboard.press("Tab")
            seen.append(focused(page))
        assert "lang" in seen and None not in seen, seen
    finally:
        phone.close()


def test_buttons_pressed_while_a_reply_is_pending_go_after_it(page: Any, env: Env, rt: Runtime) -> None:
    open_widget(page, f"{env.host}/")
    ask(page, "试用期最长能约定多久？")
    sid = stored(page, env)
    hint = page.locator("[data-qifa=composer-hint]")
    box = page.locator("[data-qifa=input]")
    held = Held(page, env)
    box.fill("经济补偿怎么计算？")
    box.press("Enter")
    held.wait()
    # typed text, then a button, while the reply is pending: both wait, in that order, and the hint names the press
    box.fill("加班费怎么算？")
    box.press("Enter")
    page.locator("[data-qifa=handoff]").click()
    page.locator("[data-qifa=handoff]").click()  # twice: once
    assert "“转人工”会在回复后自动发送" in hint.inner_text() and "您的新消息会在回复后自动发送" in hint.inner_text()
    held.release()
    page.locator("[data-qifa=back-to-bot]").wait_for(state="visible", timeout=TIMEOUT)
    replies_settled(page, 4)
    assert users_said(rt, sid)[-3:] == ["经济补偿怎么计算？", "加班费怎么算？", "/human"]
    assert rt.handoffs.active(sid) is not None and not hint.is_visible()
    held.done()
    # a press waiting behind a send that fails is named as not sent
    held = Held(page, env)
    box.fill("补充：员工已经入职两个月了。")
    box.press("Enter")
    held.wait()
    page.locator("[data-qifa=back-to-bot]").click()
    assert "“返回机器人”会在回复后自动发送" in hint.inner_text()
    held.abort()
    failed = page.locator("[data-qifa-error=send-failed]")
    failed.wait_for(timeout=TIMEOUT)
    assert "未发送：“返回机器人”" in failed.inner_text() and box.input_value() == "补充：员工已经入职两个月了。"
    assert not hint.is_visible() and rt.handoffs.active(sid) is not None
    held.done()


def test_english_buttons_pressed_while_pending_and_the_language_button_waits_its_turn(page: Any, env: Env,
                                                                                  rt: Runtime) -> None:
    open_widget(page, f"{env.host}/en")
    ask(page, "How long can a probation period be?")
    sid = stored(page, env)
    hint = page.locator("[data-qifa=composer-hint]")
    held = Held(page, env)
    page.locator("[data-qifa=checkup]").click()
    held.wait()
    page.locator("[data-qifa=handoff]").click()
    assert "“Talk to an adviser” is sent once it arrives" in hint.inner_text()
    page.locator("[data-qifa=lang]").click()  # the labels at once; /lang zh after the others
    assert page.locator("[data-qifa=send]").inner_text() == "发送"
    assert "“转人工、🌐 中文”会在回复后自动发送" in hint.inner_text()
    held.release()
    page.locator("[data-qifa=back-to-bot]").wait_for(state="visible", timeout=TIMEOUT)
    page.wait_for_function(f"""() => {{ const r = {SHADOW};
        return r.querySelector('[data-qifa=typing]').hidden && r.querySelector('[data-qifa=composer-hint]').hidden
            && [...r.querySelectorAll('[data-qifa=message][data-role=bot]')].some(
                m => m.textContent.includes('已切换为中文')); }}""", timeout=TIMEOUT)
    assert users_said(rt, sid)[-3:] == ["/checkup", "/human", "/lang zh"]
    held.done()
    # the answer to /lang leaves the case waiting, also after a reload
    assert page.locator("[data-qifa=back-to-bot]").is_visible() and rt.handoffs.active(sid) is not None
    page.reload()
    page.locator("[data-qifa=launcher]").click()
    page.locator("[data-qifa=back-to-bot]").wait_for(state="visible", timeout=TIMEOUT)
    assert page.locator("[data-qifa=back-to-bot]").inner_text().endswith("返回机器人")


def kept_in_storage(page: Any, env: Env) -> dict[str, Any]:
    data = page.evaluate(f"localStorage.getItem('qifa:{env.api}:{env.site.key}')")
    kept: dict[str, Any] = json.loads(data) if data else {}
    return kept


# the page, the language it is switched to, its send label, a question and a word of the answer in that language
SWITCHED = [("/", "en", "Send", "试用期最长能约定多久？", "Article"),
            ("/en", "zh", "发送", "How long can a probation period be?", "第十九条")]


@pytest.mark.parametrize(("path", "chosen", "send_label", "question", "in_reply"), SWITCHED)
def test_the_language_chosen_is_kept_through_a_reload_after_a_new_conversation(
        page: Any, env: Env, rt: Runtime, path: str, chosen: str, send_label: str, question: str,
        in_reply: str) -> None:
    open_widget(page, f"{env.host}{path}")
    ask(page, question)
    page.locator("[data-qifa=lang]").click()
    assert kept_in_storage(page, env).get("lang") == chosen  # at once, before the reply to /lang
    replies_settled(page, 2)
    sid = stored(page, env)
    # 新对话, then a reload before any message: the chosen language, not the page's default
    page.locator("[data-qifa=new]").click()
    assert page.locator("[data-qifa=message]").count() == 0
    assert kept_in_storage(page, env) == {"lang": chosen}  # no conversation kept, only the language
    page.reload()
    page.locator("[data-qifa=launcher]").click()
    page.locator("[data-qifa=panel]").wait_for(state="visible")
    assert page.locator("[data-qifa=send]").inner_text() == send_label
    # and the next conversation is held in it on the server
    reply = ask(page, question).inner_text()
    assert in_reply in reply
    new_sid = stored(page, env)
    assert new_sid != sid and kept_in_storage(page, env)["lang"] == chosen
