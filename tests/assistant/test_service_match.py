"""Matching a message to catalogue services: English terms as whole words (a plural -s allowed), compiled once
per term; Chinese terms as substrings. Phrasings are this file's own."""

from __future__ import annotations

from assistant import services
from assistant.services import match_services
from knowledge.catalogue import load_catalogue


def test_english_terms_match_whole_words_and_chinese_terms_substrings() -> None:
    cat = load_catalogue()
    svc = next(s for s in cat.services if len(s.name_en) >= 2)
    assert svc in match_services(cat, f"Could you help with {svc.name_en.lower()}s for our plant?")
    assert svc in match_services(cat, f"我们厂想了解一下{svc.name}的事")
    assert services._english_pattern("labour") is not None
    assert services._english_pattern("劳动") is None
    assert services._english_pattern("mediation").search("two mediations") is not None
    assert services._english_pattern("mediation").search("premediation") is None


def test_each_terms_pattern_is_compiled_once() -> None:
    cat = load_catalogue()
    services._english_pattern.cache_clear()
    match_services(cat, "we need a notary for a contract")
    first = services._english_pattern.cache_info()
    match_services(cat, "a lawyer to check our lease please")
    second = services._english_pattern.cache_info()
    assert second.misses == first.misses  # the second message compiled nothing
    assert second.hits > first.hits
