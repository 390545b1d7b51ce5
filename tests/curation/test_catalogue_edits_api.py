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


# ---- the English twins ----------------------------------------------------------------------------------------
def test_the_api_sets_an_english_twin_and_refuses_a_list_of_another_length(client: TestClient) -> None:
    curator = bearer(client, "chen")
    r = client.patch(f"/api/v1/services/{SID}", headers=curator,
                     json={"fee_en": "Free of charge for the first contract each year"})
    assert r.status_code == 200 and r.json()["fee_en"] == "Free of charge for the first contract each year"
    seed = client.get(f"/api/v1/services/{SID}").json()
    r = client.patch(f"/api/v1/services/{SID}", headers=curator, json={"materials_en": ["The contract"]})
    assert r.status_code == 422
    fields = r.json()["error"]["fields"]
    assert fields == [{"field": "materials_en", "message": "has 1 line(s) but 'materials' has 3: "
                                                          "give one English line for each Chinese line"}]
    assert client.get(f"/api/v1/services/{SID}").json() == seed


def test_the_console_words_a_short_english_list_in_both_languages(client: TestClient, runtime: Runtime) -> None:
    console_login(client, "chen")
    page = client.get("/console/services", params={"edit": SID}).text
    assert "英文所需材料 Materials (English)" in page and 'name="steps_en"' in page
    svc = runtime.catalogue.get(SID)
    assert svc is not None
    data = {**_form_of(svc), "csrf": csrf_of(page), "steps_en": "Order online\nA lawyer reviews it"}
    r = client.post(f"/console/services/{SID}", data=data, follow_redirects=False)
    assert r.status_code == 422
    assert ("英文须逐行对应中文：办理步骤有 4 行，此处有 2 行（或清空此项，英文用户将看到中文） / "
            "Give one English line for each Chinese line: Steps has 4, this has 2 "
            "(or empty it: English readers then get the Chinese)") in r.text
    assert runtime.catalogue.get(SID) == svc


def test_a_console_edit_of_the_chinese_alone_clears_its_english_and_says_so(client: TestClient,
                                                                           runtime: Runtime) -> None:
    console_login(client, "chen")
    page = client.get("/console/services", params={"edit": SID}).text
    svc = runtime.catalogue.get(SID)
    assert svc is not None
    data = {**_form_of(svc), "csrf": csrf_of(page), "time_limit": "材料齐全后4个工作日内出具审查意见"}
    r = client.post(f"/console/services/{SID}", data=data, follow_redirects=False)
    assert r.headers["location"] == f"/console/services?edit={SID}&done=saved_untranslated"
    saved = runtime.catalogue.get(SID)
    assert saved is not None and saved.time_limit_en is None and saved.fee_en == svc.fee_en
    shown = client.get(r.headers["location"]).text
    assert "已改中文的英文译文已清空" in shown and 'name="time_limit_en" value=""' in shown
    card = client.post("/api/v1/chat", json={"message": f"/service {SID}", "lang": "en"}).json()["reply"]
    assert "Time limit (in Chinese): 材料齐全后4个工作日内出具审查意见" in card and f"Fee: {svc.fee_en}" in card


def test_an_edit_stored_before_the_twins_keeps_the_shipped_english_of_unchanged_chinese(
        runtime: Runtime) -> None:
    from db.models_curation import CatalogueEdit
    from knowledge.catalogue import EN_FIELDS

    svc = runtime.catalogue.get(SID)
    assert svc is not None
    old_style = {k: v for k, v in svc.model_dump(mode="json").items() if k not in EN_FIELDS}
    old_style["fee"] = "基础审查免费（2026 年起）"
    with runtime.db.session() as s:
        s.add(CatalogueEdit(service_id=SID, data=old_style, edited_by="chen"))
    assert runtime.services.apply_stored() == 1
    applied = runtime.catalogue.get(SID)
    assert applied is not None and applied.fee == "基础审查免费（2026 年起）"
    assert applied.fee_en is None  # its Chinese changed: the shipped English would be stale
    assert applied.untranslated() == ["fee_en"] and applied.steps_en == svc.steps_en
