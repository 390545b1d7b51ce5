"""Curators edit a self-check questionnaire as YAML (API and console; real SQLite, TestClient): the loader's own
checks refuse broken YAML, unknown services, documents and articles, a bad ``depends_on`` and a changed id, naming
each and storing nothing; an accepted edit is in effect at once (the questionnaire, a new report, another process
within a second), audited, and restored to the shipped file; reports already made keep their content."""

from __future__ import annotations

import time

import pytest
from conftest import bearer, console_login, csrf_of
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from checkups import Checkups
from checkups.loader import CONTENT_DIR
from composition import Runtime
from db.models_checkups import CheckupEdit

CID = "crystal"
SHIPPED = (CONTENT_DIR / "crystal.yaml").read_text(encoding="utf-8")
OLD_TEXT = "水晶研磨、抛光工位是否设置有效的除尘或湿式作业设施，并为员工配备合格防尘口罩？"
NEW_TEXT = "研磨、抛光、切割工位是否都有除尘或湿式作业设施，员工是否佩戴合格防尘口罩？"
assert SHIPPED.count(OLD_TEXT) == 1


def answers(client: TestClient, word: str = "no") -> dict[str, str]:
    out: dict[str, str] = {}
    for q in client.get(f"/api/v1/checkups/{CID}").json()["questions"]:
        cond = q["depends_on"]
        if cond is None or out.get(cond["question"]) == cond["answer"]:
            out[q["id"]] = "yes" if q["gate"] else word
    return out


def stored_edits(rt: Runtime) -> int:
    with rt.db.session() as s:
        return int(s.scalar(select(func.count()).select_from(CheckupEdit)) or 0)


def test_roles(staff_api: TestClient) -> None:
    url = f"/api/v1/checkups/{CID}/source"
    assert staff_api.get(url).status_code == 401
    assert staff_api.put(url, json={"yaml": SHIPPED}).status_code == 401
    assert staff_api.delete(url).status_code == 401
    adviser = bearer(staff_api, "wang")
    for method in ("GET", "PUT", "DELETE"):
        r = staff_api.request(method, url, headers=adviser, json={"yaml": SHIPPED} if method == "PUT" else None)
        assert r.status_code == 403, (method, r.text)
    assert staff_api.get(url, headers=bearer(staff_api, "root")).status_code == 200  # an administrator may
    r = staff_api.get("/api/v1/checkups/nope/source", headers=bearer(staff_api, "chen"))
    assert r.status_code == 404 and r.json()["error"]["code"] == "unknown_checkup"


def test_an_edit_is_in_effect_at_once_audited_and_restored(staff_api: TestClient, runtime: Runtime) -> None:
    client, curator = staff_api, bearer(staff_api, "chen")
    other = Checkups(runtime.db, runtime.catalogue)  # another process, started before the edit
    shipped = client.get(f"/api/v1/checkups/{CID}/source", headers=curator).json()
    assert shipped == {"id": CID, "file": "crystal.yaml", "yaml": SHIPPED, "edited": False, "edited_by": None,
                       "edited_at": None}
    before = client.post(f"/api/v1/checkups/{CID}/report", json={"answers": answers(client)}).json()
    assert before["findings"][0]["question"] == OLD_TEXT

    r = client.put(f"/api/v1/checkups/{CID}/source", headers=curator,
                   json={"yaml": SHIPPED.replace(OLD_TEXT, NEW_TEXT)})
    assert r.status_code == 200, r.text
    assert r.json()["edited"] and r.json()["edited_by"] == "chen" and NEW_TEXT in r.json()["yaml"]
    questions = client.get(f"/api/v1/checkups/{CID}").json()["questions"]
    assert questions[0]["text"] == NEW_TEXT  # the API
    after = client.post(f"/api/v1/checkups/{CID}/report", json={"answers": answers(client)}).json()
    assert after["findings"][0]["question"] == NEW_TEXT  # a new report
    again = client.get(f"/api/v1/checkups/reports/{before['id']}", params={"session_id": before["session_id"]})
    assert again.json()["findings"][0]["question"] == OLD_TEXT  # a report already made keeps its content
    chat = client.post("/api/v1/chat", json={"message": "我想做个法治体检自测"}).json()
    assert chat["reply"]  # the engine lists the questionnaires from the same merged set
    assert runtime.checkups.get(CID).questions[0].text == NEW_TEXT

    time.sleep(1.05)  # another process looks at the version at most once a second
    assert other.get(CID).questions[0].text == NEW_TEXT
    assert Checkups(runtime.db, runtime.catalogue).get(CID).questions[0].text == NEW_TEXT  # a later start

    log = client.get("/api/v1/audit", headers=bearer(client, "root")).json()
    assert (log[0]["action"], log[0]["target"], log[0]["actor"]) == ("checkup.edit", f"checkup:{CID}", "chen")
    assert log[0]["before"]["yaml"] == SHIPPED and NEW_TEXT in log[0]["after"]["yaml"]

    r = client.delete(f"/api/v1/checkups/{CID}/source", headers=curator)
    assert r.status_code == 200 and r.json()["yaml"] == SHIPPED and not r.json()["edited"]
    assert client.get(f"/api/v1/checkups/{CID}").json()["questions"][0]["text"] == OLD_TEXT
    assert stored_edits(runtime) == 0
    assert client.get("/api/v1/audit", headers=bearer(client, "root")).json()[0]["action"] == "checkup.restore"
    time.sleep(1.05)
    assert other.get(CID).questions[0].text == OLD_TEXT


