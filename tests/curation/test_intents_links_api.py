"""What the review queue's two learning actions change: an example phrasing added to an intent refits the
classifier at once (in this process, in another within a second, and from the cache after a restart), and a
question linked to a document makes similar questions find that document's passage first. Roles; bad input.

The phrasings are written for this test (not taken from any evaluation file)."""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pytest
from conftest import COMPANY, COMPANY_TITLE, LABOUR_2012, LABOUR_TITLE, REVIEW, REVIEW_TITLE, Docs, bearer
from fastapi.testclient import TestClient
from sklearn.linear_model import LogisticRegression

from assistant.intents import IntentModel, examples_hash, merged
from composition import Runtime, build_runtime
from config import Settings
from ingest.pipeline import ingest
from knowledge.embeddings import QifaEmbeddings

WRONG = "律师审合同去哪里办"  # an order, which the shipped examples take for a legal question
CLOSE = "律师审查合同要去哪里办理"  # the curator's example, close to it
LINKED = "社保局不给认定工伤，我们企业能怎么办"
SIMILAR = "社保局不认定工伤，企业可以怎么办"
ALSO_LINKED = "社保局不给我们认定工伤，企业能怎么办呢"
UNRELATED = "劳动合同期限三年的，试用期最长多久？"


@pytest.fixture
def client(staff_api: TestClient, runtime: Runtime, docs: Docs) -> TestClient:
    ingest(runtime.kb, [docs.statute("劳动合同法(2012-12-28).md", LABOUR_TITLE, LABOUR_2012),
                        docs.statute("公司法(2023-12-29).md", COMPANY_TITLE, COMPANY, passed="2023年12月29日"),
                        docs.statute("行政复议法(2023-09-01).md", REVIEW_TITLE, REVIEW, passed="2023年9月1日")],
           20_000_000)
    return staff_api


def ask(client: TestClient, text: str) -> dict[str, Any]:
    r = client.post("/api/v1/chat", json={"message": text})
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def hit(client: TestClient, text: str) -> dict[str, Any]:
    r = client.get("/api/v1/search", headers=bearer(client, "chen"), params={"q": text, "k": 5})
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def test_roles(client: TestClient) -> None:
    adviser = bearer(client, "wang")
    for method, url in (("get", "/api/v1/intents"), ("get", "/api/v1/intents/examples"),
                        ("post", "/api/v1/intents/examples"), ("delete", "/api/v1/intents/examples/1")):
        assert client.request(method, url).status_code == 401, url
        assert client.request(method, url, headers=adviser, json={}).status_code == 403, url


def test_an_added_example_refits_the_classifier_everywhere_and_can_be_removed(
        client: TestClient, runtime: Runtime, settings: Settings, embeddings: QifaEmbeddings,
        monkeypatch: pytest.MonkeyPatch) -> None:
    curator = bearer(client, "chen")
    assert hit(client, WRONG)["intent"] == "legal"
    assert ask(client, WRONG)["route"] != "order"
    other = build_runtime(settings, shipped=False, embeddings=embeddings)  # another worker, already running
    try:
        assert other.assistant.router.classify(WRONG).intent == "legal"
        r = client.post("/api/v1/intents/examples", headers=curator, json={"intent": "order", "text": CLOSE})
        assert r.status_code == 201, r.text
        example = r.json()
        assert (example["intent"], example["text"], example["created_by"]) == ("order", CLOSE, "chen")
        after = hit(client, WRONG)
        assert after["intent"] == "order" and after["route"] == "order"
        assert ask(client, WRONG)["route"] == "order"
        assert ask(client, UNRELATED)["route"] == "answer"  # the legal questions stay legal
        time.sleep(1.1)  # the other worker looks at the version counter at most once a second
        other.refresh()
        assert other.assistant.router.classify(WRONG).intent == "order"
    finally:
        other.close()

    # a restart loads the fit from the data dir: nothing is fitted again
    digest = examples_hash(merged({"order": [CLOSE]}), embeddings.model_id)
    assert (settings.data_dir / f"intents-{digest}.npz").exists()

    def no_fit(*_: Any, **__: Any) -> None:
        raise AssertionError("refitted although the fit is cached")

    monkeypatch.setattr(LogisticRegression, "fit", no_fit)
    restarted = IntentModel(embeddings, settings.data_dir, extra={"order": [CLOSE]})
    assert restarted.predict(WRONG).intent == "order"
    monkeypatch.undo()

    listed = client.get("/api/v1/intents/examples", headers=curator).json()
    assert [(e["id"], e["text"]) for e in listed] == [(example["id"], CLOSE)]
    summary = {s["intent"]: s for s in client.get("/api/v1/intents", headers=curator).json()}
    assert summary["order"]["curated"] == 1 and summary["order"]["shipped"] >= 40
    assert client.delete(f"/api/v1/intents/examples/{example['id']}", headers=curator).status_code == 200
    assert hit(client, WRONG)["intent"] == "legal"
    assert client.get("/api/v1/intents/examples", headers=curator).json() == []
    log = client.get("/api/v1/audit", headers=bearer(client, "root")).json()
    assert [e["action"] for e in log] == ["intent.remove", "intent.add"]
    assert log[1]["after"] == {"intent": "order", "text": CLOSE} and log[0]["before"]["text"] == CLOSE


