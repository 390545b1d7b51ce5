"""A question that names a law: names come from the titles (full, short, English), longest first."""

from __future__ import annotations

import numpy as np
import pytest

from knowledge.docrank import NAME_BOOST, build_view, name_boost
from knowledge.lawnames import LawNames, chinese_names, english_names

DOCS = [
    ("lc", "中华人民共和国劳动合同法", "Labour Contract Law of the PRC"),
    ("ll", "中华人民共和国劳动法", "Labour Law of the PRC"),
    ("pl", "中华人民共和国专利法", "Patent Law of the PRC"),
    ("pr", "中华人民共和国专利法实施细则", "Implementing Rules of the Patent Law"),
    ("wi", "工伤保险条例", "Regulations on Work-Related Injury Insurance"),
    ("tc", "中华人民共和国税收征收管理法", "Law of the PRC on the Administration of Tax Collection"),
    ("old", "中华人民共和国公司法", "Company Law of the PRC (2018)"),
    ("guide", "企业合规指引", None),
]


@pytest.fixture(scope="module")
def names() -> LawNames:
    return LawNames.build(DOCS)


@pytest.mark.parametrize(("question", "named"), [
    ("劳动合同法规定试用期最长多久", {"lc"}),
    ("按《中华人民共和国劳动法》加班怎么算", {"ll"}),
    ("《工伤保险条例》里停工留薪期怎么算", {"wi"}),
    ("专利法实施细则对申请日有什么规定", {"pr"}),  # the longer name, not also the Patent Law
    ("专利法和劳动法都管这个吗", {"pl", "ll"}),
    ("Under the Labour Contract Law, how long can probation be?", {"lc"}),
    ("What does the labor law say about overtime?", {"ll"}),  # American spelling
    ("Which article of the Company Law covers this?", {"old"}),  # "(2018)" is no part of the name
    ("the law on the administration of tax collection", {"tc"}),
    ("试用期最长多久", set()),
    ("我们有一个法律问题", set()),
    ("a patent lawyer", set()),  # "patent law" is not a word of "patent lawyer"
])
def test_a_question_names_the_laws_it_mentions(names: LawNames, question: str, named: set[str]) -> None:
    assert names.named(question) == named


def test_names_are_the_title_its_short_form_and_the_english_title_without_country_or_year() -> None:
    assert chinese_names("中华人民共和国劳动法") == ["中华人民共和国劳动法", "劳动法"]
    assert "labour contract law" in english_names("Labour Contract Law of the PRC")
    assert "labor contract law" in english_names("Labour Contract Law of the PRC")
    assert english_names("Company Law of the PRC (2018)") == ["company law"]
    assert chinese_names("法") == []  # too short to tell from an ordinary word


def test_every_chunk_of_a_named_document_gains_the_boost() -> None:
    view = build_view(["lc", "lc", "ll", "wi"], {d: (t, e) for d, t, e in DOCS})
    assert np.allclose(name_boost(view, "劳动合同法第十九条"), [NAME_BOOST, NAME_BOOST, 0, 0])
    assert not name_boost(view, "试用期最长多久").any()


LOOSE = [
    ("cp", "中华人民共和国消费者权益保护法", "Law of the PRC on the Protection of Consumer Rights and Interests"),
    ("ld", "中华人民共和国劳动争议调解仲裁法", "Law of the PRC on Mediation and Arbitration of Labour Disputes"),
    ("ar", "中华人民共和国仲裁法", "Arbitration Law of the PRC"),
    ("tm", "中华人民共和国商标法", "Trademark Law of the PRC"),
    ("tr", "中华人民共和国商标法实施条例", "Regulations for the Implementation of the Trademark Law"),
    ("pi", "中华人民共和国个人信息保护法", "Personal Information Protection Law of the PRC"),
    ("od", "中华人民共和国职业病防治法", "Law of the PRC on the Prevention and Control of Occupational Diseases"),
    ("lc", "中华人民共和国劳动合同法", "Labour Contract Law of the PRC"),
    ("wi", "工伤保险条例", "Regulations on Work-Related Injury Insurance"),
    ("lr", "中华人民共和国劳动合同法实施条例", "Regulations for the Implementation of the Labour Contract Law"),
    ("bl", "中华人民共和国招标投标法", "Bidding Law of the PRC"),
    ("ws", "中华人民共和国安全生产法", "Work Safety Law of the PRC"),
    ("al", "中华人民共和国行政诉讼法", "Administrative Litigation Law of the PRC"),
    ("pe", "中华人民共和国合伙企业法", "Partnership Enterprise Law of the PRC"),
    ("ei", "中华人民共和国环境影响评价法", "Environmental Impact Assessment Law of the PRC"),
    ("br", "中华人民共和国招标投标法实施条例", "Regulations for the Implementation of the Bidding Law"),
]


