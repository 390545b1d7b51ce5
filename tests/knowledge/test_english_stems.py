"""English words meet their glossary key in every form: an -ies / -ied word is its -y word ("copied", "copies" ->
"copy"), and of glossary words that stem alike (design / designate) a question gets the one its word is a form of.
Phrasings are this file's own."""

from __future__ import annotations

import pytest

from knowledge.expansion import _stem, expand_query


@pytest.mark.parametrize(("forms", "stem"), [
    (("copy", "copies", "copied"), "copy"),
    (("company", "companies"), "compan"),
    (("supply", "supplies", "supplied"), "suppl"),
])
def test_every_form_of_a_y_word_has_one_stem(forms: tuple[str, ...], stem: str) -> None:
    assert {_stem(w) for w in forms} == {stem}


@pytest.mark.parametrize(("question", "term", "not_term"), [
    ("A rival copied the shape of our kettle.", "复制", None),
    ("A rival has copied our product design for its kettles.", "外观设计", "指定"),
    ("The moulds were designed by our own engineers.", "设计", "指定"),
    ("Who can the court designate as the administrator?", "指定", "设计"),
    ("Is the designated representative liable?", "指定", "设计"),
])
def test_design_and_designate_keep_apart(question: str, term: str, not_term: str | None) -> None:
    added = expand_query(question)[len(question):]
    assert term in added
    if not_term:
        assert not_term not in added
