"""A contract made in messages reaches the statutes' 数据电文 (a written form under the Civil Code), and a business's
premises its 经营场所 (the duty of care of 民法典第一千一百九十八条). Phrasings are this file's own."""

from __future__ import annotations

import pytest

from knowledge.expansion import expand_query


@pytest.mark.parametrize(("question", "term"), [
    ("We confirmed the order on WeChat; does that count as a contract?", "数据电文"),
    ("The supplier accepted our quote by email. Are they bound?", "数据电文"),
    ("货款是在微信上约定的，对方不认账怎么办", "数据电文"),
    ("双方微信签了个协议，有没有效", "书面形式"),
    ("Who pays if a delivery driver is hurt on our premises?", "经营场所"),
])
def test_everyday_words_reach_the_statute_term(question: str, term: str) -> None:
    assert term in expand_query(question)[len(question):]
