"""The web widget in a real headless Chromium (Debian's, through Playwright): the host page on one origin (a
small static server with a strict Content-Security-Policy), the API on another (a real uvicorn server).

Ask and see a cited answer; place an order through the form (a wrong credit code next to its field, then the
API's own refusal next to it, then corrected); hand off, get an adviser's reply live (also after the network
drops), the case closed and the assistant answering again; reload and see the history; markup typed by the user
or carried by a document stays text; an unregistered origin is told the widget is not enabled; a host page with
``* { all: unset }`` leaves the widget intact. Screenshots (desktop and 360 px) go to ``tests/artifacts/``.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from browser_support import chromium
from chat_support import fresh_data_dir, ingest_text, open_runtime
from live_server import free_port, live_server
from sqlalchemy import select

from api.app import create_app
from composition import Runtime
from db.models_orders import Order
from sites import SiteInfo, Sites

ARTIFACTS = Path(os.environ.get("QIFA_TEST_ARTIFACTS", Path(__file__).resolve().parents[1] / "artifacts"))
ADVISER_PW = "adviser-pass-1"
VALID_CODE = "91440300708461136T"  # Tencent's, a real GB 32100 code
WRONG_CODE = "91440300708461136X"  # the same with a wrong check character
MARKUP_DOC = ("# 企业防火演练指引\n\n## 演练频次\n\n企业防火演练应当每季度组织一次，"
              "<img src=x onerror=\"window.__pwned=1\"> <b>务必</b>如实记录演练情况。\n")
TYPED_MARKUP = '<img src=x onerror="window.__pwned=2"><script>window.__pwned=3</script>你好'
TIMEOUT = 20_000


class HostPages(http.server.BaseHTTPRequestHandler):
    """Serves ``pages`` (path -> (content type, body)) with a strict CSP allowing only the API's script."""

    def __init__(self, *args: Any, pages: dict[str, tuple[str, str]], csp: str, **kw: Any) -> None:
        self.pages, self.csp = pages, csp
        super().__init__(*args, **kw)

    def do_GET(self) -> None:
        page = self.pages.get(self.path.split("?")[0])
        if page is None:
            self.send_error(404)
            return
        data = page[1].encode()
        self.send_response(200)
        self.send_header("Content-Type", page[0])
        self.send_header("Content-Security-Policy", self.csp)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


def host_page(api: str, key: str | None, lang: str | None = None, aggressive: bool = False) -> str:
    attrs = f' data-site-key="{key}"' if key else ""
    attrs += f' data-lang="{lang}"' if lang else ""
    css = '<link rel="stylesheet" href="/aggressive.css">' if aggressive else ""
    return (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>host</title>{css}</head>'
            f'<body><h1>某县司法局</h1><p>Host page content.</p>'
            f'<script src="{api}/widget.js"{attrs} defer></script></body></html>')


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


@pytest.fixture
def rt(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, embeddings: Any) -> Iterator[Runtime]:
    runtime = open_runtime(fresh_data_dir(tmp_path_factory, embeddings, tmp_path / "var"), embeddings)
    ingest_text(runtime, tmp_path / "docs", "防火演练指引.md", MARKUP_DOC)
    assert runtime.accounts is not None
    runtime.accounts.add("wang", "adviser", ADVISER_PW)
    yield runtime
    runtime.close()


class Env:
    def __init__(self, api: str, host: str, other: str, site: SiteInfo) -> None:
        self.api, self.host, self.other, self.site = api, host, other, site


@pytest.fixture
def env(rt: Runtime) -> Iterator[Env]:
    with hosting(rt) as e:
        yield e


