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
from assistant.services import match_services, service_name
from knowledge.catalogue import Catalogue, Service
from orders.contact_parts import ContactParts, split_contact
from orders.desk import NUMBER_RE, RATING_LEVELS, OrderDesk, OrderError, OrderInfo
from orders.inputs import (
    NAME_FIELDS,
    EditRequest,
    asks_to_book,
    bare,
    cancels_the_booking,
    edit_request,
    is_cancel,
    labelled,
    not_a_name,
    says_yes,
)
from orders.offer import not_offered
from orders.texts import field_label, ot, status_label
from orders.tracking import cancels_mine, cancels_numbered, number_in, only_a_number
from orders.validation import NO_WORDS, FieldError, FormInvalid, validate_field

FREE_TEXT_FIELDS = ("description",)  # the fields whose value is the user's own account of the matter
# the fields that take any text: there a message starting with 修改 is a change request only when it names an item
TEXT_FIELDS = (*NAME_FIELDS, "preferred_time", "description")
# where a booking of another service is no value at all (a name, a code, a number)
NO_BOOKING_FIELDS = (*NAME_FIELDS, "credit_code", "phone")
STATUS_RE = re.compile(r"(我的订单|订单进度|订单状态|查询订单|查订单|我的预约|预约进度|预约状态|"
                       r"(订单|预约)(到哪|怎么样了|进展|办得怎么样|处理得怎么样)|"
                       r"\bmy (orders?|bookings?)\b|\b(order|booking) (status|progress)\b)", re.I)


