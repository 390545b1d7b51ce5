"""Words that frame a message (a form of address, a wish to learn) are not its matter: 领导您好，… is answered as the
question that follows, 了解一下…的流程 is answered from the law instead of "no service named 了解 …", and a message that
names the boss as its matter (老板跑路了) keeps him. On the deployed knowledge (guides, catalogue, statutes pack)."""

from __future__ import annotations

import pytest

from assistant.framing import without_address, without_wish_to_learn
from composition import Runtime


@pytest.mark.parametrize(("message", "matter"), [
    ("领导您好，员工试用期能签几个月", "员工试用期能签几个月"),
    ("老师，请问竞业限制最长几年", "请问竞业限制最长几年"),
    ("亲～公司能不能不交公积金", "公司能不能不交公积金"),
    ("你好，律师，合同没盖章有效吗", "合同没盖章有效吗"),
    ("我想了解一下劳务派遣的规定", "劳务派遣的规定"),
    ("请教一下，公司减资要公告吗", "公司减资要公告吗"),
    ("想知道商标续展要多久", "商标续展要多久"),
])
def test_the_framing_words_are_left_out(message: str, matter: str) -> None:
    assert without_wish_to_learn(without_address(message)) == matter


@pytest.mark.parametrize("message", [
    "老板跑路了，工资找谁要", "领导", "老师好", "我想了解一下", "问了好几遍都没回答", "员工有权了解公司的经营情况吗",
    "律师费谁来承担", "亲属能代签劳动合同吗"])
def test_a_matter_that_names_them_is_kept(message: str) -> None:
    assert without_wish_to_learn(without_address(message)) == message


@pytest.mark.parametrize("matter", ["员工试用期最长能约定多久", "被税务局罚款了，能申请复议吗"])
def test_an_address_does_not_change_the_answer(pack_rt: Runtime, matter: str) -> None:
    plain = pack_rt.assistant.handle(None, matter, lang=None)
    addressed = pack_rt.assistant.handle(None, f"领导您好，{matter}", lang=None)
    assert addressed.route == plain.route == "answer"
    assert [(c.title, c.locator) for c in addressed.citations] == [(c.title, c.locator) for c in plain.citations]
    stored = pack_rt.conversations.messages(addressed.session_id)
    assert stored[0].text == f"领导您好，{matter}"  # the user's words are kept as they were sent


@pytest.mark.parametrize(("message", "law"), [("了解一下申请劳动仲裁的流程", "劳动"),
                                              ("想了解下外资企业准入的负面清单", "外商投资")])
def test_a_wish_to_learn_is_answered_from_the_law(pack_rt: Runtime, message: str, law: str) -> None:
    reply = pack_rt.assistant.handle(None, message, lang=None)
    assert reply.route == "answer" and "form" not in reply.data, (reply.route, reply.reply[:200])
    assert reply.citations and law in reply.citations[0].title, [c.title for c in reply.citations]
    assert "了解" not in reply.reply.split("\n")[0] or "没有" not in reply.reply.split("\n")[0]
