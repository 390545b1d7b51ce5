"""A word of two senses in an English question reaches the statute word of the sense its sentence gives it:
quitting is no time off, a contract's penalty no fine, a share of the staff no company shares, goods are inspected
(检验) where a firm is checked (检查), an agent's authority is no authority. Phrasings are this file's own."""

from __future__ import annotations

import pytest

from knowledge.english import normalise
from knowledge.termweights import query_terms


@pytest.mark.parametrize(("question", "meant", "not_meant"), [
    ("My assistant plans to leave next month; how much notice must she give?", "辞职", "休息休假"),
    ("A chemist who left in March joined a rival firm.", "辞职", "休息休假"),
    ("The distributor agreement has a penalty if we ship late. Is it enforceable?", "违约金", "罚款"),
    ("Our technician resigned right after the course we paid for. Can we make him pay a penalty?", "违约金", "罚款"),
    ("What share of our headcount may come from a temp agency?", "比例", "股份"),
    ("Must the machines we export be inspected before they are shipped?", "检验", None),
    ("The agent signed the lease after we had withdrawn her authority.", "代理权", "行政机关"),
])
def test_a_word_of_two_senses_reaches_the_statute_word_of_the_sense_meant(
        question: str, meant: str, not_meant: str | None) -> None:
    terms = query_terms(question)
    assert meant in terms
    if not_meant:
        assert not_meant not in terms


@pytest.mark.parametrize(("question", "term", "not_meant"), [
    ("How many days of leave does a clerk get after ten years?", "休息休假", "辞职"),
    ("Can we ask a trainee to leave a deposit for the uniform?", "定金", "辞职"),
    ("The environment bureau imposed a penalty over our contract work.", "罚款", "违约金"),
    ("We fixed the leak right away and the inspector came right after. Do we have a right to be heard?", "权利", None),
    ("Labour inspectors inspected our dormitory last week.", "检查", "检验"),
    ("A shareholder wants to sell his shares to an outsider.", "股东", "比例"),
])
def test_the_same_words_in_their_other_sense_keep_their_statute_word(
        question: str, term: str, not_meant: str | None) -> None:
    terms = query_terms(question)
    assert term in terms
    if not_meant:
        assert not_meant not in terms


@pytest.mark.parametrize("question", [
    "The supplier fixed it right away.",
    "Our manager called the police right after the break-in.",
])
def test_right_as_at_once_adds_no_right(question: str) -> None:
    assert "权利" not in query_terms(question)


def test_the_sentences_and_their_spacing_are_kept() -> None:
    text = "He wants to leave.  Fine?\nYes."
    assert normalise(text) == "He wants to quit.  Fine?\nYes."