@pytest.mark.parametrize(("body", "status", "field"), [
    ({"intent": "cooking", "text": "怎么炒菜"}, 422, "intent"),
    ({"intent": "order", "text": "x"}, 422, "text"),
    ({"intent": "order", "text": "？？！"}, 422, "text"),
    ({"intent": "order", "text": "下单\x07看合同"}, 422, "text"),
    ({"intent": "order", "text": 42}, 422, "text"),
    ({"intent": "order"}, 422, "text"),
])
def test_bad_examples_are_refused_naming_the_field(client: TestClient, body: dict[str, Any], status: int,
                                                   field: str) -> None:
    curator = bearer(client, "chen")
    r = client.post("/api/v1/intents/examples", headers=curator, json=body)
    assert r.status_code == status, r.text
    assert r.json()["error"]["fields"][0]["field"] == field and " / " in r.json()["error"]["message"]
    assert client.get("/api/v1/intents/examples", headers=curator).json() == []


def test_duplicates_and_unknown_examples(client: TestClient) -> None:
    curator = bearer(client, "chen")
    shipped = merged(None)["legal"][0]
    r = client.post("/api/v1/intents/examples", headers=curator, json={"intent": "order", "text": shipped})
    assert r.status_code == 409 and r.json()["error"]["code"] == "duplicate_intent_example"
    assert "legal" in r.json()["error"]["message"]  # says which intent has it
    assert client.delete("/api/v1/intents/examples/999", headers=curator).status_code == 404
    assert client.get("/api/v1/intents/examples", headers=curator, params={"intent": "nope"}).status_code == 422


def test_the_review_queue_adds_a_groups_wordings_to_an_intent(client: TestClient) -> None:
    curator = bearer(client, "chen")
    first = ask(client, WRONG)
    client.post(f"/api/v1/sessions/{first['session_id']}/feedback",
                json={"message_id": first["message_id"], "vote": -1})
    [group] = client.get("/api/v1/review", headers=curator).json()
    r = client.post(f"/api/v1/review/{group['key']}", headers=curator, json={"action": "intent"})
    assert r.status_code == 422 and r.json()["error"]["fields"][0]["field"] == "intent"
    r = client.post(f"/api/v1/review/{group['key']}", headers=curator,
                    json={"action": "intent", "intent": "order", "question": CLOSE})
    assert r.status_code == 200, r.text
    done = r.json()
    assert done["detail"] == "intent:order" and [e["text"] for e in done["examples"]] == [CLOSE, WRONG]
    assert client.get("/api/v1/review", headers=curator).json() == []
    assert ask(client, WRONG)["route"] == "order"


