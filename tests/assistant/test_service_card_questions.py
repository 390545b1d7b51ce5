"""A question that names one of our services and asks its fee, its time, what to bring, who provides it or how to
apply is answered from that service's card (issue #11, no dead ends): the card's field comes first, the card is cited,
the booking and details buttons follow. A question of the law that shares a service's words (行政复议要多久, the
statute's period) is not the card's. Through the engine and HTTP on a real runtime; the phrasings are this file's."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from chat_support import fresh_data_dir, open_runtime
from talk_support import state, talking

from assistant.service_questions import field_value, service_question
from composition import Runtime
from knowledge.catalogue import load_catalogue

ASKED = {
    "zh": [("法治体检要收费吗？", "enterprise-legal-health-check", "fee"),
           ("合同审查大概多久能出结果", "contract-review", "time"),
           ("办公证代办需要准备哪些材料", "notarisation-agency", "materials"),
           ("涉外法律咨询由谁提供", "foreign-related-legal-consultation", "provider"),
           ("行政复议申请协助怎么申请", "administrative-reconsideration-application", "apply"),
           ("知识产权保护咨询收不收费", "ip-protection-consultation", "fee")],
    "en": [("How much does the contract review cost?", "contract-review", "fee"),
           ("How long does the enterprise legal health check take?", "enterprise-legal-health-check", "time"),
           ("What should we bring for the notarisation service?", "notarisation-agency", "materials"),
           ("Who provides foreign-related legal consultation?", "foreign-related-legal-consultation", "provider"),
           ("Is the training for enterprises free?", "enterprise-legal-training", "fee")],
}
NOT_CARDS = {"zh": ["行政复议要多久", "劳动合同试用期最长多久", "加班费多少钱", "违约金要多少钱", "商标侵权要多久",
                    "合同审查中对方主体要审查哪些材料", "调解收费吗"],
             "en": ["How long is the limitation period for contract claims?", "Is a verbal contract valid?",
                    "How much severance do we pay?", "Who pays the notary fee in a house sale?"]}


@pytest.fixture(scope="module")
def rt(tmp_path_factory: pytest.TempPathFactory, embeddings) -> Iterator[Runtime]:
    var: Path = tmp_path_factory.mktemp("cards") / "var"
    runtime = open_runtime(fresh_data_dir(tmp_path_factory, embeddings, var), embeddings,
                           rate_limit_per_session=0, rate_limit_per_ip=0)
    yield runtime
    runtime.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_question_naming_a_service_reads_the_service_and_what_is_asked(lang: str) -> None:
    cat = load_catalogue()
    for text, service, aspect in ASKED[lang]:
        asked = service_question(cat, text, lang == "en")
        assert asked is not None, text
        assert (asked.service.id, asked.aspect) == (service, aspect), text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_question_of_the_law_sharing_a_services_words_is_no_card_question(lang: str) -> None:
    cat = load_catalogue()
    for text in NOT_CARDS[lang]:
        assert service_question(cat, text, lang == "en") is None, text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_cards_field_comes_first_cited_with_the_booking_button(rt: Runtime, lang: str) -> None:
    cat = load_catalogue()
    for text, service, aspect in ASKED[lang]:
        with talking(rt, "engine", lang) as (say, sid):
            r = say(text)
            svc = cat.get(service)
            assert svc is not None
            assert r["route"] == "answer", text
            first = r["reply"].split("\n")[0]
            if lang == "zh" or not (aspect == "fee" and svc.fee == "免费"):
                assert field_value(svc, aspect, lang) in first, (text, first)
            else:
                assert "free of charge" in first, (text, first)
            assert r["data"]["services"] == [service] and r["data"]["service_field"] == aspect
            assert f"/order {service}" in [s["message"] for s in r["suggestions"]], text
            assert state(rt, sid())["last_service"] == service


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_through_http_the_card_is_the_citation(rt: Runtime, lang: str) -> None:
    text, service, aspect = ASKED[lang][0]
    svc = load_catalogue().get(service)
    assert svc is not None
    with talking(rt, "http", lang) as (say, _sid):
        r = say(text)
        assert r["route"] == "answer"
        assert [c["source"] for c in r["citations"]] == [f"catalogue:{service}"]
        assert field_value(svc, aspect, lang) in r["reply"].split("\n")[0]
        # the booking button starts the order form of that service
        form = say(f"/order {service}")
        assert form["route"] == "order" and form["data"]["form"]["service"] == service
