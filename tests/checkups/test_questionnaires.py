"""The shipped questionnaires load and resolve; broken files are refused with every error naming the file, the
question and the field; the scoring rule on hand-made answers; dependent questions are skipped."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from checkups import AREAS, InvalidAnswers, QuestionnaireError, Statutes, check_answers, load_questionnaires
from checkups.loader import CONTENT_DIR
from checkups.report import build_report
from checkups.scoring import HIGH, LOW, MEDIUM, score
from knowledge.catalogue import load_catalogue

GENERAL_AREAS = ["劳动用工", "合同管理", "公司治理", "知识产权", "安全生产", "环境保护", "数据与个人信息",
                 "行政许可与处罚"]


@pytest.fixture(scope="module")
def shipped() -> dict:
    catalogue, statutes = load_catalogue(), Statutes()
    return {"catalogue": catalogue, "statutes": statutes,
            "qs": {q.id: q for q in load_questionnaires(catalogue, statutes)}}


def test_the_shipped_questionnaires(shipped: dict) -> None:
    qs = shipped["qs"]
    assert set(qs) == {"general", "crystal", "padlock", "quilting", "foreign"}
    assert sum(len(q.scored) for q in qs.values()) >= 60
    assert qs["general"].areas == GENERAL_AREAS
    assert qs["foreign"].areas == ["外商投资", "对外贸易与出口管制", "涉外合同"]
    assert {qs[i].industry for i in ("crystal", "padlock", "quilting")} == {"水晶", "挂锁", "绗缝"}
    for qn in qs.values():
        for q in qn.scored:
            assert q.text and q.text_en and q.finding_en and q.action_en and 1 <= q.weight <= 3
            for b in q.basis:  # every legal basis quotes its article from the statutes pack
                quote = shipped["statutes"].quote(b.document, b.article)
                assert quote is not None and quote.snippet.startswith(b.article)
            assert all(shipped["catalogue"].get(s) is not None for s in q.services)


def write(folder: Path, name: str, body: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(body, encoding="utf-8")


HEAD = """version: 1
id: {id}
title: 测试问卷
title_en: Test
industry: 通用
industry_en: General
summary: 测试
summary_en: Test
questions:
"""
GOOD_Q = """  - id: {qid}
    area: 劳动用工
    text: 是否签订书面劳动合同？
    text_en: Written contracts?
    weight: 3
    finding: 风险
    finding_en: Risk
    basis: [{{document: {doc}, article: {art}}}]
    action: 补签
    action_en: Sign them
    services: [{svc}]
