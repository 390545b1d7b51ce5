"""Documents through the API: roles, upload indexed in the background with progress, list and filters, the
validity (repealed is never cited again, at once, also by another process), new versions, removal, the audit
log; and every bad file refused with a clear message and nothing written."""

from __future__ import annotations

import io
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from conftest import COMPANY, COMPANY_TITLE, REPEALED, REPEALED_TITLE, STAFF_PW, bearer, statute_text
from fastapi.testclient import TestClient

from api.app import create_app
from composition import Runtime, build_runtime
from config import Settings
from db.models_curation import KbUpload
from knowledge.embeddings import QifaEmbeddings

DRILL = statute_text(REPEALED_TITLE, REPEALED, passed="2015年3月1日")
QUESTION = "企业多久组织一次防爆演练？"


@pytest.fixture
def client(staff_api: TestClient) -> TestClient:
    return staff_api


def upload(client: TestClient, who: dict[str, str], name: str, data: bytes, **meta: str) -> Any:
    return client.post("/api/v1/documents", headers=who, files={"file": (name, data)}, data=meta)


def indexed(client: TestClient, who: dict[str, str], doc_id: str, timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    seen: list[float] = []
    while time.monotonic() < deadline:
        body: dict[str, Any] = client.get(f"/api/v1/documents/{doc_id}", headers=who).json()
        seen.append(body["progress"])
        if body["state"] in ("done", "failed"):
            assert seen == sorted(seen)  # progress only moves forward
            return body
        time.sleep(0.05)
    raise AssertionError(f"document {doc_id} still indexing after {timeout} s")


def cited(client: TestClient, question: str = QUESTION) -> set[str]:
    r = client.post("/api/v1/chat", json={"message": question})
    assert r.status_code == 200, r.text
    return {c["source"] for c in r.json()["citations"]}


def test_roles_anonymous_401_adviser_403_curator_and_admin_allowed(client: TestClient) -> None:
    adviser = bearer(client, "wang")
    calls = [("get", "/api/v1/documents"), ("get", "/api/v1/documents/abc"), ("patch", "/api/v1/documents/abc"),
             ("delete", "/api/v1/documents/abc"), ("post", "/api/v1/documents")]
    for method, url in calls:
        assert client.request(method, url).status_code == 401, url
        r = client.request(method, url, headers=adviser, json={"status": "repealed"})
        assert r.status_code == 403, url
        assert "当前角色无此权限" in r.json()["error"]["message"]
    assert client.get("/api/v1/audit").status_code == 401
    assert client.get("/api/v1/audit", headers=adviser).status_code == 403
    assert client.get("/api/v1/audit", headers=bearer(client, "chen")).status_code == 403  # admins only
    assert client.get("/api/v1/audit", headers=bearer(client, "root")).status_code == 200
    assert client.get("/api/v1/documents", headers=bearer(client, "root")).json() == []


def test_upload_ask_repeal_ask_again_with_progress_list_and_audit(client: TestClient) -> None:
    curator, admin = bearer(client, "chen"), bearer(client, "root")
    assert cited(client) == set()
    r = upload(client, curator, "防爆演练办法.md", DRILL.encode(), effective="2015-03-01", issuer="某县应急管理局")
    assert r.status_code == 202, r.text
    doc_id = r.json()["id"]
    assert r.json()["state"] in ("queued", "indexing", "done") and r.json()["uploaded_by"] == "chen"
    body = indexed(client, curator, doc_id)
    assert (body["state"], body["progress"], body["title"], body["status"], body["validity"]) == (
        "done", 1.0, REPEALED_TITLE, "in_force", "现行有效")
    assert body["chunks"] == 3 and body["effective"] == "2015-03-01" and body["issuer"] == "某县应急管理局"
    assert body["ingested_at"].endswith("Z") and body["filename"] == "防爆演练办法.md"
    assert doc_id in cited(client)

    # the list: filters by status and kind, search by title
    listed = client.get("/api/v1/documents", headers=curator, params={"q": "防爆"}).json()
    assert [d["id"] for d in listed] == [doc_id]
    assert client.get("/api/v1/documents", headers=curator, params={"q": "公司"}).json() == []
    assert [d["id"] for d in client.get("/api/v1/documents", headers=curator,
                                        params={"status": "in_force", "kind": "statute"}).json()] == [doc_id]
    assert client.get("/api/v1/documents", headers=curator, params={"status": "repealed"}).json() == []

    r = client.patch(f"/api/v1/documents/{doc_id}", headers=curator, json={"status": "repealed"})
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["validity"], r.json()["active"]) == ("repealed", "已废止", False)
    assert doc_id not in cited(client)  # at once, in this process
    assert [d["id"] for d in client.get("/api/v1/documents", headers=curator,
                                        params={"status": "repealed"}).json()] == [doc_id]
    # back in force: cited again
    assert client.patch(f"/api/v1/documents/{doc_id}", headers=curator, json={"status": "in_force"}).status_code == 200
    assert doc_id in cited(client)

    log = client.get("/api/v1/audit", headers=admin).json()
    assert [(e["actor"], e["action"], e["target"]) for e in log] == [
        ("chen", "document.update", doc_id), ("chen", "document.update", doc_id), ("chen", "document.upload", doc_id)]
    assert (log[1]["before"], log[1]["after"]) == ({"status": "现行有效"}, {"status": "已废止"})
    assert log[2]["after"]["filename"] == "防爆演练办法.md" and log[2]["before"] is None
    assert log[0]["at"].endswith("Z")
    assert client.get("/api/v1/audit", headers=admin, params={"action": "document.upload"}).json() == [log[2]]


