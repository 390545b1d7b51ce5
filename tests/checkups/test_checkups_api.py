"""The self-check over HTTP (TestClient on the real app, real SQLite): the questionnaires, a report from answers,
bad input named field by field, the report and its PDF only for the session that made it. The PDF is read back
with pypdf (the Chinese findings are in its text, the CJK font is embedded) and page 1 is rendered to PNG."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import CHROMIUM, chromium
from chat_support import fresh_data_dir, open_runtime
from fastapi.testclient import TestClient
from pypdf import PdfReader

from api.app import create_app
from composition import Runtime

ARTIFACTS = Path(os.environ.get("QIFA_TEST_ARTIFACTS", Path(__file__).resolve().parents[1] / "artifacts"))


@pytest.fixture(scope="module")
def rt(tmp_path_factory: pytest.TempPathFactory, embeddings: Any) -> Iterator[Runtime]:
    runtime = open_runtime(fresh_data_dir(tmp_path_factory, embeddings, tmp_path_factory.mktemp("ck") / "var"),
                           embeddings)
    yield runtime
    runtime.close()


@pytest.fixture(scope="module")
def client(rt: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime=rt)) as c:
        yield c


def answers_for(client: TestClient, checkup: str, word: str, gates: str = "yes") -> dict[str, str]:
    """Answer every question the way a form would: gates first, dependent questions only when they apply."""
    questions = client.get(f"/api/v1/checkups/{checkup}").json()["questions"]
    answers: dict[str, str] = {}
    for q in questions:
        cond = q["depends_on"]
        if cond is None or answers.get(cond["question"]) == cond["answer"]:
            answers[q["id"]] = gates if q["gate"] else word
    return answers


def test_list_and_get(client: TestClient) -> None:
    listing = client.get("/api/v1/checkups").json()
    assert listing[0]["id"] == "general"
    assert {c["industry"] for c in listing} == {"通用", "水晶", "挂锁", "绗缝", "涉外"}
    assert sum(c["question_count"] for c in listing) >= 60
    general = client.get("/api/v1/checkups/general").json()
    assert [a["area"] for a in general["areas"]][:2] == ["劳动用工", "合同管理"]
    dependent = [q for q in general["questions"] if q["depends_on"]]
    assert dependent and all(q["answers"] == ["yes", "no", "unsure"] for q in general["questions"])
    missing = client.get("/api/v1/checkups/nope")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "unknown_checkup"


def test_report_pdf_and_ownership(client: TestClient, rt: Runtime) -> None:
    answers = answers_for(client, "general", "no")
    made = client.post("/api/v1/checkups/general/report", json={"answers": answers})
    assert made.status_code == 201, made.text
    report = made.json()
    assert report["overall"]["level"] == "高风险" and report["overall"]["level_en"] == "high risk"
    assert {a["area"] for a in report["areas"]} >= {"劳动用工", "环境保护"}
    first = report["findings"][0]
    assert first["weight"] == 3 and first["basis"][0]["label"].startswith("《")
    assert first["basis"][0]["snippet"] and first["services"]
    assert report["rule"].startswith("评分规则") and report["disclaimer"] and report["bureau"] == "浦江县司法局"
    sid = report["session_id"]
    again = client.get(f"/api/v1/checkups/reports/{report['id']}", params={"session_id": sid})
    assert again.status_code == 200 and again.json()["findings"] == report["findings"]
    # another session, or none: 404 as if there were no such report
    other = client.post("/api/v1/chat", json={"message": "你好"}).json()["session_id"]
    for params in ({"session_id": other}, {}):
        refused = client.get(f"/api/v1/checkups/reports/{report['id']}.pdf", params=params)
        assert refused.status_code == 404 and refused.json()["error"]["code"] == "unknown_report"
    pdf = client.get(report["pdf"])
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.content))
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in reader.pages))
    for f in report["findings"][:10]:
        assert re.sub(r"\s+", "", f["finding"]) in text
    assert "浦江县司法局" in text and "免责声明" in text and "Disclaimer" in text and "高风险" in text
    fonts = {str(f["/BaseFont"]) for p in reader.pages for f in p["/Resources"]["/Font"].values()}
    assert any("Noto" in f for f in fonts)
    descriptor = next(iter(reader.pages[0]["/Resources"]["/Font"].values()))["/DescendantFonts"][0]["/FontDescriptor"]
    assert any(k in descriptor for k in ("/FontFile2", "/FontFile3"))  # embedded, not referenced
    page_one_png(pdf.content, ARTIFACTS / "checkup-report.png")


def page_one_png(pdf: bytes, out: Path) -> None:
    """Render page 1 (pdftoppm when installed, else Chromium's PDF viewer) and check the image is not blank."""
    out.parent.mkdir(parents=True, exist_ok=True)
    src = out.with_suffix(".pdf")
    src.write_bytes(pdf)
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(src),
                        str(out.with_suffix(""))], check=True, timeout=60)
    elif CHROMIUM.exists():
        with chromium() as browser:
            page = browser.new_page(viewport={"width": 900, "height": 1200})
            page.goto(src.resolve().as_uri())
            page.wait_for_timeout(2500)
            page.screenshot(path=str(out))
    else:
        pytest.skip("neither pdftoppm nor chromium to render the PDF")
    data = out.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 20_000


