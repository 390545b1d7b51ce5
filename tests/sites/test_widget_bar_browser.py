"""The suggestion bar (widget23), in real headless Chromium against the live API (the fixtures of
test_widget_browser.py): the menu's eight buttons, long bilingual labels on an English page, take a compact bar
on a 375 px phone (at most ~40 % of the panel; the conversation keeps its room) and on the desktop panel, while
each button stays reachable: Tab reaches every one in order, scrolled into view inside the bar with its focus
outline shown, each can be pressed, and a screen reader finds them as buttons in a named group.
"""

from __future__ import annotations

from typing import Any

from test_widget_browser import ARTIFACTS, TIMEOUT, Env, ask, browser, env, open_widget, rt
from test_widget_lang_browser import SHADOW, focused, replies_settled

from assistant.menu import menu
from composition import Runtime

__all__ = ["browser", "env", "rt"]  # fixtures used here


def rect(page: Any, selector: str) -> dict[str, float]:
    """The box of the widget's element matching ``selector`` (in the page's pixels)."""
    box: dict[str, float] = page.evaluate(f"""() => {{ const r = {SHADOW}.querySelector('{selector}')
        .getBoundingClientRect(); return {{top: r.top, bottom: r.bottom, height: r.height}}; }}""")
    return box


def focused_chip(page: Any) -> dict[str, Any]:
    """The focused suggestion: its label, its box and the bar's, whether it shows its focus outline."""
    chip: dict[str, Any] = page.evaluate(f"""() => {{ const a = {SHADOW}.activeElement;
        const r = a.getBoundingClientRect(), bar = a.parentElement.getBoundingClientRect();
        const style = getComputedStyle(a);
        return {{label: a.textContent, kind: a.dataset.qifa, top: r.top, bottom: r.bottom, barTop: bar.top,
                 barBottom: bar.bottom, visible: a.matches(':focus-visible') && style.outlineStyle === 'solid'
                 && parseFloat(style.outlineWidth) >= 2}}; }}""")
    return chip


def test_the_menus_bar_is_compact_on_a_phone_and_every_button_is_reachable(browser: Any, env: Env,
                                                                            rt: Runtime) -> None:
    labels = [s.label for s in menu(rt.catalogue, "en")[1]]
    assert len(labels) == 8
    for width, height in ((375, 667), (1280, 800)):
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        try:
            open_widget(page, f"{env.host}/en")
            ask(page, "/menu")
            bar = page.get_by_role("group", name="Suggested actions")  # named for a screen reader
            assert bar.get_by_role("button").all_inner_texts() == labels
            page.wait_for_timeout(200)  # the fade is set once the bar is laid out
            panel, sugg, log = rect(page, "[data-qifa=panel]"), rect(page, ".sugg"), rect(page, ".log")
            assert sugg["height"] <= 0.4 * panel["height"], (width, sugg, panel)
            assert log["height"] >= 2 * sugg["height"]  # the conversation keeps its room
            assert "more" in (bar.get_attribute("class") or "")  # the lower edge fades: more below
            page.screenshot(path=str(ARTIFACTS / f"widget-suggestions-{width}.png"))
            # the keyboard: from the conversation, Tab reaches each button in order, in sight with its outline
            page.locator("[data-qifa=input]").focus()
            page.keyboard.press("Shift+Tab")  # back past the bar to the conversation's log
            while focused(page) not in (None, "DIV"):
                page.keyboard.press("Shift+Tab")
            for label in labels:
                page.keyboard.press("Tab")
                chip = focused_chip(page)
                assert chip["kind"] == "suggestion" and chip["label"] == label
                assert chip["visible"], chip
                # its outline (3 px, 1 px off) inside the bar too
                assert chip["top"] - 4 >= chip["barTop"] and chip["bottom"] + 4 <= chip["barBottom"], chip
            page.keyboard.press("Tab")
            assert focused(page) == "input"  # past the bar, the box
            page.wait_for_function(f"!{SHADOW}.querySelector('.sugg').classList.contains('more')")  # at its end
            for button in bar.get_by_role("button").all():
                button.click(trial=True)  # each can be pressed: in sight, enabled, not covered
            # the last, out of sight at first, pressed by the keyboard
            page.locator("[data-qifa=input]").focus()
            page.keyboard.press("Shift+Tab")
            assert focused_chip(page)["label"] == labels[-1]
            page.keyboard.press("Enter")
            replies_settled(page, 2)
            said = page.locator("[data-qifa=message][data-role=user] .text").last
            assert said.inner_text() == labels[-1]
        finally:
            context.close()


def test_the_bar_follows_a_switch_and_a_short_chinese_menu_needs_no_scroll(browser: Any, env: Env) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 667})
    page = context.new_page()
    try:
        open_widget(page, f"{env.host}/")
        ask(page, "你好")
        bar = page.get_by_role("group", name="建议的操作")
        assert bar.get_by_role("button").count() == 8
        page.wait_for_timeout(200)
        sugg = rect(page, ".sugg")
        assert sugg["height"] < 100 and "more" not in (bar.get_attribute("class") or "")  # two rows, all in sight
        page.locator("[data-qifa=lang]").click()
        english = page.get_by_role("group", name="Suggested actions")
        english.wait_for(timeout=TIMEOUT)
        assert english.get_by_role("button").count() == 8
        page.wait_for_timeout(200)
        assert rect(page, ".sugg")["height"] <= 0.4 * rect(page, "[data-qifa=panel]")["height"]
        assert "more" in (english.get_attribute("class") or "")
        replies_settled(page, 2)
    finally:
        context.close()
