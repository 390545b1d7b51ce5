"""The curators' console in a real headless Chromium: upload a document, an enterprise's question is answered
from it, repeal it, the same question no longer cites it; the dashboard draws its charts from real activity
(screenshot in tests/artifacts/, and the README's docs/console.png when QIFA_WRITE_DOCS_SCREENSHOT is set)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from browser_support import chromium
from conftest import LABOUR_2012, LABOUR_TITLE, REPEALED, REPEALED_TITLE, STAFF, STAFF_PW, Docs, statute_text
from live_server import live_server

from api.app import create_app
from composition import Runtime
from ingest.pipeline import ingest

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "tests" / "artifacts"
QUESTION = "企业多久组织一次防爆演练？"


@pytest.fixture
def base_url(runtime: Runtime) -> Iterator[str]:
    for name, role in STAFF:
        runtime.accounts.add(name, role, STAFF_PW)
    with live_server(create_app(runtime=runtime)) as url:
        yield url


@pytest.fixture
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


def open_page(browser: Any, errors: list[str], width: int = 1280) -> Any:
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.on("console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return page


def log_in(page: Any, base_url: str, name: str = "chen") -> None:
    page.goto(f"{base_url}/console/login")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", STAFF_PW)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def cited(base_url: str) -> set[str]:
    reply = httpx.post(f"{base_url}/api/v1/chat", json={"message": QUESTION}, timeout=60).json()
    return {c["title"] for c in reply["citations"]}


def test_upload_ask_repeal_ask_again(base_url: str, browser: Any, tmp_path: Path) -> None:
    errors: list[str] = []
    page = open_page(browser, errors)
    log_in(page, base_url)
    assert page.url == f"{base_url}/console/documents"
    assert REPEALED_TITLE not in cited(base_url)
    upload = tmp_path / "防爆演练办法.md"
    upload.write_text(statute_text(REPEALED_TITLE, REPEALED, passed="2015年3月1日"), encoding="utf-8")
    page.set_input_files("#upload input[type=file]", str(upload))
    page.fill("#upload input[name=effective]", "2015-03-01")
    page.click("#upload button[type=submit]")
    page.wait_for_selector("p.msg[role=status]")
    # the page follows the indexing by itself and shows the document once it is done
    row = page.locator("#documents tr[data-state=done]", has_text=REPEALED_TITLE)
    row.wait_for(timeout=60_000)
    assert "现行有效" in row.inner_text() and "2015-03-01" in row.inner_text()
    assert REPEALED_TITLE in cited(base_url)

    row.locator("select[name=status]").select_option("repealed")
    row.locator("button", has_text="保存").click()
    page.wait_for_selector("p.msg[role=status]")
    assert "已废止" in page.locator("#documents tr", has_text=REPEALED_TITLE).inner_text()
    assert REPEALED_TITLE not in cited(base_url)

    page.fill("input[name=q]", "防爆")
    page.goto(f"{base_url}/console/documents?status=repealed")
    assert page.locator("#documents tr", has_text=REPEALED_TITLE).count() == 1
    page.goto(f"{base_url}/console/documents?status=in_force")
    assert page.locator("#documents tr", has_text=REPEALED_TITLE).count() == 0
    assert errors == []


def make_activity(base_url: str) -> None:
    token = httpx.post(f"{base_url}/api/v1/auth/token", data={"username": "wang", "password": STAFF_PW}).json()
    adviser = {"Authorization": f"Bearer {token['access_token']}"}
    asked = (("劳动合同期限三年的，试用期最长多久？", 1), ("经济补偿怎么计算？", -1), ("试用期工资有什么规定？", 1))
    for q, vote in asked:
        a = httpx.post(f"{base_url}/api/v1/chat", json={"message": q}, timeout=60).json()
        httpx.post(f"{base_url}/api/v1/sessions/{a['session_id']}/feedback",
                   json={"message_id": a["message_id"], "vote": vote})
    case = httpx.post(f"{base_url}/api/v1/chat", json={"message": "转人工"}, timeout=60).json()["handoff"]["id"]
    httpx.post(f"{base_url}/api/v1/handoffs/{case}/claim", headers=adviser)
    httpx.post(f"{base_url}/api/v1/handoffs/{case}/reply", headers=adviser, json={"text": "您好"})
    order = httpx.post(f"{base_url}/api/v1/orders", json={
        "service_id": "contract-review", "enterprise_name": "浦江晶彩水晶有限公司", "credit_code": "91440300708461136T",
        "contact_name": "张三", "phone": "0579-84123456", "description": "审查一份采购合同", "consent": True}).json()
    for status in ("accepted", "in_progress", "completed"):
        httpx.post(f"{base_url}/api/v1/staff/orders/{order['id']}/status", headers=adviser, json={"status": status})
    httpx.post(f"{base_url}/api/v1/orders/{order['id']}/rating", json={"session_id": order["session_id"], "level": 5})


def test_the_dashboard_draws_its_charts_and_exports_the_ledger(base_url: str, browser: Any, runtime: Runtime,
                                                               docs: Docs) -> None:
    ingest(runtime.kb, [docs.statute("劳动合同法(2012-12-28).md", LABOUR_TITLE, LABOUR_2012)], 20_000_000)
    make_activity(base_url)
    errors: list[str] = []
    page = open_page(browser, errors)
    log_in(page, base_url)
    page.click("text=数据 Figures")
    page.wait_for_selector("#c-conv canvas")
    assert page.locator("#c-msg canvas").count() == 1 and page.locator("#c-site canvas").count() == 1
    assert page.locator("#k-conv").inner_text() == "5"
    assert page.locator("#k-self").inner_text() == "50.0%"  # 2 of the 4 in which the enterprise wrote
    assert "转人工" in page.locator("text=热门问题").locator("..").inner_text()
    with page.expect_download() as dl:
        page.click("#ledger button")
    data = Path(dl.value.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and "浦江晶彩水晶有限公司".encode() in data
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "console-dashboard.png"), full_page=True)
    if os.environ.get("QIFA_WRITE_DOCS_SCREENSHOT") or os.environ.get("WRITE_DOCS_SCREENSHOT"):
        small = open_page(browser, errors, width=1100)
        log_in(small, base_url)
        small.goto(f"{base_url}/console/dashboard")
        small.wait_for_selector("#c-site canvas")
        small.set_viewport_size({"width": 1100, "height": 760})
        small.screenshot(path=str(REPO / "docs" / "console.png"))
    assert errors == []


def test_an_faq_made_from_the_review_queue_answers_the_next_enterprise(base_url: str, browser: Any,
                                                                       runtime: Runtime, docs: Docs) -> None:
    ingest(runtime.kb, [docs.statute("劳动合同法(2012-12-28).md", LABOUR_TITLE, LABOUR_2012)], 20_000_000)
    heat = "公司给员工发放防暑降温费有什么规定？"
    for q in (heat, "公司给员工发放防暑降温费有什么规定"):
        assert httpx.post(f"{base_url}/api/v1/chat", json={"message": q}, timeout=60).json()["route"] != "answer"
    errors: list[str] = []
    page = open_page(browser, errors)
    log_in(page, base_url)
    page.click("text=复核 Review")
    group = page.locator(".review-group", has_text="防暑降温费")
    assert group.locator("li").count() == 2
    answer = "<script>window.__pwned=1</script>防暑降温费每年6月至9月按月发放。"
    group.locator("textarea[name=answer]").fill(answer)
    group.locator("button", has_text="加为常见问题").click()
    page.wait_for_selector("p.msg[role=status]")
    assert page.locator(".review-group", has_text="防暑降温费").count() == 0
    reply = httpx.post(f"{base_url}/api/v1/chat", json={"message": heat}, timeout=60).json()
    assert reply["route"] == "answer" and reply["citations"][0]["title"] == "常见问题"
    assert reply["reply"].startswith(answer)
    page.click("text=常见问题 FAQ")
    cell = page.locator("#faqs td.answer").first
    assert cell.inner_text() == answer  # shown as text: the script neither parsed nor run
    assert page.evaluate("window.__pwned") is None and page.locator("#faqs script").count() == 0
    page.click("text=命中测试 Hit testing")
    page.fill("input[name=q]", heat)
    page.press("input[name=q]", "Enter")
    page.wait_for_selector("#route")
    assert "faq" in page.locator("#route").inner_text()
    assert errors == []


def test_an_intent_example_from_the_review_queue_and_the_intents_page(base_url: str, browser: Any,
                                                                      runtime: Runtime) -> None:
    wrong, close = "律师审合同去哪里办", "律师审查合同要去哪里办理"  # written for this test
    reply = httpx.post(f"{base_url}/api/v1/chat", json={"message": wrong}, timeout=60).json()
    assert reply["route"] != "order"  # the service's card at best: the enterprise gives it a 👎
    httpx.post(f"{base_url}/api/v1/sessions/{reply['session_id']}/feedback",
               json={"message_id": reply["message_id"], "vote": -1}, timeout=60).raise_for_status()
    errors: list[str] = []
    page = open_page(browser, errors)
    log_in(page, base_url)
    page.click("text=复核 Review")
    group = page.locator(".review-group", has_text=wrong)
    form = group.locator("form.intent")
    form.locator("input[name=question]").fill(close)
    form.locator("select[name=intent]").select_option("order")
    form.locator("button", has_text="加为意图示例").click()
    page.wait_for_selector("p.msg[role=status]")
    assert "分类器已更新" in page.locator("p.msg[role=status]").inner_text()
    assert page.locator(".review-group", has_text=wrong).count() == 0
    assert httpx.post(f"{base_url}/api/v1/chat", json={"message": wrong}, timeout=60).json()["route"] == "order"
    page.click("text=意图示例 Intents")
    rows = page.locator("#examples tbody tr")
    assert [rows.nth(i).locator("td").first.inner_text() for i in range(rows.count())] == [close, wrong]
    rows.first.locator("button", has_text="删除").click()
    page.wait_for_selector("p.msg[role=status]")
    assert page.locator("#examples tbody tr").count() == 1
    assert errors == []


@pytest.mark.parametrize("width", [1280, 375])
def test_a_long_unbroken_question_wraps_on_the_dashboard(base_url: str, browser: Any, width: int) -> None:
    """review20 finding 12: one 1,500-character message with no spaces must not widen the page."""
    long = "合同编号" + "ABCDEFGHIJ0123456789" * 75  # no space and no Chinese character to break at
    for _ in range(2):
        assert httpx.post(f"{base_url}/api/v1/chat", json={"message": long}, timeout=60).status_code == 200
    errors: list[str] = []
    page = open_page(browser, errors, width)
    log_in(page, base_url)
    page.goto(f"{base_url}/console/dashboard")
    assert long[:40] in page.inner_text("body")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    count = page.locator("table:has(th:text('次数 Count')) td").nth(1)
    box = count.bounding_box()
    assert box is not None and box["x"] + box["width"] <= width  # the Count column is on screen
    assert errors == []
