"""The order form: a multi-turn conversation that fills a service's form fields, then confirms the order.

It implements the engine's ``forms`` hook (``active``, ``start``, ``step``) plus the order commands
(``/status``, ``/cancel``, ``/cancel_order``, ``/rate``, ``/edit``, ``/confirm``), the order-status
questions asked in words, and the rating prompt shown once an order is completed. Its state lives in
``state["form"]`` (the session's JSON state, saved by the engine), so a form survives a restart and
continues in any channel.
"""

from __future__ import annotations

import re
from datetime import UTC
from typing import Any

from assistant.ports import CancelWord
from assistant.reply import Reply, Suggestion
from knowledge.catalogue import Catalogue, Service
from orders.desk import NUMBER_RE, RATING_LEVELS, OrderDesk, OrderError, OrderInfo
from orders.texts import FIELD_ALIASES, field_label, ot, status_label
from orders.validation import NO_WORDS, FieldError, FormInvalid, validate_field

# words that cancel the booking by name, and bare ones that name nothing (while an adviser case is also open,
# a bare one could mean either: the engine asks which)
BOOKING_CANCEL_WORDS = frozenset({"取消预约", "放弃预约", "不约了", "cancel the booking", "cancel my booking",
                                  "cancel booking"})
CANCEL_WORDS = BOOKING_CANCEL_WORDS | {"取消", "不办了", "算了", "放弃", "cancel", "stop", "quit"}
FREE_TEXT_FIELDS = ("description",)  # the fields whose value is the user's own account of the matter
CONFIRM_WORDS = frozenset({"确认", "确认提交", "提交", "确定", "confirm", "submit", "yes", "ok"})
EDIT_RE = re.compile(r"^(?:修改|更改|更正|改一下|change|edit|correct)\s*(.+)$", re.I)
STATUS_RE = re.compile(r"(我的订单|订单进度|订单状态|查询订单|查订单|\bmy orders?\b|\border status\b)", re.I)
CANCEL_ORDER_RE = re.compile(r"(?:取消订单|撤销订单|cancel order)\s*[:：]?\s*(QF-\d{8}-\d{4,})", re.I)
_PUNCT = "。.!！ "


def _word(text: str) -> str:
    return text.strip().strip(_PUNCT).lower()


def _value_of(text: str, form: dict[str, Any]) -> bool | None:
    """Whether the text is a valid value for the field asked; None when it is no value at all but a request to the
    form (a cancel word, a change request)."""
    if _word(text) in CANCEL_WORDS or EDIT_RE.match(text.strip()):
        return None
    try:
        validate_field(form["current"], text)
    except FieldError:
        return False
    return True


