"""The widget's language switch, all the way (widget21's leftovers, widget22), in real headless Chromium against
the live API (the fixtures of test_widget_browser.py):

- a language chosen before the first message makes no conversation (nothing in the staff's figures or queue): it
  is kept in the browser, through a reload, and the first message carries it (its reply is in that language);
- what the widget draws itself follows a switch: its own notes (a failed send), the suggestions under the last
  reply (the engine's fixed labels as the engine writes them in the other language), a service's card, the
  problems shown in an open order form, a question it asks (新对话); what was said keeps its language, named on
  its text (lang) for a screen reader, while the widget's root carries the widget's;
- a booking in the chat stays one live form through a switch (widget23): its card relabelled in place, the
  question asked again as the only new thing, the answers given and the text in the box kept; the self-check in
  the chat likewise; an open order sheet keeps its values, its consent tick and its place, a self-check sheet its
  answers and its place.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select
from test_widget_browser import (  # the host page, the live API and Chromium
    ARTIFACTS,
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
from test_widget_lang_browser import SHADOW, focused, kept_in_storage, replies_settled, users_said

from assistant.menu import menu
from composition import Runtime
from db.models_chat import ChatSession

__all__ = ["browser", "env", "page", "rt"]  # fixtures used here


def conversations(rt: Runtime) -> int:
    with rt.db.session() as s:
        return int(s.execute(select(func.count()).select_from(ChatSession)).scalar_one())


def text_lang(locator: Any) -> str | None:
    """The lang attribute of a message's text."""
    lang: str | None = locator.locator(".text").get_attribute("lang")
    return lang


def test_a_language_chosen_before_the_first_message_makes_no_conversation(page: Any, env: Env, rt: Runtime) -> None:
    chats: list[dict[str, Any]] = []
    page.on("request", lambda r: chats.append(json.loads(r.post_data or "{}"))
            if r.url.endswith("/api/v1/chat") and r.method == "POST" else None)
    open_widget(page, f"{env.host}/")
    button = page.locator("[data-qifa=lang]")
    button.click()
    # the labels at once, the focus where it was, the choice kept in the browser only
    assert page.locator("[data-qifa=send]").inner_text() == "Send" and focused(page) == "lang"
    assert page.locator("[data-qifa=suggestion]").all_inner_texts() == ["Service menu / 服务清单",
                                                                         "My orders / 我的订单"]
    assert kept_in_storage(page, env) == {"lang": "en"}
    page.wait_for_timeout(500)
    assert chats == [] and conversations(rt) == 0 and page.locator("[data-qifa=message]").count() == 0
    # a reload: still English, still nothing on the server
    page.reload()
    page.locator("[data-qifa=launcher]").click()
    page.locator("[data-qifa=panel]").wait_for(state="visible")
    assert page.locator("[data-qifa=send]").inner_text() == "Send" and button.inner_text() == "中文"
    assert page.evaluate("document.querySelector('[data-qifa=root]').getAttribute('lang')") == "en"
    assert conversations(rt) == 0
    # the first message carries the choice: a Chinese question answered in English, one conversation, no /lang
    reply = ask(page, "试用期最长能约定多久？")
    assert "Article" in reply.inner_text() and text_lang(reply) == "en"
    assert [c.get("lang") for c in chats] == ["en"] and conversations(rt) == 1
    assert users_said(rt, stored(page, env)) == ["试用期最长能约定多久？"]
    assert kept_in_storage(page, env)["lang"] == "en"


