"""What a clause of a stored passage states whatever the question asks, measured once per clause text: a
quantity, the term of a right, a time limit, a definition, a norm, a consequence, a party, a rule of calculation
(``assistant.answer_type``, ``assistant.answer_type_zh``) and whether it is an item of a list ("（三）…"). The same
statute clauses come back across questions, so the measures are kept per text in a bounded LRU
(``CACHED_CLAUSES`` texts); what depends on the question too (the kind of quantity, the unit, the figure, the term
defined) is measured per question by ``assistant.answer``."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from assistant.answer_type import defines, states_deadline, states_norm, states_quantity, states_term
from assistant.answer_type_zh import states_consequence, states_method, states_who

CACHED_CLAUSES = 20_000  # clause texts whose measures are kept (~0.5 kB each)
LIST_ITEM = re.compile(r"^(?:[（(][一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+、|\d+[.、)）])")


class ClauseCues(NamedTuple):
    """The kinds of answer a clause states whatever the question (``Clause.stated`` holds them with the
    question's), and whether it is a list item."""

    figure: bool  # any period, amount, rate or count
    term: bool  # the term of a right or licence ("有效期为十年")
    deadline: bool  # a time limit ("自…之日起三十日内")
    definition: bool  # "是指", "所称", "视为" …
    norm: bool  # permits, requires or forbids
    consequence: bool  # a liability or penalty
    who: bool  # names the party
    method: bool  # a rule of calculation
    item: bool  # an item of a list ("（三）…")


def measure(sentence: str) -> ClauseCues:
    """The clause's cues, measured now (``clause_cues`` keeps them)."""
    return ClauseCues(states_quantity(sentence), states_term(sentence), states_deadline(sentence), defines(sentence),
                      states_norm(sentence), states_consequence(sentence), states_who(sentence),
                      states_method(sentence), LIST_ITEM.match(sentence) is not None)


@lru_cache(maxsize=CACHED_CLAUSES)
def clause_cues(sentence: str) -> ClauseCues:
    """``measure``, kept for the last ``CACHED_CLAUSES`` clause texts."""
    return measure(sentence)
