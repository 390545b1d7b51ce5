"""What staff upload is read right or refused clearly (review20 findings 7 and 8), through the real upload API
with files made here: a Word file's Heading 1 is cited as 《…》 without its Markdown marks; a PDF whose text
comes out behind NULs is stored clean and found; one whose font gives no text is refused, Chinese first,
with nothing stored (no upload row, no document, no vectors, no audit entry)."""

from __future__ import annotations

import time
from typing import Any

from conftest import bearer
from fastapi.testclient import TestClient
from upload_support import DRILL, DRILL_TITLE, REFUSAL, TRAINING, cjk_pdf, needs_font, word_file

from composition import Runtime
from db.models_curation import KbUpload
from db.models_kb import KbChunk


def upload(client: TestClient, who: dict[str, str], name: str, data: bytes) -> Any:
    return client.post("/api/v1/documents", headers=who, files={"file": (name, data)})


def indexed(client: TestClient, who: dict[str, str], doc_id: str, timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body: dict[str, Any] = client.get(f"/api/v1/documents/{doc_id}", headers=who).json()
        if body["state"] in ("done", "failed"):
            return body
        time.sleep(0.05)
    raise AssertionError(f"document {doc_id} still indexing after {timeout} s")


def test_a_word_heading_1_title_is_listed_and_cited_without_markdown_marks(staff_api: TestClient) -> None:
    curator = bearer(staff_api, "chen")
    r = upload(staff_api, curator, "消防演练办法.docx", word_file(DRILL_TITLE, DRILL))
    assert r.status_code == 202, r.text
    doc = indexed(staff_api, curator, r.json()["id"])
    assert (doc["state"], doc["title"], doc["chunks"]) == ("done", DRILL_TITLE, 3)
    assert [d["title"] for d in staff_api.get("/api/v1/documents", headers=curator).json()] == [DRILL_TITLE]

    reply = staff_api.post("/api/v1/chat", json={"message": "企业多久要组织一次消防演练？"})
    assert reply.status_code == 200, reply.text
    titles = {c["title"] for c in reply.json()["citations"]}
    assert titles == {DRILL_TITLE}
    assert f"《{DRILL_TITLE}》" in reply.json()["reply"] and "#" not in reply.json()["reply"]


@needs_font
def test_a_pdf_whose_text_comes_out_behind_nuls_is_stored_clean_and_found(staff_api: TestClient,
                                                                         runtime: Runtime) -> None:
    curator = bearer(staff_api, "chen")
    r = upload(staff_api, curator, "培训.pdf", cjk_pdf(TRAINING))
    assert r.status_code == 202, r.text
    doc = indexed(staff_api, curator, r.json()["id"])
    assert (doc["state"], doc["title"]) == ("done", "浦江县企业安全生产培训规定")

    hit = staff_api.get("/api/v1/search", headers=curator, params={"q": "新员工上岗前安全培训要多少学时"}).json()
    assert hit["passages"][0]["document_id"] == doc["id"]
    assert "二十四学时" in hit["passages"][0]["text"]
    with runtime.db.session() as s:
        stored = [(c.text, c.tokens) for c in s.query(KbChunk).filter(KbChunk.document_id == doc["id"])]
    assert stored and all("二十四学时" in text and "\x00" not in text + tokens for text, tokens in stored)


@needs_font
def test_a_pdf_whose_font_gives_no_text_is_refused_chinese_first_and_nothing_is_stored(
        staff_api: TestClient, runtime: Runtime) -> None:
    curator = bearer(staff_api, "chen")
    vectors_before = runtime.kb.vectors.count()
    r = upload(staff_api, curator, "培训.pdf", cjk_pdf(TRAINING, text_map=False))
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert REFUSAL in err["message"] and err["fields"][0]["field"] == "file"  # the API's order: English / 中文
    assert err["message"].startswith("no readable text") and "text can be copied" in err["message"]
    assert staff_api.get("/api/v1/documents", headers=curator).json() == []
    with runtime.db.session() as s:
        assert s.query(KbUpload).count() == 0
    assert runtime.kb.vectors.count() == vectors_before
    assert staff_api.get("/api/v1/audit", headers=bearer(staff_api, "root")).json() == []