def test_what_the_widget_drew_follows_a_switch_and_what_was_said_keeps_its_language(page: Any, env: Env,
                                                                                     rt: Runtime) -> None:
    open_widget(page, f"{env.host}/")
    answer = ask(page, "试用期最长能约定多久？")
    ask(page, "我要预约合同审查")
    card = page.locator("[data-qifa=service-card][data-service=contract-review]")
    card.locator("h3").wait_for(timeout=TIMEOUT)
    assert "合同审查" in card.inner_text() and "预约 / Order" in card.inner_text()
    ask(page, "/cancel")  # out of the chat's form: the menu's buttons next
    ask(page, "/menu")
    assert page.locator("[data-qifa=suggestion]").all_inner_texts() == [s.label for s in menu(rt.catalogue, "zh")[1]]
    # a send that fails: the widget's own note, the text back in the box, the menu's buttons still there
    page.route(f"{env.api}/api/v1/chat", lambda route: route.abort())
    page.locator("[data-qifa=input]").fill("劳务派遣用工比例有限制吗？")
    page.locator("[data-qifa=send]").click()
    failed = page.locator("[data-qifa-error=send-failed]")
    failed.wait_for(timeout=TIMEOUT)
    assert "网络连接失败" in failed.inner_text() and page.locator("[data-qifa=suggestion]").count() > 0
    page.unroute(f"{env.api}/api/v1/chat")

    page.locator("[data-qifa=lang]").click()
    # at once: the note, the card and the buttons in English, as the engine would have written the menu in it
    assert failed.locator(".text").inner_text() == ("Network error, please try again later. "
                                                     "The message was not sent; it is back in the box.")
    assert text_lang(failed) == "en"
    assert "Contract review" in card.inner_text() and "Order / 预约" in card.inner_text()
    assert "合同审查" not in card.locator("h3").inner_text()
    english_menu = [s.label for s in menu(rt.catalogue, "en")[1]]
    assert page.locator("[data-qifa=suggestion]").all_inner_texts() == english_menu
    page.screenshot(path=str(ARTIFACTS / "widget-lang-switched.png"))
    # what was said stays, in its language, named on its text; the widget's root is in the widget's
    assert "第十九条" in answer.inner_text() and text_lang(answer) == "zh-CN"
    assert page.locator("[data-qifa=message][data-role=user] .text").first.get_attribute("lang") == "zh-CN"
    assert answer.locator("blockquote").first.get_attribute("lang") == "zh-CN"  # the law's own words
    assert page.evaluate(f"""() => [document.querySelector('[data-qifa=root]').getAttribute('lang'),
        {SHADOW}.querySelector('.qf').getAttribute('lang')]""") == ["en", "en"]
    # the answer to /lang brings no buttons of its own: the menu's stay, in English, and work
    confirmed = page.locator("[data-qifa=message][data-role=bot]").nth(4)
    confirmed.wait_for(timeout=TIMEOUT)
    assert confirmed.inner_text().endswith("Language set to English.") and text_lang(confirmed) == "en"
    replies_settled(page, 5)
    assert page.locator("[data-qifa=suggestion]").all_inner_texts() == english_menu
    page.locator("[data-qifa=suggestion]").filter(has_text="Legal consultation").click()
    replies_settled(page, 6)
    assert page.locator("[data-qifa=message][data-role=user] .text").last.inner_text() == english_menu[0]
    listing = page.locator("[data-qifa=message][data-role=bot]").nth(5)
    assert "Legal consultation" in listing.inner_text() and text_lang(listing) == "en"