@contextlib.contextmanager
def hosting(rt: Runtime) -> Iterator[Env]:
    """The runtime's API on a live server and the host pages on another origin (other tests' runtimes too)."""
    port = free_port()
    host, other = f"http://127.0.0.1:{port}", f"http://localhost:{port}"  # two origins, one server
    site = Sites(rt.db).add("test-county", [host])
    with live_server(create_app(runtime=rt)) as api:
        pages = {
            "/": ("text/html; charset=utf-8", host_page(api, site.key)),
            "/en": ("text/html; charset=utf-8", host_page(api, site.key, lang="en")),
            "/aggressive": ("text/html; charset=utf-8", host_page(api, site.key, aggressive=True)),
            "/aggressive.css": ("text/css", "* { all: unset !important; } html, body { font-size: 40px; }"),
        }
        csp = (f"default-src 'none'; script-src {api}; style-src 'self'; connect-src {api}; img-src 'self'; "
               f"base-uri 'none'")
        handler = functools.partial(HostPages, pages=pages, csp=csp)
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield Env(api, host, other, site)
        finally:
            server.shutdown()
            server.server_close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None)
    pg.on("pageerror", lambda e: errors.append(str(e)))
    yield pg
    context.close()
    assert not errors, errors  # no CSP violation and no script error on the host page


def open_widget(page: Any, url: str) -> None:
    page.goto(url)
    page.locator("[data-qifa=launcher]").click()
    page.locator("[data-qifa=panel]").wait_for(state="visible")


def ask(page: Any, text: str) -> Any:
    """Send a message; return the locator of the newest bot message once it arrived."""
    bots = page.locator("[data-qifa=message][data-role=bot]")
    before = bots.count()
    page.locator("[data-qifa=input]").fill(text)
    page.locator("[data-qifa=send]").click()
    bots.nth(before).wait_for(timeout=TIMEOUT)
    return bots.nth(before)


def stored(page: Any, env: Env) -> str:
    data = page.evaluate(f"localStorage.getItem('qifa:{env.api}:{env.site.key}')")
    sid: str = json.loads(data)["sid"]
    return sid


def adviser(env: Env) -> dict[str, str]:
    r = httpx.post(f"{env.api}/api/v1/auth/token", data={"username": "wang", "password": ADVISER_PW}, timeout=10)
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_a_cited_answer_and_markup_stays_text(page: Any, env: Env, rt: Runtime) -> None:
    open_widget(page, f"{env.host}/")
    assert "个人信息" in page.locator("[data-qifa=notice]").inner_text()
    # the menu's suggestions are buttons
    page.get_by_role("button", name="服务清单 / Menu").click()
    page.locator("[data-qifa=message][data-role=bot]").first.wait_for(timeout=TIMEOUT)
    assert page.locator("[data-qifa=suggestion]").filter(has_text="法律咨询").count() == 1
    answer = ask(page, "试用期最长能约定多久？")
    assert "试用期" in answer.inner_text()
    citations = answer.locator("[data-qifa=citation]")
    assert citations.count() >= 1
    first = citations.first
    assert first.inner_text().startswith("[1] 《") and first.get_attribute("aria-expanded") == "false"
    quote = answer.locator("blockquote").first
    assert not quote.is_visible()
    first.click()
    assert quote.is_visible() and len(quote.inner_text()) > 20
    assert first.get_attribute("aria-expanded") == "true"
    answer.locator("[data-qifa=feedback][data-vote='1']").click()
    page.wait_for_function("""() => document.querySelector('[data-qifa=root]').shadowRoot
        .querySelector('[data-qifa=feedback][data-vote="1"]').getAttribute('aria-pressed') === 'true'""")
    sid = stored(page, env)
    bot = [m for m in rt.conversations.messages(sid) if m.role == "bot"][1]
    assert bot.feedback == 1
    assert Sites(rt.db).site_of(sid) == env.site.id  # the conversation names the site

    # a document's markup is quoted as text
    doc = ask(page, "防火演练多久组织一次？")
    assert '<img src=x onerror="window.__pwned=1"> <b>务必</b>' in doc.inner_text()
    # and so is the user's own
    page.locator("[data-qifa=input]").fill(TYPED_MARKUP)
    page.locator("[data-qifa=send]").click()
    mine = page.locator("[data-qifa=message][data-role=user]").last
    mine.wait_for()
    assert TYPED_MARKUP in mine.inner_text()
    ask_done = page.locator("[data-qifa=message][data-role=bot]")
    ask_done.nth(3).wait_for(timeout=TIMEOUT)
    counts = page.evaluate("""() => { const r = document.querySelector('[data-qifa=root]').shadowRoot;
        return [r.querySelectorAll('img').length, r.querySelectorAll('script').length, r.querySelectorAll('b').length,
                window.__pwned === undefined]; }""")
    assert counts == [0, 0, 0, True]


