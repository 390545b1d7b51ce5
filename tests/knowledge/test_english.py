"""English questions reach the Chinese statutes: the glossary maps multi-word English legal terms to the words the
statutes use (word to word, never answers), and an English sentence's grammar words stay out of BM25. Phrasings
are this file's own."""

from __future__ import annotations

import pytest

from knowledge.english import is_stopword, normalise
from knowledge.expansion import expand_query, glossary
from knowledge.termweights import query_terms, query_weights


@pytest.mark.parametrize(("question", "term"), [
    ("Has the limitation period on our unpaid invoices already run out?", "诉讼时效"),
    ("The inspectors fined our warehouse on the spot yesterday.", "当场"),
    ("Could we take the district's decision to reconsideration?", "行政复议"),
    ("We paid the supplier a deposit of 10% — can we get it back?", "定金"),
    ("The typhoon shut our port: does force majeure apply to the shipment?", "不可抗力"),
    ("Our customer's terms and conditions are boilerplate; are they binding?", "格式条款"),
    ("Which end user certificates does the buyer of our sensors have to sign?", "最终用户"),
    ("The tax office charged a late payment surcharge on our VAT.", "滞纳金"),
    ("A shareholder wants to inspect and copy the board minutes.", "查阅"),
    ("Our receptionist is going on maternity leave in May.", "产假"),
    ("Do we pay triple wages on a public holiday?", "法定休假日"),
    ("He kept breaking workplace rules, so we want to fire him.", "规章制度"),
])
def test_english_legal_terms_reach_the_words_the_statutes_use(question: str, term: str) -> None:
    assert term in expand_query(question).removeprefix(question)


@pytest.mark.parametrize("question", [
    "How long does the authority have to decide on our application?",
    "What is the deadline for objecting?",
    "Is there a time limit for filing?",
])
def test_asking_how_long_adds_the_word_for_a_time_limit_not_the_shape_of_an_answer(question: str) -> None:
    added = expand_query(question).removeprefix(question)
    assert "期限" in added and "日内" not in added


def test_law_in_general_is_not_read_as_a_statute_word() -> None:
    """"Under Chinese law" names no subject: 法律 in every article's text would decide the ranking."""
    assert "法律" not in expand_query("Is a verbal promise binding under Chinese law?")
    assert "law" not in dict(glossary())


def test_the_grammar_of_an_english_question_stays_out_of_the_keyword_query() -> None:
    weights = query_weights("What should we do if our employees have not been paid for overtime?")
    assert not {"what", "should", "we", "do", "if", "our", "have", "not", "been", "for"} & set(weights)
    assert {"加班", "employees"} <= set(weights)  # the subject stays, in both languages


@pytest.mark.parametrize("word", ["the", "does", "whether", "our", "want"])
def test_grammar_words_are_stop_words(word: str) -> None:
    assert is_stopword(word)


@pytest.mark.parametrize("word", ["trademark", "probation", "deposit", "export", "fine"])
def test_subject_words_are_not(word: str) -> None:
    assert not is_stopword(word)


@pytest.mark.parametrize(("question", "term"), [
    ("Our plant was fined by the fire brigade last week.", "罚款"),  # "fined": too short for the crude stems
    ("We are being sued by a former distributor.", "诉讼"),
    ("What is the chairman's term of office?", "任期"),  # a possessive and a multi-word term
    ("Can the shareholders' meeting remove a director?", "股东会"),
    ("One of our accountants is quitting next month.", "辞职"),
])
def test_inflected_and_possessive_english_words_reach_the_glossary(question: str, term: str) -> None:
    assert term in query_terms(question)
    assert term in query_weights(question)


def test_a_word_the_glossary_does_not_know_is_left_as_it_is() -> None:
    assert normalise("The ships were anchored offshore.") == "The ships were anchored offshore."
    assert normalise("劳动合同到期了") == "劳动合同到期了"


@pytest.mark.parametrize("question", [
    "How long does a discharge permit last?",
    "For how many years is our food business licence valid?",
])
def test_asking_how_long_a_registration_or_licence_lasts_names_its_validity_period(question: str) -> None:
    assert "有效期" in query_weights(question)


def test_asking_how_long_we_have_to_act_names_no_validity_period() -> None:
    assert "有效期" not in query_weights("How long do we have to pay the fine?")


@pytest.mark.parametrize(("question", "term"), [
    ("Do the police need a search warrant to enter our plant?", "修理"),  # not a product warranty
    ("Can we sell custom software to a state-owned client?", "海关"),  # not customs
    ("Our IT administrator copied the payroll file.", "管理人"),  # not a bankruptcy administrator
    ("Should we retain a lawyer before the hearing?", "保存"),  # hiring, not keeping records
    ("Two shareholders contributed capital in kind.", "缴费"),  # a capital contribution, not a premium
])
def test_look_alike_english_words_add_no_statute_word(question: str, term: str) -> None:
    assert term not in expand_query(normalise(question)).removeprefix(normalise(question))


@pytest.mark.parametrize(("question", "term"), [
    ("What papers do we hand to customs for a machine export?", "海关"),
    ("The dryer broke while under warranty; must the shop fix it?", "修理"),
    ("How long must we retain records of each shipment?", "保存"),
    ("Are social insurance contributions due for part-timers?", "缴纳"),
    ("Two shareholders contributed capital in kind.", "出资"),
])
def test_the_same_words_in_their_legal_sense_still_do(question: str, term: str) -> None:
    assert term in expand_query(normalise(question)).removeprefix(normalise(question))
