"""The extractive answer: the sentences that answer come first, quoted with their source; each source once;
passages under the relevance floor are not shown; labels are never cut inside a word."""

from __future__ import annotations

import pytest

from assistant import answer
from assistant.answer import (
    extractive,
    lead_sentences,
    scored_clauses,
    sentences,
    unique_sources,
    without_own_number,
)
from assistant.answer_type import (
    asks_deadline,
    asks_definition,
    asks_permission,
    asks_quantity,
    defines,
    defines_term,
    quantity_kinds,
    states_quantity,
)
from assistant.answer_type_en import with_english_cues
from assistant.answer_type_zh import ZhCues
from assistant.answerability import LEGAL_BM25, LEGAL_DENSE, answerable, coverage, relevant
from assistant.reply import Citation
from knowledge.base import Passage
from knowledge.chunking import _lead

LAW = "中华人民共和国劳动合同法"
ART19 = ("第十九条 劳动合同期限三个月以上不满一年的，试用期不得超过一个月；劳动合同期限一年以上不满三年的，"
         "试用期不得超过二个月；三年以上固定期限和无固定期限的劳动合同，试用期不得超过六个月。"
         "同一用人单位与同一劳动者只能约定一次试用期。")
ART20 = "第二十条 劳动者在试用期的工资不得低于本单位相同岗位最低档工资或者劳动合同约定工资的百分之八十。"


def passage(text: str, locator: str, title: str = LAW, bm25: float = 10.0, dense: float = 0.6,
            chunk: str = "") -> Passage:
    return Passage(chunk or f"{title}:{locator}:{len(text)}", "doc", title, "law.md", locator, "", text,
                   "2012-12-28", "现行有效", "law", 0.5, bm25, dense)


def test_sentences_split_at_sentence_and_clause_ends() -> None:
    assert sentences("甲。乙乙乙乙乙乙；丙丙丙丙丙丙！")[0] == "乙乙乙乙乙乙；"  # too short a piece is no sentence
    assert len(sentences(ART19)) == 4


def test_the_sentence_that_answers_leads_even_from_a_later_passage() -> None:
    ps = [passage(ART20, "第二十条"), passage(ART19, "第十九条")]
    weights = {"劳动合同": 0.4, "期限": 0.3, "三年": 0.6, "试用期": 0.6, "不得超过": 0.3}
    lead = lead_sentences("三年期限的劳动合同试用期不得超过多久", ps, weights)
    assert any("三年以上固定期限" in s for _, s in lead)


def test_an_extractive_answer_starts_with_the_quoted_sentence_and_cites_each_source_once() -> None:
    ps = [passage(ART19, "第十九条", chunk="a"), passage(ART19, "第十九条", chunk="b"), passage(ART20, "第二十条")]
    body, citations = extractive("试用期最长多久，三年合同", ps, "zh")
    first = body.splitlines()[0]
    assert first.startswith(f"[1] 《{LAW}》第十九条（2012-12-28）：“") and "试用期" in first
    assert [c.locator for c in citations] == ["第十九条", "第二十条"]  # the same article is not cited twice
    assert body.count(f"[1] 《{LAW}》第十九条") <= 2  # once in the lead, once above its passage


def test_an_english_answer_uses_english_labels() -> None:
    body, _ = extractive("How long can a probation period be? 试用期", [passage(ART19, "第十九条")], "en")
    assert body.startswith("[1] Labour Contract Law of the PRC, Article 19 (2012-12-28)")
    assert "The Chinese text is authoritative." in body


def test_unique_sources_keeps_the_first_of_each_title_and_place() -> None:
    c = [Citation(LAW, "x", "第一条", "a", 1.0), Citation(LAW, "x", "第一条", "b", 0.9),
         Citation(LAW, "x", "第二条", "c", 0.8)]
    assert [x.snippet for x in unique_sources(c)] == ["a", "c"]


def test_passages_under_the_relevance_floor_are_not_shown() -> None:
    scale = 10.0
    strong = passage(ART19, "第十九条", bm25=20.0, dense=0.6)
    weak = passage(ART20, "第二十条", bm25=LEGAL_BM25 * scale / 2, dense=LEGAL_DENSE / 2)
    assert relevant([strong, weak], scale) == [strong]
    assert relevant([weak], scale) == [weak]  # the best passage is always kept