def test_an_order_through_the_form(page: Any, env: Env, rt: Runtime) -> None:
    open_widget(page, f"{env.host}/")
    ask(page, "我要预约合同审查")
    card = page.locator("[data-qifa=service-card][data-service=contract-review]")
    card.locator("[data-qifa=order]").click(timeout=TIMEOUT)
    form = page.locator("[data-qifa=order-form]")
    form.wait_for()
    assert "365" in form.locator("[data-qifa=consent-text]").inner_text()  # the retention period
    form.locator("[name=enterprise_name]").fill("深圳市腾讯计算机系统有限公司")
    form.locator("[name=credit_code]").fill(WRONG_CODE)
    form.locator("[name=contact_name]").fill("张三")
    form.locator("[name=phone]").fill("13800138000")
    form.locator("[name=description]").fill("请审查一份采购合同。")
    form.locator("[name=consent]").check()
    page.get_by_role("button", name="提交预约").click()
    credit = form.locator("[data-field=credit_code]")
    error = credit.locator(".err")
    assert error.is_visible() and "校验位" in error.inner_text()  # checked in the page, shown next to the field
    assert credit.locator("input").get_attribute("aria-invalid") == "true"
    assert credit.locator("input").evaluate("e => e === e.getRootNode().activeElement")

    # a description over the limit is kept whole and named at its field (a maxlength cut it without a word)
    long = "请审查一份采购合同，" * 120
    form.locator("[name=description]").fill(long)
    page.get_by_role("button", name="提交预约").click()
    described = form.locator("[data-field=description]")
    assert described.locator(".err").is_visible() and "1000" in described.locator(".err").inner_text()
    assert len(described.locator("textarea").input_value()) == len(long)
    form.locator("[name=description]").fill("请审查一份采购合同。")

    # the API checks again: a code the page let through (swapped on the way) comes back next to the field
    def swap(route: Any) -> None:
        body = json.loads(route.request.post_data)
        body["credit_code"] = WRONG_CODE
        route.continue_(post_data=json.dumps(body))

    page.route(f"{env.api}/api/v1/orders", swap)
    form.locator("[name=credit_code]").fill(VALID_CODE)
    page.get_by_role("button", name="提交预约").click()
    page.wait_for_function("""() => { const r = document.querySelector('[data-qifa=root]').shadowRoot;
        const e = r.querySelector('[data-field=credit_code] .err');
        return !e.hidden && e.textContent.includes('校验位错误'); }""")
    assert "check character" not in error.inner_text()  # the API's message, in the widget's language
    page.unroute(f"{env.api}/api/v1/orders")

    page.get_by_role("button", name="提交预约").click()
    done = page.locator("[data-qifa=message][data-role=system][data-order]")
    done.wait_for(timeout=TIMEOUT)
    number = done.get_attribute("data-order")
    assert number and number.startswith("QF-") and number in done.inner_text()
    assert form.count() == 0
    sid = stored(page, env)
    with rt.db.session() as s:
        order = s.scalars(select(Order).where(Order.number == number)).one()
        assert (order.session_id, order.service_id, order.credit_code) == (sid, "contract-review", VALID_CODE)
        assert s.scalars(select(Order)).all() == [order]  # the refused attempts wrote nothing
    # the chat's own form was left, so the assistant answers the next question
    assert ask(page, "试用期最长能约定多久？").locator("[data-qifa=citation]").count() >= 1


