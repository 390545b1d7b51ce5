"""What an API client sees of a citation: the title as cited, the article, the date, the document's stable id
(never a server path), its metadata, and the English title in English answers."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import LABOUR_2012, LABOUR_TITLE, Docs
from fastapi.testclient import TestClient

from api.app import create_app
from composition import Runtime
from ingest.pipeline import ingest
from knowledge.chunking import document_id

FRONT = ("title_en: Labour Contract Law of the People's Republic of China\n"
         "category: 法律\nissuer: 全国人民代表大会常务委员会")


def test_a_citation_names_the_law_the_article_and_the_date_but_no_path(runtime: Runtime, docs: Docs) -> None:
    path = docs.statute("劳动合同法(2012-12-28).md", LABOUR_TITLE, LABOUR_2012, front=FRONT)
    assert ingest(runtime.kb, [path], 20_000_000).added == 1
    with TestClient(create_app(runtime=runtime)) as client:
        r = client.post("/api/v1/chat", json={"message": "劳动合同期限三年的，试用期最长多久？"})
        assert r.status_code == 200
        body = r.json()
        english = client.post("/api/v1/chat", json={"message": "How long can the probation period be for a "
                                                                 "three-year labour contract?"}).json()
    top = body["citations"][0]
    assert top["source"] == document_id(str(path.resolve()))
    # the validity is what the document declares (front matter ``status:``); this one declares none
    assert (top["title"], top["locator"], top["effective"]) == (LABOUR_TITLE, "第四条", "2012-12-28")
    assert top["status"] is None
    assert (top["kind"], top["issuer"], top["url"]) == ("法律", "全国人民代表大会常务委员会", None)
    assert f"《{LABOUR_TITLE}》第四条（2012-12-28）" in body["reply"]
    for reply in (body, english):  # no server path anywhere in what the client receives
        text = json.dumps(reply, ensure_ascii=False)
        assert str(path.parent) not in text and ".md" not in text
    assert english["lang"] == "en"
    assert "Labour Contract Law of the People's Republic of China, Article 4 (2012-12-28)" in english["reply"]


def test_the_openapi_contract_documents_the_citation_fields(runtime: Runtime) -> None:
    with TestClient(create_app(runtime=runtime)) as client:
        schema = client.get("/openapi.json").json()["components"]["schemas"]["CitationOut"]["properties"]
    assert {"title", "source", "locator", "effective", "status", "title_en", "kind", "issuer", "url"} <= set(schema)
    assert "never a file path" in schema["source"]["description"]


def test_a_public_url_in_front_matter_is_shown_as_url_not_as_the_source(runtime: Runtime, docs: Docs,
                                                                       tmp_path: Path) -> None:
    url = "https://flk.npc.gov.cn/example"
    path = docs.statute("劳动合同法(2012-12-28).md", LABOUR_TITLE, LABOUR_2012, front=f"url: {url}")
    ingest(runtime.kb, [path], 20_000_000)
    passage = runtime.kb.search("试用期最长多久", k=1)[0]
    assert (passage.url, passage.document_id) == (url, document_id(str(path.resolve())))
