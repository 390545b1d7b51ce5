"""What a user sees after a reload and on a phone (widget30), in real headless Chromium against the live API (the
fixtures of test_widget_browser.py):

- a reload mid-conversation draws again what the replies showed: the service cards (their buttons work), the
  booking's card, the last reply's buttons in the bar, a pressed button by its label (not its command), and the
  note of an order placed through the page form;
- a history refused for too many requests (a reload right after a quick exchange) comes back by itself;
- the action row under the conversation is one row on a phone in both languages, every button keeps its full
  name for a screen reader and is reached by Tab.
"""

from __future__ import annotations

import json
from typing import Any

from test_widget_browser import (  # the host page, the live API and Chromium
    TIMEOUT,
    VALID_CODE,
    Env,
    ask,
    browser,
    env,
    hosting,
    open_widget,
    page,
    rt,
    stored,
)

from composition import Runtime

__all__ = ["browser", "env", "hosting", "page", "rt"]  # fixtures, used by name

SHADOW = "document.querySelector('[data-qifa=root]').shadowRoot"


def press(page: Any, button: Any) -> None:
    """Press a button that sends a message; return once its reply is in."""
    bots = page.locator("[data-qifa=message][data-role=bot]")
    before = bots.count()
    button.click()
    bots.nth(before).wait_for(timeout=TIMEOUT)
    page.locator("[data-qifa=typing]").wait_for(state="hidden", timeout=TIMEOUT)


def drawn(page: Any) -> dict[str, Any]:
    """What the conversation shows besides its text: the cards, the bar's buttons, what the user's bubbles say."""
    page.wait_for_function(f"""() => [...{SHADOW}.querySelectorAll('[data-qifa=service-card]')]
        .every(c => c.querySelector('h3'))""", timeout=TIMEOUT)  # every card filled from the catalogue
    return page.evaluate(f"""() => {{ const r = {SHADOW};
        return {{ cards: [...r.querySelectorAll('[data-qifa=service-card]')].map(c => c.dataset.service),
                 chips: [...r.querySelectorAll('[data-qifa=suggestion]')].map(b => b.textContent),
                 said: [...r.querySelectorAll('[data-qifa=message][data-role=user] .text')].map(t => t.textContent),
                 orders: [...r.querySelectorAll('[data-order]')].map(n => n.dataset.order) }}; }}""")


def reload_and_open(page: Any, users: int) -> None:
    page.reload()
    page.locator("[data-qifa=launcher]").click()
    page.locator("[data-qifa=message][data-role=user]").nth(users - 1).wait_for(timeout=TIMEOUT)
    page.wait_for_timeout(300)


def test_a_reload_draws_the_cards_buttons_and_labels_the_replies_showed(page: Any, env: Env, rt: Runtime) -> None:
    open_widget(page, f"{env.host}/")
    press(page, page.get_by_role("button", name="服务清单 / Menu"))
    press(page, page.locator("[data-qifa=suggestion][data-kind=category]").first)  # a category: its services
    press(page, page.locator("[data-qifa=suggestion][data-kind=service]").nth(1))  # a service: its card
    # a booking started in the chat: its service's card and the form's own buttons
    ask(page, "我们想预约合同审查")
    page.locator("[data-qifa=typing]").wait_for(state="hidden", timeout=TIMEOUT)
    before = drawn(page)
    assert len(before["cards"]) >= 2 and before["chips"], before
    assert not any(s.startswith("/") for s in before["said"]), before  # buttons pressed show their labels

    reload_and_open(page, len(before["said"]))
    after = drawn(page)
    assert after == before

    # the cards' buttons work after the reload: 预约 opens the page form and leaves the chat's booking
    sid = stored(page, env)
    page.locator("[data-qifa=service-card]").last.locator("[data-qifa=order]").click()
    form = page.locator("[data-qifa=order-form]")
    form.wait_for(timeout=TIMEOUT)
    for _ in range(50):
        if "form" not in rt.conversations.get(sid).state:
            break
        page.wait_for_timeout(100)
    assert "form" not in rt.conversations.get(sid).state  # the chat's form was left, as before a reload
    form.locator("[name=enterprise_name]").fill("深圳市腾讯计算机系统有限公司")
    form.locator("[name=credit_code]").fill(VALID_CODE)
    form.locator("[name=contact_name]").fill("张三")
    form.locator("[name=phone]").fill("13800138000")
    form.locator("[name=description]").fill("请审查一份采购合同。")
    form.locator("[name=consent]").check()
    page.get_by_role("button", name="提交预约").click()
    note = page.locator("[data-qifa=message][data-role=system][data-order]")
    note.wait_for(timeout=TIMEOUT)
    number = note.get_attribute("data-order")

    # the order's note (the widget's own, not a message of the history) comes back in its place
    placed = drawn(page)
    reload_and_open(page, len(placed["said"]))
    again = drawn(page)
    assert again["orders"] == [number] and again["cards"] == placed["cards"]
    assert number in page.locator("[data-qifa=message][data-order]").inner_text()


