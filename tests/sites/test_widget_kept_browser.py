"""The web widget never throws away what the user typed or answered (review20 findings 2, 3, 4, 11, 13, 14, 15, 17),
in real headless Chromium against the live API (the fixtures of test_widget_browser.py):

- the self-check's answers survive 返回对话, Escape, a cancelled 新对话 and a reload; its report (and PDF link) comes
  back with the history, where the button shows as 法治体检自测, not ``/checkup``;
- the order form's typed values survive Escape (an Escape that closes an IME's candidate list does not close it)
  and 返回对话;
- a message sent while a reply is pending waits in the box and goes after it; a failed send puts the text back;
  a paste over the limit is kept whole and the hint says so;
- API errors in the widget's language; deleting is never refused by the chat's rate limit, and asks first;
- 新对话 while a case waits asks, then withdraws the case;
- on a phone Tab stays inside the full-screen panel and Escape closes it; the waiting bar keeps its case number
  after a reload; a long answer opens at its first line.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from chat_support import fresh_data_dir, open_runtime
from test_widget_browser import (  # the host page, the live API and Chromium
    TIMEOUT,
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

__all__ = ["browser", "env", "page", "rt"]  # fixtures used here

SHADOW = "document.querySelector('[data-qifa=root]').shadowRoot"


def progress(page: Any) -> tuple[str, str]:
    bar = page.locator("[data-qifa=checkup-progress]")
    return bar.get_attribute("value") or "", bar.get_attribute("max") or ""


def open_foreign_checkup(page: Any) -> Any:
    """🩺 → the questionnaire list (from the chat) → 涉外: the form."""
    page.locator("[data-qifa=checkup]").click()
    choose = page.locator("[data-qifa=suggestion][data-kind=checkup]").filter(has_text="涉外")
    choose.wait_for(timeout=TIMEOUT)
    choose.click()
    form = page.locator("[data-qifa=checkup-form]")
    form.wait_for(timeout=TIMEOUT)
    return form


def reopen_from_suggestions(page: Any) -> Any:
    page.locator("[data-qifa=suggestion][data-kind=checkup]").filter(has_text="涉外").click()
    form = page.locator("[data-qifa=checkup-form]")
    form.wait_for(timeout=TIMEOUT)
    return form


def checked(form: Any, qid: str) -> str | None:
    boxes = form.locator(f"fieldset[data-question={qid}] input:checked")
    return boxes.first.get_attribute("data-answer") if boxes.count() else None


def test_self_check_answers_survive_closing_and_reload_and_the_report_comes_back(page: Any, env: Env,
                                                                                 rt: Runtime) -> None:
    open_widget(page, f"{env.host}/")
    form = open_foreign_checkup(page)
    form.locator("fieldset[data-question=for-exports] input[data-answer=no]").check()
    form.locator("fieldset[data-question=for-is-fie] input[data-answer=yes]").check()
    assert progress(page)[0] == "2"
    # 返回对话, then again: the same answers
    page.get_by_role("button", name="返回对话").click()
    assert form.count() == 0
    form = reopen_from_suggestions(page)
    assert checked(form, "for-exports") == "no" and checked(form, "for-is-fie") == "yes"
    assert progress(page)[0] == "2"
    # Escape closes the sheet; the answers stay
    page.keyboard.press("Escape")
    assert form.count() == 0
    form = reopen_from_suggestions(page)
    assert progress(page)[0] == "2"
    # 新对话 asks first (unsent answers); 取消 keeps them and the conversation
    sid = stored(page, env)
    page.locator("[data-qifa=new]").click()
    question = page.locator("[data-qifa=confirm]")
    assert "自测答案" in question.inner_text()
    page.locator("[data-qifa=confirm-no]").click()
    assert stored(page, env) == sid
    assert checked(page.locator("[data-qifa=checkup-form]"), "for-is-fie") == "yes"
    # a reload: the conversation and the answers are back
    page.reload()
    page.locator("[data-qifa=launcher]").click()
    page.locator("[data-qifa=message][data-role=bot]").first.wait_for(timeout=TIMEOUT)
    form = open_foreign_checkup(page)
    assert checked(form, "for-exports") == "no" and checked(form, "for-is-fie") == "yes"
    # finish: the report
    for q in form.locator("fieldset[data-question]").all():
        if q.is_visible() and not q.locator("input:checked").count():
            q.locator("input[data-answer=unsure]").check()
    page.locator("[data-qifa=checkup-submit]").click()
    card = page.locator("[data-qifa=checkup-report]")
    card.wait_for(timeout=TIMEOUT)
    report = card.get_attribute("data-report")
    assert rt.checkups.get_report(int(report or 0), sid).body["checkup_id"] == "foreign"
    # after a reload the report is in the history, with its PDF link, and the button shows as its label
    page.reload()
    page.locator("[data-qifa=launcher]").click()
    card = page.locator("[data-qifa=checkup-report]")
    card.wait_for(timeout=TIMEOUT)
    assert card.get_attribute("data-report") == report
    href = card.locator("[data-qifa=checkup-pdf]").get_attribute("href") or ""
    pdf = httpx.get(href, headers={"X-Qifa-Site-Key": env.site.key}, timeout=30)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    users = page.locator("[data-qifa=message][data-role=user]").all_inner_texts()
    assert any("法治体检自测" in u for u in users) and not any("/checkup" in u for u in users)
    # the report sits after the question list it was made from, before what came later
    order = page.locator("[data-qifa=message], [data-qifa=checkup-report]").evaluate_all(
        "ns => ns.map(n => n.dataset.qifa)")
    assert order[-1] == "checkup-report"
    # once made, the answers are not kept: the questionnaire opens empty
    form = open_foreign_checkup(page)
    assert progress(page)[0] == "0"


def test_order_form_values_survive_escape_and_back(page: Any, env: Env) -> None:
    open_widget(page, f"{env.host}/")
    ask(page, "我要预约合同审查")
    card = page.locator("[data-qifa=service-card][data-service=contract-review]")
    card.locator("[data-qifa=order]").click(timeout=TIMEOUT)
    form = page.locator("[data-qifa=order-form]")
    form.wait_for()
    form.locator("[name=enterprise_name]").fill("浦江县某水晶有限公司")
    form.locator("[name=contact_name]").fill("张三")
    form.locator("[name=description]").fill("审查一份采购合同。")
    # an Escape that closes a Chinese IME's candidate list (keydown during composition) leaves the form open
    page.evaluate(f"""() => {{ const i = {SHADOW}.querySelector('[name=contact_name]');
        i.dispatchEvent(new KeyboardEvent('keydown', {{key: 'Escape', isComposing: true, bubbles: true,
                                                      composed: true}})); }}""")
    assert form.count() == 1
    # a plain Escape closes it; reopened, everything typed is there
    form.locator("[name=contact_name]").press("Escape")
    assert form.count() == 0
    card.locator("[data-qifa=order]").click()
    form.wait_for()
    assert form.locator("[name=enterprise_name]").input_value() == "浦江县某水晶有限公司"
    assert form.locator("[name=contact_name]").input_value() == "张三"
    assert form.locator("[name=description]").input_value() == "审查一份采购合同。"
    # 返回对话 (to ask what a credit code is) keeps them too
    form.locator("[name=phone]").fill("13800138000")
    page.get_by_role("button", name="返回对话").click()
    assert form.count() == 0
    card.locator("[data-qifa=order]").click()
    form.wait_for()
    assert form.locator("[name=phone]").input_value() == "13800138000"
    assert form.locator("[name=enterprise_name]").input_value() == "浦江县某水晶有限公司"


def test_typed_text_is_queued_kept_on_failure_and_never_cut(page: Any, env: Env, rt: Runtime) -> None:
    open_widget(page, f"{env.host}/")
    ask(page, "试用期最长能约定多久？")
    sid = stored(page, env)
    box = page.locator("[data-qifa=input]")
    hint = page.locator("[data-qifa=composer-hint]")
    bots = page.locator("[data-qifa=message][data-role=bot]").count()
    # (a) a reply is pending (held in the network): the second message waits in the box, then goes
    held: list[Any] = []
    released: list[bool] = []

    def hold(route: Any) -> None:
        if released:
            route.continue_()
        else:
            held.append(route)

    page.route(f"{env.api}/api/v1/chat", hold)
    box.fill("经济补偿怎么计算？")
    box.press("Enter")
    deadline = time.monotonic() + 10
    while not held and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    assert held
    box.fill("加班费怎么算？")
    box.press("Enter")
    assert box.input_value() == "加班费怎么算？" and "回复后自动发送" in hint.inner_text()
    released.append(True)
    held[0].continue_()
    page.wait_for_function(f"""() => {{ const r = {SHADOW};
        return r.querySelectorAll('[data-qifa=message][data-role=bot]').length >= {bots + 2}
            && !r.querySelector('[data-qifa=input]').value
            && r.querySelector('[data-qifa=typing]').hidden; }}""", timeout=TIMEOUT)
    typed = [m.text for m in rt.conversations.messages(sid) if m.role == "user"]
    assert typed[-2:] == ["经济补偿怎么计算？", "加班费怎么算？"]
    assert not hint.is_visible() and len(held) == 1
    page.unroute(f"{env.api}/api/v1/chat")
    # (b) offline: the text goes back in the box, with the error; nothing shows as sent
    users = page.locator("[data-qifa=message][data-role=user]")
    before = users.count()
    page.context.set_offline(True)
    box.fill("年假有几天？")
    page.locator("[data-qifa=send]").click()
    failed = page.locator("[data-qifa-error=send-failed]")
    failed.wait_for(timeout=TIMEOUT)
    assert "网络连接失败" in failed.inner_text() and "已放回输入框" in failed.inner_text()
    assert box.input_value() == "年假有几天？" and users.count() == before
    page.context.set_offline(False)
    page.locator("[data-qifa=send]").click()
    page.wait_for_function(f"() => !{SHADOW}.querySelector('[data-qifa=input]').value")
    page.locator("[data-qifa=typing]").wait_for(state="hidden", timeout=TIMEOUT)
    assert [m.text for m in rt.conversations.messages(sid) if m.role == "user"][-1] == "年假有几天？"
    # (c) a paste over the limit is kept whole, and the hint says how long it is and the limit
    long_text = "合同" * 1100
    box.fill(long_text)
    assert len(box.input_value()) == 2200
    assert "消息过长（2200 字），最多 2000 字" in hint.inner_text() and box.get_attribute("aria-invalid") == "true"
    page.locator("[data-qifa=send]").click()
    assert box.input_value() == long_text and users.count() == before + 1
    box.fill("短消息")
    assert not hint.is_visible()


def test_delete_asks_first(page: Any, env: Env, rt: Runtime) -> None:
    open_widget(page, f"{env.host}/")
    ask(page, "经济补偿怎么计算？")
    sid = stored(page, env)
    page.locator("[data-qifa=delete]").click()
    question = page.locator("[data-qifa=confirm]")
    assert "无法恢复" in question.inner_text()
    assert question.locator("[data-qifa=confirm-no]").evaluate("e => e === e.getRootNode().activeElement")
    page.keyboard.press("Escape")  # Escape answers 取消, and leaves the panel open
    assert not question.is_visible() and page.locator("[data-qifa=panel]").is_visible()
    assert rt.conversations.exists(sid)
    page.locator("[data-qifa=delete]").click()
    page.locator("[data-qifa=confirm-yes]").click()
    page.wait_for_function(f"() => localStorage.getItem('qifa:{env.api}:{env.site.key}') === null", timeout=TIMEOUT)
    assert not rt.conversations.exists(sid)


def test_english_delete_question(page: Any, env: Env) -> None:
    open_widget(page, f"{env.host}/en")
    ask(page, "How long can a probation period be?")
    page.locator("[data-qifa=delete]").click()
    question = page.locator("[data-qifa=confirm]")
    assert "cannot be undone" in question.inner_text()
    assert question.locator("[data-qifa=confirm-yes]").inner_text() == "Delete"


def test_new_conversation_while_waiting_withdraws_the_case(page: Any, env: Env, rt: Runtime) -> None:
    open_widget(page, f"{env.host}/")
    ask(page, "试用期最长能约定多久？")
    page.locator("[data-qifa=handoff]").click()
    page.locator("[data-qifa=back-to-bot]").wait_for(state="visible", timeout=TIMEOUT)
    sid = stored(page, env)
    case = rt.handoffs.active(sid)
    assert case is not None
    page.locator("[data-qifa=new]").click()
    question = page.locator("[data-qifa=confirm]")
    assert f"工单 {case.id}" in question.inner_text() and "撤回" in question.inner_text()
    page.locator("[data-qifa=confirm-no]").click()
    assert rt.handoffs.active(sid) is not None and stored(page, env) == sid
    page.locator("[data-qifa=new]").click()
    page.locator("[data-qifa=confirm-yes]").click()
    page.wait_for_function(f"() => localStorage.getItem('qifa:{env.api}:{env.site.key}') === null", timeout=TIMEOUT)
    assert rt.handoffs.active(sid) is None
    withdrawn = rt.handoffs.get(case.id)
    assert withdrawn is not None and withdrawn.status == "closed"
    assert [m.text for m in rt.conversations.messages(sid) if m.role == "user"][-1] == "/bot"


def test_phone_focus_stays_in_the_panel_case_number_kept_long_answer_at_its_start(browser: Any, env: Env,
                                                                                  rt: Runtime) -> None:
    phone = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    page = phone.new_page()
    try:
        open_widget(page, f"{env.host}/")
        panel = page.locator("[data-qifa=panel]")
        assert panel.get_attribute("aria-modal") == "true"
        answer = ask(page, "劳动合同必须写明哪些条款？")
        # a long answer opens at its first line
        sizes = page.evaluate(f"""() => {{ const r = {SHADOW}; const log = r.querySelector('[role=log]');
            const bots = r.querySelectorAll('[data-qifa=message][data-role=bot]'); const b = bots[bots.length - 1];
            return [b.offsetHeight, log.clientHeight, b.getBoundingClientRect().top - log.getBoundingClientRect().top];
        }}""")
        assert sizes[0] > sizes[1], sizes  # the answer is taller than the log
        assert 0 <= sizes[2] <= 20, sizes  # its top is at the top of the log
        assert answer.locator(".who").is_visible()
        # Tab and Shift+Tab cycle inside the panel
        page.locator("[data-qifa=input]").focus()
        for key in ["Tab"] * 14 + ["Shift+Tab"] * 14:
            page.keyboard.press(key)
            inside = page.evaluate(f"""() => document.activeElement === document.querySelector('[data-qifa=root]')
                && {SHADOW}.querySelector('[data-qifa=panel]').contains({SHADOW}.activeElement)""")
            assert inside, key
        page.keyboard.press("Escape")
        panel.wait_for(state="hidden")
        # the waiting bar keeps its case number after a reload
        page.locator("[data-qifa=launcher]").click()
        page.locator("[data-qifa=handoff]").click()
        wait = page.locator("[data-qifa=back-to-bot]")
        wait.wait_for(state="visible", timeout=TIMEOUT)
        case = rt.handoffs.active(stored(page, env))
        assert case is not None
        bar = page.locator(".wait span")
        assert f"工单号 {case.id}" in bar.inner_text()
        page.reload()
        page.locator("[data-qifa=launcher]").click()
        wait.wait_for(state="visible", timeout=TIMEOUT)
        assert f"工单号 {case.id}" in bar.inner_text()
    finally:
        phone.close()


@pytest.fixture
def limited(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory,
            embeddings: Any) -> Iterator[tuple[Env, Runtime]]:
    """A runtime whose chat allows 3 requests a minute per conversation."""
    runtime = open_runtime(fresh_data_dir(tmp_path_factory, embeddings, tmp_path / "var"), embeddings,
                           rate_limit_per_session=3)
    try:
        with hosting(runtime) as e:
            yield e, runtime
    finally:
        runtime.close()


def test_errors_in_the_widgets_language_and_delete_despite_the_rate_limit(page: Any,
                                                                          limited: tuple[Env, Runtime]) -> None:
    env, runtime = limited
    open_widget(page, f"{env.host}/")
    for text in ("试用期最长能约定多久？", "经济补偿怎么计算？", "加班费怎么算？"):
        ask(page, text)
    box = page.locator("[data-qifa=input]")
    box.fill("年假有几天？")
    page.locator("[data-qifa=send]").click()
    refused = page.locator("[data-qifa-error=send-failed]")
    refused.wait_for(timeout=TIMEOUT)
    assert "请求过于频繁" in refused.inner_text() and "too many" not in refused.inner_text()
    assert box.input_value() == "年假有几天？"
    sid = stored(page, env)
    headers = {"X-Qifa-Site-Key": env.site.key}
    again = httpx.post(f"{env.api}/api/v1/chat", json={"message": "年假", "session_id": sid}, headers=headers,
                       timeout=10)
    assert again.status_code == 429  # the conversation is still over its limit
    # deleting is a privacy right: the chat's limit does not refuse it
    page.locator("[data-qifa=delete]").click()
    page.locator("[data-qifa=confirm-yes]").click()
    page.wait_for_function(f"() => localStorage.getItem('qifa:{env.api}:{env.site.key}') === null", timeout=TIMEOUT)
    assert not runtime.conversations.exists(sid)
    # still gated and only its own session: a gone id is 404, a wrong site key 403, and the other stays
    assert httpx.delete(f"{env.api}/api/v1/sessions/{sid}", headers=headers, timeout=10).status_code == 404
    other = httpx.post(f"{env.api}/api/v1/chat", json={"message": "你好"}, headers=headers, timeout=30).json()
    wrong = httpx.delete(f"{env.api}/api/v1/sessions/{other['session_id']}", headers={"X-Qifa-Site-Key": "nope"},
                         timeout=10)
    assert wrong.status_code == 403
    assert runtime.conversations.exists(other["session_id"])


def test_english_page_shows_the_english_half(page: Any, limited: tuple[Env, Runtime]) -> None:
    env = limited[0]
    open_widget(page, f"{env.host}/en")
    for text in ("How long can a probation period be?", "What is severance pay?", "Overtime pay?"):
        ask(page, text)
    page.locator("[data-qifa=input]").fill("Annual leave?")
    page.locator("[data-qifa=send]").click()
    refused = page.locator("[data-qifa-error=send-failed]")
    refused.wait_for(timeout=TIMEOUT)
    text = refused.inner_text()
    assert "too many requests" in text and "请求过于频繁" not in text and "back in the box" in text
    assert json.loads(page.evaluate(f"localStorage.getItem('qifa:{env.api}:{env.site.key}')"))["sid"]