def test_a_linked_document_comes_first_for_similar_questions_only(client: TestClient, runtime: Runtime,
                                                                  settings: Settings,
                                                                  embeddings: QifaEmbeddings) -> None:
    curator = bearer(client, "chen")
    vectors = embeddings.encode([LINKED, SIMILAR, UNRELATED])
    vectors = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    assert float(vectors[0] @ vectors[1]) >= 0.8 > float(vectors[0] @ vectors[2])  # what the test relies on
    review_doc = next(d.id for d in runtime.kb.documents() if d.title == REVIEW_TITLE)
    before = hit(client, SIMILAR)
    assert not any(p["linked"] for p in before["passages"])
    first = ask(client, LINKED)
    client.post(f"/api/v1/sessions/{first['session_id']}/feedback",
                json={"message_id": first["message_id"], "vote": -1})
    [group] = client.get("/api/v1/review", headers=curator).json()
    r = client.post(f"/api/v1/review/{group['key']}", headers=curator,
                    json={"action": "document", "document_id": review_doc})
    assert r.status_code == 200 and r.json()["detail"] == review_doc

    after = hit(client, SIMILAR)
    top = after["passages"][0]
    assert top["linked"] and top["document_id"] == review_doc and top["title"] == REVIEW_TITLE
    assert (after["route"], after["reason"]) == ("answer", "linked_document")
    reply = ask(client, SIMILAR)
    assert reply["route"] == "answer" and reply["citations"][0]["title"] == REVIEW_TITLE
    unrelated = hit(client, UNRELATED)
    assert not any(p["linked"] for p in unrelated["passages"])
    assert unrelated["passages"][0]["title"] == LABOUR_TITLE

    other = build_runtime(settings, shipped=False, embeddings=embeddings)  # another process sees the link
    try:
        assert other.links.boost(SIMILAR, other.kb.search(SIMILAR, k=5))[0].document_id == review_doc
    finally:
        other.close()
    # a repealed document is no longer put first
    assert client.patch(f"/api/v1/documents/{review_doc}", headers=curator,
                        json={"status": "repealed"}).status_code == 200
    assert not any(p["linked"] for p in hit(client, SIMILAR)["passages"])


def test_links_are_listed_and_unlinking_undoes_one(client: TestClient, runtime: Runtime) -> None:
    curator, adviser = bearer(client, "chen"), bearer(client, "wang")
    for method, url in (("get", "/api/v1/review/links"), ("delete", "/api/v1/review/links/1")):
        assert client.request(method, url).status_code == 401, url
        assert client.request(method, url, headers=adviser).status_code == 403, url
    assert client.get("/api/v1/review/links", headers=curator).json() == []
    review_doc = next(d.id for d in runtime.kb.documents() if d.title == REVIEW_TITLE)
    for wording in (LINKED, ALSO_LINKED):  # two wordings of one question: the queue groups them
        asked = ask(client, wording)
        client.post(f"/api/v1/sessions/{asked['session_id']}/feedback",
                    json={"message_id": asked["message_id"], "vote": -1})
    [group] = client.get("/api/v1/review", headers=curator).json()
    assert group["count"] == 2
    client.post(f"/api/v1/review/{group['key']}", headers=curator,
                json={"action": "document", "document_id": review_doc})
    [link] = client.get("/api/v1/review/links", headers=curator).json()  # one link, as the curator made it
    assert (link["question"], link["document_id"], link["title"], link["active"]) == (
        LINKED, review_doc, REVIEW_TITLE, True)
    assert link["questions"] == [LINKED, ALSO_LINKED]
    assert hit(client, SIMILAR)["passages"][0]["linked"]

    for bad, status in (("0", 422), ("x", 422), (str(2**63), 422), (str(link["message_id"] + 1000), 404)):
        r = client.delete(f"/api/v1/review/links/{bad}", headers=curator)
        assert r.status_code == status, (bad, r.text)
    assert len(client.get("/api/v1/review/links", headers=curator).json()) == 1  # nothing removed by those

    r = client.delete(f"/api/v1/review/links/{link['message_id']}", headers=curator)
    assert r.status_code == 200 and r.json()["document_id"] == review_doc
    assert client.get("/api/v1/review/links", headers=curator).json() == []
    assert not any(p["linked"] for p in hit(client, SIMILAR)["passages"])
    [back] = client.get("/api/v1/review", headers=curator).json()  # both wordings are back in the queue
    assert back["count"] == 2
    assert client.delete(f"/api/v1/review/links/{link['message_id']}", headers=curator).status_code == 404
    actions = [e["action"] for e in client.get("/api/v1/audit", headers=bearer(client, "root")).json()]
    assert "review.unlink" in actions