def test_an_open_forms_problems_and_a_question_asked_follow_a_switch(page: Any, env: Env) -> None:
    open_widget(page, f"{env.host}/en")
    ask(page, "I want to book a contract review")
    page.locator("[data-qifa=service-card][data-service=contract-review] [data-qifa=order]").click(timeout=TIMEOUT)
    form = page.locator("[data-qifa=order-form]")
    form.wait_for()
    form.locator("[name=enterprise_name]").fill("Pujiang Crystal Co., Ltd.")
    form.locator("[name=phone]").fill("12345")
    page.get_by_role("button", name="Submit the order").click()
    phone_error = page.locator("#qf-phone-err")
    assert phone_error.inner_text().startswith("Give an 11-digit mobile number")
    assert "Please tick the consent box" in page.locator("#qf-consent-err").inner_text()
    page.locator("[data-qifa=lang]").click()
    # the form again in Chinese, with what was typed and its problems, in Chinese, at their fields
    form = page.locator("[data-qifa=order-form]")
    assert "企业名称" in form.inner_text() and form.locator("[name=phone]").input_value() == "12345"
    assert phone_error.inner_text() == "请填写 11 位手机号或带区号的固定电话（如 0579-84123456）"
    assert form.locator("[name=phone]").get_attribute("aria-invalid") == "true"
    assert page.locator("#qf-consent-err").inner_text() == "需要您勾选同意个人信息的使用才能提交"
    assert page.locator("#qf-contact_name-err").inner_text() == "此项为必填项"
    assert focused(page) == "lang"
    page.get_by_role("button", name="返回对话").click()
    replies_settled(page, 2)
    # 新对话 asks first (the form's draft would go); a switch meanwhile asks again, in the other language
    page.locator("[data-qifa=new]").click()
    confirm = page.locator("[data-qifa=confirm]")
    assert confirm.inner_text().startswith("开始新对话？")
    assert "未提交的自测答案和预约表单将被清除" in confirm.inner_text()
    page.locator("[data-qifa=lang]").click()
    assert confirm.is_visible() and confirm.inner_text().startswith("Start a new conversation?")
    assert "order form you have not submitted will be cleared" in confirm.inner_text()
    assert page.locator("[data-qifa=confirm-yes]").inner_text() == "Start a new conversation"
    assert focused(page) == "lang"
    page.locator("[data-qifa=confirm-no]").click()
    assert not confirm.is_visible() and page.locator("[data-qifa=message]").count() > 0


def test_a_self_checks_missing_answer_and_its_report_follow_a_switch(page: Any, env: Env) -> None:
    open_widget(page, f"{env.host}/")
    page.locator("[data-qifa=checkup]").click()
    page.locator("[data-qifa=suggestion][data-kind=checkup]").filter(has_text="涉外").click(timeout=TIMEOUT)
    form = page.locator("[data-qifa=checkup-form]")
    form.wait_for(timeout=TIMEOUT)
    for q in form.locator("fieldset[data-question]").all():
        if q.is_visible() and q.get_attribute("data-question") != "for-exports":
            q.locator("input[data-answer=no]").check()
    page.locator("[data-qifa=checkup-submit]").click()
    missing = form.locator("fieldset[data-question=for-exports]")
    assert "请回答这道题" in missing.inner_text()
    page.locator("[data-qifa=lang]").click()
    # the sheet again in English, the answers kept and the missing one still named, in English
    missing = page.locator("[data-qifa=checkup-form] fieldset[data-question=for-exports]")
    assert "Please answer this question" in missing.inner_text() and missing.get_attribute("aria-invalid") == "true"
    assert page.locator("[data-qifa=checkup-form] input[data-answer=no]:checked").count() >= 4
    replies_settled(page, 2)
    missing.locator("input[data-answer=no]").check()
    page.locator("[data-qifa=checkup-submit]").click()
    card = page.locator("[data-qifa=checkup-report]")
    card.wait_for(timeout=TIMEOUT)
    report = card.get_attribute("data-report")
    assert "Basis: " in card.inner_text() and "Download the PDF report" in card.inner_text()
    page.locator("[data-qifa=lang]").click()
    # the report in Chinese, in its place
    card = page.locator("[data-qifa=checkup-report]")
    assert card.count() == 1 and card.get_attribute("data-report") == report
    assert "依据：" in card.inner_text() and "下载 PDF 报告" in card.inner_text() and "Basis" not in card.inner_text()


def form_state(rt: Runtime, sid: str) -> dict[str, Any]:
    """The booking in progress as the engine keeps it (the session's state)."""
    with rt.db.session() as s:
        row = s.get(ChatSession, sid)
        assert row is not None
        form: dict[str, Any] = dict(row.state or {})["form"]
        return form