def test_answerability_needs_the_question_s_key_terms_in_the_passages() -> None:
    ps = [passage(ART19, "第十九条", bm25=30.0, dense=0.6)]
    scale = 10.0
    assert answerable(ps, scale, {"试用期": 0.6, "劳动合同": 0.4}) == "yes"
    # confident retrieval that does not contain what was asked: a lost business licence
    assert answerable(ps, scale, {"营业执照": 0.5, "遗失": 0.8, "补办": 0.8}) == "unaddressed"
    assert coverage({"hello": 1.0}, ps) is None  # English terms: judged by dense/keyword agreement instead


@pytest.mark.parametrize(("bm25", "dense", "verdict"),
                         [(30.0, 0.6, "yes"), (9.0, 0.35, "unsure"), (1.0, 0.1, "off_topic")])
def test_answerability_by_retrieval_strength(bm25: float, dense: float, verdict: str) -> None:
    assert answerable([passage(ART19, "第十九条", bm25=bm25, dense=dense)], 10.0, {"试用期": 1.0}) == verdict


def test_strict_answerability_wants_dense_and_keyword_search_to_agree() -> None:
    keyword_only = [passage(ART19, "第十九条", bm25=30.0, dense=LEGAL_DENSE / 2)]
    assert answerable(keyword_only, 10.0, {"试用期": 1.0}) == "yes"
    assert answerable(keyword_only, 10.0, {"试用期": 1.0}, strict=True) == "unsure"


def test_coverage_leaves_out_the_words_that_frame_a_question() -> None:
    ps = [passage(ART19, "第十九条", bm25=30.0, dense=0.6)]
    # "试用期最多能约定几个月" in terms: 最多 / 几个 frame it; 试用期 and 劳动合同 are what it asks about
    framed = {"试用期": 0.5, "劳动合同": 0.3, "最多": 0.8, "几个": 0.8}
    assert coverage(framed, ps) == pytest.approx(1.0)
    assert answerable(ps, 10.0, framed) == "yes"
    # a subject word the passage lacks still counts against it
    assert coverage({"试用期": 0.5, "营业执照": 0.5, "最多": 0.8}, ps) == pytest.approx(0.5)
    assert coverage({"最多": 0.8, "几个": 0.8}, ps) is None  # nothing but frame words: judged by agreement


@pytest.mark.parametrize(("text", "label"), [
    ("公证办理代办（Notarisation on the entity's behalf）：在窗口代为受理", "公证办理代办…"),
    ("Pujiang County plans an order-style list of legal services for enterprises", "Pujiang County plans an…"),
    ("短标题：正文", "短标题"),
])
def test_a_label_is_never_cut_inside_a_word_or_a_bracket(text: str, label: str) -> None:
    assert _lead(text) == label


def test_the_first_two_sentences_of_a_reply_skip_a_closing_quote() -> None:
    from assistant.evaluation import first_sentences

    assert first_sentences("[1] 甲：“乙乙。”\n丙丙。丁丁。") == "[1] 甲：“乙乙 丙丙"
    assert first_sentences("第一句。第二句！第三句？") == "第一句 第二句"


@pytest.mark.parametrize(("question", "asks"), [
    ("试用期最长能约定多久", True), ("产假一共多少天", True), ("工会经费按什么比例拨", True),
    ("How long does a trademark registration last?", True), ("what rate of tax applies", True),
    ("试用期可以约定几次", True), ("公司可以单方面调岗吗", False), ("Is an electronic contract valid?", False),
])
def test_questions_asking_for_a_period_amount_or_rate(question: str, asks: bool) -> None:
    assert asks_quantity(question) is asks


@pytest.mark.parametrize(("sentence", "states"), [
    ("试用期不得超过六个月。", True), ("按日加收滞纳税款万分之五的滞纳金。", True), ("女职工生育享受98天产假", True),
    ("减按15％的税率征收", True), ("第三十条 用人单位应当按时缴纳工伤保险费。", False),  # its own number is none
    ("同一用人单位与同一劳动者只能约定一次试用期。", True),  # a count answers "几次"
    ("用人单位应当依法建立和完善劳动规章制度。", False),
])
def test_sentences_stating_a_period_amount_or_rate(sentence: str, states: bool) -> None:
    assert states_quantity(sentence) is states


