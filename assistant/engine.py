"""The engine every channel calls: ``Assistant.handle(session_id, message) -> Reply``.

It knows nothing of Telegram or HTTP. Who answers a message is decided in ``_dispatch``, in this order: a
waiting hand-off case (``assistant.paused``: the message is the case's, or withdraws it, or drops a booking the
case paused); the first message after a case that paused a form or a self-check was closed (the paused question
again); danger words (a case, even in the middle of a form or a self-check, which wait); 转人工 / "talk to a human"
(likewise: never a field's value or a self-check's answer); 返回机器人 with no case;
the self-check; compliance alerts; commands from buttons (an unknown one is named as such); an order form in
progress (a legal question in it is answered, then the form goes on); order tracking; a detail of the last service
asked alone ("多久能办好"); small talk (thanks, bye, ok, a bare "no": a short reply, ``assistant.smalltalk``); a
question about what we offer, from its own definition (``_about_us``: the self-check's time, fee or scope; one service's
fee, time, materials, provider or way to apply, from its card; the services for a kind of enterprise); then
the router (precise rules, then the intent model) and, for
questions, the knowledge base, whose answerability decides between an answer, "not covered" and a hand-off. When
the intent model is unsure, the assistant answers only if the knowledge base clearly can, else asks.
"""

from __future__ import annotations

import logging
import re
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

import numpy as np

from assistant.answer import extractive, with_notice
from assistant.answerability import answerable, relevant
from assistant.complaints import a_complaint
from assistant.conversations import Conversations, TurnSession, reply_parts
from assistant.framing import without_address, without_wish_to_learn
from assistant.guard import PassageChecks
from assistant.intents import IntentModel
from assistant.llm import LlmWriter
from assistant.menu import category_listing, menu
from assistant.moderation import ANSWER_WITHHELD, PLACEHOLDER, REFUSAL, Blocked, SensitiveWords
from assistant.our_hours import asks_our_hours
from assistant.paused import Paused, back_button
from assistant.ports import AlertBook, Case, CaseBook, FaqAnswer, FaqMatcher, FormFlow, Hours, PassageLinks
from assistant.reply import Citation, Reply, Suggestion
from assistant.router import Intent, Router, asks_a_question, asks_to_learn, in_danger, leaves_handoff
from assistant.selfcheck import SelfCheck
from assistant.serial import FairSlots, SessionLocks
from assistant.service_listing import services_for
from assistant.service_questions import card_citation, lead_sentence, service_question
from assistant.services import match_services, service_card, service_detail, service_name, service_suggestions
from assistant.smalltalk import small_talk
from assistant.subscribing import alerts_reply
from assistant.texts import t
from checkups import Checkups
from config import Settings
from knowledge.base import KnowledgeBase, Passage
from knowledge.catalogue import Catalogue, Service
from knowledge.termweights import query_terms
from knowledge.tokens import is_english

log = logging.getLogger(__name__)

FOLLOW_UP = re.compile(r"^(那|那么|还有|另外|再问|这个|该服务|what about|and |then |how about)", re.I)
SERVICE_DETAIL = re.compile(r"(材料|流程|步骤|多久|时限|费用|收费|多少钱|怎么办|怎么申请|联系|部门|"
                            r"documents?|materials?|steps?|how long|fee|cost|contact|process)", re.I)
# what a follow-up on the last service may hold beside its detail words ("多久能办好", "how long will it take"): a
# message left with nothing else names its own subject ("试用期最长多久" does) and is a question of its own
_DETAIL_FILLER = re.compile(r"(需要|准备|提供|带|要|能|可以|大概|一般|请问|这个|这项|该|服务|办好|办完|办下来|"
                            r"办理|得|的|吗|呢|啊|吧|呀|多少|什么|哪些|怎么|怎样|我们|咱们|\b(do|does|did|it|its|the|this|that|how|what|"
                            r"which|is|are|will|would|take|need|needed|we|i|you|much|many|and|of|for|to|be|get|"
                            r"done|there|any|please)\b|[\s\W_])", re.I)