def last_in_log(page: Any) -> str:
    """What the conversation shows last: the data-qifa of the log's last child."""
    last: str = page.evaluate(f"{SHADOW}.querySelector('[role=log]').lastElementChild.dataset.qifa")
    return last


def test_a_booking_in_the_chat_stays_one_live_form_through_a_switch(page: Any, env: Env, rt: Runtime) -> None:
    open_widget(page, f"{env.host}/")
    ask(page, "我要预约合同审查")
    cards = page.locator("[data-qifa=service-card]")
    cards.first.locator("h3").wait_for(timeout=TIMEOUT)
    assert cards.count() == 1 and "合同审查" in cards.first.inner_text()
    bots = page.locator("[data-qifa=message][data-role=bot]")
    page.locator("[data-qifa=lang]").click()
    replies_settled(page, 2)
    page.wait_for_timeout(300)  # a second card would be drawn from the catalogue by now
    # one card, the first, in English; the question again is the only new thing in the conversation
    assert cards.count() == 1 and "Contract review" in cards.first.inner_text()
    asked = bots.nth(1)
    assert "Language set to English." in asked.inner_text() and "enterprise's name" in asked.inner_text()
    assert text_lang(asked) == "en" and last_in_log(page) == "message"
    assert page.locator("[data-qifa=suggestion]").all_inner_texts() == ["Cancel / 取消"]
    ask(page, "Pujiang Crystal Co., Ltd.")
    # typed in the box, not sent yet, when the language is switched back: it stays there, and is the next answer
    page.locator("[data-qifa=input]").fill("91440300708461136T")
    page.locator("[data-qifa=lang]").click()
    replies_settled(page, 4)
    page.wait_for_timeout(300)
    again = bots.nth(3)
    said = again.inner_text()
    assert "已切换为中文" in said and "1/6" in said and "统一社会信用代码" in said
    assert cards.count() == 1 and "合同审查" in cards.first.inner_text() and last_in_log(page) == "message"
    assert page.locator("[data-qifa=input]").input_value() == "91440300708461136T"
    page.locator("[data-qifa=send]").click()
    replies_settled(page, 5)
    form = form_state(rt, stored(page, env))
    assert form["service"] == "contract-review" and form["lang"] == "zh"
    assert form["values"]["enterprise_name"] == "Pujiang Crystal Co., Ltd."
    assert form["values"]["credit_code"] == "91440300708461136T" and form["current"] == "contact_name"
    # asked twice for the same booking meanwhile: still the one card
    ask(page, "我要预约合同审查")
    page.wait_for_timeout(300)
    assert cards.count() == 1
    # dropped and booked again: the new booking has its own card
    ask(page, "/cancel")
    ask(page, "我要预约合同审查")
    page.locator("[data-qifa=service-card]").nth(1).locator("h3").wait_for(timeout=TIMEOUT)
    assert cards.count() == 2


def test_the_self_check_in_the_chat_asks_again_once_through_a_switch(page: Any, env: Env) -> None:
    open_widget(page, f"{env.host}/")
    ask(page, "/checkup foreign")
    ask(page, "否")
    assert page.locator("[data-qifa=suggestion]").all_inner_texts() == ["是", "否", "不确定", "暂停"]
    messages = page.locator("[data-qifa=message]")
    before = messages.count()
    page.locator("[data-qifa=lang]").click()
    replies_settled(page, 3)
    # the press and the question again, in English, nothing else drawn (no card, no sheet)
    assert messages.count() == before + 2 and last_in_log(page) == "message"
    again = page.locator("[data-qifa=message][data-role=bot]").nth(2)
    assert "Language set to English." in again.inner_text() and "(1 answered)" in again.inner_text()
    assert "Question 2" in again.inner_text() and text_lang(again) == "en"
    assert page.locator("[data-qifa=checkup-form], [data-qifa=service-card]").count() == 0
    assert page.locator("[data-qifa=suggestion]").all_inner_texts() == ["Yes", "No", "Unsure", "Pause"]
    page.locator("[data-qifa=suggestion]").filter(has_text="No").click()
    replies_settled(page, 4)
    assert "Question 3" in page.locator("[data-qifa=message][data-role=bot]").nth(3).inner_text()


