"""English data-protection questions reach the Personal Information Protection Law's own words (talk21, issue #11):
"DPO", "data protection officer", "privacy officer" are its 个人信息保护负责人 (word to word: "officer" alone is a
law-enforcement officer, 执法人员, which sent "do we need a data protection officer?" to the inspectors' articles and
"data" to the Data Security Law); "data protection" is 个人信息保护, "customer data" / "user data" 个人信息, "users"
用户. With the law indexed, "Our app has 2 million users in China, do we need a DPO?" is answered from its article on
the person in charge, not handed to an adviser for want of a match; a count of users is no sum. Fixture statutes and
phrasings are this file's own; Chinese first, English second."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import indexed_statutes

from assistant.amounts import large_amount
from composition import Runtime
from knowledge.expansion import expand_query

PIPL = "中华人民共和国个人信息保护法"
PIPL_ARTICLES = {
    "第五章 个人信息处理者的义务": [
        "个人信息处理者应当根据个人信息的处理目的、处理方式、个人信息的种类以及对个人权益的影响、可能存在的安全风险等，"
        "采取措施确保个人信息处理活动符合法律、行政法规的规定，并防止未经授权的访问以及个人信息泄露、篡改、丢失。",
        "处理个人信息达到国家网信部门规定数量的个人信息处理者应当指定个人信息保护负责人，负责对个人信息处理活动以及"
        "采取的保护措施等进行监督。个人信息处理者应当公开个人信息保护负责人的联系方式。",
        "提供重要互联网平台服务、用户数量巨大、业务类型复杂的个人信息处理者，应当按照国家规定建立健全个人信息保护"
        "合规制度体系。",
    ],
}
DSL = "中华人民共和国数据安全法"
DSL_ARTICLES = {
    "第四章 数据安全保护义务": [
        "开展数据处理活动应当依照法律、法规的规定，建立健全全流程数据安全管理制度，组织开展数据安全教育培训。",
        "重要数据的处理者应当按照规定对其数据处理活动定期开展风险评估，并向有关主管部门报送风险评估报告。",
    ],
}
PENALTY = "中华人民共和国行政处罚法"
PENALTY_ARTICLES = {
    "第五章 行政处罚的决定": [
        "行政处罚应当由具有行政执法资格的执法人员实施。执法人员不得少于两人，法律另有规定的除外。",
        "执法人员与案件有直接利害关系或者有其他关系可能影响公正执法的，应当回避。",
    ],
}


@pytest.mark.parametrize("question", [
    "Do we need a DPO?", "Must we appoint a data protection officer?", "Who can be our privacy officer?",
    "Do small firms need data protection officers?",
])
def test_the_role_reaches_the_statutes_word_and_not_an_enforcement_officer(question: str) -> None:
    added = expand_query(question).removeprefix(question)
    assert "个人信息保护负责人" in added and "执法人员" not in added


@pytest.mark.parametrize(("question", "term"), [
    ("What does China's data protection law require?", "个人信息保护法"),
    ("Can we share customer data with our parent company?", "个人信息"),
    ("How long may we keep user data after an account is closed?", "个人信息"),
    ("Our platform has many users; what extra duties apply?", "用户"),
])
def test_data_protection_words_reach_the_statutes_words(question: str, term: str) -> None:
    assert term in expand_query(question).removeprefix(question)


def test_a_count_of_users_is_no_sum() -> None:
    for question in ("Our app has 2 million users in China, do we need a DPO?",
                     "我们App有两百万用户，需要设个人信息保护负责人吗"):
        assert not large_amount(question), question


@pytest.fixture(scope="module")
def laws(tmp_path_factory: pytest.TempPathFactory, embeddings: Any) -> Iterator[Runtime]:
    with indexed_statutes(Path(tmp_path_factory.mktemp("pipl21")), embeddings,
                          ("个人信息保护法.md", PIPL, PIPL_ARTICLES), ("数据安全法.md", DSL, DSL_ARTICLES),
                          ("行政处罚法.md", PENALTY, PENALTY_ARTICLES)) as rt:
        yield rt


@pytest.mark.parametrize(("lang", "question"), [
    ("zh", "我们App在国内有两百万用户，需要设个人信息保护负责人吗？"),
    ("en", "Our app has 2 million users in China, do we need a DPO?"),
    ("en", "Do we have to appoint a data protection officer if we hold data on 3 million users?"),
    ("en", "Our platform has 10 million registered users. Is a privacy officer required by law?"),
])
def test_a_question_on_the_person_in_charge_is_answered_from_its_article(laws: Runtime, lang: str,
                                                                         question: str) -> None:
    reply = laws.assistant.handle(None, question, lang=lang)
    assert reply.route == "answer", reply.reply[:160]
    assert (reply.citations[0].title, reply.citations[0].locator) == (PIPL, "第二条"), reply.citations[:2]
    assert laws.handoffs.active(reply.session_id) is None