@pytest.mark.parametrize(("question", "kinds"), [
    ("社保单位缴费按什么比例交", ["rate"]), ("滞纳金按百分之几算", ["rate"]),
    ("What rate of overtime pay applies?", ["rate"]),
    ("产假能休多少天", ["period"]), ("营业执照多长时间能办下来", ["period"]),
    ("How many days of leave do we owe?", ["period"]),
    ("没签合同要赔多少钱", ["amount"]), ("违法排污一般罚多少", ["amount"]),
    ("工会经费最低标准是什么", []),  # a quantity, of no named kind: any quantity answers it
])
def test_the_kind_of_quantity_a_question_names(question: str, kinds: list[str]) -> None:
    assert quantity_kinds(question) == kinds


@pytest.mark.parametrize(("sentence", "kinds", "states"), [
    ("缴存额为职工本人上一年度月平均工资乘以缴存比例。", ["rate"], False),  # a year, no rate
    ("缴存比例不得低于职工上一年度月平均工资的5%。", ["rate"], True),
    ("按日加收滞纳款项千分之五的滞纳金。", ["rate"], True),
    ("缴存比例不得低于职工上一年度月平均工资的5%。", ["period"], False),  # "上一年度" is no period
    ("女职工生育享受98天产假。", ["period"], True),
    ("处五千元以上五万元以下的罚款。", ["amount"], True),
    ("处五千元以上五万元以下的罚款。", ["period"], False),
])
def test_a_sentence_states_the_kind_of_quantity_asked_for(sentence: str, kinds: list[str], states: bool) -> None:
    assert states_quantity(sentence, kinds) is states


def test_a_question_asking_for_a_rate_is_led_by_the_rate_not_by_a_period_in_a_higher_passage() -> None:
    base = passage("第十条 单位缴费的月缴费额为职工上一年度月平均工资乘以单位缴费比例。", "第十条", title="某保险条例",
                   dense=0.7)
    rate = passage("第十二条 单位缴费比例不得低于职工上一年度月平均工资的8%。", "第十二条", title="某保险条例",
                   dense=0.6)
    weights = {"缴费": 0.5, "比例": 0.5, "单位": 0.2}
    lead = lead_sentences("单位缴费最低按什么比例交？", [base, rate], weights)
    assert "8%" in lead[0][1]


def test_a_question_asking_how_long_is_led_by_the_sentence_that_states_the_period() -> None:
    rule = "第十七条 职工发生事故伤害，所在单位应当及时报告并提出工伤认定申请。"
    period = "所在单位应当自事故伤害发生之日起30日内，向社会保险行政部门提出工伤认定申请。"
    ps = [passage(rule + period, "第十七条", title="工伤保险条例")]
    weights = {"工伤认定": 0.8, "申请": 0.3, "单位": 0.1, "多长": 0.0}
    lead = lead_sentences("单位要在多长时间内申请工伤认定", ps, weights)
    assert "30日内" in lead[0][1]
    plain = lead_sentences("单位要申请工伤认定吗", ps, weights)  # no period asked: the rule itself leads
    assert "30日内" not in plain[0][1]


def test_an_english_question_is_led_by_the_article_not_by_a_guide_s_english_summary() -> None:
    summary = passage("Under the Labour Contract Law, an employer must agree the probation period in writing.",
                      "English summary", title="企业劳动用工合规指引")
    ps = [summary, passage(ART19, "第十九条")]
    weights = {"probation": 1.0, "labour": 1.0, "contract": 1.0, "period": 1.0, "试用期": 0.3, "劳动合同": 0.3}
    lead = lead_sentences("How long can probation be on a two-year labour contract?", ps, weights)
    assert "试用期" in lead[0][1]


ART42 = ("第四十二条 劳动者有下列情形之一的，用人单位不得依照本法第四十条、第四十一条的规定解除劳动合同：\n"
         "（一）从事接触职业病危害作业的劳动者未进行离岗前职业健康检查的；\n"
         "（二）在本单位患职业病或者因工负伤并被确认丧失或者部分丧失劳动能力的；\n"
         "（三）患病或者非因工负伤，在规定的医疗期内的；\n"
         "（四）女职工在孕期、产期、哺乳期的；")