"""


def q(qid: str = "q-one", doc: str = "labour-contract-law", art: str = "第十条", svc: str = "labour-relations-guidance",
      extra: str = "") -> str:
    return GOOD_Q.format(qid=qid, doc=doc, art=art, svc=svc) + extra


def test_broken_references_are_named_with_file_question_and_field(tmp_path: Path, shipped: dict) -> None:
    body = HEAD.format(id="broken") + q("q-svc", svc="no-such-service") + q("q-doc", doc="no-such-law") + \
        q("q-art", art="第九千条") + q("q-dep", extra="    depends_on: {question: q-later, answer: \"yes\"}\n") + \
        q("q-later")
    write(tmp_path, "broken.yaml", body)
    with pytest.raises(QuestionnaireError) as err:
        load_questionnaires(shipped["catalogue"], shipped["statutes"], tmp_path)
    errors = err.value.errors
    assert "broken.yaml: question 'q-svc': field 'services': unknown service 'no-such-service' (not in the catalogue)" \
        in errors
    assert any(e.startswith("broken.yaml: question 'q-doc': field 'basis[0].document': unknown document 'no-such-law'")
               for e in errors)
    assert ("broken.yaml: question 'q-art': field 'basis[0].article': labour-contract-law has no article 第九千条"
            in errors)
    assert any(e.startswith("broken.yaml: question 'q-dep': field 'depends_on.question': 'q-later' is not an earlier")
               for e in errors)
    assert len(errors) == 4


def test_schema_errors_name_the_field(tmp_path: Path, shipped: dict) -> None:
    body = HEAD.format(id="bad-schema") + q("q-weight").replace("weight: 3", "weight: 7") + \
        q("q-bad").replace("    weight: 3\n", "    weight: 3\n    bad: no\n") + \
        q("q-area").replace("area: 劳动用工", "area: 天气") + q("q-missing").replace("    finding_en: Risk\n", "") + \
        q("Q Upper") + q("q-weight")
    write(tmp_path, "schema.yaml", body)
    write(tmp_path, "yaml.yaml", "version: 1\nid: [unclosed\n")
    with pytest.raises(QuestionnaireError) as err:
        load_questionnaires(shipped["catalogue"], shipped["statutes"], tmp_path)
    text = "\n".join(err.value.errors)
    assert "schema.yaml: question 'q-weight': field 'weight': Input should be less than or equal to 3" in text
    assert "schema.yaml: question 'q-bad': field 'bad':" in text and 'quote yes / no in YAML' in text
    assert "schema.yaml: question 'q-area': field 'area': '天气' is not one of" in text
    assert "schema.yaml: question 'q-missing': field 'question': a scored question needs finding_en" in text
    assert "schema.yaml: question 'Q Upper': field 'id': 'Q Upper' is not a slug" in text
    assert "yaml.yaml: line 3, column 1" in text and "malformed YAML" in text


def test_a_duplicate_question_id_across_files(tmp_path: Path, shipped: dict) -> None:
    write(tmp_path, "a.yaml", HEAD.format(id="a") + q("q-same"))
    write(tmp_path, "b.yaml", HEAD.format(id="b") + q("q-same"))
    with pytest.raises(QuestionnaireError) as err:
        load_questionnaires(shipped["catalogue"], shipped["statutes"], tmp_path)
    assert err.value.errors == ["b.yaml: question 'q-same': field 'id': duplicate id (also in a.yaml)"]


def test_the_shipped_folder_copied_loads(tmp_path: Path, shipped: dict) -> None:
    shutil.copytree(CONTENT_DIR, tmp_path / "c")
    assert len(load_questionnaires(shipped["catalogue"], shipped["statutes"], tmp_path / "c")) == 5


def all_answers(qn, word: str, gates: str = "yes") -> dict[str, str]:
    answers: dict[str, str] = {}
    while (nxt := qn.next_question(answers)) is not None:
        answers[nxt.id] = gates if nxt.gate else word
    return answers


def test_dependent_questions_are_skipped_and_not_required(shipped: dict) -> None:
    qn = shipped["qs"]["foreign"]
    exporter = all_answers(qn, "yes")
    not_exporter = {k: v for k, v in exporter.items() if not k.startswith("trd-")} | {"for-exports": "no"}
    complete = check_answers(qn, not_exporter)
    assert not any(k.startswith("trd-") for k in complete)
    report = build_report(qn, complete, shipped["statutes"], shipped["catalogue"])
    assert "trd-customs-filing" in report["skipped"]
    assert "对外贸易与出口管制" not in [a["area"] for a in report["areas"]]
    # a second-level dependency: end-user certificates only when the items are controlled
    assert qn.applies(qn.question("trd-end-user"), {"for-exports": "yes", "trd-control-screening": "yes"})
    assert not qn.applies(qn.question("trd-end-user"), {"for-exports": "no", "trd-control-screening": "yes"})


def test_bad_answers_are_named(shipped: dict) -> None:
    qn = shipped["qs"]["crystal"]
    answers = all_answers(qn, "yes")
    answers.pop("cry-wastewater")
    answers |= {"cry-dust-protection": "maybe", "no-such-question": "yes", "cry-sludge-waste": 1}
    with pytest.raises(InvalidAnswers) as err:
        check_answers(qn, answers)
    assert err.value.missing == ["cry-wastewater"]
    assert err.value.unknown == ["no-such-question"]
    assert err.value.invalid == ["cry-dust-protection", "cry-sludge-waste"]


def test_the_scoring_rule(shipped: dict) -> None:
    qn = shipped["qs"]["general"]
    safe = all_answers(qn, "yes")
    assert score(qn, safe).overall_level() == LOW and score(qn, safe).overall.score == 0
    risky = all_answers(qn, "no")
    assert score(qn, risky).overall_level() == HIGH and score(qn, risky).overall.score == 100
    unsure = all_answers(qn, "unsure")
    assert score(qn, unsure).overall.score == 50 and score(qn, unsure).overall_level() == HIGH
    # one weight-3 question answered the risky way: its area is at least medium although its score is low
    one = safe | {"saf-fire-duties": "no"}
    scores = score(qn, one)
    fire = scores.areas["安全生产"]
    assert fire.score < 30 and fire.level() == MEDIUM
    assert {a for a, t in scores.areas.items() if t.level() != LOW} == {"安全生产"}
    # and the overall is medium when an area is high even if the overall score is low
    env = safe | {q.id: "no" for q in qn.scored if q.area == "环境保护"}
    assert score(qn, env).areas["环境保护"].level() == HIGH and score(qn, env).overall_level() == MEDIUM
    report = build_report(qn, check_answers(qn, one), shipped["statutes"], shipped["catalogue"])
    assert report["findings"][0]["question_id"] == "saf-fire-duties"
    assert report["findings"][0]["basis"][0]["label"].startswith("《中华人民共和国消防法》第十六条")
    assert "20%" in report["rule"] and "50%" in report["rule"] and set(AREAS) >= {a["area"] for a in report["areas"]}
