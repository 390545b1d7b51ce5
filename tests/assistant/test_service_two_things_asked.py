"""Two things asked of one service at once ("what does it cost and how long does it take") are still a question of
its card: 和 / and between them is no word of another service. Phrasings are this file's own."""

from __future__ import annotations

import pytest

from assistant.service_questions import service_question
from knowledge.catalogue import load_catalogue


@pytest.mark.parametrize(("text", "english", "service", "aspect"), [
    ("What does the contract review cost and how long does it take?", True, "contract-review", "fee"),
    ("How long does the enterprise legal health check take, and is it free?", True,
     "enterprise-legal-health-check", "fee"),
    ("公证代办要多久和收费吗", False, "notarisation-agency", "fee"),
    ("合同审查要准备什么材料以及多长时间", False, "contract-review", "time"),
])
def test_two_aspects_joined_by_and_are_the_cards(text: str, english: bool, service: str, aspect: str) -> None:
    asked = service_question(load_catalogue(), text.lower(), english)
    assert asked is not None
    assert (asked.service.id, asked.aspect) == (service, aspect)


@pytest.mark.parametrize(("text", "english"), [
    ("What does a lawyer cost and how long does a lawsuit take?", True),
    ("劳动仲裁和诉讼各要多久", False),
])
def test_and_does_not_make_a_question_of_the_law_a_card(text: str, english: bool) -> None:
    assert service_question(load_catalogue(), text.lower(), english) is None


@pytest.mark.parametrize(("text", "service"), [
    ("Which department handles the contract review?", "contract-review"),
    ("Which office provides the enterprise legal health check?", "enterprise-legal-health-check"),
])
def test_a_verb_of_who_does_it_is_no_word_of_another_service(text: str, service: str) -> None:
    asked = service_question(load_catalogue(), text.lower(), True)
    assert asked is not None
    assert (asked.service.id, asked.aspect) == (service, "provider")