def _value_of(text: str, form: dict[str, Any]) -> bool | None:
    """Whether the text is a valid value for the field asked (a "yes" at the confirm step); None when it is no value
    at all but a request to the form (a cancel word, a change request)."""
    field = form["current"]
    if is_cancel(text):
        return None
    if field is None and says_yes(text):
        return True
    if edit_request(text, field in TEXT_FIELDS) is not None:
        return None
    if field is None:
        return False
    if field in NO_BOOKING_FIELDS and labelled(text, field) is None and asks_to_book(text):
        return False
    if field in NAME_FIELDS and labelled(text, field) is None and not_a_name(text):
        return False
    given = labelled(text, field) or text
    parts = split_contact(given) if field == "contact_name" else None
    try:
        validate_field(field, parts.name if parts is not None else given)
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

    @staticmethod
    def takes_value(text: str, state: dict[str, Any]) -> bool:
        """True when the text is a value for the field being asked: not a "yes" at the confirm step, nor a request to
        the form (a cancel word, a change request), whose words are the user's language."""
        form = state.get("form")
        return isinstance(form, dict) and form["current"] is not None and _value_of(text, form) is True

    def would_reject(self, text: str, state: dict[str, Any]) -> bool:
        """True when the text is no value for the field being asked, nor a "yes" at the confirm step (so it may be a
        question aside)."""
        form = state.get("form")
        return isinstance(form, dict) and _value_of(text, form) is False

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
        return _value_of(text, form) is True

    @staticmethod
    def cancel_word(text: str) -> CancelWord | None:
        """"booking" when the text cancels the booking by name (取消预约, the form's /cancel button), "bare" for a
        word that names nothing (取消, cancel), None for anything else (/cancel with an order number too)."""
        if text.startswith("/"):
            name, _, arg = text[1:].partition(" ")
            return "booking" if name.lower().split("@")[0] == "cancel" and not NUMBER_RE.search(arg) else None
        if cancels_the_booking(text):
            return "booking"
        return "bare" if is_cancel(text) else None

    @staticmethod
    def asks_to_cancel(text: str) -> bool:
        """Whether the message asks to cancel the booking or an order (取消 / 帮我取消刚才的预约 / 取消订单 QF-…): the
        form's own business, never a question aside."""
        return is_cancel(text) or cancels_mine(text) or cancels_numbered(text)

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
        field = form["current"]
        if is_cancel(text):
            return self.cancel_form(sid, lang, state)
        if field is None and says_yes(text):  # before change requests: "correct" is a yes
            return self.confirm(sid, lang, state)
        edit = edit_request(text, field in TEXT_FIELDS)
        if edit is not None:
            return self._edit(sid, edit, state)
        side = self.intercept(sid, text, lang, state, whole=True)  # free-text fields may mention 订单
        if side is not None:
            return side
        if cancels_mine(text):  # 取消订单 with no number: which order, or this booking? never a field's value
            return self._cancel_which(sid, form, state)
        if field is None:  # every field given: only confirm, change or cancel
            return self._reply(sid, form, f"{ot('confirm_hint', lang)}\n{self._summary(form)}")
        given = labelled(text, field) if field in NO_BOOKING_FIELDS else None
        if given is None and field in NO_BOOKING_FIELDS and asks_to_book(text):
            return self._other_booking(sid, text, form)
        if given is None and field in NAME_FIELDS and not_a_name(text):
            shown = text.strip() if len(text.strip()) <= 40 else text.strip()[:40] + "…"
            head = ot("not_a_name", lang, text=shown, label=field_label(field, lang))
            return self._reply(sid, form, f"{head}\n{self._ask(form)}", error=field)
        parts = split_contact(given or text) if field == "contact_name" else None
        if parts is not None:  # "李四 13800138000": the name, and the number as the phone's value
            return self._contact_with_number(sid, form, parts)
        try:
            value = validate_field(field, given or text)
        except FieldError as exc:
            hint = "\n" + ot("consent_hint", lang) if field == "consent" and bare(text) in NO_WORDS else ""
            return self._reply(sid, form, f"{exc.message(lang)}{hint}\n{self._ask(form)}", error=exc.field)
        form["values"][field] = value
        form["current"] = next((f for f in form["fields"] if f not in form["values"]), None)
        taken = self._taken(field, value, lang) if field in NAME_FIELDS else ""
        if form["current"] is None:
            return self._reply(sid, form, taken + self._summary(form))
        return self._reply(sid, form, taken + self._ask(form))

    def _contact_with_number(self, sid: str, form: dict[str, Any], parts: ContactParts) -> Reply:
        """A contact's name typed with a phone number or an e-mail address: the name is the name; a valid number is
        the phone field's value (every service's form has one: knowledge.catalogue requires it), shown back like the
        name so a wrong take is seen; an invalid number is left for the phone step, and an e-mail is not kept (the
        form has no e-mail field). Nothing but the name is ever stored as the name."""
        lang = form["lang"]
        try:
            name = validate_field("contact_name", parts.name)
        except FieldError as exc:
            return self._reply(sid, form, f"{exc.message(lang)}\n{self._ask(form)}", error=exc.field)
        form["values"]["contact_name"] = name
        lines = [self._taken("contact_name", name, lang)]
        if parts.phone and "phone" in form["fields"]:
            try:
                phone = validate_field("phone", parts.phone)
            except FieldError:
                lines.append(ot("number_not_kept", lang, value=parts.phone) + "\n")
            else:
                form["values"]["phone"] = phone
                lines.append(self._taken("phone", phone, lang))
        if parts.email:
            lines.append(ot("email_not_kept", lang, value=parts.email) + "\n")
        form["current"] = next((f for f in form["fields"] if f not in form["values"]), None)
        nxt = self._ask(form) if form["current"] is not None else self._summary(form)
        return self._reply(sid, form, "".join(lines) + nxt)

    @staticmethod
    def _taken(field: str, value: str, lang: str) -> str:
        """The value just taken at a name field, shown back, so that a mistaken take is seen (and how to change it)."""
        label = field_label(field, lang)
        return ot("taken", lang, label=label, label_cap=label[:1].upper() + label[1:], value=value) + "\n"

    def _cancel_which(self, sid: str, form: dict[str, Any], state: dict[str, Any]) -> Reply:
        """取消订单 / "cancel my order" typed in the middle of a booking: the orders that can be cancelled (each with
        its button, as outside the form), that this booking is not submitted and how to drop it (a button), then the
        form's question again."""
        lang = form["lang"]
        svc = self.catalogue.get(form["service"])
        picked = self.cancel_pick(sid, lang)
        booking = ot("cancel_in_form", lang, service=service_name(svc, lang) if svc else form["service"])
        reply = self._continue(Reply(sid, f"{picked.reply}\n{booking}", "order", suggestions=picked.suggestions,
                                     data=picked.data), state)
        reply.suggestions.append(Suggestion(ot("drop_booking_label", lang), "/cancel", "cancel"))
        return reply

    def _other_booking(self, sid: str, text: str, form: dict[str, Any]) -> Reply:
        """A booking asked for where a name, a code or a number is asked: the booking in progress is named, a
        button switches to the service asked for (if one is), and the form's question is asked again."""
        lang = form["lang"]
        svc = self.catalogue.get(form["service"])
        found = match_services(self.catalogue, text, limit=1)
        other = found[0] if found else None
        filled = sum(1 for f in form["fields"] if f in form["values"])
        lines = [ot("booking_open", lang, service=service_name(svc, lang) if svc else form["service"], done=filled,
                    n=len(form["fields"]))]
        if other is not None and other.id != form["service"]:
            lines.append(ot("booking_switch", lang, other=service_name(other, lang)))
        else:
            lines.append(ot("booking_same" if other is not None else "booking_other", lang))
        reply = self._reply(sid, form, "\n".join(lines) + "\n" + self._ask(form))
        if other is not None and other.id != form["service"]:
            reply.suggestions.insert(0, Suggestion(ot("switch_label", lang, other=service_name(other, lang)),
                                                   f"/order {other.id}", "order"))
        reply.data["other_booking"] = other.id if other is not None else None
        return reply

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
        """Order questions asked in words ("我的订单进度", "取消订单 QF-…", "订单QF-…到哪了", the bare number, "我要取消
        订单"); None for anything else. ``whole``: inside a form, where answers are free text, only a message that is
        the number (with a word of tracking) or the request and the number."""
        text = text.strip()
        number = number_in(text)
        if number is not None and (not whole or only_a_number(text) or (cancels_numbered(text) and len(text) <= 40)):
            if cancels_numbered(text):
                return self._continue(self.cancel_order(sid, number, lang), state)
            return self._continue(self.order_status(sid, number, lang), state)
        if not whole and cancels_mine(text):
            return self._continue(self.cancel_pick(sid, lang), state)
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
        """/edit ITEM (a button, or typed): the item's question again; with no item, which one."""
        if not self.active(state):
            return Reply(sid, ot("no_form", lang), "order")
        key = bare(name)
        if not key:
            return self._edit(sid, EditRequest(None), state)
        if key in state["form"]["fields"]:  # the buttons name the field itself
            return self._edit(sid, EditRequest(key), state)
        return self._edit(sid, edit_request(f"修改 {name.strip()}", free_text=False) or EditRequest(None), state)

    def _edit(self, sid: str, request: EditRequest, state: dict[str, Any]) -> Reply:
        """A change request: which item, when it names none; the list when it names one the form doesn't have; else
        the item's question again, or the new value given with it taken at once (修改 电话为 139…)."""
        form: dict[str, Any] = state["form"]
        lang = form["lang"]
        choices = ("、" if lang == "zh" else ", ").join(field_label(f, lang) for f in form["fields"])
        if request.field is None:
            reply = self._reply(sid, form, ot("edit_which", lang, fields=choices), error="field")
            reply.suggestions[:0] = [Suggestion(field_label(f, lang), f"/edit {f}", "edit") for f in form["fields"]]
            return reply
        if request.field not in form["fields"]:
            name = field_label(request.field, lang) if request.field else request.value
            return self._reply(sid, form, ot("edit_unknown", lang, name=name, fields=choices), error="field")
        form["current"] = request.field
        if request.value:
            return self.step(sid, request.value, lang, state)
        return self._reply(sid, form, ot("edit_ask", lang, label=field_label(request.field, lang)) + "\n"
                           + self._ask(form))

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
        if not orders:  # no dead end: where earlier orders are, and the way to book one
            return Reply(sid, ot("no_orders", lang), "order", data={"orders": []},
                         suggestions=[Suggestion(ot("book_a_service", lang), "/menu", "menu")])
        lines = [ot("orders_head", lang)]
        suggestions: list[Suggestion] = []
        for o in orders:
            lines.append(self._line(o, lang))
            if o.status in ("submitted", "accepted"):
                suggestions.append(self._cancel_button(o, lang))
        if suggestions:
            lines.append(ot("orders_foot", lang))
        data = {"orders": [{"id": o.id, "number": o.number, "status": o.status, "service_id": o.service_id}
                           for o in orders]}
        return Reply(sid, "\n".join(lines), "order", suggestions=suggestions, data=data)

    def order_status(self, sid: str, number: str, lang: str) -> Reply:
        """One order's status, asked by its number (订单QF-…到哪了, the bare number), with its cancel button."""
        order = self.desk.by_number(number, sid)
        if order is None:
            return Reply(sid, self._unknown(number, lang), "order", data={"orders": []})
        reply = Reply(sid, f"{ot('order_status_head', lang)}\n{self._line(order, lang)}", "order",
                      data={"orders": [{"id": order.id, "number": order.number, "status": order.status,
                                        "service_id": order.service_id}]})
        if order.status in ("submitted", "accepted"):
            reply.suggestions.append(self._cancel_button(order, lang))
        return reply

    def cancel_pick(self, sid: str, lang: str) -> Reply:
        """Cancelling "my order" with no number: the orders that can be cancelled, each with its button (the user
        picks; nothing is cancelled on a guess), or that there are none."""
        orders = [o for o in self.desk.list_for_session(sid) if o.status in ("submitted", "accepted")]
        if not orders:
            return Reply(sid, ot("nothing_to_cancel", lang), "order", data={"orders": []})
        lines = [ot("cancel_pick", lang)] + [self._line(o, lang) for o in orders]
        return Reply(sid, "\n".join(lines), "order", suggestions=[self._cancel_button(o, lang) for o in orders],
                     data={"orders": [{"id": o.id, "number": o.number, "status": o.status, "service_id": o.service_id}
                                      for o in orders]})

    def not_offered(self, sid: str, text: str, lang: str) -> Reply:
        """A booking that names no service of the catalogue: says so, then lists the services offered."""
        return not_offered(sid, text, lang, self.catalogue)

    def _line(self, o: OrderInfo, lang: str) -> str:
        when = o.created_at.replace(tzinfo=UTC).astimezone(self.desk.tz).strftime("%Y-%m-%d")
        return (f"· {o.number} {self._service_name(o, lang)} — {status_label(o.status, lang)}（{when}）" if lang == "zh"
                else f"· {o.number} {self._service_name(o, lang)} — {status_label(o.status, lang)} ({when})")

    @staticmethod
    def _cancel_button(o: OrderInfo, lang: str) -> Suggestion:
        return Suggestion(f"取消 {o.number}" if lang == "zh" else f"Cancel {o.number}", f"/cancel_order {o.number}",
                          "cancel_order")

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
