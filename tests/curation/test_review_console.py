"""The console's review, FAQ and hit-testing pages through HTTP: roles, CSRF, actions, markup shown as text."""

from __future__ import annotations

import pytest
from conftest import COMPANY, COMPANY_TITLE, Docs, console_login, csrf_of
from fastapi.testclient import TestClient

from composition import Runtime
from ingest.pipeline import ingest


@pytest.fixture
def client(staff_console: TestClient) -> TestClient:
    return staff_console


def log_in(client: TestClient, name: str) -> str:
    console_login(client, name)
    return csrf_of(client.get("/console/orders" if name == "wang" else "/console/faqs").text)


def test_advisers_may_not_open_them(client: TestClient) -> None:
    log_in(client, "wang")
    for url in ("/console/review", "/console/faqs", "/console/search?q=x"):
        assert client.get(url).status_code == 403, url


def test_faq_form_review_actions_and_hit_testing(client: TestClient, runtime: Runtime) -> None:
    token = log_in(client, "chen")
    form = {"question": "防暑降温费怎么发", "variants": "防暑降温费的标准\n\n防暑降温费的标准",
            "answer": "<b>按月</b>发放"}
    assert client.post("/console/faqs", data=form).status_code == 403  # no CSRF token
    assert runtime.faqs.entries() == []
    r = client.post("/console/faqs", data={**form, "csrf": token})
    assert r.status_code == 303 and r.headers["location"] == "/console/faqs?done=faq_added"
    [entry] = runtime.faqs.entries()
    assert entry.variants == ["防暑降温费的标准"] and entry.answer == "<b>按月</b>发放"
    page = client.get("/console/faqs").text
    assert "&lt;b&gt;按月&lt;/b&gt;发放" in page and "<b>按月</b>" not in page
    r = client.post("/console/faqs", data={**form, "csrf": token})
    assert r.status_code == 409 and 'role="alert"' in r.text  # the same question again, shown on the page
    r = client.post("/console/faqs", data={"question": "x", "answer": "a", "csrf": token})
    assert r.status_code == 422 and 'role="alert"' in r.text and "location" not in r.headers

    runtime.assistant.handle(None, "今天天气怎么样", channel="web")
    groups = runtime.review.groups()
    assert [g.question for g in groups] == ["今天天气怎么样"]
    assert "今天天气怎么样" in client.get("/console/review").text
    r = client.post(f"/console/review/{groups[0].key}", data={"action": "nonsense", "csrf": token})
    assert r.status_code == 422 and 'role="alert"' in r.text and runtime.review.groups() != []
    r = client.post(f"/console/review/{groups[0].key}", data={"action": "dismiss", "csrf": token})
    assert r.headers["location"] == "/console/review?done=dismissed" and runtime.review.groups() == []
    assert "已忽略 Dismissed" in client.get(r.headers["location"]).text
    r = client.post(f"/console/review/{groups[0].key}", data={"action": "dismiss", "csrf": token})
    assert r.status_code == 404 and 'role="alert"' in r.text

    page = client.get("/console/search", params={"q": "防暑降温费怎么发"}).text
    assert 'id="route"' in page and "faq" in page
    assert client.get("/console/search").status_code == 200
    r = client.post(f"/console/faqs/{entry.id}/remove", data={"csrf": token})
    assert r.headers["location"] == "/console/faqs?done=faq_removed" and runtime.faqs.entries() == []


def test_intent_examples_page_and_the_review_cards_intent_action(client: TestClient, runtime: Runtime) -> None:
    log_in(client, "wang")
    assert client.get("/console/intents").status_code == 403
    client.cookies.clear()
    token = log_in(client, "chen")
    page = client.get("/console/intents")
    assert page.status_code == 200 and 'id="add-example"' in page.text and "法律问题 Legal question" in page.text
    form = {"intent": "order", "text": "在哪里下单请律师审合同"}
    assert client.post("/console/intents", data=form).status_code == 403  # no CSRF token
    r = client.post("/console/intents", data={**form, "csrf": token})
    assert r.status_code == 303 and r.headers["location"] == "/console/intents?done=example_added"
    assert "分类器已更新" in client.get(r.headers["location"]).text
    [example] = runtime.intents.entries()
    assert runtime.assistant.router.classify("怎么下单请律师看合同").intent == "order"
    r = client.post("/console/intents", data={**form, "csrf": token})
    assert r.status_code == 409 and 'role="alert"' in r.text and "location" not in r.headers
    r = client.post("/console/intents", data={"intent": "cooking", "text": "怎么炒菜", "csrf": token})
    assert r.status_code == 422 and 'role="alert"' in r.text
    r = client.post(f"/console/intents/{example.id}/remove", data={"csrf": token})
    assert r.headers["location"] == "/console/intents?done=example_removed" and runtime.intents.entries() == []

    runtime.assistant.handle(None, "今天股市行情怎么样", channel="web")
    [group] = runtime.review.groups()
    review = client.get("/console/review").text
    assert 'value="intent"' in review and "超出范围 Out of scope" in review
    r = client.post(f"/console/review/{group.key}", data={"action": "intent", "intent": "out_of_scope",
                                                          "question": group.question, "csrf": token})
    assert r.headers["location"] == "/console/review?done=intent" and runtime.review.groups() == []
    assert [(e.intent, e.text) for e in runtime.intents.entries()] == [("out_of_scope", "今天股市行情怎么样")]



def test_the_review_page_lists_links_and_unlinks_one(client: TestClient, runtime: Runtime, docs: Docs) -> None:
    ingest(runtime.kb, [docs.statute("公司法(2023-12-29).md", COMPANY_TITLE, COMPANY, passed="2023年12月29日")],
           20_000_000)
    token = log_in(client, "chen")
    page = client.get("/console/review").text
    assert 'id="links"' in page and "暂无 / None yet" in page
    runtime.assistant.handle(None, "今天天气怎么样", channel="web")
    [group] = runtime.review.groups()
    doc = next(d for d in runtime.kb.documents() if d.title == COMPANY_TITLE)
    r = client.post(f"/console/review/{group.key}", data={"action": "document", "document_id": doc.id, "csrf": token})
    assert r.headers["location"] == "/console/review?done=linked"
    [link] = runtime.links.listing()
    page = client.get("/console/review").text
    assert f"/console/review/links/{link['message_id']}/remove" in page and COMPANY_TITLE in page
    assert client.post(f"/console/review/links/{link['message_id']}/remove", data={}).status_code == 403  # no CSRF
    assert runtime.links.listing() == [link]
    r = client.post(f"/console/review/links/{link['message_id']}/remove", data={"csrf": token})
    assert r.status_code == 303 and r.headers["location"] == "/console/review?done=unlinked"
    assert "已撤销关联" in client.get(r.headers["location"]).text
    assert runtime.links.listing() == [] and [g.question for g in runtime.review.groups()] == ["今天天气怎么样"]
    r = client.post(f"/console/review/links/{link['message_id']}/remove", data={"csrf": token})
    assert r.status_code == 404 and 'role="alert"' in r.text
