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


def test_american_spellings_and_everyday_names_find_the_service() -> None:
    """The catalogue's English is British (notarisation); a user's -ize / -ization spelling finds the same service,
    and a talk asked for as a 讲座 / lecture finds the training service."""
    cat = load_catalogue()
    for text in ("we need our articles notarized, can you book it", "please arrange a notarization for our lease",
                 "could you organize notarizing a power of attorney"):
        assert "notarisation-agency" in [s.id for s in match_services(cat, text)], text
    assert [s.id for s in match_services(cat, "想请人来厂里给中层搞个讲座")][:1] == ["enterprise-legal-training"]
    assert "enterprise-legal-training" in [s.id for s in match_services(cat, "can someone give our staff a lecture?")]