def test_hand_off_live_reply_close_and_history_after_reload(page: Any, env: Env, rt: Runtime) -> None:
    open_widget(page, f"{env.host}/")
    ask(page, "试用期最长能约定多久？")
    page.locator("[data-qifa=handoff]").click()
    back = page.locator("[data-qifa=back-to-bot]")
    back.wait_for(state="visible", timeout=TIMEOUT)
    sid = stored(page, env)
    case = rt.handoffs.active(sid)
    assert case is not None
    auth = adviser(env)
    r = httpx.post(f"{env.api}/api/v1/handoffs/{case.id}/reply", json={"text": "您好，我是法律顾问王。<b>请</b>稍候。"},
                   headers=auth, timeout=10)
    assert r.status_code == 201, r.text
    reply = page.locator("[data-qifa=message][data-role=adviser]")
    reply.first.wait_for(timeout=TIMEOUT)
    assert "法律顾问 wang" in reply.first.inner_text() and "<b>请</b>稍候" in reply.first.inner_text()
    colours = page.evaluate("""() => { const r = document.querySelector('[data-qifa=root]').shadowRoot;
        const c = s => getComputedStyle(r.querySelector(s)).backgroundColor;
        return [c('[data-role=adviser]'), c('[data-role=bot]')]; }""")
    assert colours[0] != colours[1]  # an adviser's message looks different from the assistant's

    # the network drops; the reply sent meanwhile arrives once it is back (reconnecting after the last id)
    page.context.set_offline(True)
    page.wait_for_timeout(500)
    cases = f"{env.api}/api/v1/handoffs/{case.id}"
    httpx.post(f"{cases}/reply", json={"text": "合同请发到邮箱。"}, headers=auth, timeout=10)
    page.context.set_offline(False)
    reply.nth(1).wait_for(timeout=30_000)
    assert "合同请发到邮箱" in reply.nth(1).inner_text() and reply.count() == 2

    # "返回机器人" sends the engine's word for leaving the hand-off
    back.click()
    page.locator("[data-qifa=message][data-role=user]").last.wait_for()
    page.locator("[data-qifa=typing]").wait_for(state="hidden", timeout=TIMEOUT)
    assert [m.text for m in rt.conversations.messages(sid) if m.role == "user"][-1] == "/bot"

    # the engine withdraws the case on "/bot" and says so; the assistant answers again
    assert rt.handoffs.active(sid) is None
    last = [m for m in rt.conversations.messages(sid) if m.role == "bot"][-1]
    assert last.route == "menu" and str(case.id) in last.text
    assert str(case.id) in page.locator("[data-qifa=message][data-role=bot]").last.inner_text()
    back.wait_for(state="hidden", timeout=TIMEOUT)
    assert ask(page, "经济补偿怎么计算？").locator("[data-qifa=citation]").count() >= 1

    # reload: the same conversation, with its history
    page.reload()
    page.locator("[data-qifa=launcher]").click()
    page.locator("[data-qifa=message][data-role=adviser]").nth(1).wait_for(timeout=TIMEOUT)
    roles = page.locator("[data-qifa=message]").evaluate_all("ms => ms.map(m => m.dataset.role)")
    assert [m.role for m in rt.conversations.messages(sid)] == roles
    assert stored(page, env) == sid

    # a new conversation clears it
    page.locator("[data-qifa=new]").click()
    assert page.locator("[data-qifa=message]").count() == 0
    assert page.evaluate(f"localStorage.getItem('qifa:{env.api}:{env.site.key}')") is None
    assert ask(page, "试用期最长能约定多久？") is not None
    assert stored(page, env) != sid


def test_delete_my_conversation_from_another_origin(page: Any, env: Env, rt: Runtime) -> None:
    """The button is shown (config says so); its DELETE passes the CORS preflight and removes the conversation."""
    open_widget(page, f"{env.host}/")
    assert ask(page, "经济补偿怎么计算？") is not None
    sid = stored(page, env)
    assert rt.conversations.messages(sid)
    button = page.locator("[data-qifa=delete]")
    button.wait_for(state="visible", timeout=TIMEOUT)
    button.click()
    page.locator("[data-qifa=confirm-yes]").click()  # it asks first
    page.wait_for_function(f"() => localStorage.getItem('qifa:{env.api}:{env.site.key}') === null", timeout=TIMEOUT)
    assert page.locator("[data-qifa=message]").count() == 0
    assert not rt.conversations.exists(sid)


def test_an_unregistered_origin_is_told_the_widget_is_not_enabled(page: Any, env: Env) -> None:
    open_widget(page, f"{env.other}/")  # localhost is another origin than 127.0.0.1
    message = page.locator("[data-qifa-error=not-enabled]")
    message.wait_for(timeout=TIMEOUT)
    assert "未对本网站" in message.inner_text() and "not enabled for this site" in message.inner_text()
    assert page.locator("[data-qifa=input]").is_disabled()