def test_a_list_item_is_quoted_after_the_sentence_that_introduces_its_list() -> None:
    lead = lead_sentences("工人生病还在医疗期里，厂里想跟他解约", [passage(ART42, "第四十二条")],
                          {"医疗期": 1.0, "解除": 0.2, "劳动合同": 0.2})
    first = lead[0][1]
    assert first.startswith("第四十二条 劳动者有下列情形之一的")
    assert first.endswith("（三）患病或者非因工负伤，在规定的医疗期内的；")
    assert "……" in first  # items (一) and (二) are left out
    assert "（一）" not in first


def test_a_clause_is_quoted_with_its_whole_sentence_unless_that_is_long() -> None:
    lead = lead_sentences("合同签一年半，试用期能约定多长", [passage(ART19, "第十九条")], {"试用期": 0.5, "一年": 0.5})
    assert lead[0][1].startswith("第十九条 劳动合同期限三个月以上") and lead[0][1].endswith("试用期不得超过六个月。")
    long = "；".join(f"第{n}类情形的，由主管部门另行规定处理办法" for n in "一二三四五六七")
    long += "；遇有火灾隐患的，应当立即整改。"
    lead = lead_sentences("有火灾隐患怎么办", [passage(long, "第九条")], {"火灾": 1.0, "隐患": 1.0})
    assert lead[0][1] == "遇有火灾隐患的，应当立即整改。"


def test_the_reply_starts_with_two_lead_sentences_even_without_a_known_term() -> None:
    from assistant.evaluation import first_sentences

    text = "第八条 承揽人应当按照约定完成工作。定作人应当按照约定支付报酬。"
    for lang, question in (("zh", "这个事情怎么弄比较好"), ("en", "What should we do about this?")):
        body, _ = extractive(question, [passage(text, "第八条")], lang, {})
        head = first_sentences(body)
        assert "承揽人应当按照约定完成工作" in head and "定作人应当按照约定支付报酬" in head, (lang, head)


def test_a_term_inside_a_longer_matched_term_adds_nothing() -> None:
    name = passage("劳动争议仲裁委员会由劳动行政部门代表、工会代表和企业方面代表组成。", "第十九条")
    answer = passage("仲裁员是本案当事人或者当事人的近亲属的，应当回避。", "第三十三条")
    weights = {"劳动争议仲裁委员会": 0.5, "劳动": 0.2, "争议": 0.3, "仲裁": 0.3, "委员会": 0.3, "回避": 1.0}
    lead = lead_sentences("仲裁员和一方老板是亲戚的回避规定", [name, answer], weights)
    assert "回避" in lead[0][1]


def test_a_question_asking_what_a_term_means_is_led_by_the_definition() -> None:
    duty = passage("小额贷款公司应当按照规定向监督管理部门报送经营数据。", "第十条", title="小额贷款公司管理办法")
    meaning = passage("本办法所称小额贷款公司，是指不吸收公众存款、经营小额贷款业务的有限责任公司。", "第二条",
                      title="小额贷款公司管理办法")
    weights = {"小额": 0.5, "贷款": 0.4, "小额贷款": 0.8, "公司": 0.1}
    assert "是指" in lead_sentences("什么是小额贷款公司？", [duty, meaning], weights)[0][1]
    assert "报送" in lead_sentences("小额贷款公司报送数据给谁", [duty, meaning], weights)[0][1]


def test_a_question_whether_one_may_is_led_by_the_sentence_that_permits_or_forbids() -> None:
    roll = passage("用人单位建立的职工名册载有劳动者姓名、性别、公民身份号码等内容。", "第八条", title="实施条例")
    rule = passage("用人单位不得向他人提供职工名册中的个人信息。", "第九条", title="实施条例")
    weights = {"职工名册": 1.0, "单位": 0.1}
    assert "不得" in lead_sentences("单位能不能把职工名册给别人看？", [roll, rule], weights)[0][1]
    assert "载有" in lead_sentences("职工名册上都记了些什么", [roll, rule], weights)[0][1]


