"""The learned order of the lead's clauses (assistant.lead_features, lead_model, lead_fit). Phrasings and the
fictional 某市职工技能培训办法 are this file's own."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
import yaml

from assistant import answer, lead_model
from assistant.answer import candidate_clauses, lead_sentences, scored_clauses
from assistant.lead_features import FEATURES, features
from assistant.lead_fit import (
    cross_validate,
    feature_probe,
    fit,
    fold_of,
    hand_prior,
    leads_with_key_fact,
    load_capture,
    load_capture_ids,
    save_capture,
)
from assistant.lead_model import FIT_FILE, TRAIN_FILE, coefficients, fit_key, ordered
from knowledge.base import Passage
from knowledge.termweights import query_terms

TITLE = "某市职工技能培训办法"
EVAL = Path(__file__).resolve().parents[2] / "eval"


def passage(text: str, locator: str, score: float, dense: float, kind: str = "statute") -> Passage:
    return Passage(f"{TITLE}:{locator}", "doc", TITLE, "law.md", locator, "", text, "2020-01-01", "现行有效", kind,
                   score, 20.0, dense)


TRAINING = [
    passage("第五条 企业应当建立员工技能培训制度，制定年度培训计划，培训费用的使用情况应当向员工公开，接受员工的监督。",
            "第五条", 1.3, 0.50),
    passage("第六条 员工参加企业安排的岗位技能培训期间，企业应当照常支付工资。", "第六条", 1.0, 0.46),
    passage("第七条 岗位技能培训所需的费用由企业承担。", "第七条", 0.8, 0.44),
]


def column(rows: np.ndarray, name: str) -> list[float]:
    return [float(v) for v in rows[:, FEATURES.index(name)]]


def test_features_mark_the_kind_of_answer_asked_for_and_stated() -> None:
    asked = features(candidate_clauses("培训费最晚多少天内要报销？", [passage(
        "第八条 企业应当自培训结束之日起三十日内报销培训费。培训费报销凭证由企业负责保存。", "第八条", 1.0, 0.5)]))
    not_asked = features(candidate_clauses("培训费报销要什么凭证？", [passage(
        "第八条 企业应当自培训结束之日起三十日内报销培训费。培训费报销凭证由企业负责保存。", "第八条", 1.0, 0.5)]))
    assert column(asked, "deadline_answered") == [1.0, 0.0]
    assert column(not_asked, "deadline_answered") == [0.0, 0.0]
    assert column(not_asked, "deadline_stated") == [1.0, 0.0]  # stated whatever the question asks
    assert column(not_asked, "who_stated") == [0.0, 1.0]  # "由企业负责保存" names the party


def test_relative_features_compare_a_clause_with_the_other_candidates() -> None:
    q = "公司派员工去培训，培训费谁出？"
    cands = candidate_clauses(q, TRAINING, dict.fromkeys(query_terms(q), 0.4))
    rows = features(cands)
    best = max(range(len(cands)), key=lambda i: cands[i].score)
    assert column(rows, "hand_first")[best] == 1.0 and sum(column(rows, "hand_first")) == 1.0
    assert column(rows, "hand_share")[best] == 1.0 and max(column(rows, "hand_share")) == 1.0
    assert column(rows, "first_passage") == [1.0, 0.0, 0.0]
    assert column(rows, "dense_gap")[0] == 0.0 and column(rows, "dense_gap")[-1] == pytest.approx(0.06)
    listed = features(candidate_clauses("培训有哪些形式", [passage(
        "第九条 技能培训包括下列形式：\n（一）企业岗前培训；\n（二）企业在岗培训。", "第九条", 1.0, 0.5)]))
    assert column(listed, "list_intro") == [1.0, 0.0, 0.0] and column(listed, "list_item") == [0.0, 1.0, 1.0]


@pytest.mark.parametrize("question", ["公司派员工去培训，培训费谁出？", "员工培训的费用谁来负担",
                                      "the training fee for our staff, who pays it?"])
def test_a_question_who_pays_is_led_by_the_clause_naming_the_party(question: str,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    # a longer clause of a better-ranked passage shares more of the question's words; the learned order puts
    # the short clause that names who bears the cost first, the hand-weighted score did not
    weights = dict.fromkeys(query_terms(question), 0.4)
    assert "由企业承担" in lead_sentences(question, TRAINING, weights)[0][1]
    assert "由企业承担" not in scored_clauses(question, TRAINING, weights)[0][4]
    monkeypatch.setattr(lead_model, "coefficients", lambda path=FIT_FILE: None)  # no fit: the hand order
    assert "由企业承担" not in lead_sentences(question, TRAINING, weights)[0][1]


def test_the_lead_follows_the_learned_order(monkeypatch: pytest.MonkeyPatch) -> None:
    q = "公司派员工去培训，培训费谁出？"
    weights = dict.fromkeys(query_terms(q), 0.4)
    longest = np.zeros(len(FEATURES))
    longest[FEATURES.index("log_length")] = 10.0  # a fit that only likes long clauses
    cands = candidate_clauses(q, TRAINING, weights)
    assert ordered(cands, longest)[0].sentence == max((c.sentence for c in cands), key=len)
    monkeypatch.setattr(lead_model, "coefficients", lambda path=FIT_FILE: longest)
    assert lead_sentences(q, TRAINING, weights)[0][1].startswith("第五条 企业应当建立员工技能培训制度")
    later = np.zeros(len(FEATURES))
    later[FEATURES.index("passage_inverse_rank")] = -10.0  # ... or only later passages
    monkeypatch.setattr(lead_model, "coefficients", lambda path=FIT_FILE: later)
    assert [n for n, _ in lead_sentences(q, TRAINING, weights)] == [2, 1]


def test_a_fit_for_other_features_or_none_leaves_the_hand_order(tmp_path: Path) -> None:
    assert coefficients(tmp_path / "missing.yaml") is None
    other = tmp_path / "other.yaml"
    other.write_text(yaml.safe_dump({"features": ["log_hand"], "coefficients": {"log_hand": 1.0}}), encoding="utf-8")
    assert coefficients(other) is None
    cands = candidate_clauses("培训费谁出", TRAINING)
    assert lead_model.learned_scores(cands, hand_prior()) == pytest.approx([math.log(c.score) for c in cands])
    hand = [c.sentence for c in sorted(cands, key=lambda c: (-c.score, c.passage, c.place))]
    assert [c.sentence for c in ordered(cands, hand_prior())] == hand  # the prior (log score × 1) is the hand order


def test_the_shipped_fit_is_for_the_training_file_and_feature_list() -> None:
    """Stale when eval/lead_train.jsonl, the features or the recipe changed: refit with python -m cli.lead_fit
    (README, "Direct answers")."""
    fit_file = yaml.safe_load(FIT_FILE.read_text(encoding="utf-8"))
    assert fit_file["key"] == fit_key(TRAIN_FILE.read_bytes())
    assert fit_file["features"] == list(FEATURES)
    assert coefficients() is not None


def test_the_shipped_fit_was_fitted_on_the_features_as_they_are_computed_now() -> None:
    """Stale when the hand score, an answer-kind cue or a feature's formula changed since the fit (the probe: the
    features of fixed fictional questions): refit with python -m cli.lead_fit."""
    assert yaml.safe_load(FIT_FILE.read_text(encoding="utf-8"))["probe"] == feature_probe()


def test_the_probe_sees_a_change_of_the_hand_score(monkeypatch: pytest.MonkeyPatch) -> None:
    before = feature_probe()
    monkeypatch.setattr(answer, "DEADLINE_BOOST", 1.7)
    assert feature_probe() != before


def test_the_training_file_shares_no_question_with_the_tuning_parts() -> None:
    def messages(path: Path) -> set[str]:
        return {json.loads(line)["message"].strip() for line in path.read_text(encoding="utf-8").splitlines()
                if line.strip()}

    train = messages(TRAIN_FILE)
    assert len(train) > 500
    assert not train & (messages(EVAL / "tune.jsonl") | messages(EVAL / "pack_tune.jsonl"))


def test_the_fit_learns_a_feature_that_marks_the_key_fact(tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    marker = FEATURES.index("bigram_share")
    groups = []
    for _ in range(60):
        x = rng.random((8, len(FEATURES)))
        y = np.zeros(8, dtype=bool)
        y[int(np.argmax(x[:, marker]))] = True  # the key fact is the clause sharing most character pairs
        groups.append((x, y))
    coef = fit(groups)
    assert coef[marker] > 1.0 and abs(coef[marker]) == max(abs(coef[i]) for i in range(len(FEATURES))
                                                           if i != FEATURES.index("log_hand"))
    uninformative = [(x, np.ones(len(x), dtype=bool)) for x, _ in groups]  # every clause holds it: nothing to learn
    assert np.array_equal(fit(uninformative), hand_prior())
    path = tmp_path / "cap.npz"
    save_capture(path, "k1", [x for x, _ in groups], [y for _, y in groups])
    loaded = load_capture(path, "k1")
    assert len(loaded) == 60 and np.array_equal(loaded[3][0], groups[3][0])
    with pytest.raises(SystemExit, match="another training file"):
        load_capture(path, "k2")


@pytest.mark.parametrize("body", [
    "key: [unclosed\n",  # not YAML
    "features: 3\n",  # not a list
    "coefficients: {}\n",  # no feature list
])
def test_an_unreadable_fit_file_leaves_the_hand_order(tmp_path: Path, body: str) -> None:
    path = tmp_path / "lead_fit.yaml"
    path.write_text(body, encoding="utf-8")
    assert lead_model.coefficients(path) is None


def test_a_fit_with_a_missing_or_non_finite_coefficient_leaves_the_hand_order(tmp_path: Path) -> None:
    names = list(FEATURES)
    cases = ({n: 1.0 for n in names[1:]}, {**{n: 1.0 for n in names}, names[0]: "nan"},
             {**{n: 1.0 for n in names}, names[0]: "abc"})
    for n, found in enumerate(cases):
        path = tmp_path / f"fit-{n}.yaml"
        path.write_text(yaml.safe_dump({"features": names, "coefficients": found}), encoding="utf-8")
        assert lead_model.coefficients(path) is None
    path = tmp_path / "fit-ok.yaml"
    path.write_text(yaml.safe_dump({"features": names, "coefficients": {n: 1.0 for n in names}}), encoding="utf-8")
    assert lead_model.coefficients(path) is not None  # the same file with every coefficient a number is read


def _marked_groups(count: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Random candidates whose key fact is the clause with the most character pairs shared with the question."""
    rng = np.random.default_rng(seed)
    marker = FEATURES.index("bigram_share")
    out = []
    for _ in range(count):
        x = rng.random((8, len(FEATURES)))
        y = np.zeros(8, dtype=bool)
        y[int(np.argmax(x[:, marker]))] = True
        out.append((x, y))
    return out


