"""The curators' documents page of the console: roles, upload through the form (CSRF), progress, validity,
a new version, removal; errors shown on the page; the page's CSP."""

from __future__ import annotations

import re
import time

import pytest
from conftest import REPEALED, REPEALED_TITLE, console_login, csrf_of, statute_text
from fastapi.testclient import TestClient

from composition import Runtime

DRILL = statute_text(REPEALED_TITLE, REPEALED, passed="2015年3月1日").encode()


@pytest.fixture
def client(staff_console: TestClient) -> TestClient:
    return staff_console


def log_in(client: TestClient, name: str) -> tuple[str, str]:
    where = console_login(client, name)
    return where, csrf_of(client.get("/console/documents").text) if name != "wang" else ""


def wait_done(client: TestClient) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        jobs = client.get("/console/documents/progress").json()
        if not any(j["state"] in ("queued", "indexing") for j in jobs):
            return
        time.sleep(0.05)
    raise AssertionError("still indexing")


def test_roles_on_the_console(client: TestClient) -> None:
    assert client.get("/console/documents").headers["location"] == "/console/login"
    where, _ = log_in(client, "wang")
    assert where == "/console/"
    r = client.get("/console/documents")
    assert r.status_code == 403 and "仅限知识库管理员" in r.text
    assert "/console/documents" not in client.get("/console/").text  # no link to what they may not open
    client.cookies.clear()
    where, _ = log_in(client, "chen")
    assert where == "/console/documents"  # a curator lands on the documents
    assert client.get("/console/").headers["location"] == "/console/documents"
    assert client.get("/console/orders").status_code == 403
    client.cookies.clear()
    log_in(client, "root")
    assert client.get("/console/documents").status_code == 200 and client.get("/console/").status_code == 200


def test_upload_progress_repeal_new_version_remove(client: TestClient, runtime: Runtime) -> None:
    _, token = log_in(client, "chen")
    page = client.get("/console/documents")
    assert "default-src 'none'" in page.headers["content-security-policy"]
    nonce = re.search(r"'nonce-([^']+)'", page.headers["content-security-policy"])
    assert nonce and f'nonce="{nonce.group(1)}"' in page.text
    r = client.post("/console/documents", files={"file": ("drill.md", DRILL)}, data={"csrf": "0" * 64})
    assert r.status_code == 403 and runtime.documents.list() == []
    r = client.post("/console/documents", files={"file": ("drill.md", DRILL)},
                    data={"csrf": token, "effective": "2015-03-01"})
    assert r.status_code == 303 and r.headers["location"] == "/console/documents?done=uploaded"
    assert "已上传，正在索引 Uploaded, indexing" in client.get(r.headers["location"]).text
    listing = client.get("/console/documents").text
    assert "drill.md" in listing or REPEALED_TITLE in listing
    wait_done(client)
    [row] = runtime.documents.list()
    assert (row.title, row.uploaded_by, row.effective, row.state) == (REPEALED_TITLE, "chen", "2015-03-01", "done")
    listing = client.get("/console/documents", params={"q": "防爆"}).text
    assert REPEALED_TITLE in listing and "现行有效" in listing
    assert REPEALED_TITLE not in client.get("/console/documents", params={"status": "repealed"}).text

    r = client.post(f"/console/documents/{row.id}/status", data={"csrf": token, "status": "repealed"})
    assert r.status_code == 303
    assert runtime.documents.get(row.id).status == "repealed"
    assert row.id not in {p.document_id for p in runtime.kb.search("防爆演练")}
    r = client.post(f"/console/documents/{row.id}/status", data={"csrf": token, "status": "gone"})
    assert r.status_code == 422 and 'role="alert"' in r.text and "location" not in r.headers
    client.post(f"/console/documents/{row.id}/status", data={"csrf": token, "status": "in_force"})

    newer = DRILL.replace("每季度".encode(), "每月".encode())
    r = client.post(f"/console/documents/{row.id}/version", files={"file": ("drill-2024.md", newer)},
                    data={"csrf": token, "effective": "2024-01-01"})
    assert r.status_code == 303 and r.headers["location"] == "/console/documents?done=uploaded"
    wait_done(client)
    assert runtime.documents.get(row.id).validity == "已修订"
    assert {p.locator for p in runtime.kb.search("防爆演练 每月")} and all(
        p.document_id != row.id for p in runtime.kb.search("防爆演练"))

    r = client.post(f"/console/documents/{row.id}/remove", data={"csrf": token})
    assert r.status_code == 303 and r.headers["location"] == "/console/documents?done=removed"
    assert len(runtime.documents.list()) == 1


def test_a_bad_file_is_shown_on_the_page(client: TestClient, runtime: Runtime) -> None:
    _, token = log_in(client, "chen")
    r = client.post("/console/documents", files={"file": ("scan.pdf", b"not a pdf at all")}, data={"csrf": token})
    assert r.status_code == 422 and "location" not in r.headers  # the page itself, no redirect carrying the text
    assert "not a PDF" in r.text and 'role="alert"' in r.text
    assert runtime.documents.list() == []


@pytest.mark.parametrize(("name", "data", "reason"), [
    ("合同模板.pdf", "这其实是一段文字。".encode(), "不是有效的 PDF 文件 / not a PDF"),
    ("empty.md", b"", "文件为空 / file is empty"),
    ("broken.docx", "不是压缩包".encode(), "不是有效的 DOCX 文件 / not a DOCX"),
    ("short.txt", "五个字而已".encode(), "未识别到文字 / no readable text"),
    ("tool.exe", b"MZ binary", "不支持的文件类型（支持 PDF、DOCX、HTML、Markdown、TXT） / unsupported file type"),
])
def test_an_upload_refusal_says_why_chinese_first(client: TestClient, name: str, data: bytes, reason: str) -> None:
    """review20 finding 10: the reason itself in Chinese, not only 无法读取该文件, and before the English."""
    _, token = log_in(client, "chen")
    r = client.post("/console/documents", files={"file": (name, data)}, data={"csrf": token})
    assert r.status_code == 422 and reason in r.text and "无法读取该文件" not in r.text


def test_a_link_cannot_supply_banner_text(client: TestClient) -> None:
    """Only fixed banner codes are shown: text in ?msg= / ?err= or an unknown code shows no banner (phishing)."""
    log_in(client, "chen")
    bait = "请拨打 400-000-0000 核实账户 Call us to verify"
    for url in ("/console/documents", "/console/faqs", "/console/review", "/console/services"):
        page = client.get(url, params={"msg": bait, "err": bait, "done": bait}).text
        assert bait not in page and 'role="alert"' not in page and 'role="status"' not in page, url
    assert "已删除 Removed" in client.get("/console/documents", params={"done": "removed"}).text