@pytest.mark.parametrize(("question", "definition", "permission"), [
    ("合同里的格式条款指的是什么", True, False), ("加班到凌晨算不算加班", True, False),
    ("哪些合同条款算格式条款", True, False),
    ("What counts as a trade secret here?", True, False), ("公司可以单方面调岗吗", False, True),
    ("单位能不能不签书面合同", False, True), ("Must we pay for the medical check?", False, True),
    ("工伤认定的材料要交到哪里", False, False), ("How long does a trademark registration last?", False, False),
    ("What is a bonded warehouse under the Customs Law?", True, False),
    # a list of duties or conditions asked "under the X Law" is not a definition
    ("What are the duties of a warehouse keeper under the Civil Code?", False, False),
    ("What are the grounds for a mass layoff under the Labour Contract Law?", False, False),
    # in the singular the same words may name a term
    ("What is the flexible working hour system?", True, False),
    ("What is the obligation of confidentiality?", True, False),
])
def test_questions_asking_what_a_term_means_or_whether_one_may(question: str, definition: bool,
                                                                 permission: bool) -> None:
    assert asks_definition(question) is definition
    assert asks_permission(question) is permission


def test_a_list_s_introduction_is_not_quoted_without_its_best_item() -> None:
    intro = "第十六条 企业有下列情形之一的，应当在三十日内办理变更登记：\n"
    items = "（一）变更名称的；\n（二）变更住所的；\n（三）变更法定代表人的；"
    lead = lead_sentences("企业变更登记的情形", [passage(intro + items, "第十六条", title="登记办法")],
                          {"企业": 0.2, "变更登记": 1.0, "情形": 0.6, "住所": 0.0})
    assert all(not quoted.endswith("：") for _, quoted in lead)
    lead = lead_sentences("公司搬家换了住所，要不要办变更登记", [passage(intro + items, "第十六条", title="登记办法")],
                          {"变更登记": 1.0, "住所": 0.8})
    assert lead[0][1].startswith("第十六条 企业有下列情形之一的") and lead[0][1].endswith("（二）变更住所的；")


def test_a_question_asking_by_when_is_led_by_the_time_limit() -> None:
    late = passage("超过三个月未办理备案的，由主管部门责令限期改正。", "第十二条", title="备案办法")
    limit = passage("企业应当自取得营业执照之日起三个月内办理备案。", "第十一条", title="备案办法")
    weights = {"备案": 1.0, "办理": 0.3, "三个月": 0.5}
    assert "之日起三个月内" in lead_sentences("拿到执照后最迟什么时候去备案", [late, limit], weights)[0][1]


@pytest.mark.parametrize(("question", "asks"), [
    ("拿到执照后最迟什么时候去备案", True), ("How soon must we report the accident?", True),
    ("补偿金多少天内要付清", True), ("备案需要哪些材料", False), ("What documents do we need?", False),
])
def test_questions_asking_by_when(question: str, asks: bool) -> None:
    assert asks_deadline(question) is asks


@pytest.mark.parametrize(("sentence", "states"), [
    ("本办法所称小额贷款公司，是指不吸收公众存款的有限责任公司。", True),
    ("第五条 格式条款是当事人为了重复使用而预先拟定的条款。", True),
    ("用人单位应当依法建立和完善劳动规章制度。", False), ("申请人是否符合条件，由审批机关审查。", False),
])
def test_sentences_that_define(sentence: str, states: bool) -> None:
    assert defines(sentence) is states


def test_a_lead_from_a_question_and_answer_entry_starts_with_the_answer_not_the_question() -> None:
    from assistant.evaluation import first_sentences

    faq = passage("答：企业应当自收到通知之日起十日内提交补正材料。", "问：材料被退回来了，多久内要补交？",
                  title="办事常见问题")
    rule = passage("第九条 申请材料不齐全的，应当一次告知申请人需要补正的全部内容。", "第九条", title="审批办法")
    for lang in ("zh", "en"):
        body, _ = extractive("材料退回后多久内补交", [faq, rule], lang, {"补正": 0.5, "材料": 0.5, "十日": 0.5})
        lead = body.splitlines()[0]
        assert "问：" not in lead and "补交？" not in lead
        assert "十日内提交补正材料" in first_sentences(body) and "告知申请人" in first_sentences(body)
        assert "问：材料被退回来了，多久内要补交？" in body  # the supporting passage still names the question