def sheet_top(page: Any, sheet: str, part: str) -> str | None:
    """The field or question at the top of an open sheet's scrolled form (its data-field / data-question)."""
    top: str | None = page.evaluate(f"""() => {{ const f = {SHADOW}.querySelector('{sheet}');
        const t = f.getBoundingClientRect().top;
        const n = Array.from(f.querySelectorAll('[{part}]')).find(n => n.getBoundingClientRect().bottom > t + 1);
        return n ? n.getAttribute('{part}') : null; }}""")
    return top


def scroll_to_second(page: Any, sheet: str, part: str) -> str:
    """Scroll an open sheet's form to put its second field or question shown at its top; its name."""
    name: str = page.evaluate(f"""() => {{ const f = {SHADOW}.querySelector('{sheet}');
        const n = Array.from(f.querySelectorAll('[{part}]')).filter(n => n.getClientRects().length)[1];
        f.scrollTop += n.getBoundingClientRect().top - f.getBoundingClientRect().top;
        return n.getAttribute('{part}'); }}""")
    return name


def test_an_open_order_sheet_keeps_its_values_its_consent_and_its_place(browser: Any, env: Env) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 480})  # a form taller than the screen
    page = context.new_page()
    try:
        open_widget(page, f"{env.host}/en")
        ask(page, "I want to book a contract review")
        page.locator("[data-qifa=service-card] [data-qifa=order]").click(timeout=TIMEOUT)
        form = page.locator("[data-qifa=order-form]")
        form.wait_for()
        form.locator("[name=enterprise_name]").fill("Pujiang Crystal Co., Ltd.")
        form.locator("[name=phone]").fill("13812345678")
        form.locator("[name=description]").fill("Review a supply contract")
        form.locator("[name=consent]").check()
        there = scroll_to_second(page, "[data-qifa=order-form]", "data-field")
        assert sheet_top(page, "[data-qifa=order-form]", "data-field") == there == "credit_code"
        page.locator("[data-qifa=lang]").click()
        replies_settled(page, 2)
        form = page.locator("[data-qifa=order-form]")
        assert form.count() == 1 and "企业名称" in form.inner_text()
        assert form.locator("[name=phone]").input_value() == "13812345678"
        assert form.locator("[name=consent]").is_checked()  # ticked for this submit: a switch does not untick it
        assert sheet_top(page, "[data-qifa=order-form]", "data-field") == there  # not back at its first field
        assert page.locator("[data-qifa=service-card]").count() == 1
    finally:
        context.close()


def test_an_open_self_check_sheet_keeps_its_answers_and_its_place(page: Any, env: Env) -> None:
    open_widget(page, f"{env.host}/")
    page.locator("[data-qifa=checkup]").click()
    page.locator("[data-qifa=suggestion][data-kind=checkup]").filter(has_text="涉外").click(timeout=TIMEOUT)
    sheet = "[data-qifa=checkup-form]"
    page.locator(sheet).wait_for(timeout=TIMEOUT)
    for _ in range(5):  # the first five questions shown (an answer may show or hide the ones that depend on it)
        page.locator(f"{sheet} fieldset[data-question]:visible:not(:has(input:checked))").first \
            .locator("input[data-answer=no]").check()
    there = scroll_to_second(page, sheet, "data-question")
    assert sheet_top(page, sheet, "data-question") == there
    page.locator("[data-qifa=lang]").click()
    assert page.locator(sheet).count() == 1 and "Please answer" not in page.locator(sheet).inner_text()
    assert page.locator(f"{sheet} input[data-answer=no]:checked").count() == 5
    assert sheet_top(page, sheet, "data-question") == there  # not back at its first question
    replies_settled(page, 2)