@pytest.fixture(scope="module")
def loose() -> LawNames:
    return LawNames.build(LOOSE)


@pytest.mark.parametrize(("question", "named"), [
    ("Does the Consumer Protection Law let buyers send goods back?", {"cp"}),
    ("Under the Labor Dispute Mediation and Arbitration Law, who pays the arbitrators?", {"ld"}),  # not also "ar"
    ("Is an award under the Arbitration Law final?", {"ar"}),
    ("What do the trademark law implementing regulations require for a renewal?", {"tr"}),  # not also "tm"
    ("Is our HR database covered by PIPL?", {"pi"}),
    ("What does the law on occupational disease prevention require of employers?", {"od"}),
    ("Do the work injury insurance regulations cover interns?", {"wi"}),
    ("Is this clause valid under contract law?", set()),  # general contract law is not the Labour Contract Law
    ("What does the law say about weekend work?", set()),
    ("Our company rules forbid smoking; can we fine smokers?", set()),
    # "implementing" names the regulation, whichever way round the name runs; a law's own provisions name the law
    ("Do the Implementing Regulations of the Bidding Law allow a second round of bids?", {"br"}),
    ("Which rules for the implementation of the bidding law cover bid bonds?", {"br"}),
    ("Is this allowed by the Labour Contract Law's implementing regulations?", {"lr"}),
    ("Under the provisions of the Labour Contract Law, can a probation be extended?", {"lc"}),
    ("Does the Bidding Law require public tenders for a warehouse?", {"bl"}),
    # "implement" in its everyday sense is no part of a name
    ("Since the implementation of the Labour Contract Law, can we still hire dispatch workers?", {"lc"}),
    ("How do we implement the Labour Contract Law in our staff handbook?", {"lc"}),
    ("What do the Labour Contract Law Implementation Regulations say about this?", {"lr"}),
    ("Under the Rules for Implementing the Bidding Law, who opens the bids?", {"br"}),
    # other translations of a title, short forms without a title's optional words, acronyms before "Law"
    ("What does the Production Safety Law say about night shifts in a foundry?", {"ws"}),
    ("Can we sue the county under the Administrative Procedure Law?", {"al"}),
    ("Does the Partnership Law let a partner leave early?", {"pe"}),
    ("Is a small workshop exempt under the EIA Law?", {"ei"}),
])
def test_a_law_named_loosely_in_english_is_still_named(loose: LawNames, question: str, named: set[str]) -> None:
    assert loose.named(question) == named


def _named_trying_every_name(law_names: LawNames, query: str) -> set[str]:
    """The names tried one by one, longest first (what the first-character filter must give)."""
    import re

    from knowledge.english_names import EnglishNames

    rest = " " + re.sub(r"\s+", " ", query.lower()) + " "
    latin = re.search(r"[a-z]", rest) is not None
    found, mentions = law_names.english.named(query) if latin and law_names.english else (set(), [])
    for name, ids in law_names.names:
        pattern = law_names._patterns.get(name)
        if pattern is not None:
            if latin and pattern.search(rest) and not EnglishNames.inside(name, mentions):
                found |= ids
                rest = pattern.sub(" ", rest)
        elif name in rest:
            found |= ids
            rest = rest.replace(name, " ")
    return found


@pytest.mark.parametrize("query", [
    "专利法实施细则和专利法对职务发明的规定一样吗", "劳动法跟劳动合同法冲突时听谁的", "工伤保险条例第十四条",
    "Does the Labour Contract Law or the Patent Law apply?", "税收征收管理法 滞纳金", "没有提到任何法律的问题",
])
def test_only_names_whose_first_character_the_question_holds_are_tried(names: LawNames, query: str) -> None:
    assert names.named(query) == _named_trying_every_name(names, query)
