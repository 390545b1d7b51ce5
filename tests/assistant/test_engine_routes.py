"""The conversation engine end to end: every route in Chinese and English, hand-off cases and the
silence while one is open, dissatisfaction, low confidence, follow-ups and the stored transcript.

Each test gets its own copy of a data dir holding the shipped guides, the service catalogue and the
Labour Contract Law (real SQLite, real Chroma, the bundled embedding model)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path

import pytest
from chat_support import LABOUR_TITLE, fresh_data_dir, open_runtime
from sqlalchemy import func, select

import assistant.answerability as answerability
from assistant.conversations import UnknownSession
from assistant.engine import InvalidMessage
from assistant.reply import Reply
from assistant.services import match_services
from assistant.texts import t
from composition import Runtime
from db.base import utcnow
from db.models_chat import ChatSession, Handoff
from handoffs import OfficeHours
from knowledge.termweights import query_terms

CATEGORIES = ["法律咨询", "服务代办", "业务指引", "协调监督"]
SCENARIOS = ["依法治企", "依法维权", "依法经营"]
CITE = re.compile(r"\[(\d+)\]")


@pytest.fixture
def rt(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, embeddings) -> Iterator[Runtime]:
    runtime = open_runtime(fresh_data_dir(tmp_path_factory, embeddings, tmp_path / "var"), embeddings)
    yield runtime
    runtime.close()


@pytest.fixture
def office_open(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(OfficeHours, "is_open", lambda self, now: True)


def ask(rt: Runtime, message: str, sid: str | None = None, lang: str | None = None) -> Reply:
    return rt.assistant.handle(sid, message, lang=lang)


def assert_cites_only_retrieved(rt: Runtime, query: str, reply: Reply) -> None:
    retrieved = rt.kb.search(query, k=rt.settings.retrieval_top_k)
    assert retrieved, "the question should retrieve something"
    scale, weights = rt.kb.keyword_scale(), rt.kb.term_weights(query_terms(query))
    shown = [(p.document_id, p.locator) for p in answerability.relevant(retrieved, scale)]  # above the floor
    cited = [(p.document_id, p.locator) for p in answerability.relevant(retrieved, scale, weights)]  # addressing it
    got = [(c.source, c.locator) for c in reply.citations]
    assert set(cited) <= set(got) and got == [k for k in shown if k in got]  # plus a lead sentence's own passage
    numbers = {int(n) for n in CITE.findall(reply.reply)}
    assert numbers, "the reply should carry numbered citations"
    assert numbers <= set(range(1, len(reply.citations) + 1))


def close_case(rt: Runtime, case_id: int) -> None:
    with rt.db.session() as s:
        h = s.get(Handoff, case_id)
        assert h is not None
        h.status, h.closed_at = "closed", utcnow()


def session_count(rt: Runtime) -> int:
    with rt.db.session() as s:
        return int(s.scalar(select(func.count()).select_from(ChatSession)) or 0)


# ------------------------------------------------------------------ answer


@pytest.mark.parametrize("question", ["试用期最长多久？", "经济补偿怎么计算？",
                                      "劳动合同期限三年的，试用期最长能约定多久？",
                                      "员工不签书面劳动合同，公司应该怎么做？"])
def test_a_chinese_legal_question_is_answered_from_retrieved_passages(rt: Runtime, question: str) -> None:
    reply = ask(rt, question)
    assert reply.route == "answer" and reply.lang == "zh"
    assert reply.handoff is None and rt.handoffs.active(reply.session_id) is None
    assert reply.data == {"writer": "extractive"}
    # the sentences that answer come first, quoted with their source; the passages follow
    assert re.match(r"\[\d\] 《", reply.reply) and f"\n{t('answer_intro', 'zh')}\n" in reply.reply
    assert reply.reply.endswith(t("notice", "zh"))
    assert "\n出处：\n" in reply.reply
    assert_cites_only_retrieved(rt, question, reply)
    for c in reply.citations:  # law name + article + effective date, for each source listed
        assert c.label() in reply.reply
    assert any(c.title == LABOUR_TITLE and c.effective == "2012-12-28" for c in reply.citations)


def test_the_probation_answer_quotes_article_19_with_its_date(rt: Runtime) -> None:
    reply = ask(rt, "试用期最长多久？")
    assert f"《{LABOUR_TITLE}》第十九条（2012-12-28）" in reply.reply
    assert "试用期不得超过六个月" in reply.reply


@pytest.mark.parametrize("question", ["How long can a probation period be?",
                                      "How is severance pay calculated when a labour contract ends?"])
def test_an_english_question_gets_an_english_answer(rt: Runtime, question: str) -> None:
    reply = ask(rt, question)
    assert reply.route == "answer" and reply.lang == "en"
    assert re.match(r"\[\d\] ", reply.reply) and t("answer_intro", "en") in reply.reply  # led by a cited passage
    assert reply.reply.endswith(t("notice", "en"))
    assert "\nSources:\n" in reply.reply
    for zh_only in (t("answer_intro", "zh"), t("notice", "zh"), "出处："):
        assert zh_only not in reply.reply
    assert_cites_only_retrieved(rt, question, reply)
    assert any(c.title == LABOUR_TITLE for c in reply.citations)
    assert "Labour Contract Law of the PRC, Article" in reply.reply


def test_the_lang_parameter_overrides_detection(rt: Runtime) -> None:
    en = ask(rt, "试用期最长多久？", lang="en")
    assert en.lang == "en" and t("answer_intro", "en") in en.reply and en.reply.endswith(t("notice", "en"))
    zh = ask(rt, "hello", lang="zh")
    assert zh.lang == "zh" and zh.route == "menu" and zh.reply.startswith("您好！我是企法通")


@pytest.mark.parametrize("wordless", ["91330726MA2D7XKQ1F", "13800001234", "2024-05-01", "👍", "MA2D-7XK"])
def test_a_message_with_no_words_keeps_the_conversations_language(rt: Runtime, wordless: str) -> None:
    first = rt.assistant.handle(None, "试用期最长多久？")
    assert first.lang == "zh"
    assert rt.assistant.handle(first.session_id, wordless).lang == "zh"  # a code or a number is no English
    english = rt.assistant.handle(None, "How long can a probation period be?")
    assert english.lang == "en"
    assert rt.assistant.handle(english.session_id, wordless).lang == "en"
    assert rt.assistant.handle(None, wordless).lang == "zh"  # alone in a new conversation: Chinese first
    assert rt.assistant.handle(first.session_id, "ok thanks").lang == "en"  # words still say their language


# ------------------------------------------------------------------ menu


@pytest.mark.parametrize("message", ["你好", "您好！", "有哪些服务", "你都会些什么？"])
def test_greetings_and_what_can_you_do_show_the_menu_in_chinese(rt: Runtime, message: str) -> None:
    reply = ask(rt, message)
    assert reply.route == "menu" and reply.lang == "zh" and not reply.citations
    labels = [s.label for s in reply.suggestions]
    assert labels == [*CATEGORIES, *SCENARIOS, "法治体检自测"]  # the self-check is on the menu too
    assert [s.message for s in reply.suggestions[:4]] == [f"/category {c}" for c in CATEGORIES]
    for word in CATEGORIES + SCENARIOS:
        assert word in reply.reply
    assert "合同审查" in reply.reply  # the services of each category are named


@pytest.mark.parametrize("message", ["hello there", "Hi there!", "What can you do?", "What services do you offer?"])
def test_greetings_and_what_can_you_do_show_the_menu_in_english(rt: Runtime, message: str) -> None:
    reply = ask(rt, message)
    assert reply.route == "menu" and reply.lang == "en"
    assert reply.reply.startswith("Hello! I am qifa")
    categories = [s for s in reply.suggestions if s.kind == "category"]
    assert [s.message for s in categories] == [f"/category {c}" for c in CATEGORIES]
    assert [s.label.split()[0] for s in categories] == CATEGORIES
    assert "Legal consultation" in reply.reply and "Contract review" in reply.reply


def test_a_category_button_lists_its_services(rt: Runtime) -> None:
    reply = ask(rt, "/category 法律咨询", lang="zh")
    assert reply.route == "menu"
    assert reply.reply.startswith("【法律咨询】")
    assert "/service contract-review" in [s.message for s in reply.suggestions]
    assert "合同审查" in reply.reply


# ------------------------------------------------------------------ order


@pytest.mark.parametrize(("message", "lang", "name"), [
    ("我想预约合同审查", "zh", "合同审查"),
    ("帮我们安排一次合同审查", "zh", "合同审查"),
    ("I would like to book a contract review", "en", "Contract review"),
])
def test_an_order_names_the_catalogue_service(rt: Runtime, message: str, lang: str, name: str) -> None:
    svc = rt.catalogue.get("contract-review")
    assert svc is not None and name in (svc.name, svc.name_en)
    reply = ask(rt, message)
    assert reply.route == "order" and reply.lang == lang
    assert name in reply.reply
    assert not reply.citations and reply.handoff is None


# ------------------------------------------------------------------ hand-off


def assert_handoff_text(reply: Reply, case_id: int, lang: str) -> None:
    text = reply.reply
    if lang == "zh":
        assert "已为您转接人工法律顾问" in text and f"工单号 {case_id}" in text and "请准备" in text
        assert "预计 30 分钟内回复" in text or "现在是非工作时间" in text
    else:
        assert "A human legal adviser will take over" in text and f"case {case_id}" in text
        assert "Please have ready" in text
        assert "expect a reply within 30 minutes" in text or "It is outside office hours" in text
    assert ("周一至周五 08:30-17:00" if lang == "zh" else "Mon-Fri 08:30-17:00") in text


@pytest.mark.parametrize(("message", "lang"), [
    ("转人工", "zh"), ("我要找你们的顾问聊聊", "zh"), ("别跟机器人聊了，给我安排个律师", "zh"),
    ("I want to talk to a human adviser", "en"), ("I want to speak with a lawyer please", "en"),
])
def test_asking_for_a_person_opens_a_case(rt: Runtime, message: str, lang: str) -> None:
    reply = ask(rt, message)
    case = rt.handoffs.active(reply.session_id)
    assert case is not None and case.reason == "user_request" and case.status == "open"
    assert reply.route == "handoff" and reply.lang == lang
    assert reply.handoff == {"id": case.id, "status": "open", "reason": "user_request"}
    assert not reply.citations
    assert_handoff_text(reply, case.id, lang)
    assert reply.reply.startswith(t("why_user_request", lang))


def test_the_human_button_opens_a_case(rt: Runtime) -> None:
    reply = ask(rt, "/human", lang="zh")
    case = rt.handoffs.active(reply.session_id)
    assert reply.route == "handoff" and case is not None and case.reason == "user_request"


@pytest.mark.parametrize(("message", "lang"), [
    ("我们和供应商的合同纠纷涉及800万，怎么办？", "zh"),
    ("帮我们评估一下跟经销商这场官司的胜算", "zh"),
    ("仓库昨晚起火，一名员工被烧死了，公司要怎么处理？", "zh"),
    ("Police took our finance manager away for questioning yesterday. What should the company do?", "en"),
    ("A customer is claiming 5 million yuan from us. What should we do?", "en"),
])
def test_high_risk_matters_go_to_an_adviser(rt: Runtime, message: str, lang: str) -> None:
    reply = ask(rt, message)
    case = rt.handoffs.active(reply.session_id)
    assert case is not None and case.reason == "high_risk"
    assert reply.route == "handoff" and reply.handoff == {"id": case.id, "status": "open", "reason": "high_risk"}
    assert not reply.citations, "a high-risk matter gets no automatic legal answer"
    assert reply.reply.startswith(t("why_high_risk", lang))
    assert_handoff_text(reply, case.id, lang)
    # the adviser gets the passages found for the question
    retrieved = rt.kb.search(message, k=rt.settings.retrieval_top_k)
    assert [p["chunk_id"] for p in case.passages] == [p.chunk_id for p in retrieved]


# an event is a case for an adviser: "danger" when the danger rule reads a life or a liberty at stake, else high risk
CASE_REASONS = ("danger", "high_risk")
EVENTS_AND_THREATS = [  # deaths, arrests, violence, threats, blockades and seizures, told (issue11R)
    "昨天下午厂里的货梯掉下来，砸死了一个搬运工，家属已经报警", "我们法人代表被监察委留置了，公司的公章和账户该谁管",
    "有个客户拿着汽油到我们店里说要同归于尽", "两百多名员工围在县政府门口讨说法，说是我们拖欠工资",
    "税务稽查局上门把财务电脑都搬走了，说我们虚开了上千万的发票", "对方带着一帮人把我们的仓库门锁了，货拉不出来",
    "我们被人举报走私冻品，海关缉私局已经把仓库封了", "员工在宿舍跟人打架，把对方打成了重伤，现在人在医院抢救",
    "工地脚手架倒塌，压住了三个工人，救护车刚到", "老板收到恐吓信，说要对他孩子下手",
    "the labour bureau says we owe 300 workers wages and they are marching to the town hall",
    "our safety officer was arrested after the explosion last week",
    "a customer's relatives are blocking our shop and say they will burn it down",
    "our boss was taken away by the economic crime police this afternoon",
    "a worker was crushed by a forklift and is in intensive care, his family is at the gate",
]


def test_an_event_that_puts_people_or_the_company_at_risk_reaches_an_adviser(rt: Runtime) -> None:
    """However the model weighs it against a legal question, a reported event (no question, or only "what now")
    never gets an automatic answer."""
    got = {m: ask(rt, m) for m in EVENTS_AND_THREATS}
    wrong = {m: r.route for m, r in got.items()
             if r.route != "handoff" or (rt.handoffs.active(r.session_id) or None) is None
             or rt.handoffs.active(r.session_id).reason not in CASE_REASONS}  # type: ignore[union-attr]
    assert not wrong


EVENTS_THEN_A_QUESTION = [  # an event happening or just happened, then a question about this case (issue11R2)
    "学徒工在车间里吞了一把药片，现在送去洗胃了，公司要负多大责任",
    "一个被裁的员工把自己锁在机房里说要轻生，我们能强行开门吗",
    "要债的人把我们出纳拉上车不让下来，说公司不还钱就不放人，这犯法吗",
    "昨晚工棚起火烧死了一个工人，老板今天会不会被带走",
    "我是公司股东，刚被经侦传唤，他们让我交出护照，我还能出差吗",
    "a welder fell into a tank this morning and died; how much compensation will his family get from us?",
    "someone phoned our reception saying he will shoot the manager tomorrow; may we close the office?",
    pytest.param("customs officers are questioning our director at the port right now; does he have to answer "
                 "without a lawyer?", marks=pytest.mark.xfail(strict=True, reason="read as a legal question (0.62): "
                                                              "issue11R2, open")),
]


@pytest.mark.parametrize("message", EVENTS_THEN_A_QUESTION)
def test_an_event_followed_by_a_question_reaches_an_adviser(rt: Runtime, message: str) -> None:
    """A question about this case ("公司要负多大责任", "may we close the office?") does not make a death, self-harm,
    a threat or a detention a question for the knowledge base. These phrasings were written after the examples;
    the one the model still reads as a legal question (officers questioning a director "right now", asked as a
    rule) is marked an expected failure, so its fix or any new miss shows (review12 §10)."""
    r = ask(rt, message)
    case = rt.handoffs.active(r.session_id)
    assert r.route == "handoff" and case is not None and case.reason in CASE_REASONS, r.route


def test_a_waiting_case_gets_a_short_notice_until_it_is_closed(rt: Runtime) -> None:
    first = ask(rt, "转人工")
    sid = first.session_id
    case = rt.handoffs.active(sid)
    assert case is not None

    waiting = ask(rt, "试用期最长多久？", sid)
    assert waiting.route == "handoff" and waiting.handoff == case.brief() and waiting.citations == []
    assert waiting.reply == t("handoff_wait", "zh", case=case.id)  # never empty
    assert [s.message for s in waiting.suggestions] == ["/bot"]
    stored = rt.conversations.messages(sid)
    assert [(m.role, m.text) for m in stored[-3:]] == [("bot", first.reply), ("user", "试用期最长多久？"),
                                                        ("bot", waiting.reply)]

    close_case(rt, case.id)
    assert rt.handoffs.active(sid) is None
    answered = ask(rt, "试用期最长多久？", sid)
    assert answered.route == "answer" and answered.citations and answered.handoff is None
    assert rt.conversations.messages(sid)[-1].route == "answer"


def test_a_waiting_user_is_acknowledged_again_after_a_few_minutes(rt: Runtime) -> None:
    sid = ask(rt, "转人工").session_id
    case = rt.handoffs.active(sid)
    assert case is not None
    with rt.db.session() as s:
        h = s.get(Handoff, case.id)
        assert h is not None
        h.last_ack_at = utcnow() - timedelta(minutes=10)
    ack = ask(rt, "还要等多久？", sid)
    assert ack.route == "handoff" and ack.reply.startswith(t("handoff_ack", "zh", case=case.id)) and not ack.citations
    assert "周一至周五 08:30-17:00" in ack.reply  # the full notice says when to expect the adviser
    assert rt.conversations.messages(sid)[-1].text == ack.reply
    assert ask(rt, "在吗？", sid).reply == t("handoff_wait", "zh", case=case.id)  # the short one straight after


@pytest.mark.parametrize(("first", "second", "lang"), [("不满意", "没用", "zh"), ("not helpful", "useless", "en")])
def test_dissatisfied_twice_in_a_row_goes_to_an_adviser(rt: Runtime, first: str, second: str, lang: str) -> None:
    one = ask(rt, first)
    assert one.route == "fallback" and one.reply == t("dissatisfied", lang)
    assert rt.handoffs.active(one.session_id) is None
    two = ask(rt, second, one.session_id)
    case = rt.handoffs.active(one.session_id)
    assert case is not None and case.reason == "dissatisfied"
    assert two.route == "handoff" and two.handoff == {"id": case.id, "status": "open", "reason": "dissatisfied"}
    assert two.reply.startswith(t("why_dissatisfied", lang))
    assert_handoff_text(two, case.id, lang)


def test_dissatisfaction_must_be_in_a_row(rt: Runtime) -> None:
    sid = ask(rt, "不满意").session_id
    assert ask(rt, "试用期最长多久？", sid).route == "answer"
    again = ask(rt, "没用", sid)
    assert again.route == "fallback" and again.reply == t("dissatisfied", "zh")
    assert rt.handoffs.active(sid) is None


@pytest.mark.parametrize("question", ["How is a maritime lien on a vessel exercised?", "船舶优先权如何行使？"])
def test_a_legal_question_the_knowledge_base_cannot_support_goes_to_an_adviser(
    rt: Runtime, question: str, monkeypatch, office_open: None
) -> None:
    retrieved = rt.kb.search(question, k=rt.settings.retrieval_top_k)
    assert retrieved and match_services(rt.catalogue, question, limit=1) == []
    scale = rt.kb.keyword_scale()
    top_bm25, top_dense = max(p.bm25 for p in retrieved) / scale, max(p.dense for p in retrieved)
    assert top_bm25 < answerability.MIN_BM25 and top_dense < answerability.MIN_DENSE  # not trusted
    # where it lies between "legal" and "out of scope" depends on the fixture corpus: pin it to "legal"
    monkeypatch.setattr(answerability, "LEGAL_BM25", 0.0)
    reply = ask(rt, question)
    case = rt.handoffs.active(reply.session_id)
    assert case is not None and case.reason == "low_confidence"
    assert reply.route == "handoff" and not reply.citations
    assert reply.reply.startswith(t("why_low_confidence", reply.lang))
    assert [p["chunk_id"] for p in case.passages] == [p.chunk_id for p in retrieved]


@pytest.mark.parametrize("question", ["海关进口关税税率怎么确定？", "离婚后孩子抚养权归谁？"])
def test_a_question_far_from_the_knowledge_base_gets_no_invented_answer(rt: Runtime, question: str) -> None:
    reply = ask(rt, question)
    assert reply.route in ("handoff", "fallback")
    assert not reply.citations


def test_a_message_unlike_anything_in_the_knowledge_base_is_refused(rt: Runtime, monkeypatch) -> None:
    monkeypatch.setattr(answerability, "LEGAL_BM25", 1e9)
    monkeypatch.setattr(answerability, "LEGAL_DENSE", 2.0)
    reply = ask(rt, "船舶优先权如何行使？")
    assert reply.route == "fallback" and reply.reply == t("fallback", "zh")
    assert rt.handoffs.active(reply.session_id) is None


def test_raised_thresholds_turn_an_answer_into_a_low_confidence_handoff(rt: Runtime, monkeypatch,
                                                                      office_open: None) -> None:
    question = "用人单位违反规定约定试用期要承担什么责任？"
    assert match_services(rt.catalogue, question, limit=1) == []
    assert ask(rt, question).route == "answer"
    monkeypatch.setattr(answerability, "MIN_BM25", 1e9)
    monkeypatch.setattr(answerability, "MIN_DENSE", 2.0)
    reply = ask(rt, question)
    assert reply.route == "handoff" and reply.handoff is not None and reply.handoff["reason"] == "low_confidence"
    assert not reply.citations


# ------------------------------------------------------------------ fallback


@pytest.mark.parametrize(("message", "lang"), [
    ("今天天气怎么样？", "zh"), ("写一首关于春天的诗", "zh"), ("讲个笑话吧", "zh"),
    ("What's the weather like today?", "en"), ("Write me a poem about the sea", "en"),
    ("Any good films this weekend?", "en"),  # plural: once routed to the knowledge base and handed off
])
def test_out_of_scope_messages_get_a_polite_refusal_with_the_menu(rt: Runtime, message: str, lang: str) -> None:
    reply = ask(rt, message)
    assert reply.route == "fallback" and reply.lang == lang
    assert reply.reply == t("fallback", lang)
    assert not reply.citations and reply.handoff is None and rt.handoffs.active(reply.session_id) is None
    assert [s.message for s in reply.suggestions if s.kind == "category"] == [f"/category {c}" for c in CATEGORIES]


# ------------------------------------------------------------------ follow-ups


@pytest.mark.parametrize(("opening", "service_id"), [
    ("/service contract-review", "contract-review"),
    ("合同审查服务是什么", "contract-review"),
    ("/service notarisation-agency", "notarisation-agency"),
])
def test_a_follow_up_asks_for_the_materials_of_the_service_just_discussed(rt: Runtime, opening: str,
                                                                          service_id: str) -> None:
    svc = rt.catalogue.get(service_id)
    other = rt.catalogue.get("notarisation-agency" if service_id == "contract-review" else "contract-review")
    assert svc is not None and other is not None
    sid = ask(rt, opening).session_id
    reply = ask(rt, "那需要什么材料？", sid)
    assert reply.route == "answer" and reply.data.get("services") == [service_id]
    assert svc.name in reply.reply and "所需材料" in reply.reply
    for material in svc.materials:
        assert material in reply.reply
    assert not any(m in reply.reply for m in other.materials if m not in svc.materials)


def test_the_same_follow_up_in_a_new_session_is_not_about_that_service(rt: Runtime) -> None:
    svc = rt.catalogue.get("contract-review")
    assert svc is not None
    reply = ask(rt, "那需要什么材料？")
    assert reply.data.get("services") != [svc.id]
    assert not all(m in reply.reply for m in svc.materials)


def test_an_english_follow_up_gets_the_materials_in_english_framing(rt: Runtime) -> None:
    svc = rt.catalogue.get("contract-review")
    assert svc is not None
    sid = ask(rt, "/service contract-review").session_id
    reply = ask(rt, "And the documents?", sid)
    assert reply.route == "answer" and reply.lang == "en"
    assert "Materials: " in reply.reply and "Contract review" in reply.reply and "(in Chinese)" not in reply.reply
    for material in svc.materials_en or ():
        assert material in reply.reply


def test_a_follow_up_question_is_searched_together_with_the_previous_one(rt: Runtime) -> None:
    sid = ask(rt, "试用期最长多久？").session_id
    follow = "那违反了怎么办？"
    reply = ask(rt, follow, sid)
    assert reply.route == "answer"
    combined = rt.kb.search(f"试用期最长多久？ {follow}", k=rt.settings.retrieval_top_k)
    alone = rt.kb.search(follow, k=rt.settings.retrieval_top_k)
    cited = [c.locator for c in reply.citations]  # the passages of the search that address the question are cited
    assert cited and cited[0] == combined[0].locator and set(cited) <= {p.locator for p in combined}
    assert cited != [p.locator for p in alone] and not set(cited) <= {p.locator for p in alone}
    assert all("试用期" in c.snippet for c in reply.citations[:2])


# ------------------------------------------------------------------ the stored transcript


def test_every_message_is_stored_in_order_with_role_route_and_citations(rt: Runtime) -> None:
    turns = ["你好", "试用期最长多久？", "今天天气怎么样", "我想预约合同审查"]
    replies: list[Reply] = []
    sid: str | None = None
    for text in turns:
        replies.append(ask(rt, text, sid))
        sid = replies[-1].session_id
    assert sid is not None
    stored = rt.conversations.messages(sid)
    assert [(m.role, m.text, m.route) for m in stored] == [
        x for text, r in zip(turns, replies, strict=True) for x in (("user", text, None), ("bot", r.reply, r.route))
    ]
    assert [m.route for m in stored if m.role == "bot"] == ["menu", "answer", "fallback", "order"]
    assert [m.id for m in stored] == sorted(m.id for m in stored)
    assert all(a.created_at <= b.created_at for a, b in itertools.pairwise(stored))
    answer = stored[3]
    assert answer.citations == [asdict(c) for c in replies[1].citations] and answer.citations
    assert replies[1].message_id == answer.id
    assert all(m.citations == [] for m in stored if m.id != answer.id)


def test_a_session_continues_across_runtimes_over_the_same_data_dir(rt: Runtime, embeddings) -> None:
    sid = ask(rt, "/service contract-review", lang="zh").session_id
    rt.close()
    again = open_runtime(rt.settings.data_dir, embeddings)
    try:
        reply = again.assistant.handle(sid, "那需要什么材料？")
        assert reply.data.get("services") == ["contract-review"]
        assert len(again.conversations.messages(sid)) == 4
    finally:
        again.close()


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize("message", ["", "   \n\t", "\x00", "a" * 2001, "合" * 2001, 42, None, ["试用期"]])
def test_bad_messages_are_refused_before_anything_is_stored(rt: Runtime, message: object) -> None:
    with pytest.raises(InvalidMessage):
        rt.assistant.handle(None, message)
    assert session_count(rt) == 0


def test_a_message_of_exactly_the_limit_is_accepted(rt: Runtime) -> None:
    reply = ask(rt, "合同" * 1000)
    assert len("合同" * 1000) == rt.settings.max_message_chars
    assert reply.route in ("answer", "handoff", "fallback") and reply.session_id


def test_an_unknown_session_is_refused(rt: Runtime) -> None:
    with pytest.raises(UnknownSession):
        ask(rt, "你好", "no-such-session")
    assert session_count(rt) == 0
