"""The Chinese answer-type cues of the lead (assistant/answer_type_zh.py): the class of question, the kind of
sentence that answers it, and a lead that picks that sentence over a better-placed one that does not."""

from __future__ import annotations

import pytest

from assistant.answer import lead_sentences
from assistant.answer_type_zh import (
    ZhCues,
    asked_units,
    asks_consequence,
    asks_method,
    asks_who,
    cn_number,
    figure_word,
    question_figures,
    states_consequence,
    states_figure,
    states_method,
    states_unit,
    states_who,
)
from knowledge.base import Passage

TITLE = "某省企业用工条例"


def passage(text: str, locator: str, dense: float = 0.6, title: str = TITLE) -> Passage:
    return Passage(f"{title}:{locator}", "doc", title, "rules.md", locator, "", text, "2020-01-01", "现行有效",
                   "law", 0.5, 10.0, dense)


@pytest.mark.parametrize(("question", "asks"), [
    ("仓库没配灭火器，被查到了会怎么样", True), ("拖欠供应商货款不给，要承担什么责任？", True),
    ("工商年报没按时报，会有啥后果", True), ("环保检查不合格会被罚吗还是只整改", True),
    ("仓库要配几个灭火器", False), ("年报在哪里填", False),
])
def test_questions_asking_what_follows(question: str, asks: bool) -> None:
    assert asks_consequence(question) is asks


@pytest.mark.parametrize(("sentence", "states"), [
    ("逾期不改正的，处二千元以上一万元以下的罚款。", True), ("由此造成损失的，应当依法承担赔偿责任。", True),
    ("未按规定签订的，应当向职工每月支付二倍的工资。", True), ("单位应当为职工配备劳动防护用品。", False),
])
def test_sentences_stating_a_liability(sentence: str, states: bool) -> None:
    assert states_consequence(sentence) is states


@pytest.mark.parametrize(("question", "asks"), [
    ("体检费由谁出", True), ("员工宿舍着火了找哪个部门", True), ("培训协议要哪一方先签", True),
    ("体检费要多少钱", False), ("宿舍着火了怎么办", False),
])
def test_questions_asking_who(question: str, asks: bool) -> None:
    assert asks_who(question) is asks


@pytest.mark.parametrize(("sentence", "states"), [
    ("职业健康检查费用由用人单位承担。", True), ("应当事先取得职工本人的同意。", True),
    ("单位应当向所在地劳动保障部门备案。", True), ("职业健康检查每年进行一次。", False),
])
def test_sentences_naming_the_party(sentence: str, states: bool) -> None:
    assert states_who(sentence) is states


@pytest.mark.parametrize(("question", "asks"), [
    ("病假工资怎么算", True), ("高温津贴按什么标准发", True), ("病假工资能不能不发", False),
])
def test_questions_asking_how_it_is_calculated(question: str, asks: bool) -> None:
    assert asks_method(question) is asks


def test_sentences_stating_a_rule_of_calculation() -> None:
    assert states_method("病假工资按照本人工资的百分之八十计算。")
    assert states_method("每满六个月增加一天。")
    assert not states_method("病假期间单位不得解除劳动合同。")


@pytest.mark.parametrize(("question", "sentence", "states"), [
    ("婚假能请几天", "职工本人结婚的，享受婚假3天。", True),
    ("婚假能请几天", "职工工作满一年的，可以享受婚假。", False),
    ("一年最多能调几次岗", "每年调整岗位不得超过二次。", True),
    ("证书几年要换一次", "证书有效期为五年。", True),
    ("证书几年要换一次", "期满前三十日内申请换证。", False),
])
def test_a_sentence_states_the_unit_asked_for(question: str, sentence: str, states: bool) -> None:
    assert states_unit(sentence, asked_units(question)) is states


def test_the_figures_a_question_states_in_one_measure_per_dimension() -> None:
    assert question_figures("员工干了8年了") == [("time", 8 * 365.0)]
    assert question_figures("招进来三个月了还没签") == [("time", 90.0)]
    assert question_figures("一年能请几天假") == []  # "一年" reads as "per year"
    assert question_figures("厂里有两百人") == [("people", 200.0)]


@pytest.mark.parametrize(("sentence", "states"), [
    ("工作已满5年不满15年的，增加休假2天。", True), ("工作满15年以上的，增加休假5天。", False),
    ("连续工作八年的职工，单位应当续订合同。", True), ("超过一个月不满一年的，按月补发。", False),
])
def test_a_sentence_states_the_figure_or_a_range_that_holds_it(sentence: str, states: bool) -> None:
    figures = question_figures("员工在我们这儿干了8年")
    assert states_figure(sentence, figures) is states


