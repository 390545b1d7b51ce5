"""An English reader gets a service in English: the card (/service), its details and the answers to a question about
its fee, time limit, materials, provider or steps come from the catalogue's English twins, with no Chinese but the
service's name in parentheses; the Chinese reader gets exactly what the Chinese card says; a service a curator left
untranslated gives the Chinese under labels marked "(in Chinese)". Through the engine and HTTP on a real runtime
(real data dir, SQLite on disk); the phrasings are this file's own."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from chat_support import fresh_data_dir, open_runtime
from fastapi.testclient import TestClient
from talk_support import talking

from api.app import create_app
from composition import Runtime
from knowledge.catalogue import EN_FIELDS, Service

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")  # ideographs and full-width punctuation
ASKED_EN = [("Is there a charge for the contract review?", "contract-review", "fee", "fee_en"),
            ("What does the padlock compliance guidance cost?", "padlock-industry-compliance", "fee", "fee_en"),
            ("How long does notarisation take?", "notarisation-agency", "time", "time_limit_en"),
            ("How quickly is the three-station mediation done?", "three-station-mediation", "time", "time_limit_en"),
            ("What paperwork should we prepare for the judicial confirmation?", "mediation-judicial-confirmation",
             "materials", "materials_en"),
            ("What documents do we need for the notarisation?", "notarisation-agency", "materials", "materials_en"),
            ("What are the steps for the contract review?", "contract-review", "apply", "steps_en"),
            ("How do we apply for the legal adviser matching?", "legal-adviser-matching", "apply", "steps_en")]


@pytest.fixture(scope="module")
def rt(tmp_path_factory: pytest.TempPathFactory, embeddings) -> Iterator[Runtime]:
    var: Path = tmp_path_factory.mktemp("english") / "var"
    runtime = open_runtime(fresh_data_dir(tmp_path_factory, embeddings, var), embeddings,
                           rate_limit_per_session=0, rate_limit_per_ip=0)
    yield runtime
    runtime.close()


def _service(rt: Runtime, sid: str) -> Service:
    svc = rt.catalogue.get(sid)
    assert svc is not None
    return svc


def _body(reply: str) -> str:
    """The reply without its list of sources and the notice under it."""
    return reply.split("\n\nSources:")[0]


def _chinese_left(text: str, svc: Service) -> list[str]:
    return CJK.findall(text.replace(f"({svc.name})", ""))


@pytest.mark.parametrize(("text", "sid", "aspect", "twin"), ASKED_EN)
def test_an_english_question_about_a_service_is_answered_in_english(rt: Runtime, text: str, sid: str, aspect: str,
                                                                     twin: str) -> None:
    svc = _service(rt, sid)
    with talking(rt, "engine", "en") as (say, _):
        r = say(text)
    assert r["route"] == "answer" and r["data"]["services"] == [sid] and r["data"]["service_field"] == aspect, text
    body = _body(r["reply"])
    assert _chinese_left(body, svc) == [], (text, body)
    assert "(in Chinese)" not in r["reply"]
    first = body.split("\n")[0]
    value = getattr(svc, twin)
    if isinstance(value, tuple):
        assert all(line in first for line in value), (text, first)
    elif value == "Free of charge":
        assert first == f"{svc.name_en} ({svc.name}) is free of charge.", first
    else:
        assert value in first, (text, first)
    assert re.search(r"\[1\] Order-style service: [^\n]+, (fee|time limit|materials|steps) 《", r["reply"]), r["reply"]


def test_a_chinese_question_gets_the_chinese_card_as_before(rt: Runtime) -> None:
    svc = _service(rt, "contract-review")
    card = (f"【合同审查】（法律咨询）\n{svc.summary}\n适用对象：{svc.eligibility}\n"
            f"所需材料：{'；'.join(svc.materials)}\n办理时限：{svc.time_limit} · 费用：{svc.fee}\n"
            f"承办部门：{svc.department}；联系方式：{svc.contact}")
    with talking(rt, "engine", "zh") as (say, _):
        asked = say("合同审查要不要钱")
        shown = say("/service contract-review")
    assert asked["reply"].startswith(f"合同审查的费用：{svc.fee}。\n\n{card}\n\n出处：\n"), asked["reply"]
    assert shown["reply"] == card
    for name in EN_FIELDS:
        value = getattr(svc, name)
        assert all(line not in asked["reply"] + shown["reply"] for line in (value if isinstance(value, tuple)
                                                                           else (value,))), name


def test_through_http_the_english_card_and_details_hold_every_twin(rt: Runtime) -> None:
    svc = _service(rt, "notarisation-agency")
    with talking(rt, "http", "en") as (say, _):
        card = say("/service notarisation-agency")["reply"]
        details = say("And what are the steps?")["reply"]
    assert _chinese_left(card, svc) == [] and _chinese_left(details, svc) == []
    assert card.startswith(f"{svc.name_en} ({svc.name}) — Agency services\n")
    for name in ("eligibility_en", "time_limit_en", "fee_en", "department_en", "contact_en"):
        assert getattr(svc, name) in card, name
    assert f"Materials: {'; '.join(svc.materials_en or ())}" in card
    numbered = "\n".join(f"{n}. {s}" for n, s in enumerate(svc.steps_en or (), start=1))
    assert details.endswith(f"Steps:\n{numbered}"), details
    with TestClient(create_app(runtime=rt)) as client:
        public = client.get("/api/v1/services/notarisation-agency").json()
    assert public["fee_en"] == svc.fee_en and public["steps_en"] == list(svc.steps_en or ())


def test_a_service_a_curator_left_untranslated_gives_the_chinese_marked(rt: Runtime) -> None:
    sid = "ip-protection-consultation"
    rt.services.edit(sid, dict.fromkeys(EN_FIELDS, None), "chen")
    try:
        svc = _service(rt, sid)
        assert svc.untranslated() == list(EN_FIELDS)
        with talking(rt, "engine", "en") as (say, _):
            fee = say("Is the intellectual property protection consultation free?")
            card = say(f"/service {sid}")["reply"]
            details = say("What are the steps?")["reply"]
    finally:
        rt.services.reset(sid, "chen")
    first = fee["reply"].split("\n")[0]
    assert first == f"{svc.name_en} ({svc.name}) — fee (in Chinese): {svc.fee}", first
    for label, value in (("Who may apply", svc.eligibility), ("Materials", "；".join(svc.materials)),
                         ("Time limit", svc.time_limit), ("Fee", svc.fee), ("Department", svc.department),
                         ("Contact", svc.contact)):
        assert f"{label} (in Chinese): {value}" in card, label
    assert card.startswith(f"{svc.name_en} ({svc.name}) — Legal consultation\n{svc.summary_en}\n")
    assert details.endswith("Steps (in Chinese):\n" + "\n".join(f"{n}. {s}" for n, s in enumerate(svc.steps, 1)))
    assert _service(rt, sid).untranslated() == []  # reset: the shipped twins are back


def test_an_edit_of_the_chinese_fee_alone_drops_its_stale_english(rt: Runtime) -> None:
    sid = "contract-review"
    before = _service(rt, sid)
    edited = rt.services.edit(sid, {"fee": "基础审查每份收费200元"}, "chen")
    try:
        assert edited.fee_en is None and edited.time_limit_en == before.time_limit_en
        with talking(rt, "engine", "en") as (say, _):
            first = say("Is there a charge for the contract review?")["reply"].split("\n")[0]
        assert first == "Contract review (合同审查) — fee (in Chinese): 基础审查每份收费200元", first
        given = rt.services.edit(sid, {"fee": "基础审查每份收费200元", "fee_en": "200 yuan per contract reviewed"},
                                 "chen")
        assert given.fee_en == "200 yuan per contract reviewed"
    finally:
        rt.services.reset(sid, "chen")