@pytest.mark.parametrize(("question", "kinds"), [
    ("What income tax rate does a software company pay?", ["rate"]),
    ("How much notice does a worker owe before leaving?", ["period"]),
    ("What's the maximum duration of a fixed-term lease?", ["period"]),
    ("What is the highest fine for selling fake goods?", ["amount"]),
    ("How long does copyright in a photograph last?", ["period", "duration"]),  # the term of the right ...
    ("For how many years is a plant variety right protected?", ["period", "duration"]),
    ("How long does the probation period last?", ["period"]),  # a period with no term of its own
    ("How long do we have to renew a licence?", ["period"]),  # ... not a time limit to act within
])
def test_english_questions_name_the_same_kinds_of_quantity(question: str, kinds: list[str]) -> None:
    assert asks_quantity(question) and quantity_kinds(question) == kinds


@pytest.mark.parametrize(("question", "definition", "permission", "deadline"), [
    ("What is the negative list?", True, False, False),
    ("What does 'actual controller' mean in company law?", True, False, False),
    ("Is a drone considered as special equipment?", True, False, False),
    ("What is the procedure for a capital reduction?", False, False, False),
    ("Are we entitled to a hearing before the licence is revoked?", False, True, False),
    ("Do we need the works council's consent for new rules?", False, True, False),
    ("By when does the buyer have to object to defects?", False, True, True),
    ("What is a dual-use item under the Export Control Law?", True, False, False),  # where the term lives
    ("What is a related party in China?", True, False, False),
    ("What are the risks for a company that misses filings?", False, False, False),  # not a term
    # a deadline only mentioned as what happened asks for none: the consequence, the grace is asked
    ("We filed our VAT return after the deadline. What surcharge applies?", False, False, False),
    ("Our supplier missed the delivery deadline; can we cancel the order?", False, True, False),
    ("What is the deadline for filing an objection?", False, False, True),
])
def test_english_questions_name_the_same_kinds_of_answer(question: str, definition: bool, permission: bool,
                                                         deadline: bool) -> None:
    assert (asks_definition(question), asks_permission(question), asks_deadline(question)) == (
        definition, permission, deadline)


def test_an_english_question_asking_for_a_rate_is_led_by_the_sentence_that_states_it() -> None:
    scope = passage("第三条 居民企业应当就其来源于中国境内、境外的所得缴纳企业所得税。", "第三条", title="某所得税法",
                    dense=0.6)
    rate = passage("第四条 企业所得税的税率为25％。", "第四条", title="某所得税法", dense=0.5)
    weights = {"企业所得税": 0.6, "所得": 0.3, "tax": 1.0, "rate": 1.0}
    lead = lead_sentences("What income tax rate applies to a resident enterprise?", [scope, rate], weights)
    assert "25％" in lead[0][1]
    plain = lead_sentences("Which income must a resident enterprise pay tax on?", [scope, rate], weights)
    assert "25％" not in plain[0][1]


@pytest.mark.parametrize(("question", "deadline"), [
    ("How long does the licensing office have to reply to us?", True),
    ("How long do we have to appeal a customs decision?", True),
    ("How long does a design patent last?", False),  # a duration, not a time limit
    ("How long is a fire safety certificate valid?", False),
    ("How long is the trial period for a one-year contract?", False),
])
def test_how_long_asks_for_a_time_limit_only_when_something_must_be_done_within_it(question: str,
                                                                                  deadline: bool) -> None:
    assert asks_deadline(question) is deadline
    assert asks_quantity(question)


def test_parts_of_a_question_word_found_elsewhere_do_not_lead_when_the_statute_uses_the_whole_word() -> None:
    # jieba cuts 执法人员 also into 法人 and 人员: "法人和其他组织的…工作人员" holds both parts by accident
    title = "某市市场巡查办法"
    accident = passage("第五条 法人和其他组织的负责人、工作人员应当如实提供检查所需的资料。", "第五条", title=title)
    answer = passage("第十二条 执法人员应当主动出示证件。", "第十二条", title=title)
    weights = {"执法人员": 0.5, "执法": 0.3, "法人": 0.3, "人员": 0.3, "上门": 0.6, "检查": 0.4, "证件": 0.45}
    lead = lead_sentences("执法人员上门检查要带什么证件", [accident, answer], weights)
    assert "出示证件" in lead[0][1]