def test_bad_answers_are_named(client: TestClient) -> None:
    answers = answers_for(client, "crystal", "yes")
    answers.pop("cry-wastewater")
    answers |= {"cry-dust-protection": "maybe", "unknown-q": "yes", "cry-sludge-waste": 3}
    r = client.post("/api/v1/checkups/crystal/report", json={"answers": answers})
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["code"] == "invalid_answers"
    assert {f["field"] for f in err["fields"]} == {"answers.cry-wastewater", "answers.unknown-q",
                                                 "answers.cry-dust-protection", "answers.cry-sludge-waste"}
    assert "cry-wastewater" in err["message"] and "缺少回答" in err["message"]


def test_skipped_questions_are_not_required(client: TestClient) -> None:
    answers = answers_for(client, "foreign", "yes", gates="no")
    assert not any(k.startswith(("trd-", "fdi-")) for k in answers)
    r = client.post("/api/v1/checkups/foreign/report", json={"answers": answers})
    assert r.status_code == 201, r.text
    assert "trd-customs-filing" in r.json()["skipped"] and r.json()["overall"]["level"] == "低风险"


@pytest.mark.parametrize("body", [
    {"answers": "yes"}, {"answers": None}, {}, {"answers": {"x" * 100: "yes"}},
    {"answers": {f"q{i}": "yes" for i in range(300)}},
    {"session_id": 5, "answers": {}}, {"session_id": "s" * 65, "answers": {}},
])
def test_hostile_bodies(client: TestClient, body: dict[str, Any]) -> None:
    r = client.post("/api/v1/checkups/general/report", json=body)
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_request", r.text


def test_a_lone_surrogate_is_refused(client: TestClient) -> None:
    r = client.post("/api/v1/checkups/general/report", content=b'{"answers": {"a": "\\ud800"}}',
                    headers={"content-type": "application/json"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_request", r.text


def test_unknown_session_and_ids(client: TestClient) -> None:
    answers = answers_for(client, "padlock", "yes")
    r = client.post("/api/v1/checkups/padlock/report", json={"session_id": "no-such", "answers": answers})
    assert r.status_code == 404 and r.json()["error"]["code"] == "unknown_session"
    assert client.post("/api/v1/checkups/nope/report", json={"answers": {}}).status_code == 404
    for path in ("/api/v1/checkups/reports/99999999999999999999.pdf", "/api/v1/checkups/reports/abc.pdf",
                 "/api/v1/checkups/reports/-1?session_id=x"):
        assert client.get(path).status_code in (404, 422)
    bad = client.post("/api/v1/checkups/general/report", content=b"{not json",
                      headers={"content-type": "application/json"})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_json"


def test_the_adviser_sees_the_report_attached_to_the_case(client: TestClient, rt: Runtime) -> None:
    """A self-check done in the chat, handed to an adviser: the case page shows the findings with their basis."""
    r = client.post("/api/v1/chat", json={"message": "/checkup quilting", "lang": "zh"}).json()
    sid = r["session_id"]
    while "checkup" in r["data"]:
        r = client.post("/api/v1/chat", json={"session_id": sid, "message": "/ck no", "lang": "zh"}).json()
    report_id = r["data"]["checkup_report"]["id"]
    handed = client.post("/api/v1/chat", json={"session_id": sid, "message": f"/checkup_handoff {report_id}",
                                                 "lang": "zh"}).json()
    case_id = handed["handoff"]["id"]
    assert handed["route"] == "handoff" and handed["data"]["checkup_report"] == {"id": report_id, "case_id": case_id}
    own = client.get(f"/api/v1/checkups/reports/{report_id}", params={"session_id": sid}).json()
    assert own["case_id"] == case_id
    rt.accounts.add("ck-adviser", "adviser", "adviser-pass-1")
    login = client.get("/console/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', login.text)
    assert csrf is not None
    client.post("/console/login", data={"username": "ck-adviser", "password": "adviser-pass-1",
                                        "csrf": csrf.group(1)})
    page = client.get(f"/console/cases/{case_id}")
    assert page.status_code == 200
    assert f"【自测报告 {report_id}】" in page.text and "自测报告 Self-check report" in page.text
    assert "《中华人民共和国消防法》第十九条" in page.text and "纺织原料火灾荷载大" in page.text
    client.cookies.clear()
    rt.handoffs.withdraw(case_id)
