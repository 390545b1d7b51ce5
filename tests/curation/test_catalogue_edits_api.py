"""Service catalogue edits through the API: the same validation as the YAML, stored in SQL over the seed,
in effect at once (the public catalogue, the engine's service card, another process) and back to the seed."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import bearer, console_login, csrf_of
from fastapi.testclient import TestClient

from composition import Runtime, build_runtime
from config import Settings
from knowledge.embeddings import QifaEmbeddings

SID = "contract-review"


@pytest.fixture
def client(staff_api: TestClient) -> TestClient:
    return staff_api



def test_roles(client: TestClient) -> None:
    assert client.patch(f"/api/v1/services/{SID}", json={"fee": "免费"}).status_code == 401
    adviser = bearer(client, "wang")
    assert client.patch(f"/api/v1/services/{SID}", json={"fee": "免费"}, headers=adviser).status_code == 403
    assert client.delete(f"/api/v1/services/{SID}/edits", headers=bearer(client, "wang")).status_code == 403


def test_an_edit_takes_effect_at_once_everywhere_and_can_be_undone(client: TestClient, runtime: Runtime,
                                                                    settings: Settings,
                                                                    embeddings: QifaEmbeddings) -> None:
    curator = bearer(client, "chen")
    seed = client.get(f"/api/v1/services/{SID}").json()
    r = client.patch(f"/api/v1/services/{SID}", headers=curator,
                     json={"fee": "免费（2027 年起）", "time_limit": "三个工作日",
                           "tags": ["合同", "审查", "采购合同"]})
    assert r.status_code == 200, r.text
    assert (r.json()["fee"], r.json()["time_limit"]) == ("免费（2027 年起）", "三个工作日")
    assert client.get(f"/api/v1/services/{SID}").json()["fee"] == "免费（2027 年起）"  # the public catalogue
    card = client.post("/api/v1/chat", json={"message": f"/service {SID}"}).json()
    assert "三个工作日" in card["reply"]  # the engine's service card
    assert any("三个工作日" in p.text for p in runtime.kb.search("合同审查 办理时限", k=10))  # re-indexed
    other = build_runtime(settings, shipped=False, embeddings=embeddings)  # a process started later
    try:
        assert other.catalogue.get(SID).fee == "免费（2027 年起）"  # type: ignore[union-attr]
    finally:
        other.close()
    log = client.get("/api/v1/audit", headers=bearer(client, "root")).json()
    assert log[0]["action"] == "service.edit" and log[0]["before"]["fee"] == seed["fee"]
    assert log[0]["after"]["fee"] == "免费（2027 年起）"

    r = client.delete(f"/api/v1/services/{SID}/edits", headers=curator)
    assert r.status_code == 200 and r.json()["fee"] == seed["fee"]
    assert client.get(f"/api/v1/services/{SID}").json() == seed


@pytest.mark.parametrize(("body", "field"), [
    ({"category": "烹饪"}, "category"), ({"scenarios": ["依法治企", "依法治企"]}, "scenarios"),
    ({"form_fields": ["enterprise_name"]}, "form_fields"), ({"requires_adviser": "yes"}, "requires_adviser"),
    ({"colour": "red"}, "colour"), ({"name": ""}, "name"), ({"id": "other-id"}, "id"),
])
def test_edits_that_break_the_schema_are_refused_and_change_nothing(client: TestClient, body: dict[str, Any],
                                                                    field: str) -> None:
    seed = client.get(f"/api/v1/services/{SID}").json()
    r = client.patch(f"/api/v1/services/{SID}", headers=bearer(client, "chen"), json=body)
    assert r.status_code == 422, r.text
    assert field in [f["field"] for f in r.json()["error"]["fields"]]
    assert client.get(f"/api/v1/services/{SID}").json() == seed
    assert client.get("/api/v1/audit", headers=bearer(client, "root")).json() == []


def test_unknown_service(client: TestClient) -> None:
    r = client.patch("/api/v1/services/no-such", headers=bearer(client, "chen"), json={"fee": "x"})
    assert r.status_code == 404 and r.json()["error"]["code"] == "unknown_service"
    assert client.delete("/api/v1/services/no-such/edits", headers=bearer(client, "chen")).status_code == 404
    assert client.patch(f"/api/v1/services/{SID}", headers=bearer(client, "chen"), json=[1]).status_code == 422


def _form_of(svc: Any) -> dict[str, Any]:
    """The console form's fields as a browser posts them (lists one item a line, a ticked box as "on")."""
    data: dict[str, Any] = {}
    for name, value in svc.model_dump().items():
        if isinstance(value, tuple):
            data[name] = "\n".join(value)
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif name != "id":
            data[name] = value
    return data


def test_the_console_form_edits_every_field_and_refuses_a_broken_one(client: TestClient, runtime: Runtime) -> None:
    console_login(client, "chen")
    form_page = client.get("/console/services", params={"edit": SID}).text
    assert 'name="form_fields"' in form_page and 'name="requires_adviser"' in form_page
    svc = runtime.catalogue.get(SID)
    assert svc is not None
    data: dict[str, Any] = {"csrf": csrf_of(form_page)}
    data.update(_form_of(svc))
    r = client.post(f"/console/services/{SID}", data={**data, "fee": "面议", "fee_en": "By agreement"},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/console/services?edit={SID}&done=saved"
    saved = runtime.catalogue.get(SID)
    assert saved is not None and (saved.fee, saved.fee_en) == ("面议", "By agreement")
    r = client.post(f"/console/services/{SID}", data={**data, "category": "烹饪"}, follow_redirects=False)
    assert r.status_code == 422 and 'role="alert"' in r.text and "category" in r.text
    assert runtime.catalogue.get(SID).category == svc.category  # type: ignore[union-attr]
    r = client.post(f"/console/services/{SID}", data={**data, "reset": "1"}, follow_redirects=False)
    assert r.headers["location"] == f"/console/services?edit={SID}&done=reset"
    assert runtime.catalogue.get(SID) == svc
    assert client.post(f"/console/services/{SID}", data={**data, "csrf": "x"}, follow_redirects=False
                       ).status_code == 403
