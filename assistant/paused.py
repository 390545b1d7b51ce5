"""A hand-off case over an order form or a self-check: what a message means while a case waits, and the way back.

While a case waits for an adviser the conversation is the case's: each message reaches the adviser (the reply says
so), and an order form or a self-check the case interrupted is kept as it was, paused. ``waiting`` decides, in
this order, and the first that applies wins:

1. danger words: the case's, always (never a withdrawal, never a cancel: a danger message reaches an adviser);
   the self-check's stop words (退出, 暂停, stop) name no case: never a withdrawal either; with a self-check kept
   the reply says it stays paused; 放弃自测 / quit the self-check gives the self-check up, and the case waits on;
2. /bot, 返回机器人, 取消人工 (the router's rule): the request is withdrawn and what the case paused asks its
   question again (the booking's summary at its confirm step);
3. a word that cancels the booking by name (取消预约, "cancel the booking", the form's /cancel): the booking is
   dropped, or the user is told there is none; either way the case waits on;
4. 取消 alone while a booking is kept: it names neither, so nothing changes and the user picks one (two buttons,
   the first naming what goes on without the adviser: the self-check comes first when one is kept too); with no
   booking kept it can only mean the request for an adviser: as in 2, in both languages alike;
5. any other mention of the booking (预约, booking, order): the case's; the intent model never withdraws on it;
6. a withdrawal the intent model reads ("我们不需要等顾问了"): as in 2;
7. anything else: the case's (an acknowledgement, or a short "please wait").

Every case that opens while a form or a self-check is in progress pauses it (``opened``, called by the engine for
danger words, 转人工 / /human, a message left for an adviser, a self-check report sent to one); the reply says what is
kept. Danger words while no case waits (``danger``) open such a case; at the booking's description the message is
the user's account of the matter, so it is kept as the description first (never typed twice). After an adviser
closed the case (``after_close``), the first message that would answer the paused question gets the question again
instead; 返回机器人 with no case (``back_here``) asks it again too. The session's state holds the case that paused
something (``PAUSED_BY``) from the case's opening until one of these; ``_forget`` clears it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from assistant.menu import menu
from assistant.ports import DANGER_REASON, Case, CaseBook, FormFlow
from assistant.reply import Reply, Suggestion
from assistant.router import Router, asks_for_person, in_danger, leaves_handoff
from assistant.selfcheck import STOP, SelfCheck
from assistant.texts import t
from knowledge.base import Passage
from knowledge.catalogue import Catalogue

PAUSED_BY = "paused_by_case"  # state key: the case that paused a form or a self-check
# a message that speaks of the booking: never read as withdrawing the case (取消预约, 不预约了, 预约还要吗)
SHORT_REQUEST = 12  # at a free-text field, a request for a person is a message this short ("我要转人工客服")
NAMES_BOOKING = re.compile(r"(预约|订单|\bbooking\b|\border\b)", re.I)

HandoffFn = Callable[[str, str, str, dict[str, Any], list[Passage]], Reply]


def back_button(lang: str) -> Suggestion:
    """The button that withdraws a waiting case."""
    return Suggestion(t("back_label", lang), "/bot", "bot")


class Paused:
    """``handoff(sid, reason, lang, state, passages)`` opens a case (the engine's); ``when(lang)`` says when an
    adviser answers."""

    def __init__(self, forms: FormFlow, selfcheck: SelfCheck | None, handoffs: CaseBook, router: Router,
                 catalogue: Catalogue, handoff: HandoffFn, when: Callable[[str], str]) -> None:
        self.forms = forms
        self.selfcheck = selfcheck
        self.handoffs = handoffs
        self.router = router
        self.catalogue = catalogue
        self.handoff = handoff
        self.when = when

    # ---- a case waits ------------------------------------------------------------------------------------
    def waiting(self, sid: str, case: Case, text: str, lang: str, state: dict[str, Any]) -> Reply:
        """The one place that decides what a message means while a case waits (the order is the module's)."""
        if not text.startswith("/") and in_danger(text):
            return self._wait(sid, case, lang)
        if STOP.match(text):
            return self._still_paused(sid, case, lang, state)
        given_up = self.selfcheck.give_up(sid, text, state) if self.selfcheck is not None else None
        if given_up is not None:  # 放弃自测: the self-check goes, the case waits on
            return Reply(sid, f"{given_up.reply}\n{t('handoff_wait', lang, case=case.id)}", "handoff",
                         handoff=case.brief(), suggestions=[back_button(lang)], data=given_up.data)
        if leaves_handoff(text):
            return self._withdraw(sid, case, lang, state)
        cancel = self.forms.cancel_word(text)
        if cancel == "booking":
            return self._drop_booking(sid, case, lang, state)
        if cancel == "bare" and self.forms.active(state):
            return self._which_cancel(sid, case, lang, state)
        if cancel == "bare":  # 取消 / cancel with no booking kept: the request for an adviser is all it can name
            return self._withdraw(sid, case, lang, state)
        if not NAMES_BOOKING.search(text) and self.router.wants_to_leave(text):
            return self._withdraw(sid, case, lang, state)
        return self._wait(sid, case, lang)

    def _wait(self, sid: str, case: Case, lang: str) -> Reply:
        """The message went to the adviser: the full acknowledgement now and then, else a short one."""
        body = t("handoff_ack", lang, case=case.id) + " " + self.when(lang) if self.handoffs.should_ack(case.id) \
            else t("handoff_wait", lang, case=case.id)
        if case.reason == DANGER_REASON:  # every reply while a life may be at stake says whom to call first
            body = f"{t('danger_wait', lang)}\n{body}"
        return Reply(sid, body, "handoff", handoff=case.brief(), suggestions=[back_button(lang)])

    def _still_paused(self, sid: str, case: Case, lang: str, state: dict[str, Any]) -> Reply:
        """退出 / 暂停 / stop while a case waits: the self-check (if one is kept) stays paused, the case waits on."""
        reply = self._wait(sid, case, lang)
        if self._checking(state):
            reply.reply = f"{t('checkup_still_paused', lang)}\n{reply.reply}"
        return reply

    def _withdraw(self, sid: str, case: Case, lang: str, state: dict[str, Any]) -> Reply:
        """The user no longer waits: the case is closed as withdrawn; what it paused asks its question again."""
        self.handoffs.withdraw(case.id)
        _forget(state)
        resumed = self._resume(sid, state, "handoff_withdrawn_resume", case=case.id)
        if resumed is not None:
            resumed.data["withdrawn"] = case.id
            return resumed
        _, suggestions = menu(self.catalogue, lang)
        return Reply(sid, t("handoff_withdrawn", lang, case=case.id), "menu", suggestions=suggestions,
                     data={"withdrawn": case.id})

    def _drop_booking(self, sid: str, case: Case, lang: str, state: dict[str, Any]) -> Reply:
        """取消预约 while a case waits: the booking goes (or there was none); the case waits on. One language: the
        message's, like the rest of the reply."""
        head = self.forms.cancel_form(sid, lang, state).reply if self.forms.active(state) else t("no_booking", lang)
        return Reply(sid, f"{head}\n{t('handoff_wait', lang, case=case.id)}", "handoff", handoff=case.brief(),
                     suggestions=[back_button(lang)], data={"form": None})

    def _which_cancel(self, sid: str, case: Case, lang: str, state: dict[str, Any]) -> Reply:
        """取消 alone while a case waits and a booking is kept: nothing is cancelled; the user picks one. The
        withdrawal's button names what goes on then (the self-check first, as ``_resume`` does)."""
        checking = self._checking(state)
        text = t("cancel_which_checkup" if checking else "cancel_which", lang, case=case.id)
        label = t("withdraw_keep_checkup_label" if checking else "withdraw_keep_form_label", lang)
        return Reply(sid, text, "handoff", handoff=case.brief(), data={"cancel_which": True}, suggestions=[
            Suggestion(label, "/bot", "bot"),
            Suggestion(t("cancel_form_keep_case_label", lang), "/cancel", "cancel")])

    # ---- a case opens, or has ended ----------------------------------------------------------------------------
    def opened(self, reply: Reply, state: dict[str, Any], lang: str) -> None:
        """A case has just opened, for whatever reason: a form or a self-check in progress waits as it was, the
        state remembers which case paused it (so that the way back asks its question again) and the reply says
        what is kept."""
        checking, booking = self._checking(state), self.forms.active(state)
        if reply.handoff is None or not (checking or booking):
            return
        state[PAUSED_BY] = reply.handoff["id"]
        kept = "both_kept" if checking and booking else "checkup_kept" if checking else "form_kept"
        reply.reply = f"{reply.reply}\n{t(kept, lang)}"

    def danger(self, sid: str, text: str, lang: str, state: dict[str, Any], passages: list[Passage]) -> Reply:
        """A life or a liberty at stake, no case waiting: an adviser, even in the middle of a form or a self-check,
        which waits as it was (``opened``); at the booking's description the message is kept as the description
        first, and the reply says so."""
        described = not self._checking(state) and self.forms.takes_free_text(text, state)
        if described:  # the value is stored; the form's next question waits for the case's end
            self.forms.step(sid, text, lang, state)
        reply = self.handoff(sid, DANGER_REASON, lang, state, passages)
        if described and reply.handoff is not None:
            reply.reply = f"{t('description_kept', lang)}\n{reply.reply}"
        return reply

    def person_asked(self, text: str, state: dict[str, Any]) -> bool:
        """转人工 / "talk to a human" typed in the middle of a form or a self-check is a request, not a field value
        or an answer; at a field that takes free text (the booking's description) only a short message is, since
        an account of the matter may mention 人工服务."""
        if text.startswith("/") or not asks_for_person(text):
            return False
        return not self.forms.takes_free_text(text, state) or len(text) <= SHORT_REQUEST

    def after_close(self, sid: str, text: str, state: dict[str, Any]) -> Reply | None:
        """The first message after an adviser closed the case that paused a form or a self-check: when it would
        answer a question the user has not seen for a while, the question is asked again instead. None otherwise
        (and always when nothing was paused)."""
        case_id = _forget(state)
        if case_id is None or in_danger(text):
            return None
        if self.selfcheck is not None and self._checking(state):
            takes = self.selfcheck.answers(text, state)
        else:
            takes = self.forms.would_take(text, state)
        return self._resume(sid, state, "handoff_closed_resume", case=case_id) if takes else None

    def back_here(self, sid: str, state: dict[str, Any]) -> Reply | None:
        """返回机器人 with no case waiting: the assistant is here, and a form or self-check asks again."""
        return self._resume(sid, state, "bot_here_resume")

    def relabel(self, sid: str, state: dict[str, Any], lang: str) -> Reply | None:
        """/lang in the middle of a form or a self-check: both go on in ``lang`` and, unless a case waits (the
        conversation is the case's), ask their question again in it; None when neither is in progress."""
        if self.selfcheck is not None:
            self.selfcheck.relabel(state, lang)
        self.forms.relabel(state, lang)
        if self.handoffs.active(sid) is not None:
            return None
        return self._resume(sid, state, "lang_set")

    def _checking(self, state: dict[str, Any]) -> bool:
        return self.selfcheck is not None and self.selfcheck.language(state) is not None

    def _resume(self, sid: str, state: dict[str, Any], head: str, **fields: object) -> Reply | None:
        """The self-check in progress (it comes first, as in the engine's turn), else the order form: ``head`` and
        its question again, in its own language; None when neither is in progress."""
        if self.selfcheck is not None:
            checking = self.selfcheck.language(state)
            if checking is not None:
                return self.selfcheck.resume(sid, state, t(head, checking, **fields))
        filling = self.forms.language(state)
        return self.forms.reask(sid, state, t(head, filling, **fields)) if filling is not None else None


def _forget(state: dict[str, Any]) -> int | None:
    """Clear the record of a paused form or self-check (the case ended or was withdrawn); the case id it held."""
    case_id = state.pop(PAUSED_BY, None)
    return int(case_id) if case_id is not None else None