def _shot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path))
    return path


def test_aggressive_host_css_keyboard_english_and_screenshots(browser: Any, env: Env) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    try:
        page.goto(f"{env.host}/aggressive")
        page.keyboard.press("Tab")  # the launcher is reachable by keyboard
        page.keyboard.press("Enter")
        panel = page.locator("[data-qifa=panel]")
        panel.wait_for(state="visible")
        assert page.evaluate("""() => document.querySelector('[data-qifa=root]').shadowRoot.activeElement
            .dataset.qifa""") == "input"
        launcher = page.locator("[data-qifa=launcher]")
        style = launcher.evaluate("e => [getComputedStyle(e).position, getComputedStyle(e).fontSize]")
        assert style == ["fixed", "16px"]  # the host's `* { all: unset }` and 40px font do not reach inside
        box = panel.bounding_box()
        assert box and box["width"] >= 300 and box["height"] >= 400 and box["x"] + box["width"] <= 1280
        assert page.locator("[role=log][aria-live=polite]").count() == 1
        answer = ask(page, "试用期最长能约定多久？")
        answer.locator("[data-qifa=citation]").first.click()
        assert answer.locator("[data-qifa=citation]").first.evaluate(
            "e => getComputedStyle(e).cursor") == "pointer"
        _shot(page, "widget-desktop.png")
        page.keyboard.press("Escape")
        panel.wait_for(state="hidden")
        assert launcher.evaluate("e => e === e.getRootNode().activeElement")

        phone = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
        small = phone.new_page()
        small.goto(f"{env.host}/")
        small.locator("[data-qifa=launcher]").click()
        ask(small, "劳动合同必须写明哪些条款？")
        box = small.locator("[data-qifa=panel]").bounding_box()
        assert box and box["x"] >= 0 and box["width"] <= 360
        assert small.evaluate("document.documentElement.scrollWidth") <= 360
        _shot(small, "widget-360.png")

        english = phone.new_page()
        english.goto(f"{env.host}/en")
        assert "Legal help" in english.locator("[data-qifa=launcher]").inner_text()
        english.locator("[data-qifa=launcher]").click()
        assert english.get_by_role("button", name="Talk to an adviser").inner_text().endswith("Adviser")
        reply = ask(english, "How long can a probation period be?")
        assert "Labour Contract Law of the PRC, Article" in reply.inner_text()  # an English label leads
        _shot(english, "widget-360-en.png")
        phone.close()
    finally:
        context.close()


def test_the_demo_page_works_out_of_the_box(page: Any, env: Env) -> None:
    open_widget(page, f"{env.api}/demo")  # same origin as the API, no site key, the demo's strict CSP
    assert "司法局" in page.title()
    assert ask(page, "试用期最长能约定多久？").locator("[data-qifa=citation]").count() >= 1
    page.locator("[data-qifa=message][data-role=user]").last.evaluate("e => e.scrollIntoView()")
    _shot(page, "widget-demo.png")


def test_lang_typed_on_an_english_page_is_obeyed_and_kept(page: Any, env: Env) -> None:
    """review20 finding 6: on a page with data-lang="en", "/lang zh" said "已切换为中文。" and the next answers came in
    English (the widget sent the page's language with every message). The choice now wins, and survives a reload."""
    open_widget(page, f"{env.host}/en")
    assert "中文" in ask(page, "/lang zh").inner_text()
    chinese = ask(page, "How long can a probation period be?").inner_text()
    assert "第十九条" in chinese and "Article" not in chinese
    page.reload()
    page.locator("[data-qifa=launcher]").click()
    page.locator("[data-qifa=message][data-role=bot]").nth(1).wait_for(timeout=TIMEOUT)  # the history is back
    again = ask(page, "How long can a probation period be?").inner_text()
    assert "第十九条" in again and "Article" not in again
    assert "English" in ask(page, "/lang en").inner_text()
    english = ask(page, "How long can a probation period be?").inner_text()
    assert "Labour Contract Law of the PRC, Article" in english