BROKEN = [
    ("syntax", SHIPPED.replace("questions:\n", "questions: [\n", 1), "yaml", "malformed YAML"),
    ("service", SHIPPED.replace("services: [crystal-industry-compliance]\n", "services: [no-such-service]\n", 1),
     "questions[cry-dust-protection].services", "unknown service 'no-such-service'"),
    ("document", SHIPPED.replace("document: occupational-disease-law, article: 第二十二条",
                                 "document: no-such-law, article: 第二十二条", 1),
     "questions[cry-dust-protection].basis[0].document", "unknown document 'no-such-law'"),
    ("article", SHIPPED.replace("article: 第二十二条", "article: 第九百九十九条", 1),
     "questions[cry-dust-protection].basis[0].article", "no article 第九百九十九条"),
    ("depends_on", SHIPPED.replace("    weight: 2\n", "    depends_on: {question: cry-nothing, answer: \"yes\"}\n"
                                   "    weight: 2\n", 1),
     "questions[cry-health-checks].depends_on.question", "'cry-nothing' is not an earlier question"),
    ("id", SHIPPED.replace("id: crystal\n", "id: crystal-two\n", 1), "id", "must stay 'crystal'"),
    ("duplicate id", SHIPPED.replace("id: crystal\n", "id: general\n", 1), "id", "duplicate questionnaire id"),
    ("answer", SHIPPED.replace("weight: 3", "weight: 9", 1), "questions[cry-dust-protection].weight", "less than"),
]


@pytest.mark.parametrize(("case", "text", "field", "words"), BROKEN, ids=[b[0] for b in BROKEN])
def test_a_broken_edit_is_refused_naming_the_problem_and_nothing_is_stored(
        staff_api: TestClient, runtime: Runtime, case: str, text: str, field: str, words: str) -> None:
    assert text != SHIPPED, case
    r = staff_api.put(f"/api/v1/checkups/{CID}/source", headers=bearer(staff_api, "chen"), json={"yaml": text})
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["code"] == "invalid_checkup"
    named = [f["message"] for f in error["fields"] if f["field"] == field]
    assert any(words in m for m in named), error["fields"]
    assert all(m.startswith("crystal.yaml: ") for m in named)
    assert stored_edits(runtime) == 0 and runtime.checkups.source(CID).yaml == SHIPPED
    assert staff_api.get("/api/v1/audit", headers=bearer(staff_api, "root")).json() == []