def test_a_fragment_the_question_also_says_on_its_own_counts_fully() -> None:
    # 法人 is asked about in its own right here, besides sitting across 执法人员
    df = {"执法人员": 1, "执法": 1, "法人": 2, "人员": 2}
    assert answer._part_weight("法人", df, "执法人员上门检查，法人代表要到场吗") == 1.0
    assert answer._part_weight("法人", df, "执法人员上门检查要带什么证件") == answer.PART_WEIGHT


def test_parts_of_a_question_word_that_are_its_words_count_fully(monkeypatch: pytest.MonkeyPatch) -> None:
    # 带薪年假 is 带薪 + 年假: where one article says 带薪年假, another's 年假 still counts in full
    title = "某省职工休假办法"
    ps = [passage("第四条 职工享受带薪年假。", "第四条", title=title),
          passage("第六条 年假期间工资照发。", "第六条", title=title)]
    weights = {"带薪年假": 0.6, "带薪": 0.3, "年假": 0.3, "工资": 0.5, "照发": 0.4}

    def score_of_article_6() -> float:
        return next(c[0] for c in scored_clauses("带薪年假期间工资照发吗", ps, weights) if c[1] == 1)

    kept = score_of_article_6()
    monkeypatch.setattr(answer, "PART_WEIGHT", 1.0)
    assert score_of_article_6() == kept


def test_the_word_a_chinese_question_is_about_still_counts_when_most_candidates_share_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # 营业执照 is in most clauses, 年底 in one: a side word of the question must not outweigh what it is about
    title = "某市营业执照管理办法"
    ps = [passage("第十条 营业执照遗失的，可以申请补领营业执照，不收取费用。", "第十条", title=title),
          passage("第十一条 申请补领的，登记机关于每年年底集中核对。", "第十一条", title=title),
          passage("第十二条 营业执照应当置于住所的醒目位置。", "第十二条", title=title),
          passage("第十三条 营业执照分为正本和副本。", "第十三条", title=title)]
    weights = {"营业执照": 0.3, "补领": 0.3, "年底": 0.5}
    question = "年底盘点发现营业执照丢了，能补领吗"
    assert "可以申请补领营业执照" in lead_sentences(question, ps, weights)[0][1]
    assert "可以申请补领营业执照" in scored_clauses(question, ps, weights)[0][4]  # the hand-weighted score too
    monkeypatch.setattr(answer, "RARITY_POWER", 1.0)  # rarity at full strength: the side word wins the hand score
    assert "年底" in scored_clauses(question, ps, weights)[0][4]


@pytest.mark.parametrize(("text", "locator", "quoted"), [
    ("第七十五条 国家鼓励仓储企业建立补充保险。", "第七十五条", "国家鼓励仓储企业建立补充保险。"),
    ("第十二条之一　保管人应当定期盘点。", "第二章 第十二条之一", "保管人应当定期盘点。"),
    # another article's number is a cross-reference, not the label's: it stays
    ("第七条 规定的期限届满的，存货人应当提货。", "第十七条", "第七条 规定的期限届满的，存货人应当提货。"),
    ("第三十条", "第三十条", "第三十条"),  # nothing after the number: the quote is not emptied
    ("存货人应当按时提货。", "第三十条", "存货人应当按时提货。"),
    ("第四十七条规定，补偿按工作年限计算。", "第四十七条", "第四十七条规定，补偿按工作年限计算。"),  # a guide
    ("第四十七条 补偿按工作年限计算。", "问：第四十七条的补偿怎么算？", "第四十七条 补偿按工作年限计算。"),  # an FAQ
])
def test_a_quote_does_not_repeat_the_article_its_label_names(text: str, locator: str, quoted: str) -> None:
    assert without_own_number(text, locator) == quoted


def test_the_lead_and_the_supporting_quotes_name_the_article_once() -> None:
    passages = [passage("第七十五条 国家鼓励仓储企业为保管人员建立补充保险。", "第七十五条")]
    body, _ = extractive("仓储企业可以建立补充保险吗", passages, "zh")
    assert "第七十五条（2012-12-28）：“国家鼓励" in body  # the lead
    assert "第七十五条（2012-12-28）：国家鼓励" in body  # the supporting passage
    assert body.count("第七十五条") == 2