def test_a_repeal_is_seen_at_once_by_another_process(client: TestClient, runtime: Runtime, settings: Settings,
                                                      embeddings: QifaEmbeddings) -> None:
    curator = bearer(client, "chen")
    doc_id = upload(client, curator, "防爆演练办法.md", DRILL.encode()).json()["id"]
    indexed(client, curator, doc_id)
    other = build_runtime(settings, shipped=False, embeddings=embeddings)  # a second worker on the same store
    try:
        assert doc_id in {p.document_id for p in other.kb.search(QUESTION)}  # its snapshot is built and warm
        client.patch(f"/api/v1/documents/{doc_id}", headers=curator, json={"status": "repealed"})
        assert doc_id not in {p.document_id for p in other.kb.search(QUESTION)}  # no wait, no restart
        client.delete(f"/api/v1/documents/{doc_id}", headers=curator)
        assert other.kb.search(QUESTION) == []
    finally:
        other.close()


def test_a_new_version_supersedes_the_old_one_which_is_kept(client: TestClient) -> None:
    curator = bearer(client, "chen")
    old = upload(client, curator, "company.md", statute_text(COMPANY_TITLE, COMPANY, "2018年10月26日").encode(),
                 effective="2018-10-26").json()["id"]
    indexed(client, curator, old)
    changed = {k: [a.replace("公司登记机关", "市场监督管理部门") for a in v] for k, v in COMPANY.items()}
    r = upload(client, curator, "company-2023.md", statute_text("公司法新文本", changed, "2023年12月29日").encode(),
               effective="2023-12-29", replaces=old)
    assert r.status_code == 202, r.text
    new = indexed(client, curator, r.json()["id"])
    assert new["title"] == COMPANY_TITLE  # the new version takes the old one's title
    before = client.get(f"/api/v1/documents/{old}", headers=curator).json()
    assert (before["status"], before["validity"], before["active"]) == ("amended", "已修订", False)
    assert new["status"] == "in_force" and new["active"] is True
    assert cited(client, "设立公司应当向哪个部门申请设立登记？") & {old, new["id"]} == {new["id"]}
    actions = [e["action"] for e in client.get("/api/v1/audit", headers=bearer(client, "root")).json()]
    assert actions[:2] == ["document.supersede", "document.upload"]
    r = upload(client, curator, "x.md", DRILL.encode(), replaces="nosuchdocument")
    assert r.status_code == 404 and r.json()["error"]["code"] == "unknown_document"


def test_remove_then_never_cited_and_the_same_file_may_come_back(client: TestClient) -> None:
    curator = bearer(client, "chen")
    doc_id = upload(client, curator, "防爆演练办法.md", DRILL.encode()).json()["id"]
    indexed(client, curator, doc_id)
    r = client.delete(f"/api/v1/documents/{doc_id}", headers=curator)
    assert r.status_code == 200 and r.json()["id"] == doc_id
    assert client.get(f"/api/v1/documents/{doc_id}", headers=curator).status_code == 404
    assert client.delete(f"/api/v1/documents/{doc_id}", headers=curator).status_code == 404
    assert doc_id not in cited(client)
    again = upload(client, curator, "防爆演练办法.md", DRILL.encode())
    assert again.status_code == 202 and again.json()["id"] == doc_id
    indexed(client, curator, doc_id)
    assert doc_id in cited(client)


def _docx_bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w", force_zip64=True) as member:
            for _ in range(250):
                member.write(bytes(1 << 20))
    return buf.getvalue()


