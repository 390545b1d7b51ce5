"""The engine every channel calls: ``Assistant.handle(session_id, message) -> Reply``.

It knows nothing of Telegram or HTTP. Order: an open hand-off case silences it; commands from buttons;
an order form in progress; dissatisfaction; then the router (menu / order / hand-off / out of scope)
and finally the knowledge base, whose confidence decides between an answer and a hand-off.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from assistant.answer import extractive, with_notice
from assistant.conversations import Conversations
from assistant.guard import injected
from assistant.llm import LlmWriter
from assistant.menu import category_listing, menu
from assistant.moderation import ANSWER_WITHHELD, PLACEHOLDER, REFUSAL, SensitiveWords
from assistant.ports import Case, CaseBook, FaqAnswer, FaqMatcher, FormFlow, Hours
from assistant.reply import Citation, Reply, Suggestion
from assistant.router import Intent, classify, is_dissatisfied
from assistant.serial import SessionLocks
from assistant.services import match_services, service_card, service_detail, service_name, service_suggestions
from assistant.texts import t
from config import Settings
from knowledge.base import KnowledgeBase, Passage
from knowledge.catalogue import Catalogue, Service
from knowledge.tokens import is_english

log = logging.getLogger(__name__)

# Calibrated on eval/questions.jsonl over the 13 statutes + seed + shipped guides (see the issue notes).
# Keyword scores are in units of the index's largest IDF (KnowledgeBase.keyword_scale), so the same
# thresholds hold for a small knowledge base and a large one. Retrieval is trusted when the best keyword
# score or the best cosine similarity reaches these:
MIN_BM25 = 1.5
MIN_DENSE = 0.45
# Below them, a message still this close to the knowledge base is a legal question we cannot support
# (-> an adviser); anything further away is out of scope (-> polite refusal).
LEGAL_BM25 = 0.75
LEGAL_DENSE = 0.30
FOLLOW_UP = re.compile(r"^(那|那么|还有|另外|再问|这个|该服务|what about|and |then |how about)", re.I)
SERVICE_DETAIL = re.compile(r"(材料|流程|步骤|多久|时限|费用|收费|多少钱|怎么办|怎么申请|联系|部门|"
                            r"documents?|materials?|steps?|how long|fee|cost|contact|process)", re.I)


LANGS = ("zh", "en")
LANG_COMMAND = re.compile(r"^/lang(?:@\w+)?(?:\s+(\S+))?\s*$", re.I)
# kept in the session's state: the language the user chose (/lang), and whether the personal-data notice was given
CHOSEN_LANG = "chosen_lang"
NOTICE_GIVEN = "notice_given"


class InvalidMessage(ValueError):
    """A message the engine refuses, with a message fit for the user."""


class Assistant:
    def __init__(self, settings: Settings, kb: KnowledgeBase, conversations: Conversations, handoffs: CaseBook,
                 catalogue: Catalogue, hours: Hours, forms: FormFlow, llm: LlmWriter | None = None,
                 words: SensitiveWords | None = None, faq: FaqMatcher | None = None) -> None:
        self.settings = settings
        self.words = words  # sensitive-word filter on messages and answers (None: off)
        self.kb = kb
        self.conversations = conversations
        self.handoffs = handoffs
        self.catalogue = catalogue
        self.hours = hours
        self.forms = forms
        self.llm = llm
        self.faq = faq  # curated answers, consulted before retrieval (see _faq_answer)
        self.locks = SessionLocks(conversations.db)  # one message of a session at a time
        # at most this many messages handled at once: the rest wait their turn instead of thrashing the CPU
        self.slots = threading.BoundedSemaphore(settings.max_concurrent_messages)

    # ---- input -----------------------------------------------------------------------------------
    def check(self, message: object) -> str:
        if not isinstance(message, str):
            raise InvalidMessage("message must be text / 消息必须是文本")
        text = message.replace("\x00", "").strip()
        if not text:
            raise InvalidMessage("message is empty / 消息不能为空")
        if len(text) > self.settings.max_message_chars:
            raise InvalidMessage(
                f"message is {len(text)} characters, over the limit of {self.settings.max_message_chars} "
                f"/ 消息过长（{len(text)} 字），上限 {self.settings.max_message_chars} 字"
            )
        return text

    # ---- the one entry point ---------------------------------------------------------------------------
    def handle(self, session_id: str | None, message: object, lang: str | None = None, channel: str = "cli",
               external_id: str | None = None, *, hint: str | None = None, sticky: bool = False) -> Reply:
        """One message of a session (None: a new one, or the session of ``channel`` + ``external_id``).

        The reply's language: ``lang`` when given; else the one chosen with ``/lang``; else, with ``sticky``
        (a button press), the conversation's; else ``hint`` (e.g. the user's Telegram language); else the
        message's own. The first reply of a session carries the personal-data notice (``Reply.notice``).

        Two messages of one session never run together (``SessionLocks``): each reads the state the other
        wrote, so no update of the session's state is lost."""
        text = self.check(message)
        key = session_id or (f"{channel}:{external_id}" if external_id is not None else None)
        if key is None:  # a new session: nobody else can know it yet
            with self.slots:
                return self._handle(None, text, lang, channel, external_id, hint, sticky)
        with self.locks.hold(key), self.slots:
            return self._handle(session_id, text, lang, channel, external_id, hint, sticky)

    def _handle(self, session_id: str | None, text: str, lang: str | None, channel: str, external_id: str | None,
                hint: str | None, sticky: bool) -> Reply:
        sess = self.conversations.open(session_id, channel, external_id)
        state: dict[str, Any] = dict(sess.state or {})
        chosen = state.get(CHOSEN_LANG)
        if lang not in LANGS:
            lang = (chosen if chosen in LANGS else sess.lang if sticky and sess.lang in LANGS
                    else hint if hint in LANGS else "en" if is_english(text) else "zh")
        blocked = self.words.find(text) if self.words is not None else None
        self.conversations.add(sess.id, "user", PLACEHOLDER if blocked else text)
        choice = LANG_COMMAND.match(text)
        if blocked is not None and self.words is not None:  # refused politely, kept for review only
            self.words.record(sess.id, "input", blocked, text)
            reply = Reply(sess.id, REFUSAL[lang], "fallback")
        elif choice is not None:
            reply, lang = self._choose_lang(sess.id, (choice.group(1) or "").lower(), lang, state)
        else:
            reply = self._dispatch(sess.id, text, lang, state)
            self.forms.after(sess.id, lang, state, reply)  # the rating prompt once an order is completed
            withheld = self.words.find(reply.reply) if self.words is not None and reply.reply else None
            if withheld is not None and self.words is not None:
                self.words.record(sess.id, "answer", withheld, reply.reply)
                reply = Reply(sess.id, ANSWER_WITHHELD[lang], "fallback")
        reply.session_id, reply.lang = sess.id, lang
        if not state.get(NOTICE_GIVEN):
            reply.notice = t("privacy", lang)
            state[NOTICE_GIVEN] = True
        stored = None
        if reply.reply:
            stored = self.conversations.add(sess.id, "bot", reply.reply, reply.route,
                                            [asdict(c) for c in reply.citations])
        reply.message_id = stored.id if stored else None
        self.conversations.save_state(sess.id, state, lang)
        return reply

    def language(self, channel: str, external_id: str, fallback: str) -> str:
        """The language chosen with ``/lang`` in the session of ``channel`` + ``external_id``, else ``fallback``."""
        state = self.conversations.state_of(channel, external_id)
        chosen = state.get(CHOSEN_LANG) if state else None
        return str(chosen) if chosen in LANGS else fallback

    @staticmethod
    def _choose_lang(sid: str, choice: str, lang: str, state: dict[str, Any]) -> tuple[Reply, str]:
        """``/lang zh|en``: the session's language from now on (kept in its state)."""
        if choice not in LANGS:
            return Reply(sid, t("lang_usage", lang), "menu"), lang
        state[CHOSEN_LANG] = choice
        return Reply(sid, t("lang_set", choice), "menu"), choice

    def _dispatch(self, sid: str, text: str, lang: str, state: dict[str, Any]) -> Reply:
        case = self.handoffs.active(sid)
        if case is not None:
            ack = t("handoff_ack", lang, case=case.id) if self.handoffs.should_ack(case.id) else ""
            return Reply(sid, ack, "handoff", handoff=case.brief())
        if text.startswith("/"):
            command = self._command(sid, text, lang, state)
            if command is not None:
                return command
        if self.forms.active(state):
            return self.forms.step(sid, text, lang, state)
        if is_dissatisfied(text):
            state["unhappy"] = int(state.get("unhappy", 0)) + 1
            if state["unhappy"] >= 2:
                return self._handoff(sid, "dissatisfied", lang, state, [])
            return self._fallback(sid, lang, key="dissatisfied")
        state["unhappy"] = 0
        tracked = self.forms.intercept(sid, text, lang, state)  # "我的订单进度" / "my orders" / "取消订单 QF-…"
        if tracked is not None:
            return tracked
        intent = classify(text)
        return self._route(sid, text, lang, state, intent)

    def _route(self, sid: str, text: str, lang: str, state: dict[str, Any], intent: Intent) -> Reply:
        if intent.route == "menu":
            body, suggestions = menu(self.catalogue, lang)
            return Reply(sid, body, "menu", suggestions=suggestions)
        if intent.route == "fallback":
            return self._fallback(sid, lang)
        if intent.route == "handoff":
            passages = self.kb.search(text, k=self.settings.retrieval_top_k) if intent.reason == "high_risk" else []
            return self._handoff(sid, intent.reason or "user_request", lang, state, passages)
        if intent.route == "order":
            return self._order(sid, text, lang, state)
        return self._answer(sid, text, lang, state)

    # ---- routes ------------------------------------------------------------------------------------
    def _fallback(self, sid: str, lang: str, key: str = "fallback") -> Reply:
        _, suggestions = menu(self.catalogue, lang)
        return Reply(sid, t(key, lang), "fallback", suggestions=suggestions)

    def _handoff(self, sid: str, reason: str, lang: str, state: dict[str, Any], passages: list[Passage]) -> Reply:
        case = self.handoffs.open(sid, reason, lang, [asdict(p) for p in passages])
        state["unhappy"] = 0
        return Reply(sid, self.handoff_text(case, lang), "handoff", handoff=case.brief())

    def handoff_text(self, case: Case, lang: str, now: datetime | None = None) -> str:
        now = now or datetime.now(UTC)
        if self.hours.is_open(now):
            when = t("when_open", lang, hours=self.hours.spec, minutes=self.settings.handoff_response_minutes)
        else:
            nxt = self.hours.next_opening(now).strftime("%Y-%m-%d %H:%M")
            when = t("when_closed", lang, hours=self.hours.spec, next=nxt)
        why = t(f"why_{case.reason}", lang) if f"why_{case.reason}" in _WHY else ""
        return t("handoff", lang, why=why, case=case.id, when=when)

    def _order(self, sid: str, text: str, lang: str, state: dict[str, Any]) -> Reply:
        found = match_services(self.catalogue, text)
        if len(found) == 1:
            return self.forms.start(sid, found[0], lang, state)
        if not found:
            body, suggestions = menu(self.catalogue, lang)
            return Reply(sid, t("order_choose", lang) + "\n" + body, "order", suggestions=suggestions)
        lines = [t("order_choose", lang)] + [f"· {service_name(s, lang)}" for s in found]
        suggestions = [Suggestion(service_name(s, lang), f"/order {s.id}", "order") for s in found]
        return Reply(sid, "\n".join(lines), "order", suggestions=suggestions, data={"services": [s.id for s in found]})

    def _answer(self, sid: str, text: str, lang: str, state: dict[str, Any]) -> Reply:
        last_service = self.catalogue.get(str(state.get("last_service") or ""))
        if last_service is not None and SERVICE_DETAIL.search(text) and len(text) <= 30 and FOLLOW_UP.search(text):
            return Reply(sid, service_detail(last_service, lang), "answer",
                         suggestions=service_suggestions(last_service, lang), data={"services": [last_service.id]})
        faq = self._faq_answer(sid, text, lang)
        if faq is not None:
            return faq
        query = text
        if FOLLOW_UP.search(text) and len(text) <= 30 and state.get("last_query"):
            query = f"{state['last_query']} {text}"
        passages = self.kb.search(query, k=self.settings.retrieval_top_k)
        passages = [p for p in passages if not injected(p.text)]  # a passage giving orders is no source
        scale = self.kb.keyword_scale()
        if not self._confident(passages, scale):
            services = match_services(self.catalogue, text, limit=1)
            if services:
                return self._service_answer(sid, services[0], lang, state)
            if self._legal(passages, scale):
                return self._handoff(sid, "low_confidence", lang, state, passages)
            return self._fallback(sid, lang)
        state["last_query"] = query
        cards = [p for p in passages if p.kind == "service"]
        if cards:
            state["last_service"] = cards[0].source.removeprefix("catalogue:")
        citations = [Citation.from_passage(p) for p in passages]
        body = self.llm.write(text, citations, lang) if self.llm else None
        return Reply(sid, with_notice(body or extractive(citations, lang), citations, lang), "answer",
                     citations=citations, data={"writer": "llm" if body else "extractive"})

    def _service_answer(self, sid: str, svc: Service, lang: str, state: dict[str, Any]) -> Reply:
        state["last_service"] = svc.id
        return Reply(sid, service_card(svc, lang), "answer", suggestions=service_suggestions(svc, lang),
                     data={"services": [svc.id]})

    # ---- the FAQ hook: a curated answer takes precedence over retrieval when the question matches closely ----
    def _faq_answer(self, sid: str, text: str, lang: str) -> Reply | None:
        hit: FaqAnswer | None = self.faq.match(text) if self.faq is not None else None
        if hit is None:
            return None
        cite = Citation("常见问题", f"faq:{hit.id}", hit.question, hit.answer[:400], hit.score, kind="常见问题")
        return Reply(sid, with_notice(hit.answer, [cite], lang), "answer", citations=[cite],
                     data={"writer": "faq", "faq_id": hit.id})

    @staticmethod
    def _confident(passages: list[Passage], scale: float) -> bool:
        return bool(passages) and (max(p.bm25 for p in passages) >= MIN_BM25 * scale
                                   or max(p.dense for p in passages) >= MIN_DENSE)

    @staticmethod
    def _legal(passages: list[Passage], scale: float) -> bool:
        return bool(passages) and (max(p.bm25 for p in passages) >= LEGAL_BM25 * scale
                                   or max(p.dense for p in passages) >= LEGAL_DENSE)

    # ---- commands sent by buttons ------------------------------------------------------------------
    def _command(self, sid: str, text: str, lang: str, state: dict[str, Any]) -> Reply | None:
        name, _, arg = text[1:].partition(" ")
        name, arg = name.lower().split("@")[0], arg.strip()
        if name in ("menu", "start", "help"):
            return self._route(sid, text, lang, state, Intent("menu"))
        if name in ("human", "adviser", "人工"):
            return self._handoff(sid, "user_request", lang, state, [])
        if name in ("category", "scenario"):
            listing = category_listing(self.catalogue, arg, lang)
            if listing is not None:
                return Reply(sid, listing[0], "menu", suggestions=listing[1])
        ordered = self.forms.command(sid, name, arg, lang, state)  # /status /cancel /cancel_order /rate /edit …
        if ordered is not None:
            return ordered
        svc = self.catalogue.get(arg) if arg else None
        if name == "service" and svc is not None:
            return self._service_answer(sid, svc, lang, state)
        if name == "order" and svc is not None:
            return self.forms.start(sid, svc, lang, state)
        if name == "order":
            return self._order(sid, arg or text, lang, state)
        return None


_WHY = {f"why_{r}" for r in ("user_request", "high_risk", "low_confidence", "dissatisfied")}