class OrderForm:
    def __init__(self, desk: OrderDesk, catalogue: Catalogue) -> None:
        self.desk = desk
        self.catalogue = catalogue

    # ---- the engine's hook --------------------------------------------------------------------------
    @staticmethod
    def active(state: dict[str, Any]) -> bool:
        return isinstance(state.get("form"), dict)

    def would_reject(self, text: str, state: dict[str, Any]) -> bool:
        """True when the text is no value for the field being asked (so it may be a question aside)."""
        form = state.get("form")
        return isinstance(form, dict) and form.get("current") is not None and _value_of(text, form) is False

    def resume(self, state: dict[str, Any]) -> str:
        """The form's current question again (the summary once every field is given), after a question asked
        aside was answered."""
        form = state["form"]
        return self._ask(form) if form["current"] is not None else self._summary(form)

    @staticmethod
    def language(state: dict[str, Any]) -> str | None:
        """The language of the form in progress; None when no form is."""
        form = state.get("form")
        return str(form["lang"]) if isinstance(form, dict) else None

    @staticmethod
    def relabel(state: dict[str, Any], lang: str) -> None:
        """The booking in progress (if any) goes on in ``lang`` (/lang): its questions, errors and summary."""
        form = state.get("form")
        if isinstance(form, dict):
            form["lang"] = lang

    def reask(self, sid: str, state: dict[str, Any], head: str) -> Reply:
        """After a hand-off that paused the form: ``head``, where the booking stands, and its question again (its
        summary at the confirm step), with the step's buttons."""
        form: dict[str, Any] = state["form"]
        lang = form["lang"]
        svc = self.catalogue.get(form["service"])
        name = (svc.name_en if lang == "en" else svc.name) if svc else form["service"]
        filled = sum(1 for f in form["fields"] if f in form["values"])
        where = ot("paused_form", lang, service=name, done=filled, n=len(form["fields"]))
        return self._reply(sid, form, f"{head}\n{where}\n{self.resume(state)}")

    def takes_free_text(self, text: str, state: dict[str, Any]) -> bool:
        """True when the field asked is the booking's own account of the matter (its description) and the text is
        a valid one: whatever the user tells there, an incident in alarming words too, is the value."""
        form = state.get("form")
        return isinstance(form, dict) and form.get("current") in FREE_TEXT_FIELDS and _value_of(text, form) is True

    @staticmethod
    def would_take(text: str, state: dict[str, Any]) -> bool:
        """True when the text would be taken as the answer to the form's question: a valid value for the field
        asked, or a confirm word at the confirm step (no command, no cancel or change request)."""
        form = state.get("form")
        if not isinstance(form, dict) or text.startswith("/"):
            return False
        if form.get("current") is None:
            return _word(text) in CONFIRM_WORDS
        return _value_of(text, form) is True

    @staticmethod
    def cancel_word(text: str) -> CancelWord | None:
        """"booking" when the text cancels the booking by name (取消预约, the form's /cancel button), "bare" for a
        word that names nothing (取消, cancel), None for anything else (/cancel with an order number too)."""
        if text.startswith("/"):
            name, _, arg = text[1:].partition(" ")
            return "booking" if name.lower().split("@")[0] == "cancel" and not NUMBER_RE.search(arg) else None
        word = _word(text)
        if word in BOOKING_CANCEL_WORDS:
            return "booking"
        return "bare" if word in CANCEL_WORDS else None

    def start(self, sid: str, service: Service, lang: str, state: dict[str, Any]) -> Reply:
        fields = list(service.form_fields)
        form = {"service": service.id, "lang": lang, "fields": fields, "values": {}, "current": fields[0]}
        state["form"] = form
        state["order_lang"] = lang
        state["last_service"] = service.id
        name = service.name_en if lang == "en" else service.name
        return self._reply(sid, form, ot("form_start", lang, service=name, n=len(fields)) + "\n" + self._ask(form))

    def step(self, sid: str, text: str, lang: str, state: dict[str, Any]) -> Reply:
        form: dict[str, Any] = state["form"]
        lang = form["lang"]
        word = _word(text)
        if word in CANCEL_WORDS:
            return self.cancel_form(sid, lang, state)
        edit = EDIT_RE.match(text.strip())
        if edit:
            return self.edit(sid, edit.group(1), lang, state)
        side = self.intercept(sid, text, lang, state, whole=True)  # free-text fields may mention 订单
        if side is not None:
            return side
        if form["current"] is None:  # every field given: only confirm, change or cancel
            if word in CONFIRM_WORDS:
                return self.confirm(sid, lang, state)
            return self._reply(sid, form, self._summary(form))
        field = form["current"]
        try:
            value = validate_field(field, text)
        except FieldError as exc:
            hint = "\n" + ot("consent_hint", lang) if field == "consent" and word in NO_WORDS else ""
            return self._reply(sid, form, f"{exc.message(lang)}{hint}\n{self._ask(form)}", error=exc.field)
        form["values"][field] = value
        form["current"] = next((f for f in form["fields"] if f not in form["values"]), None)
        if form["current"] is None:
            return self._reply(sid, form, self._summary(form))
        return self._reply(sid, form, self._ask(form))

    # ---- order commands (the engine's _command delegates here) ---------------------------------------
    def command(self, sid: str, name: str, arg: str, lang: str, state: dict[str, Any]) -> Reply | None:
        if name not in ("status", "orders", "cancel", "cancel_order", "rate", "edit", "confirm"):
            return None
        lang = self._lang(lang, state)
        if name in ("status", "orders"):
            return self._continue(self.status(sid, lang), state)
        if name == "cancel_order" or (name == "cancel" and NUMBER_RE.search(arg)):
            return self._continue(self.cancel_order(sid, arg, lang), state)
        if name == "rate":
            return self._continue(self.rate(sid, arg, lang, state), state)
        if not self.active(state):
            return Reply(sid, ot("no_form", lang), "order")
        if name == "cancel":
            return self.cancel_form(sid, lang, state)
        if name == "edit":
            return self.edit(sid, arg, lang, state)
        return self.confirm(sid, lang, state)

    def intercept(self, sid: str, text: str, lang: str, state: dict[str, Any], whole: bool = False) -> Reply | None:
        """Order questions asked in words ("我的订单进度", "取消订单 QF-…"); None for anything else.
        ``whole``: only when they are the whole message (inside a form, where answers are free text)."""
        text = text.strip()
        m = CANCEL_ORDER_RE.search(text)
        if m and (not whole or (m.start() == 0 and m.end() == len(text))):
            return self._continue(self.cancel_order(sid, m.group(1), lang), state)
        s = STATUS_RE.search(text)
        if s and (not whole or (s.start() == 0 and len(text.rstrip("？?。.!！")) - s.end() <= 2)) and len(text) <= 40:
            return self._continue(self.status(sid, lang), state)
        return None

    def after(self, sid: str, lang: str, state: dict[str, Any], reply: Reply) -> None:
        """Append the rating prompt, once, to the first reply after an order of this session is completed."""
        if reply.route == "handoff" or self.active(state):
            return
        pending = self.desk.awaiting_rating(sid)
        if not pending:
            return
        order = pending[0]
        lang = self._lang(lang, state)
        service = self._service_name(order, lang)
        reply.reply = (reply.reply + "\n\n" if reply.reply else "") + ot("rate_prompt", lang, number=order.number,
                                                                           service=service)
        for zh, en in RATING_LEVELS.values():
            label = f"{en} / {zh}" if lang == "en" else zh
            reply.suggestions.append(Suggestion(label, f"/rate {order.number} {zh}", "rating"))
        reply.data["rating_for"] = order.number
        self.desk.mark_prompted([order.id])

    # ---- form actions ------------------------------------------------------------------------------------
    def cancel_form(self, sid: str, lang: str, state: dict[str, Any]) -> Reply:
        state.pop("form", None)
        return Reply(sid, ot("form_cancelled", lang), "order", data={"form": None})

    def edit(self, sid: str, name: str, lang: str, state: dict[str, Any]) -> Reply:
        if not self.active(state):
            return Reply(sid, ot("no_form", lang), "order")
        form: dict[str, Any] = state["form"]
        lang = form["lang"]
        key = name.strip().strip(_PUNCT).lower()
        field = key if key in form["fields"] else FIELD_ALIASES.get(key)
        if field is None or field not in form["fields"]:
            choices = ("、" if lang == "zh" else ", ").join(field_label(f, lang) for f in form["fields"])
            return self._reply(sid, form, ot("edit_unknown", lang, name=name.strip(), fields=choices), error="field")
        form["current"] = field
        return self._reply(sid, form, ot("edit_ask", lang, label=field_label(field, lang)) + "\n" + self._ask(form))

    def confirm(self, sid: str, lang: str, state: dict[str, Any]) -> Reply:
        if not self.active(state):
            return Reply(sid, ot("no_form", lang), "order")
        form: dict[str, Any] = state["form"]
        lang = form["lang"]
        if any(f not in form["values"] for f in form["fields"]):
            if form["current"] is None:
                form["current"] = next(f for f in form["fields"] if f not in form["values"])
            return self._reply(sid, form, ot("not_ready", lang) + "\n" + self._ask(form))
        if form["current"] is not None:  # all given, but the user asked to change one: finish that first
            return self._reply(sid, form, self._ask(form))
        try:
            order = self.desk.create(form["service"], form["values"], sid, lang=lang)
        except FormInvalid as exc:
            first = exc.errors[0]
            form["current"] = first.field
            return self._reply(sid, form, f"{first.message(lang)}\n{self._ask(form)}", error=first.field)
        except OrderError as exc:
            state.pop("form", None)
            return Reply(sid, exc.message(lang), "order", data={"form": None})
        state.pop("form", None)
        return Reply(sid, ot("created", lang, number=order.number), "order",
                     suggestions=[Suggestion("我的订单 / My orders" if lang == "zh" else "My orders / 我的订单",
                                             "/status", "status")],
                     data={"form": None, "order": {"id": order.id, "number": order.number, "status": order.status}})

    # ---- tracking ------------------------------------------------------------------------------------------
    def status(self, sid: str, lang: str) -> Reply:
        orders = self.desk.list_for_session(sid)
        if not orders:
            return Reply(sid, ot("no_orders", lang), "order", data={"orders": []})
        lines = [ot("orders_head", lang)]
        suggestions: list[Suggestion] = []
        for o in orders:
            when = o.created_at.replace(tzinfo=UTC).astimezone(self.desk.tz).strftime("%Y-%m-%d")
            lines.append(f"· {o.number} {self._service_name(o, lang)} — {status_label(o.status, lang)}（{when}）"
                         if lang == "zh" else
                         f"· {o.number} {self._service_name(o, lang)} — {status_label(o.status, lang)} ({when})")
            if o.status in ("submitted", "accepted"):
                label = f"取消 {o.number}" if lang == "zh" else f"Cancel {o.number}"
                suggestions.append(Suggestion(label, f"/cancel_order {o.number}", "cancel_order"))
        if suggestions:
            lines.append(ot("orders_foot", lang))
        data = {"orders": [{"id": o.id, "number": o.number, "status": o.status, "service_id": o.service_id}
                           for o in orders]}
        return Reply(sid, "\n".join(lines), "order", suggestions=suggestions, data=data)

    def cancel_order(self, sid: str, arg: str, lang: str) -> Reply:
        m = NUMBER_RE.search(arg)
        if not m:
            return Reply(sid, ot("cancel_order_usage", lang), "order")
        order = self.desk.by_number(m.group(0), sid)
        try:
            if order is None:
                return Reply(sid, self._unknown(m.group(0), lang), "order")
            reason = arg[m.end():].strip() or None
            done = self.desk.cancel(order.id, sid, reason)
        except OrderError as exc:
            return Reply(sid, exc.message(lang), "order")
        return Reply(sid, ot("order_cancelled", lang, number=done.number), "order",
                     data={"order": {"id": done.id, "number": done.number, "status": done.status}})

    def rate(self, sid: str, arg: str, lang: str, state: dict[str, Any]) -> Reply:
        m = NUMBER_RE.search(arg)
        if not m:
            return Reply(sid, ot("rate_usage", lang), "order")
        rest = arg[m.end():].strip()
        level, _, comment = rest.partition(" ")
        names = sorted({n for pair in RATING_LEVELS.values() for n in pair}, key=len, reverse=True)
        for name in names:  # the longest level name the text starts with ("非常满意", "very satisfied")
            if rest.lower().startswith(name) and rest[len(name):len(name) + 1] in ("", " "):
                level, comment = rest[:len(name)], rest[len(name):].strip()
                break
        order = self.desk.by_number(m.group(0), sid)
        if order is None:
            return Reply(sid, self._unknown(m.group(0), lang), "order")
        try:
            done = self.desk.rate(order.id, sid, level, comment or None)
        except OrderError as exc:
            return Reply(sid, exc.message(lang) + "\n" + ot("rate_usage", lang), "order")
        zh, en = RATING_LEVELS[done.rating or 0]
        return Reply(sid, ot("rated", lang, level=en if lang == "en" else zh), "order",
                     data={"order": {"id": done.id, "number": done.number, "rating": done.rating}})

    # ---- helpers -----------------------------------------------------------------------------------------------
    @staticmethod
    def _unknown(number: str, lang: str) -> str:
        if lang == "en":
            return f"no order {number} (only orders placed in this conversation can be seen)"
        return f"没有找到订单 {number}（只能查看本会话提交的订单）"

    def _lang(self, lang: str, state: dict[str, Any]) -> str:
        """A command (/status) says nothing of the language: keep the one the session's orders use."""
        if self.active(state):
            return str(state["form"]["lang"])
        return str(state.get("order_lang") or lang)

    def _continue(self, reply: Reply, state: dict[str, Any]) -> Reply:
        """While a form is open, a side question (/status) ends by asking the form's next item again."""
        if self.active(state):
            form = state["form"]
            nxt = self._ask(form) if form["current"] else self._summary(form)
            reply.reply += f"\n\n{ot('continue', form['lang'])}\n{nxt}"
            reply.data["form"] = self._form_data(form)
        return reply

    def _service_name(self, order: OrderInfo, lang: str) -> str:
        svc = self.catalogue.get(order.service_id)
        if svc is None:
            return order.service_name
        return svc.name_en if lang == "en" else svc.name

    def _ask(self, form: dict[str, Any]) -> str:
        field, lang = form["current"], form["lang"]
        if field == "consent":
            return ot("ask_consent", lang, days=self.desk.retention_days)
        return ot(f"ask_{field}", lang)

    def _summary(self, form: dict[str, Any]) -> str:
        lang = form["lang"]
        svc = self.catalogue.get(form["service"])
        name = (svc.name_en if lang == "en" else svc.name) if svc else form["service"]
        sep = "：" if lang == "zh" else ": "
        lines = [ot("summary_head", lang), f"{ot('summary_service', lang)}{sep}{name}"]
        for field in form["fields"]:
            value = form["values"].get(field)
            if field == "consent":
                shown = ot("agreed", lang, days=self.desk.retention_days)
            else:
                shown = value if value else ot("not_given", lang)
            lines.append(f"{field_label(field, lang)}{sep}{shown}")
        lines.append(ot("summary_foot", lang))
        return "\n".join(lines)

    @staticmethod
    def _form_data(form: dict[str, Any]) -> dict[str, Any]:
        return {"service": form["service"], "field": form["current"],
                "stage": "fill" if form["current"] else "confirm", "fields": list(form["fields"]),
                "filled": [f for f in form["fields"] if f in form["values"]]}

    def _reply(self, sid: str, form: dict[str, Any], text: str, error: str | None = None) -> Reply:
        lang = form["lang"]
        suggestions: list[Suggestion] = []
        if form["current"] is None:
            suggestions.append(Suggestion("确认提交 / Confirm" if lang == "zh" else "Confirm / 确认", "/confirm",
                                          "confirm"))
        elif form["current"] == "preferred_time":
            suggestions.append(Suggestion("跳过 / Skip" if lang == "zh" else "Skip / 跳过", "跳过" if lang == "zh"
                                          else "skip", "message"))
        elif form["current"] == "consent":
            suggestions.append(Suggestion("同意 / I agree" if lang == "zh" else "I agree / 同意",
                                          "同意" if lang == "zh" else "I agree", "message"))
        suggestions.append(Suggestion("取消 / Cancel" if lang == "zh" else "Cancel / 取消", "/cancel", "cancel"))
        data: dict[str, Any] = {"form": self._form_data(form)}
        if error:
            data["error"] = error
        return Reply(sid, text, "order", suggestions=suggestions, data=data)