def _pdf_without_text() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 60, style="F")  # a drawing, as a scan would be: no text layer
    return bytes(pdf.output())


BAD = [
    ("virus.exe", b"MZ\x90\x00", 422, "unsupported file type '.exe'"),
    ("noname", b"hello", 422, "unsupported file type '(none)'"),
    ("fake.pdf", "第一条 这其实是文字。".encode(), 422, "not a PDF"),
    ("scan.pdf", None, 422, "OCR is not supported"),
    ("bomb.docx", None, 422, "zip bomb"),
    ("letter.docx", "不是压缩包".encode(), 422, "not a DOCX"),
    ("empty.txt", b"", 422, "file is empty"),
    ("binary.txt", b"\x00\x01\x02" * 100, 422, "binary content"),
]


@pytest.mark.parametrize(("name", "data", "status", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_files_are_refused_clearly_and_nothing_is_written(client: TestClient, runtime: Runtime, name: str,
                                                              data: bytes | None, status: int, message: str) -> None:
    if data is None:
        data = _pdf_without_text() if name.endswith(".pdf") else _docx_bomb()
    r = upload(client, bearer(client, "chen"), name, data)
    assert r.status_code == status, r.text
    err = r.json()["error"]
    assert message in err["message"] and err["fields"][0]["field"] == "file"
    assert " / " in err["message"]  # in both languages
    assert client.get("/api/v1/documents", headers=bearer(client, "chen")).json() == []
    with runtime.db.session() as s:
        assert s.query(KbUpload).count() == 0
    assert client.get("/api/v1/audit", headers=bearer(client, "root")).json() == []


def test_over_the_size_limit_is_413(tmp_path: Path, embeddings: QifaEmbeddings) -> None:
    rt = build_runtime(Settings(data_dir=tmp_path / "var", shipped_packs="none", max_file_mb=0.01), shipped=False,
                       embeddings=embeddings)
    rt.accounts.add("chen", "curator", STAFF_PW)
    try:
        with TestClient(create_app(runtime=rt)) as c:
            r = upload(c, bearer(c, "chen"), "big.md", ("合同" * 5000).encode())
            assert r.status_code == 413 and r.json()["error"]["code"] == "file_too_large"
            assert "0.01 MB" in r.json()["error"]["message"]
            assert c.get("/api/v1/documents", headers=bearer(c, "chen")).json() == []
    finally:
        rt.close()


def test_a_duplicate_upload_is_recognised_by_its_content(client: TestClient) -> None:
    curator = bearer(client, "chen")
    doc_id = upload(client, curator, "a.md", DRILL.encode()).json()["id"]
    r = upload(client, curator, "another-name.md", DRILL.encode())  # while the first may still be indexing
    assert r.status_code == 409 and r.json()["error"]["code"] == "duplicate_document"
    assert r.json()["error"]["fields"][0]["document_id"] == doc_id
    indexed(client, curator, doc_id)
    assert upload(client, curator, "third.md", DRILL.encode()).status_code == 409
    assert len(client.get("/api/v1/documents", headers=curator).json()) == 1


@pytest.mark.parametrize(("patch", "field"), [
    ({"status": "abolished"}, "status"), ({"status": "已废止"}, "status"), ({"effective": "2024-13-01"}, "effective"),
    ({"effective": "yesterday"}, "effective"), ({"url": "javascript:alert(1)"}, "url"),
    ({"issuer": "a\x00b"}, "issuer"), ({"title_en": "x" * 301}, "title_en"), ({"status": 3}, "status"),
])
def test_bad_metadata_is_422_naming_the_field_and_changes_nothing(client: TestClient, patch: dict[str, Any],
                                                                  field: str) -> None:
    curator = bearer(client, "chen")
    doc_id = upload(client, curator, "a.md", DRILL.encode()).json()["id"]
    before = indexed(client, curator, doc_id)
    r = client.patch(f"/api/v1/documents/{doc_id}", headers=curator, json=patch)
    assert r.status_code == 422, r.text
    assert r.json()["error"]["fields"][0]["field"] == field
    assert client.get(f"/api/v1/documents/{doc_id}", headers=curator).json() == before
    bad = upload(client, curator, "b.md", b"x" + DRILL.encode(), effective="2024-02-30")
    assert bad.status_code == 422 and bad.json()["error"]["fields"][0]["field"] == "effective"
    assert client.patch("/api/v1/documents/nosuch", headers=curator, json={"status": "repealed"}).status_code == 404


def test_uploads_a_restart_interrupted_are_resumed_or_failed_with_the_reason(
        client: TestClient, runtime: Runtime, settings: Settings, embeddings: QifaEmbeddings) -> None:
    """The first process stops before its indexing worker gets to the jobs (its worker is held, then shut
    down without running them); a process started later on the same data dir takes them up."""
    curator = bearer(client, "chen")
    hold = threading.Event()
    runtime.documents._worker.submit(hold.wait, 120)  # the worker is busy: the uploads below wait in the queue
    drill = upload(client, curator, "防爆演练办法.md", DRILL.encode(), effective="2015-03-01").json()
    company = upload(client, curator, "公司法.md", statute_text(COMPANY_TITLE, COMPANY).encode()).json()
    assert drill["state"] == company["state"] == "queued"
    with runtime.db.session() as s:
        jobs = {u.document_id: u.id for u in s.query(KbUpload)}
    spool = settings.data_dir / "uploads"
    assert sorted(p.name for p in spool.iterdir()) == sorted(f"{jobs[d]}.md" for d in (drill["id"], company["id"]))
    (spool / f"{jobs[company['id']]}.md").unlink()  # this one's file is gone
    runtime.documents._worker.shutdown(wait=False, cancel_futures=True)  # the process ends, its queue with it
    hold.set()

    restarted = build_runtime(settings, shipped=False, embeddings=embeddings)
    try:
        with TestClient(create_app(runtime=restarted)) as again:
            who = bearer(again, "chen")
            body = indexed(again, who, drill["id"])
            assert (body["state"], body["chunks"], body["effective"]) == ("done", 3, "2015-03-01")
            assert drill["id"] in cited(again)
            lost = again.get(f"/api/v1/documents/{company['id']}", headers=who).json()
            assert lost["state"] == "failed" and "重新上传" in lost["error"] and "upload it again" in lost["error"]
            assert list(spool.iterdir()) == []  # nothing left waiting
            log = again.get("/api/v1/audit", headers=bearer(again, "root")).json()
            assert {(e["actor"], e["action"], e["target"]) for e in log[:2]} == {
                ("system", "document.resume", drill["id"]), ("system", "document.resume_failed", company["id"])}
            # the same file may be uploaded again once its job failed
            again_up = upload(again, who, "公司法.md", statute_text(COMPANY_TITLE, COMPANY).encode())
            assert again_up.status_code == 202, again_up.text
    finally:
        restarted.close()


def test_a_new_title_is_indexed_again_and_decides_which_version_is_used(client: TestClient,
                                                                        runtime: Runtime) -> None:
    curator = bearer(client, "chen")
    first = upload(client, curator, "防爆演练办法.md", DRILL.encode(), effective="2015-03-01").json()["id"]
    indexed(client, curator, first)
    newer = statute_text(REPEALED_TITLE, {"第一章 总则": ["企业每半年应当组织一次防爆演练。"]}, passed="2020年1月1日")
    second = upload(client, curator, "防爆演练办法2020.md", newer.encode(), effective="2020-01-01").json()["id"]
    indexed(client, curator, second)
    assert client.get(f"/api/v1/documents/{first}", headers=curator).json()["status"] == "amended"

    new_title = "某县企业防爆演练指引"
    r = client.patch(f"/api/v1/documents/{second}", headers=curator, json={"title": new_title})
    assert r.status_code == 200, r.text
    assert r.json()["title"] == new_title and r.json()["status"] == "in_force"
    # no longer the same law's newer version: the first is in force again
    assert client.get(f"/api/v1/documents/{first}", headers=curator).json()["status"] == "in_force"
    found = runtime.kb.search("某县企业防爆演练指引", k=3)
    assert found[0].document_id == second and found[0].title == new_title  # keyword index under the new name
    assert client.get("/api/v1/documents", headers=curator, params={"q": "指引"}).json()[0]["id"] == second
    log = client.get("/api/v1/audit", headers=bearer(client, "root"), params={"action": "document.retitle"}).json()
    assert [(e["before"], e["after"]) for e in log] == [({"title": REPEALED_TITLE}, {"title": new_title})]
    for bad, code in (({"title": ""}, 422), ({"title": "a\x01b"}, 422), ({"title": "x" * 301}, 422)):
        r = client.patch(f"/api/v1/documents/{second}", headers=curator, json=bad)
        assert r.status_code == code and r.json()["error"]["fields"][0]["field"] == "title", r.text
    assert client.get(f"/api/v1/documents/{second}", headers=curator).json()["title"] == new_title
