"""The self-check in the web widget, in real headless Chromium on a host page with a strict CSP (the fixtures of
test_widget_browser.py): the 🩺 button, the questionnaire chosen from the chat's buttons, a form with progress
where dependent questions appear only when they apply, a missing answer named next to its question, the report
card with levels, cited findings, a PDF link for this session and order buttons. A screenshot goes to
``tests/artifacts/``."""

from __future__ import annotations

from typing import Any

import httpx
from test_widget_browser import (  # the host page, the live API and Chromium
    ARTIFACTS,
    TIMEOUT,
    Env,
    browser,
    env,
    open_widget,
    page,
    rt,
    stored,
)

from composition import Runtime

__all__ = ["browser", "env", "page", "rt"]  # fixtures used here


def progress(page: Any) -> tuple[str, str]:
    bar = page.locator("[data-qifa=checkup-progress]")
    return bar.get_attribute("value") or "", bar.get_attribute("max") or ""


def test_the_self_check_form_and_report(page: Any, env: Env, rt: Runtime) -> None:
    open_widget(page, f"{env.host}/")
    page.locator("[data-qifa=checkup]").click()
    page.locator("[data-qifa=suggestion][data-kind=checkup]").first.wait_for(timeout=TIMEOUT)
    page.locator("[data-qifa=suggestion][data-kind=checkup]").filter(has_text="涉外").click()
    form = page.locator("[data-qifa=checkup-form]")
    form.wait_for(timeout=TIMEOUT)
    assert form.get_attribute("data-checkup") == "foreign"
    export_q = form.locator("fieldset[data-question=trd-customs-filing]")
    fdi_q = form.locator("fieldset[data-question=fdi-information-report]")
    assert not export_q.is_visible() and not fdi_q.is_visible()  # dependent: hidden until their gate says yes
    assert progress(page) == ("0", "6")
    form.locator("fieldset[data-question=for-exports] input[data-answer=yes]").check()
    assert export_q.is_visible() and progress(page) == ("1", "12")
    form.locator("fieldset[data-question=for-is-fie] input[data-answer=no]").check()
    assert not fdi_q.is_visible()
    # answer everything visible but one: the form names the one missing
    visible = [q for q in form.locator("fieldset[data-question]").all() if q.is_visible()]
    for q in visible:
        qid = q.get_attribute("data-question")
        if qid in ("for-exports", "for-is-fie", "fcon-dispute-clause"):
            continue
        q.locator("input[data-answer=no]").check()
    page.locator("[data-qifa=checkup-submit]").click()
    missing = form.locator("fieldset[data-question=fcon-dispute-clause]")
    assert missing.get_attribute("aria-invalid") == "true" and "请回答" in missing.inner_text()
    missing.locator("input[data-answer=unsure]").check()
    value, total = progress(page)
    assert value == total
    page.screenshot(path=str(ARTIFACTS / "widget-checkup-form.png"))
    page.locator("[data-qifa=checkup-submit]").click()
    card = page.locator("[data-qifa=checkup-report]")
    card.wait_for(timeout=TIMEOUT)
    assert card.get_attribute("data-level") == "高风险"
    text = card.inner_text()
    assert "依据：《中华人民共和国海关法》第二十四条" in text and "对外贸易与出口管制" in text
    assert card.locator("[data-qifa=order]").count() >= 1
    card.screenshot(path=str(ARTIFACTS / "widget-checkup-report.png"))
    sid = stored(page, env)
    report_id = int(card.get_attribute("data-report") or 0)
    assert rt.checkups.get_report(report_id, sid).body["checkup_id"] == "foreign"
    href = card.locator("[data-qifa=checkup-pdf]").get_attribute("href") or ""
    pdf = httpx.get(href, headers={"X-Qifa-Site-Key": env.site.key}, timeout=30)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # alerts on the report's topics, from the report card: the conversation is subscribed
    card.locator("[data-qifa=checkup-alerts]").click()
    page.get_by_text("已按自测报告订阅").first.wait_for(timeout=TIMEOUT)
    assert "foreign" in rt.alerts.of(sid)
    # ordering a recommended service opens the order form of that service
    card.locator("[data-qifa=order]").first.click()
    page.locator("[data-qifa=order-form]").wait_for(timeout=TIMEOUT)