def test_the_history_in_english_follows_a_switch(page: Any, env: Env) -> None:
    """The bar's buttons and a pressed button's label, drawn from the history, follow the language button."""
    open_widget(page, f"{env.host}/en")
    ask(page, "/menu")
    press(page, page.locator("[data-qifa=suggestion][data-kind=category]").first)
    shown = drawn(page)
    assert shown["said"][1].startswith("法律咨询 Legal")  # the category's button, by its label
    reload_and_open(page, 2)
    assert drawn(page) == shown
    page.locator("[data-qifa=lang]").click()
    page.wait_for_function(f"""() => [...{SHADOW}.querySelectorAll('[data-qifa=suggestion]')]
        .every(b => /[\u4e00-\u9fff]/.test(b.textContent))""", timeout=TIMEOUT)  # named from the catalogue
    switched = drawn(page)
    assert switched["said"][1] == "法律咨询" and len(switched["chips"]) == len(shown["chips"])


def test_a_history_refused_for_too_many_requests_comes_back_by_itself(page: Any, env: Env) -> None:
    open_widget(page, f"{env.host}/")
    ask(page, "试用期最长能约定多久？")
    refused: list[str] = []

    def once(route: Any) -> None:
        if refused:
            route.continue_()
            return
        refused.append(route.request.url)
        route.fulfill(status=429, content_type="application/json", headers={"Access-Control-Allow-Origin": "*"},
                      body=json.dumps({"error": {"code": "rate_limited", "message": "too many requests for this "
                                       "conversation; try again in 1 s / 请求过于频繁，请 1 秒后再试"}}))

    page.route("**/api/v1/sessions/*/messages*", once)
    page.reload()
    page.locator("[data-qifa=launcher]").click()
    waiting = page.locator("[data-qifa-error=history-wait]")
    waiting.wait_for(timeout=TIMEOUT)
    assert "1 秒后再试" in waiting.inner_text()
    page.locator("[data-qifa=message][data-role=bot]").first.wait_for(timeout=TIMEOUT)  # by itself
    assert waiting.count() == 0 and refused
    assert page.locator("[data-qifa=message][data-role=user]").first.inner_text().endswith("试用期最长能约定多久？")
    assert page.locator("[data-qifa=message][data-role=bot] [data-qifa=citation]").count() >= 1


def actions(page: Any) -> list[dict[str, Any]]:
    return page.evaluate(f"""() => [...{SHADOW}.querySelectorAll('.actions button')].filter(b => !b.hidden)
        .map(b => {{ const r = b.getBoundingClientRect();
                     const label = b.querySelector('.label');
                     return {{ qifa: b.dataset.qifa, name: b.getAttribute('aria-label'), text: b.textContent,
                               top: Math.round(r.top), left: r.left, right: r.right,
                               cut: !!label && label.scrollWidth > label.clientWidth }}; }})""")


def test_the_action_row_is_one_row_on_a_phone_in_both_languages(browser: Any, env: Env) -> None:
    names = {"zh": ["转人工", "法治体检自测", "合规预警订阅", "删除我的对话"],
             "en": ["Talk to an adviser", "Legal health self-check", "Compliance alerts", "Delete my conversation"]}
    for width in (375, 360, 320):
        context = browser.new_context(viewport={"width": width, "height": 667}, is_mobile=True, has_touch=True)
        page = context.new_page()
        try:
            open_widget(page, f"{env.host}/")
            ask(page, "经济补偿怎么计算？")  # a conversation: 删除 is offered
            page.locator("[data-qifa=delete]").wait_for(state="visible", timeout=TIMEOUT)
            for lang in ("zh", "en"):
                row = actions(page)
                assert [b["name"] for b in row] == names[lang], row
                assert len({b["top"] for b in row}) == 1, (width, lang, row)  # one row
                assert all(b["left"] >= 0 and b["right"] <= width and not b["cut"] for b in row), row  # whole
                # every short label is part of the full name a screen reader or a voice command uses
                for b in row:
                    label = "".join(ch for ch in b["text"] if ch.isalnum() or ch in "- ").strip()  # not its icon
                    assert label.lower() in b["name"].lower(), b
                    assert page.get_by_role("button", name=b["name"], exact=True).count() == 1
                # the keyboard reaches each, in order, from the box
                page.locator("[data-qifa=input]").focus()
                reached = []
                for _ in range(8):
                    page.keyboard.press("Tab")
                    reached.append(page.evaluate(f"() => {SHADOW}.activeElement?.dataset.qifa"))
                assert [q for q in reached if q in {b["qifa"] for b in row}][:4] == [b["qifa"] for b in row]
                if lang == "zh":
                    page.locator("[data-qifa=lang]").click()
                    page.locator("[data-qifa=typing]").wait_for(state="hidden", timeout=TIMEOUT)
            header = page.evaluate(f"""() => {{ const h = {SHADOW}.querySelector('header h2');
                return [h.scrollWidth <= h.clientWidth, h.getBoundingClientRect().width]; }}""")
            assert header[0] or width < 375, header  # the English title is not cut on a 375 px phone
        finally:
            context.close()