LANGS = ("zh", "en")
LANG_COMMAND = re.compile(r"^/lang(?:@\w+)?(?:\s+(\S+))?\s*$", re.I)
COMMAND = re.compile(r"^/\w+")  # a button press or a typed command: its words say nothing of the user's language
# a word of either language: a Chinese character, or two or more letters not glued to digits (a credit code is none,
# nor an order number QF-20260101-0001)
_WORD = re.compile(r"[\u4e00-\u9fff]|(?<![A-Za-z0-9])[A-Za-z]{2,}(?![A-Za-z0-9]|-\d)")
_MARKUP = re.compile(r"<(script|style)\b.*?(</\1\s*>|$)|<\s*/?\s*[a-z][^<>]*>", re.I | re.S)  # HTML pasted in
# kept in the session's state: the language the user chose (/lang), and whether the personal-data notice was given
CHOSEN_LANG = "chosen_lang"
NOTICE_GIVEN = "notice_given"


class InvalidMessage(ValueError):
    """A message the engine refuses, with a message fit for the user."""


class Assistant:
    def __init__(self, settings: Settings, kb: KnowledgeBase, conversations: Conversations, handoffs: CaseBook,
                 catalogue: Catalogue, hours: Hours, forms: FormFlow, llm: LlmWriter | None = None,
                 words: SensitiveWords | None = None, faq: FaqMatcher | None = None,
                 links: PassageLinks | None = None, checkups: Checkups | None = None,
                 alerts: AlertBook | None = None) -> None:
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
        self.links = links  # questions curators linked to documents: their passage comes first (see _search)
        # the legal health self-check (assistant/selfcheck.py); None only in tests that build the engine bare
        self.selfcheck = SelfCheck(checkups, self._handoff, alerts) if checkups is not None else None
        self.alerts = alerts  # compliance-alert subscriptions (assistant/subscribing.py)
        self.router = Router(IntentModel.shared(kb.embeddings, settings.data_dir))
        # a hand-off case over a form or a self-check: the turn while a case waits, and the way back
        self.paused = Paused(forms, self.selfcheck, handoffs, self.router, catalogue, self._handoff, self._when)
        self.locks = SessionLocks(conversations.db)  # one message of a session at a time
        # at most this many messages handled at once: the rest wait their turn (first come, first served) instead of
        # thrashing the CPU
        self.slots = FairSlots(settings.max_concurrent_messages)
        self.passage_checks = PassageChecks()  # passages giving orders, checked once per chunk

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
        (a button press), the conversation's; else ``hint`` (e.g. the user's Telegram language); else, for a
        command (``/checkup_alerts 3``), the conversation's, or Chinese in a new one; else the message's own.
        The first reply of a session carries the personal-data notice (``Reply.notice``).

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
        blocked = self.words.find(text) if self.words is not None else None
        # the session and the user's message, in one transaction (a new session's: with the reply, at the end)
        sess = self.conversations.begin_turn(session_id, channel, external_id, "user", PLACEHOLDER if blocked else text)
        try:
            return self._turn(sess, text, lang, hint, sticky, blocked)
        except BaseException:
            self.conversations.settle()  # a failed turn keeps the session and the user's message, as it began
            raise

    def _turn(self, sess: TurnSession, text: str, lang: str | None, hint: str | None, sticky: bool,
              blocked: Blocked | None) -> Reply:
        state = sess.state
        chosen = state.get(CHOSEN_LANG)
        if lang not in LANGS:  # a command keeps the conversation's language; alone in a new one, Chinese first
            command = COMMAND.match(text) is not None
            said = _MARKUP.sub(" ", text)  # a script's or a tag's words are code, not the user's language
            wordless = command or not _WORD.search(said)  # a command, a code, a number: no language of its own
            filling = self.forms.language(state)  # a value for the form's field (a name, a company, an e-mail) is
            if filling not in LANGS or not self.forms.takes_value(text, state):  # no word of the user's language:
                filling = None  # the form's goes on; a question aside or a request to the form speaks for itself
            lang = (chosen if chosen in LANGS else filling if filling else sess.lang if sticky and sess.lang in LANGS
                    else hint if hint in LANGS else sess.lang if wordless and sess.lang in LANGS
                    else "zh" if wordless or not is_english(said) else "en")
        choice = LANG_COMMAND.match(text)
        if blocked is not None and self.words is not None:  # refused politely, kept for review only
            self.words.record(sess.id, "input", blocked, text)
            reply = Reply(sess.id, REFUSAL[lang], "fallback")
        elif choice is not None:
            reply, lang = self._choose_lang(sess.id, (choice.group(1) or "").lower(), lang, state)
        else:
            reply = self._dispatch(sess.id, text, lang, state, sess.fresh)
            if self.selfcheck is not None:
                self.selfcheck.after(reply, lang, state)  # "self-check paused"; booking the on-site check: it first
            if not sess.fresh:  # the rating prompt once an order is completed (a new conversation has no order yet)
                self.forms.after(sess.id, lang, state, reply)
            withheld = self.words.find(reply.reply) if self.words is not None and reply.reply else None
            if withheld is not None and self.words is not None:
                self.words.record(sess.id, "answer", withheld, reply.reply)
                reply = Reply(sess.id, ANSWER_WITHHELD[lang], "fallback")
        reply.session_id, reply.lang = sess.id, lang
        if not state.get(NOTICE_GIVEN):
            reply.notice = t("privacy", lang)
            state[NOTICE_GIVEN] = True
        stored = self.conversations.close_turn(sess.id, state, lang, reply.reply, reply.route,
                                               [c.as_dict() for c in reply.citations],
                                               reply_parts([s.as_dict() for s in reply.suggestions], reply.data, lang))
        reply.message_id = stored.id if stored else None
        return reply

    def language(self, channel: str, external_id: str, fallback: str) -> str:
        """The language chosen with ``/lang`` in the session of ``channel`` + ``external_id``, else ``fallback``."""
        state = self.conversations.state_of(channel, external_id)
        chosen = state.get(CHOSEN_LANG) if state else None
        return str(chosen) if chosen in LANGS else fallback

    def _choose_lang(self, sid: str, choice: str, lang: str, state: dict[str, Any]) -> tuple[Reply, str]:
        """``/lang zh|en``: the session's language from now on (kept in its state); a form or a self-check in
        progress goes on in it and asks its question again."""
        if choice not in LANGS:
            return Reply(sid, t("lang_usage", lang), "menu"), lang
        state[CHOSEN_LANG] = choice
        again = self.paused.relabel(sid, state, choice)
        return (again if again is not None else Reply(sid, t("lang_set", choice), "menu")), choice

    def _dispatch(self, sid: str, text: str, lang: str, state: dict[str, Any], fresh: bool = False) -> Reply:
        """Who answers, in the order of the module's docstring. ``fresh``: the session was created by this
        message, so no hand-off case of it can wait."""
        case = None if fresh else self.handoffs.active(sid)
        if case is not None:
            return self.paused.waiting(sid, case, text, lang, state)
        closed = self.paused.after_close(sid, text, state)
        if closed is not None:
            return closed
        text = without_address(text)  # 领导您好，… / 老师，请问…: said to us, not about the matter
        if not text.startswith("/") and in_danger(text):  # a life or a liberty at stake: an adviser
            return self.paused.danger(sid, text, lang, state, self._search(text, None))
        sent = self.selfcheck.send_report(sid, text, lang, state) if self.selfcheck is not None else None
        if sent is not None:  # "把报告发给顾问": the report goes with the case, like its button
            return sent
        if self.paused.person_asked(text, state):  # 转人工 typed in a form or a self-check: no value, no answer
            return self._handoff(sid, "user_request", lang, state, [])
        if leaves_handoff(text):  # no case waits: the assistant is here, and a form or self-check asks again
            state.pop("pending_handoff", None)
            resumed = self.paused.back_here(sid, state)
            if resumed is not None:
                return resumed
        # a booking's confirm step or "leave a message?" awaits a yes too: there a bare 是 is not the self-check's
        elsewhere = self.forms.active(state) or "pending_handoff" in state
        checkup = self.selfcheck.handle(sid, text, lang, state, elsewhere) if self.selfcheck is not None else None
        if checkup is not None:
            return checkup
        alert = alerts_reply(self.alerts, sid, text, lang, self.forms.active(state))
        if isinstance(alert, Reply):
            return alert
        text = alert or text  # a notice's "ask about it" becomes the question
        if text.startswith("/"):
            command = self._command(sid, text, lang, state)
            if command is not None:
                return command
            if not self.forms.active(state):  # the form's own commands are the form's
                _, suggestions = menu(self.catalogue, lang)
                return Reply(sid, t("unknown_command", lang, command=text.split()[0]), "menu", suggestions=suggestions)
        if self.forms.active(state):
            side = self._side_question(sid, text, lang, state)
            return side if side is not None else self.forms.step(sid, text, lang, state)
        tracked = self.forms.intercept(sid, text, lang, state)  # "我的订单进度" / "my orders" / "取消订单 QF-…"
        if tracked is not None:
            return tracked
        last_service = self.catalogue.get(str(state.get("last_service") or ""))
        if last_service is not None and SERVICE_DETAIL.search(text) and len(text) <= 30 and (
                FOLLOW_UP.search(text) or _about_the_service(text)):
            return Reply(sid, service_detail(last_service, lang), "answer",  # "那需要什么材料？"
                         suggestions=service_suggestions(last_service, lang), data={"services": [last_service.id]})
        small = small_talk(text)  # thanks, bye, ok, a bare "no", emoji: a short reply, never a complaint
        if small is not None:
            _, suggestions = menu(self.catalogue, lang)
            return Reply(sid, t(small, lang), "menu", suggestions=suggestions, data={"small_talk": small})
        if asks_our_hours(text):  # 你们几点下班 / "what are your office hours?": when an adviser is there
            return self._our_hours(sid, lang)
        about_us = self._about_us(sid, text, lang, state)  # our services or the self-check: their own definition
        if about_us is not None:
            return about_us
        intent = self.router.classify(text)
        # a complaint, however long, when it is about us (a supplier's bad service told at length is a question)
        lead = intent.intent if intent.route != "handoff" else None  # a case is not overridden by venting
        if a_complaint(text, lead, intent.behind if lead else (), intent.sure):
            state["unhappy"] = int(state.get("unhappy", 0)) + 1
            if state["unhappy"] >= 2:
                return self._handoff(sid, "dissatisfied", lang, state, [])
            return self._fallback(sid, lang, key="dissatisfied")
        state["unhappy"] = 0
        return self._route(sid, text, lang, state, intent)

    def _about_us(self, sid: str, text: str, lang: str, state: dict[str, Any]) -> Reply | None:
        """A question about what we offer, answered from its own definition before any statute is looked up: the
        self-check (its time, fee, scope), one service named with what is asked of it (its card's field first, the card
        cited, its buttons), or the services for a kind of enterprise or a topic (issue #11, no dead ends)."""
        english = is_english(text)
        about = self.selfcheck.about(sid, text, lang) if self.selfcheck is not None else None
        if about is not None:
            return about
        asked = service_question(self.catalogue, text, english)
        if asked is not None:
            svc = asked.service
            state["last_service"] = svc.id
            cite = card_citation(asked)
            body = f"{lead_sentence(asked, lang)}\n\n{service_card(svc, lang)}"
            return Reply(sid, with_notice(body, [cite], lang), "answer", citations=[cite],
                         suggestions=service_suggestions(svc, lang),
                         data={"services": [svc.id], "service_field": asked.aspect, "writer": "catalogue"})
        listed = services_for(self.catalogue, text, lang, english)
        if listed is not None:
            body, suggestions, ids = listed
            return Reply(sid, body, "menu", suggestions=suggestions, data={"services": ids} if ids else {})
        return None

    def _side_question(self, sid: str, text: str, lang: str, state: dict[str, Any]) -> Reply | None:
        """A legal question in the middle of an order form: answer it, then ask the form's question again (our hours
        too). Asking
        where a booking made before stands (我之前约的体检到哪一步了 / "where is my previous booking at?"): the
        session's orders, then the form's question again."""
        if text.startswith("/") or not self.forms.would_reject(text, state):
            return None
        if asks_our_hours(text):  # 等一下，你们几点下班: the hours, then the form's question again
            reply = self._our_hours(sid, lang)
            reply.suggestions = reply.suggestions[:1]  # the button to an adviser; the menu would leave the form
            reply.reply += f"\n\n{t('form_resume', lang)}\n{self.forms.resume(state)}"
            return reply
        intent = self.router.classify(text)
        tracking = intent.route == "order" and intent.reason == "status" and intent.sure
        if tracking and not self.forms.asks_to_cancel(text):  # 帮我取消刚才的预约 is the form's to answer
            return self.forms.command(sid, "status", "", lang, state)
        if intent.route != "answer" or not intent.sure:
            return None
        reply = self._answer(sid, text, lang, state, allow_handoff=False, vector=intent.vector)
        if reply.route != "answer":
            return None
        reply.reply += f"\n\n{t('form_resume', lang)}\n{self.forms.resume(state)}"
        return reply

    def _route(self, sid: str, text: str, lang: str, state: dict[str, Any], intent: Intent) -> Reply:
        if not intent.sure:  # don't guess between routes: answer when the knowledge base can, else ask
            maybe_case = intent.reason == "high_risk"  # a case, or a question told with a case's words
            if not maybe_case or asks_a_question(text):
                reply = self._answer(sid, text, lang, state, allow_handoff=False, strict=True, vector=intent.vector)
                if reply.route == "answer":
                    return reply
            if maybe_case:  # an event told, or no statute clearly answers it: an adviser
                return self._handoff(sid, "high_risk", lang, state, self._search(text, intent.vector))
            return self._clarify(sid, lang)
        if intent.route == "menu":
            body, suggestions = menu(self.catalogue, lang)
            return Reply(sid, body, "menu", suggestions=suggestions)
        if intent.route == "leave":  # nothing to leave: say who is talking
            _, suggestions = menu(self.catalogue, lang)
            return Reply(sid, t("bot_here", lang), "menu", suggestions=suggestions)
        if intent.route == "fallback":  # out of scope, unless the knowledge base clearly has it
            reply = self._answer(sid, text, lang, state, allow_handoff=False, strict=True, vector=intent.vector)
            return reply if reply.route == "answer" else self._fallback(sid, lang)
        if intent.route == "handoff":
            passages = self._search(text, intent.vector) if intent.reason == "high_risk" else []
            return self._handoff(sid, intent.reason or "user_request", lang, state, passages)
        if intent.route == "order" and intent.reason == "status":  # "我约的审查到哪了": the session's orders
            status = self.forms.command(sid, "status", "", lang, state)
            if status is not None:
                return status
        if intent.route == "order":
            answered = self._not_a_service(sid, text, lang, state, intent)
            return answered if answered is not None else self._order(sid, text, lang, state)
        reply = self._answer(sid, text, lang, state, vector=intent.vector)
        if intent.offer_adviser and reply.route == "answer":
            self._offer_adviser(reply, lang, intent.offer_text)
        return reply

    def _not_a_service(self, sid: str, text: str, lang: str, state: dict[str, Any], intent: Intent) -> Reply | None:
        """A wish to do something no service of ours offers, asked as a question (我们想注销公司，要走哪些流程 / "we
        want to rename the company, what do we need?"): what the law says of it when the knowledge base clearly
        answers (dense and keyword search agree), with a line that it is no bookable service and the menu's button;
        None to say it is not offered."""
        if match_services(self.catalogue, text) or not (asks_a_question(text) or asks_to_learn(text)):
            return None  # 我要注册公司 / 帮我办理营业执照年检: a wish, not a question; the services that are offered
        reply = self._answer(sid, text, lang, state, allow_handoff=False, strict=True, vector=intent.vector)
        if reply.route != "answer" or not reply.citations:
            return None
        reply.reply = f"{reply.reply}\n\n{t('not_a_service_answered', lang)}"
        reply.suggestions.append(Suggestion(t("clarify_order", lang), "/menu", "menu"))
        reply.data["not_a_service"] = True
        return reply

    @staticmethod
    def _offer_adviser(reply: Reply, lang: str, text: str = "offer_adviser") -> None:
        """A procedural question told with the user's own case (sued, a large sum; a decision received, asked about
        its remedies: ``text`` is the offer's, admin31): the procedure is answered, and the case is an adviser's to
        judge, so the answer offers one with the button ``_clarify`` and ``_not_covered``
        use (a hand-off only when pressed: the question asked is the law's)."""
        reply.reply = f"{reply.reply}\n\n{t(text, lang)}"
        reply.suggestions.append(Suggestion(t("clarify_human", lang), "/human", "handoff"))
        reply.data["adviser_offer"] = True

    def _search(self, query: str, vector: np.ndarray | None) -> list[Passage]:
        passages = self.kb.search(query, k=self.settings.retrieval_top_k, vector=vector)
        if self.links is not None:
            passages = self.links.boost(query, passages, vector)
        # a passage giving orders is no source
        return [p for p in passages if not self.passage_checks.injected(p.chunk_id, p.text)]

    # ---- routes ------------------------------------------------------------------------------------
    def _fallback(self, sid: str, lang: str, key: str = "fallback") -> Reply:
        _, suggestions = menu(self.catalogue, lang)
        return Reply(sid, t(key, lang), "fallback", suggestions=suggestions)

    def _handoff(self, sid: str, reason: str, lang: str, state: dict[str, Any], passages: list[Passage]) -> Reply:
        case = self.handoffs.open(sid, reason, lang, [asdict(p) for p in passages])
        state["unhappy"] = 0
        reply = Reply(sid, self.handoff_text(case, lang), "handoff", handoff=case.brief(),
                      suggestions=[back_button(lang)])
        self.paused.opened(reply, state, lang)  # a form or a self-check in progress waits for the case's end
        return reply

    def _low_confidence(self, sid: str, lang: str, state: dict[str, Any], passages: list[Passage]) -> Reply:
        """Outside office hours, ask before handing off: leave a message for an adviser, or keep asking."""
        now = datetime.now(UTC)
        if self.hours.is_open(now):
            return self._handoff(sid, "low_confidence", lang, state, passages)
        state["pending_handoff"] = [asdict(p) for p in passages[:3]]
        nxt = self.hours.next_opening(now).strftime("%Y-%m-%d %H:%M")
        return Reply(sid, t("ask_first", lang, hours=self.hours.described(lang), next=nxt), "handoff",
                     suggestions=[Suggestion(t("leave_message_label", lang), "/leave_message", "handoff"),
                                  Suggestion(t("keep_asking_label", lang), "/bot", "bot")],
                     data={"ask_first": True})

    def _clarify(self, sid: str, lang: str) -> Reply:
        return Reply(sid, t("clarify", lang), "fallback", data={"clarify": True}, suggestions=[
            Suggestion(t("clarify_legal", lang), "/ask", "ask"),
            Suggestion(t("clarify_order", lang), "/menu", "menu"),
            Suggestion(t("clarify_human", lang), "/human", "handoff")])

    def _our_hours(self, sid: str, lang: str, now: datetime | None = None) -> Reply:
        """The advisers' hours and whether one is on duty now; the assistant itself answers at any hour."""
        now = now or datetime.now(UTC)
        on_duty = self.hours.is_open(now)
        nxt = self.hours.next_opening(now).strftime("%Y-%m-%d %H:%M")
        now_text = t("our_hours_open", lang) if on_duty else t("our_hours_closed", lang, next=nxt)
        _, suggestions = menu(self.catalogue, lang)
        return Reply(sid, t("our_hours", lang, hours=self.hours.described(lang), now=now_text), "menu",
                     suggestions=[Suggestion(t("clarify_human", lang), "/human", "handoff"), *suggestions],
                     data={"our_hours": True, "on_duty": on_duty})

    def _when(self, lang: str, now: datetime | None = None) -> str:
        now = now or datetime.now(UTC)
        if self.hours.is_open(now):
            return t("when_open", lang, hours=self.hours.described(lang),
                     minutes=self.settings.handoff_response_minutes)
        nxt = self.hours.next_opening(now).strftime("%Y-%m-%d %H:%M")
        return t("when_closed", lang, hours=self.hours.described(lang), next=nxt)

    def handoff_text(self, case: Case, lang: str, now: datetime | None = None) -> str:
        why = t(f"why_{case.reason}", lang) if f"why_{case.reason}" in _WHY else ""
        return t("handoff", lang, why=why, case=case.id, when=self._when(lang, now))

    def _order(self, sid: str, text: str, lang: str, state: dict[str, Any]) -> Reply:
        found = match_services(self.catalogue, text)
        if len(found) == 1:
            return self.forms.start(sid, found[0], lang, state)
        if not found:  # none offered: say so, then the services that are
            return self.forms.not_offered(sid, text, lang)
        lines = [t("order_choose", lang)] + [f"· {service_name(s, lang)}" for s in found]
        suggestions = [Suggestion(service_name(s, lang), f"/order {s.id}", "order") for s in found]
        return Reply(sid, "\n".join(lines), "order", suggestions=suggestions, data={"services": [s.id for s in found]})

    def _answer(self, sid: str, text: str, lang: str, state: dict[str, Any], allow_handoff: bool = True,
                strict: bool = False, vector: np.ndarray | None = None) -> Reply:
        """Answer from the knowledge base when its passages address the question. ``strict`` (the intent
        was unclear or out of scope) also asks dense and keyword search to agree. A curated FAQ that matches
        closely comes first, right before retrieval (also when strict: curators write FAQs for refused questions)."""
        faq = self._faq_answer(sid, text, lang)
        if faq is not None:
            return faq
        query = without_wish_to_learn(text)  # 想了解一下…的流程: the matter is looked up, not 了解
        if FOLLOW_UP.search(text) and len(text) <= 30 and state.get("last_query"):
            query = f"{state['last_query']} {text}"
        passages = self._search(query, vector if query == text else None)
        scale = self.kb.keyword_scale()
        weights = self.kb.term_weights(query_terms(query))
        verdict = answerable(passages, scale, weights, strict=strict, english=is_english(text))
        if passages and passages[0].linked:  # a curator linked a question like this one to that document
            verdict = "yes"
        if verdict != "yes":
            services = match_services(self.catalogue, text, limit=1)
            if services and not strict:  # no provision answers it: the service that can, said to be instead
                return self._service_answer(sid, services[0], lang, state, instead=True)
            if verdict == "off_topic" or not allow_handoff:
                return self._fallback(sid, lang)
            if verdict == "unaddressed":
                return self._not_covered(sid, lang)
            return self._low_confidence(sid, lang, state, passages)
        state["last_query"] = query
        shown = relevant(passages, scale)  # the lead sentences are chosen among these ...
        cited = relevant(passages, scale, weights)  # ... and these are cited: the ones that address the question
        cards = [p for p in shown if p.kind == "service"]
        if cards:
            state["last_service"] = cards[0].source.removeprefix("catalogue:")
        citations = [Citation.from_passage(p) for p in cited]
        body = self.llm.write(text, citations, lang) if self.llm else None
        writer = "llm" if body else "extractive"
        if body is None:
            body, citations = extractive(query, shown, lang, weights, cited=cited)
        return Reply(sid, with_notice(body, citations, lang), "answer", citations=citations,
                     data={"writer": writer})

    def _not_covered(self, sid: str, lang: str) -> Reply:
        return Reply(sid, t("not_covered", lang), "fallback", data={"not_covered": True}, suggestions=[
            Suggestion(t("clarify_human", lang), "/human", "handoff"),
            Suggestion(t("clarify_order", lang), "/menu", "menu")])

    def _service_answer(self, sid: str, svc: Service, lang: str, state: dict[str, Any], instead: bool = False,
                        ) -> Reply:
        """The card of a service. ``instead``: offered because no provision answers a question ("给员工买商业保险代替
        社保行不行"): the reply says so first, or the card would read as the answer to it."""
        state["last_service"] = svc.id
        card = service_card(svc, lang)
        return Reply(sid, f"{t('service_instead', lang)}\n{card}" if instead else card, "answer",
                     suggestions=service_suggestions(svc, lang),
                     data={"services": [svc.id], "no_provision": True} if instead else {"services": [svc.id]})

    # ---- the FAQ hook: a curated answer takes precedence over retrieval when the question matches closely ----
    def _faq_answer(self, sid: str, text: str, lang: str) -> Reply | None:
        hit: FaqAnswer | None = self.faq.match(text) if self.faq is not None else None
        if hit is None:
            return None
        cite = Citation("常见问题", f"faq:{hit.id}", hit.question, hit.answer[:400], hit.score, kind="常见问题")
        return Reply(sid, with_notice(hit.answer, [cite], lang), "answer", citations=[cite],
                     data={"writer": "faq", "faq_id": hit.id})

    # ---- commands sent by buttons ------------------------------------------------------------------
    def _command(self, sid: str, text: str, lang: str, state: dict[str, Any]) -> Reply | None:
        name, _, arg = text[1:].partition(" ")
        name, arg = name.lower().split("@")[0], arg.strip()
        if name in ("menu", "start", "help"):
            return self._route(sid, text, lang, state, Intent("menu"))
        if name in ("human", "adviser", "人工"):
            return self._handoff(sid, "user_request", lang, state, [])
        if name == "bot":  # no hand-off waits (that is handled before commands): the assistant is here
            state.pop("pending_handoff", None)
            return self._route(sid, text, lang, state, Intent("leave"))
        if name == "ask":
            return Reply(sid, t("clarify_legal_prompt", lang), "menu")
        if name == "leave_message":
            passages = [Passage(**p) for p in state.pop("pending_handoff", None) or []]
            return self._handoff(sid, "low_confidence", lang, state, passages)
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


def _about_the_service(text: str) -> bool:
    """A short question that names only a detail of a service (its time, fee, materials …) and nothing else."""
    return not _DETAIL_FILLER.sub("", SERVICE_DETAIL.sub("", text))


_WHY = {f"why_{r}" for r in ("user_request", "danger", "high_risk", "low_confidence", "dissatisfied", "checkup")}