def test_a_figure_only_term_is_matched_as_a_measure_not_as_a_word() -> None:
    assert figure_word("12") and figure_word("一年") and figure_word("两个") and figure_word("十五年")
    assert not figure_word("年休假") and not figure_word("一人有限公司")
    assert cn_number("十五") == 15 and cn_number("两百") == 200 and cn_number("12") == 12


def test_cues_of_a_question_without_any_of_these_classes_change_nothing() -> None:
    cues = ZhCues.of("单位宿舍要办消防验收吗")
    assert cues.factor("逾期不改正的，处二千元以上一万元以下的罚款。") == 1.0


RULE = "第十二条 单位应当为从事夜间作业的人员安排每年一次职业健康检查。"
FEE = "职业健康检查费用由用人单位承担。"
PENALTY = "第四十条 单位未安排职业健康检查的，由劳动保障部门责令改正，处五千元以上二万元以下的罚款。"
WEIGHTS = {"职业健康检查": 0.8, "健康": 0.3, "检查": 0.3, "单位": 0.1, "夜班": 0.5, "职工": 0.2}


def test_a_question_asking_who_is_led_by_the_sentence_that_names_the_party() -> None:
    ps = [passage(RULE + "体检结果应当书面告知职工本人。" + FEE, "第十二条")]
    assert "由用人单位承担" in lead_sentences("夜班职工的职业健康检查谁出钱？", ps, WEIGHTS)[0][1]


def test_a_question_asking_what_follows_is_led_by_the_penalty_not_by_the_duty() -> None:
    ps = [passage(RULE, "第十二条", dense=0.65), passage(PENALTY, "第四十条", dense=0.6)]
    lead = lead_sentences("不给夜班职工做职业健康检查，单位会有什么后果？", ps, WEIGHTS)
    assert "罚款" in lead[0][1]
    plain = lead_sentences("夜班职工要做职业健康检查吗？", ps, WEIGHTS)
    assert "罚款" not in plain[0][1]


def test_a_question_stating_a_figure_is_led_by_the_bracket_that_holds_it() -> None:
    table = passage("第八条 职工累计工作已满1年不满5年的，每年增加休假1天。已满5年不满15年的，每年增加休假3天。"
                    "已满15年的，每年增加休假5天。", "第八条", dense=0.55)
    general = passage("第七条 职工连续工作一年以上的，享受本条例规定的增加休假。", "第七条", dense=0.65)
    weights = {"增加": 0.4, "休假": 0.5, "职工": 0.2, "一年": 0.5, "9": 0.6}
    lead = lead_sentences("职工在我们这儿做了9年了，一年能多休几天？", [general, table], weights)
    assert "已满5年不满15年" in lead[0][1] and "已满1年不满5年" not in lead[0][1]


def test_a_question_asking_in_days_is_led_by_the_figure_in_days_not_by_a_period_in_years() -> None:
    who = passage("第五条 职工在本单位工作满一年的，享受婚假。", "第五条", dense=0.65)
    days = passage("第六条 婚假为三天，遇法定节假日顺延。", "第六条", dense=0.6)
    weights = {"婚假": 0.8, "职工": 0.2, "本单位": 0.3}
    assert "三天" in lead_sentences("本单位职工结婚，婚假能请几天？", [who, days], weights)[0][1]


def test_a_question_asking_how_it_is_calculated_is_led_by_the_rule_of_calculation() -> None:
    ps = [passage("第二十条 职工患病停止工作治疗的，单位应当支付病假工资。", "第二十条", dense=0.65),
          passage("第二十一条 病假工资按照职工本人工资的百分之八十计算。", "第二十一条", dense=0.6)]
    weights = {"病假": 0.6, "工资": 0.3, "病假工资": 0.8, "职工": 0.1}
    assert "百分之八十" in lead_sentences("病假工资到底怎么算？", ps, weights)[0][1]


def test_a_chinese_question_may_be_led_from_the_fourth_passage() -> None:
    filler = [passage(f"第{n}条 单位应当建立职工名册并妥善保管。", f"第{n}条", dense=0.62) for n in "一二三"]
    answer = passage("第四条 职工名册应当保存至劳动关系终止后二年。", "第四条", dense=0.6)
    weights = {"职工名册": 0.6, "保存": 0.6, "单位": 0.1}
    assert "二年" in lead_sentences("职工名册要保存多少年？", [*filler, answer], weights)[0][1]


def test_a_figure_the_question_mentions_does_not_pick_a_sentence_by_its_characters() -> None:
    term = passage("第三条 劳动合同期限一年以上的，单位应当与职工订立书面合同。", "第三条", dense=0.65)
    notice = passage("第四条 职工辞职的，应当提前三十日书面通知单位。", "第四条", dense=0.6)
    weights = {"一年": 0.9, "辞职": 0.4, "提前": 0.3}
    assert "辞职" in lead_sentences("员工干了一年多想辞职，要提前通知吗？", [term, notice], weights)[0][1]