@pytest.mark.parametrize(("question", "consequence", "who", "method"), [
    ("What happens if we keep a worker without a written contract?", True, False, False),
    ("What penalty do we face for a late customs declaration?", True, False, False),
    ("What are the consequences of missing the annual report?", True, False, False),
    ("Which authority handles a complaint about unfair competition?", False, True, False),
    ("Who pays for the safety training of new workers?", False, True, False),
    ("How is the overtime premium calculated for a night shift?", False, False, True),
    ("Can we hire a part-time accountant?", False, False, False),
    # "who" in a relative clause and "determine" as "decide" ask for neither
    ("Can we let go of a cashier who refuses night shifts?", False, False, False),
    ("How do we determine whether a driver is our employee?", False, False, False),
    ("To whom does the supplier send the objection?", False, True, False),
    ("If the driver quits mid-route, who pays the toll?", False, True, False),  # "who" after a clause
    ("The lease ends — who repairs the roof?", False, True, False),
    ("How do we determine the compensation amount for a late delivery?", False, False, True),
])
def test_english_questions_ask_for_a_consequence_a_party_or_a_calculation(question: str, consequence: bool, who: bool,
                                                                          method: bool) -> None:
    cues = with_english_cues(question, ZhCues.of(question))
    assert (cues.consequence, cues.who, cues.method) == (consequence, who, method)


def test_a_question_on_how_long_a_right_lasts_is_led_by_its_term_not_by_a_time_limit_inside_it() -> None:
    renew = passage("第二十条 许可证有效期满需要延续的，应当在期满前六个月内提出申请。", "第二十条", title="某许可条例",
                    dense=0.6)
    term = passage("第十九条 许可证的有效期为五年，自颁发之日起计算。", "第十九条", title="某许可条例", dense=0.5)
    weights = {"许可证": 0.6, "有效": 0.5, "期限": 1.0}
    lead = lead_sentences("How long does a discharge licence remain valid?", [renew, term], weights)
    assert "有效期为五年" in lead[0][1]
    act = lead_sentences("How long before expiry do we have to apply to extend the licence?", [renew, term], weights)
    assert "六个月内" in act[0][1]


def test_a_term_asked_for_ranks_first_but_a_period_stated_otherwise_still_answers() -> None:
    kinds = quantity_kinds("How long does a plant variety right last, and how long is the licence valid?")
    assert "duration" in kinds and "period" in kinds
    assert states_quantity("育种者享受九十八天的宽限", kinds)  # a period, though not a term: still a quantity
    title = "某省种子管理办法"
    term = passage("第八条 品种权的有效期为十五年，自授权之日起计算。", "第八条", title=title)
    limit = passage("第九条 品种权有效期届满前六个月内，品种权人应当申请续展品种权。", "第九条", title=title)
    weights = {"品种权": 1.0, "有效期": 0.5, "许可": 0.4}
    lead = lead_sentences("How long is a plant variety right valid?", [limit, term], weights)
    assert "有效期为十五年" in lead[0][1]


def test_a_definition_question_is_led_by_the_definition_of_its_own_term() -> None:
    other = passage("第二条 本法所称的经营者，是指从事商品生产、经营或者提供服务的自然人、法人和非法人组织。"
                    "经营者不得实施混淆行为。", "第二条", title="某竞争法", dense=0.6)
    own = passage("第八条 经营者不得侵犯他人的技术秘密。经营者应当对其员工进行保密教育。"
                  "本法所称的技术秘密，是指不为公众所知悉的技术信息。", "第八条", title="某竞争法", dense=0.5)
    weights = {"技术秘密": 1.0, "经营者": 0.3}
    lead = lead_sentences("What counts as a technical secret under this law?", [other, own], weights)
    assert "所称的技术秘密，是指" in lead[0][1]
    assert defines_term("本法所称的技术秘密，是指不为公众所知悉的技术信息。", ["技术秘密"])
    assert not defines_term("本法所称的经营者，是指从事商品生产的自然人。", ["技术秘密"])
