"""Sureness is a property of the route a message leads to: the intents that lead to one place (a request for a
person and a case both reach an adviser) count together, and routes are compared, not intents. An order and a
booking tracked are different places; the high-risk, legal-margin and near-a-case guards keep their meaning."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import cast

import numpy as np
import pytest

from assistant.intents import INTENTS, IntentModel, Prediction
from assistant.router import (
    HANDOFF_MARGIN,
    LEGAL_MARGIN,
    SURE,
    Router,
    is_sure,
    leading_route,
    near_a_case,
    route_probabilities,
)
from knowledge.embeddings import QifaEmbeddings

REPO = Path(__file__).resolve().parents[2]

# told with no danger, sum or request-for-a-person rule word: the model decides (the fixed readings below)
PLAIN = ["隔壁厂的人天天来我们门口闹，这事你们能管吗", "our supplier's boss keeps turning up at the gate shouting"]
# a summons to the police told with a wish for one of our advisers to come along: a case and a request for a person
SUMMONED_WITH_AN_ADVISER = ["派出所打电话让法人明天过去一趟，想请你们的顾问陪着去",
                            "派出所通知老板去一趟，想找你们的顾问陪同"]


def _reading(**probabilities: float) -> Prediction:
    """A reading with the given probabilities, the rest spread evenly over the other intents."""
    rest = (1.0 - sum(probabilities.values())) / (len(INTENTS) - len(probabilities))
    table = {i: rest for i in INTENTS} | probabilities
    ranked = sorted(table, key=lambda i: -table[i])
    return Prediction(ranked[0], table[ranked[0]], ranked[1], table)


class _FixedModel:
    """An intent model that reads every message the same way."""

    def __init__(self, p: Prediction) -> None:
        self.p = p
        self.embeddings = self

    def encode(self, texts: list[str]) -> np.ndarray:
        return np.zeros((len(texts), 4), dtype=np.float32)

    def predict(self, text: str, vector: np.ndarray | None = None) -> Prediction:
        return self.p


def _classify(p: Prediction, text: str) -> tuple[str, str | None, bool]:
    got = Router(cast(IntentModel, _FixedModel(p))).classify(text)
    return got.route, got.reason, got.sure


def test_no_phrasing_here_is_in_an_eval_file() -> None:
    digests = set()
    for path in (REPO / "eval").glob("*.jsonl"):  # compared by digest: no eval question is ever printed
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                digests.add(hashlib.sha256(json.loads(line)["message"].strip().encode("utf-8")).hexdigest())
    ours = PLAIN + SUMMONED_WITH_AN_ADVISER
    assert sum(hashlib.sha256(m.encode("utf-8")).hexdigest() in digests for m in ours) == 0


def test_the_intents_of_one_route_count_together() -> None:
    p = _reading(human=0.3, high_risk=0.3, legal=0.15)
    assert route_probabilities(p)[("handoff", None)] == pytest.approx(0.6)
    assert leading_route(p) == (p.intent, pytest.approx(0.6))
    # an order and a booking tracked are different places: they do not pool
    q = _reading(order=0.3, order_status=0.3, legal=0.2)
    assert route_probabilities(q)[("order", None)] == pytest.approx(0.3)
    assert route_probabilities(q)[("order", "status")] == pytest.approx(0.3)


def test_a_message_split_between_two_intents_of_one_route_is_sure_of_the_route() -> None:
    split = _reading(high_risk=0.33, human=0.3, legal=0.12)  # neither intent alone reaches SURE
    assert max(split.probabilities.values()) < SURE
    assert is_sure(split)
    for text in PLAIN:
        assert _classify(split, text) == ("handoff", "high_risk", True)
        assert _classify(_reading(human=0.33, high_risk=0.3, out_of_scope=0.12), text) == (
            "handoff", "user_request", True)


def test_the_route_with_the_most_probability_is_the_one_taken() -> None:
    """A hand-off that leads every other route by the margin is taken, though another intent alone reads first."""
    p = _reading(out_of_scope=0.36, human=0.3, high_risk=0.29)
    assert p.intent == "out_of_scope"
    assert is_sure(p)
    for text in PLAIN:
        assert _classify(p, text) == ("handoff", "user_request", True)


def test_an_order_and_a_booking_tracked_split_stay_unsure() -> None:
    p = _reading(order=0.33, order_status=0.3, legal=0.12)
    assert not is_sure(p)
    for text in PLAIN:
        assert _classify(p, text) == ("order", None, False)


def test_the_other_guards_keep_their_meaning() -> None:
    # a hand-off pooled above SURE must still lead every other route by HANDOFF_MARGIN
    assert not is_sure(_reading(human=0.25, high_risk=0.25, order=0.45 - HANDOFF_MARGIN / 2))
    assert is_sure(_reading(human=0.25, high_risk=0.25, order=0.48 - HANDOFF_MARGIN))
    # the legal question close behind a pooled hand-off: no hand-off on a coin flip
    assert not is_sure(_reading(human=0.24, high_risk=0.24, legal=0.42))
    # a route below SURE stays unsure, whatever leads
    assert not is_sure(_reading(order=SURE - 0.02, legal=0.3))
    # any other route must beat the legal question by LEGAL_MARGIN
    assert not is_sure(_reading(order=0.46, legal=0.46 - LEGAL_MARGIN / 2))
    # a near tie of a legal reading with a case is still unsure and a possible case
    tie = _reading(legal=0.46, high_risk=0.42)
    assert near_a_case(tie)
    for text in PLAIN:
        assert _classify(tie, text) == ("handoff", "high_risk", False)


def test_a_summons_with_an_adviser_asked_for_leads_to_an_adviser(embeddings: QifaEmbeddings,
                                                                 tmp_path: Path) -> None:
    """The model reads these as an order first, with a case and a request for a person behind it that together
    outweigh the order: the hand-off route, as a possible case."""
    router = Router(IntentModel(embeddings, tmp_path))
    got = [router.classify(m) for m in SUMMONED_WITH_AN_ADVISER]
    assert [(g.route, g.reason) for g in got] == [("handoff", "high_risk")] * len(got), [
        (g.route, g.reason, g.intent, round(g.probability, 2)) for g in got]