def test_cross_validation_measures_what_the_recipe_learns_on_questions_it_did_not_see() -> None:
    rows = [(f"case-{n}", x, y) for n, (x, y) in enumerate(_marked_groups(80, 11))]
    r = cross_validate(rows, k=4)
    assert r["questions"] == 80
    assert r["held_out"] >= 0.8 and r["in_sample"] >= r["held_out"] - 0.05
    assert r["hand"] < 0.5  # the hand score column is noise here: two of eight by chance
    noise = [(q, x, np.roll(y, 3)) for q, x, y in rows]  # the key fact moved off the marked clause: nothing to learn
    assert cross_validate(noise, k=4)["held_out"] < 0.5
    with pytest.raises(ValueError, match="at least 2 folds"):
        cross_validate(rows, k=1)


def test_a_question_is_held_out_with_its_rows_from_every_data_dir() -> None:
    assert all(fold_of(q, 5) == fold_of(q, 5) for q in ("q-1", "own-07", "e-35"))
    assert {fold_of(f"case-{n}", 5) for n in range(50)} == set(range(5))
    x, y = np.eye(3), np.asarray([False, False, True])
    assert leads_with_key_fact(x, y, np.asarray([0.0, 1.0, 0.9])) is True  # second of the two leads
    assert leads_with_key_fact(x, y, np.asarray([1.0, 0.9, 0.0])) is False
    assert leads_with_key_fact(np.zeros((0, 3)), np.zeros(0, dtype=bool), np.ones(3)) is False


def test_a_capture_keeps_its_case_ids(tmp_path: Path) -> None:
    groups = _marked_groups(5, 3)
    path = tmp_path / "cap.npz"
    save_capture(path, "k1", [x for x, _ in groups], [y for _, y in groups], ["a-1", "a-2", "b-1", "b-2", "c"])
    loaded = load_capture_ids(path, "k1")
    assert [q for q, _, _ in loaded] == ["a-1", "a-2", "b-1", "b-2", "c"]
    assert np.array_equal(loaded[2][1], groups[2][0]) and np.array_equal(loaded[2][2], groups[2][1])
    assert len(load_capture(path, "k1")) == 5
