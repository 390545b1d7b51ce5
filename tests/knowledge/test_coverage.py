"""Coverage-aware order of the first results (knowledge.coverage): when the best results all repeat one side of a
question, a near-tied result holding the question's other key term moves up; clear leads keep their place, and the
scores still fall along the new order. The index and terms are this file's own."""

from __future__ import annotations

import itertools

import numpy as np

from knowledge.bm25 import Bm25Index
from knowledge.coverage import COVER_GAIN, COVER_POOL, cover

CHUNKS = [
    ["拖欠", "工资", "支付"],  # 0: wages only
    ["拖欠", "工资", "赔偿"],  # 1: wages only
    ["工资", "支付", "标准"],  # 2: wages only
    ["拖欠", "工资", "清偿", "顺序", "重整"],  # 3: wages and the insolvency term
    ["工资", "加班"],  # 4
    ["年假", "天数"],  # 5
]
INDEX = Bm25Index([f"c{i}" for i in range(len(CHUNKS))], CHUNKS)
TERMS = {"拖欠": 1.0, "工资": 1.0, "重整": 1.0}


def test_a_near_tie_that_brings_a_missing_key_term_moves_up() -> None:
    score = np.array([0.90, 0.89, 0.88, 0.86, 0.50, 0.10])
    ranked = np.argsort(-score, kind="stable")
    order, raised = cover(INDEX, TERMS, ranked, score)
    assert set(order[:2].tolist()) == {0, 3}  # the one that also holds 重整 comes up from fourth
    assert sorted(order.tolist()) == list(range(len(CHUNKS)))
    assert all(raised[a] >= raised[b] for a, b in itertools.pairwise(order))


def test_a_clear_lead_is_not_overturned() -> None:
    score = np.array([0.95, 0.90, 0.85, 0.20, 0.15, 0.10])  # 3 is far behind: a coverage gain cannot close the gap
    assert COVER_GAIN * len(TERMS) < 0.85 - 0.20
    order, _ = cover(INDEX, TERMS, np.argsort(-score, kind="stable"), score)
    assert list(order[:3]) == [0, 1, 2]


def test_no_known_term_or_a_single_result_leaves_the_order() -> None:
    score = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4])
    ranked = np.argsort(-score, kind="stable")
    assert cover(INDEX, {"商标": 1.0}, ranked, score)[0].tolist() == ranked.tolist()
    assert cover(INDEX, TERMS, ranked[:1], score)[0].tolist() == [0]
    assert COVER_POOL >= 5  # the whole top five is chosen this way