def test_every_problem_is_reported_at_once(staff_api: TestClient) -> None:
    text = (SHIPPED.replace("services: [crystal-industry-compliance]\n", "services: [no-such-service]\n", 1)
            .replace("article: 第二十二条", "article: 第九百九十九条", 1).replace("id: crystal\n", "id: other\n", 1))
    r = staff_api.put(f"/api/v1/checkups/{CID}/source", headers=bearer(staff_api, "chen"), json={"yaml": text})
    assert r.status_code == 422
    fields = [f["field"] for f in r.json()["error"]["fields"]]
    assert {"questions[cry-dust-protection].services", "questions[cry-dust-protection].basis[0].article",
            "id"} <= set(fields)
    bad = staff_api.put(f"/api/v1/checkups/{CID}/source", headers=bearer(staff_api, "chen"), json={"yaml": 5})
    assert bad.status_code == 422 and bad.json()["error"]["fields"][0]["field"] == "yaml"
    missing = staff_api.put("/api/v1/checkups/nope/source", headers=bearer(staff_api, "chen"), json={"yaml": "x"})
    assert missing.status_code == 404


def test_the_console_edits_refuses_and_restores(staff_console: TestClient, runtime: Runtime) -> None:
    client = staff_console
    console_login(client, "wang")
    assert client.get("/console/checkups").status_code == 403  # an adviser
    client.cookies.clear()
    assert client.get("/console/checkups").headers["location"] == "/console/login"
    console_login(client, "chen")
    listing = client.get("/console/checkups")
    assert listing.status_code == 200 and "水晶行业合规自测" in listing.text and "初始 shipped" in listing.text
    assert "script-src 'nonce-" in listing.headers["content-security-policy"]
    form = client.get(f"/console/checkups/{CID}").text
    assert 'name="yaml"' in form and OLD_TEXT in form and "恢复初始" not in form
    csrf = csrf_of(form)
    url = f"/console/checkups/{CID}"

    r = client.post(url, data={"csrf": csrf}, files={"yaml": (None, SHIPPED.replace(OLD_TEXT, NEW_TEXT))})
    assert r.status_code == 303 and r.headers["location"] == f"{url}?done=saved"
    assert runtime.checkups.get(CID).questions[0].text == NEW_TEXT
    page = client.get(r.headers["location"]).text
    assert NEW_TEXT in page and "已编辑 edited by chen" in page and "恢复初始" in page

    broken = SHIPPED.replace("services: [crystal-industry-compliance]\n", "services: [no-such-service]\n", 1) \
        .replace("id: crystal\n", "id: other\n", 1)
    r = client.post(url, data={"csrf": csrf}, files={"yaml": (None, broken)})
    assert r.status_code == 422 and 'role="alert"' in r.text
    assert "questions[cry-dust-protection].services" in r.text and "no-such-service" in r.text
    assert "must stay &#39;crystal&#39;" in r.text and "id: other" in r.text  # every problem, the text as typed
    assert runtime.checkups.get(CID).questions[0].text == NEW_TEXT  # nothing stored

    r = client.post(url, data={"csrf": "forged"}, files={"yaml": (None, SHIPPED)})
    assert r.status_code == 403 and runtime.checkups.get(CID).questions[0].text == NEW_TEXT
    r = client.post(url, data={"csrf": csrf, "restore": "1"}, files={"yaml": (None, "")})
    assert r.status_code == 303 and r.headers["location"] == f"{url}?done=reset"
    assert runtime.checkups.source(CID).yaml == SHIPPED and stored_edits(runtime) == 0
    assert client.post("/console/checkups/nope", data={"csrf": csrf}, files={"yaml": (None, "x")}).status_code == 404
    actions = [e.action for e in runtime.audit.entries()]
    assert actions == ["checkup.restore", "checkup.edit"]


def test_a_stored_edit_that_no_longer_passes_gives_way_to_the_shipped_file(runtime: Runtime) -> None:
    """A later release may drop a service or an article an edit used: the shipped questionnaire is used instead
    (and the other questionnaires' valid edits stay)."""
    general = (CONTENT_DIR / "general.yaml").read_text(encoding="utf-8")
    title = "企业通用法治体检自测（修订）"
    with runtime.db.session() as s:
        s.add(CheckupEdit(checkup_id=CID, source=SHIPPED.replace("crystal-industry-compliance", "gone-service"),
                          edited_by="chen"))
        s.add(CheckupEdit(checkup_id="general", source=general.replace(
            general.split("title: ", 1)[1].split("\n", 1)[0], title, 1), edited_by="chen"))
    fresh = Checkups(runtime.db, runtime.catalogue)
    assert fresh.get(CID).questions[0].text == OLD_TEXT and not fresh.source(CID).edited
    assert fresh.get("general").title == title and fresh.edited() == {"general"}
