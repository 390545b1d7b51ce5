"""Ordering by conversation: the form, corrections, cancelling, confirming, tracking, the lifecycle, rating,
and a form that survives a restart. Real SQLite and Chroma in tmp_path."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from assistant.reply import Reply
from composition import Runtime, build_runtime
from config import Settings
from db.models_orders import Order
from knowledge.embeddings import QifaEmbeddings
from orders.desk import InvalidRating, InvalidStatus, InvalidTransition, RatingRefused, UnknownOrder

NUMBER = re.compile(r"QF-\d{8}-\d{4}")
CODE = "91440300708461136T"  # Tencent's published code: a valid check character
BAD_CODE = "91440300708461136X"


class Chat:
    def __init__(self, rt: Runtime) -> None:
        self.rt = rt
        self.sid: str | None = None

    def __call__(self, text: str) -> Reply:
        reply = self.rt.assistant.handle(self.sid, text)
        self.sid = reply.session_id
        return reply

    @property
    def form(self) -> dict | None:
        assert self.sid is not None
        return self.rt.conversations.get(self.sid).state.get("form")


def order_count(rt: Runtime) -> int:
    with rt.db.session() as s:
        return int(s.scalar(select(func.count()).select_from(Order)) or 0)


def place(rt: Runtime, chat: Chat | None = None) -> tuple[Chat, str]:
    """A quick, valid order of 合同审查; returns the chat and the order number."""
    chat = chat or Chat(rt)
    for text in ("我想预约合同审查", "浦江晶彩水晶有限公司", CODE, "张三", "13800138000", "审查一份采购合同", "同意"):
        chat(text)
    reply = chat("确认")
    m = NUMBER.search(reply.reply)
    assert m, reply.reply
    return chat, m.group(0)


def test_full_order_in_chinese_with_bad_values_and_a_correction(runtime: Runtime) -> None:
    chat = Chat(runtime)
    r = chat("我想预约合同审查")
    assert r.route == "order" and "合同审查" in r.reply and "请输入企业名称" in r.reply
    assert r.data["form"]["field"] == "enterprise_name"

    steps = [  # (bad value, its message, good value, the next prompt)
        ("甲" * 101, "企业名称不能超过 100 个字", "浦江晶彩水晶有限公司", "统一社会信用代码"),
        (BAD_CODE, "统一社会信用代码校验位错误", CODE, "联系人姓名"),
        ("123", "联系人姓名应包含文字", "张三", "联系电话"),
        ("12345", "电话号码格式不正确", "13800138000", "需求"),
        ("字" * 1001, "需求说明不能超过 1000 个字", "审查一份采购合同，金额约 50 万元", "个人信息使用告知"),
        ("不同意", "需要您明确同意", "同意", "请核对预约信息"),
    ]
    for bad, message, good, next_prompt in steps:
        field = chat.form["current"]  # type: ignore[index]
        r = chat(bad)
        assert message in r.reply, r.reply
        assert r.data["error"] == field and chat.form["current"] == field  # type: ignore[index]
        r = chat(good)
        assert "error" not in r.data and next_prompt in r.reply, r.reply
    assert "保存 365 天" in r.reply and "13800138000" in r.reply and r.data["form"]["stage"] == "confirm"
    assert order_count(runtime) == 0

    r = chat("修改 电话")
    assert "请重新填写联系电话" in r.reply and chat.form["current"] == "phone"  # type: ignore[index]
    r = chat("0579 84123456")
    assert "联系电话：0579-84123456" in r.reply and "请核对预约信息" in r.reply
    r = chat("修改 传真")
    assert "没有找到要修改的项“传真”" in r.reply and "联系电话" in r.reply

    r = chat("确认")
    m = NUMBER.search(r.reply)
    assert m and "已提交" in r.reply and chat.form is None
    order = runtime.orders.by_number(m.group(0), chat.sid)  # type: ignore[union-attr]
    assert order is not None and order.status == "submitted" and r.data["order"]["number"] == order.number
    assert (order.enterprise_name, order.credit_code, order.phone) == ("浦江晶彩水晶有限公司", CODE, "0579-84123456")
    assert order.service_id == "contract-review" and order.preferred_time is None
    assert [(e.kind, e.to_status, e.actor) for e in order.history] == [
        ("status", "submitted", "enterprise"), ("adviser_notice", None, "system")]
    assert order.number in (order.history[1].reason or "")
    assert (order.retain_until - order.consent_at).days == 365

    r = chat("/status")
    assert order.number in r.reply and "已提交" in r.reply
    assert r.data["orders"][0]["number"] == order.number
    r = chat("我的订单进度")
    assert r.route == "order" and order.number in r.reply


def test_full_order_in_english_with_skip_edit_and_confirm_commands(runtime: Runtime) -> None:
    chat = Chat(runtime)
    r = chat("I would like to book a legal health check")
    assert "Enterprise legal health check" in r.reply and "enterprise's name" in r.reply
    chat("Pujiang Crystal Co., Ltd.")
    r = chat("91440300708461137T")
    assert "credit code check character is wrong" in r.reply
    r = chat(CODE)
    assert "contact person's name" in r.reply
    r = chat("张三")  # a Chinese answer does not switch the form's language
    assert "phone number" in r.reply
    r = chat("+86 138 0013 8000")
    assert "When would suit you" in r.reply and any(s.message == "skip" for s in r.suggestions)
    r = chat("x" * 101)
    assert "at most 100 characters" in r.reply
    r = chat("skip")
    assert "describe briefly" in r.reply
    r = chat("Check our employment contracts and safety rules.")
    assert "deleted after 365 days" in r.reply
    r = chat("no")
    assert "explicit consent" in r.reply and "reply \"cancel\" to stop" in r.reply
    r = chat("I agree")
    assert "Please check your booking" in r.reply and "preferred time: (not given)" in r.reply
    assert "phone: 13800138000" in r.reply
    r = chat("change preferred time")
    assert "give the preferred time again" in r.reply
    r = chat("/confirm")  # a field is being changed: finish it first
    assert "When would suit you" in r.reply and order_count(runtime) == 0
    r = chat("Tuesday morning")
    assert "preferred time: Tuesday morning" in r.reply
    r = chat("/edit code")
    assert "unified social credit code again" in r.reply
    r = chat(CODE)
    r = chat("/confirm")
    m = NUMBER.search(r.reply)
    assert m and "Your booking is submitted" in r.reply
    order = runtime.orders.by_number(m.group(0), chat.sid)  # type: ignore[union-attr]
    assert order is not None and order.lang == "en" and order.preferred_time == "Tuesday morning"
    assert order.phone == "13800138000" and order.enterprise_name == "Pujiang Crystal Co., Ltd."
    r = chat("my orders")
    assert order.number in r.reply and "submitted" in r.reply and "Enterprise legal health check" in r.reply


def test_cancel_midway_leaves_no_order(runtime: Runtime) -> None:
    chat = Chat(runtime)
    chat("我想预约合同审查")
    chat("浦江晶彩水晶有限公司")
    r = chat("取消")
    assert "已取消本次预约" in r.reply and chat.form is None and order_count(runtime) == 0
    r = chat("/confirm")
    assert "当前没有正在填写的预约" in r.reply and order_count(runtime) == 0
    en = Chat(runtime)
    en("I would like to book a contract review")
    r = en("/cancel")
    assert "Booking cancelled; nothing was submitted." in r.reply and en.form is None
    r = en("/edit phone")
    assert "no booking in progress" in r.reply
    assert order_count(runtime) == 0


def test_status_mid_form_keeps_the_form(runtime: Runtime) -> None:
    chat, number = place(runtime)
    chat("我想预约合同审查")
    chat("另一家公司")
    r = chat("/status")
    assert number in r.reply and "继续填写预约" in r.reply and "统一社会信用代码" in r.reply
    assert chat.form is not None and chat.form["current"] == "credit_code"
    r = chat(CODE)
    assert "联系人姓名" in r.reply
    chat("张三")
    chat("13800138000")
    r = chat("合同里关于我的订单进度的违约条款")  # free text that mentions 订单 is the description
    assert "个人信息使用告知" in r.reply and chat.form["values"]["description"].startswith("合同里")
    r = chat(f"取消订单 {number}")  # a whole-message order command still works inside a form
    assert f"订单 {number} 已取消" in r.reply and "继续填写预约" in r.reply and chat.form is not None


@pytest.mark.parametrize(("start", "danger", "lang"), [
    ("我想预约合同审查", "仓库保管员刚在群里说不想活了，现在人在楼顶", "zh"),
    ("我想预约合同审查", "有个工人在车间吞了一瓶安眠药，刚叫了救护车", "zh"),
    ("I want to book a contract review", "Our foreman has just threatened to stab the site manager tonight", "en"),
])
def test_danger_typed_in_a_form_reaches_an_adviser_and_the_form_waits(runtime: Runtime, start: str, danger: str,
                                                                     lang: str) -> None:
    """A life or a liberty at stake is no value for the field asked (review12 §1): a case for an adviser, the form
    kept as it was; once the user goes back to the assistant, the form asks its question again."""
    chat = Chat(runtime)
    chat(start)
    assert chat.form is not None and chat.form["current"] == "enterprise_name"
    r = chat(danger)
    case = runtime.handoffs.active(chat.sid)  # type: ignore[arg-type]
    assert r.route == "handoff" and case is not None and case.reason == "danger"
    assert chat.form is not None and chat.form["values"] == {} and chat.form["current"] == "enterprise_name"
    chat("/bot")
    assert runtime.handoffs.active(chat.sid) is None  # type: ignore[arg-type]
    r = chat("永康刀具制造有限公司")  # a company name in the rule's words is still a company name
    assert chat.form["values"]["enterprise_name"] == "永康刀具制造有限公司" and chat.form["current"] == "credit_code"
    assert r.route == "order"


def test_no_orders_yet(runtime: Runtime) -> None:
    """No dead end: the reply says where orders of another conversation are and offers the booking button, which
    opens the menu."""
    chat = Chat(runtime)
    for ask, said, label in (("我的订单", "还没有", "预约服务"), ("my orders", "You have not placed any orders",
                                                                "Book a service")):
        r = chat(ask)
        assert said in r.reply and [(s.label, s.message) for s in r.suggestions] == [(label, "/menu")]
        assert chat(r.suggestions[0].message).route == "menu"


def test_enterprise_cancels_its_order_until_it_is_in_progress(runtime: Runtime) -> None:
    chat, first = place(runtime)
    r = chat(f"取消订单 {first}")
    assert f"订单 {first} 已取消" in r.reply
    order = runtime.orders.by_number(first)  # type: ignore[union-attr]
    assert order is not None and order.status == "cancelled"
    assert order.history[-1].actor == "enterprise" and order.history[-1].reason

    _, second = place(runtime, chat)
    assert second != first
    other = Chat(runtime)
    other("你好")
    r = other(f"/cancel_order {second}")
    assert "没有找到订单" in r.reply or "no order" in r.reply
    desk = runtime.orders
    assert desk is not None
    o2 = desk.by_number(second)
    assert o2 is not None and o2.status == "submitted"
    desk.change_status(o2.id, "accepted", "顾问 王")
    desk.change_status(o2.id, "in_progress", "顾问 王")
    r = chat(f"/cancel_order {second}")
    assert "已不能取消" in r.reply
    assert desk.get(o2.id).status == "in_progress"  # type: ignore[union-attr]
    r = chat("/cancel_order")
    assert "请提供要取消的订单号" in r.reply


def test_lifecycle_and_refused_transitions(runtime: Runtime) -> None:
    desk = runtime.orders
    assert desk is not None
    chat, number = place(runtime)
    order = desk.by_number(number)
    assert order is not None
    with pytest.raises(InvalidTransition) as err:
        desk.change_status(order.id, "completed", "顾问 王")
    assert "不能变更为“已完成”" in err.value.zh and "cannot become completed" in err.value.en
    with pytest.raises(InvalidTransition, match="reason"):
        desk.change_status(order.id, "rejected", "顾问 王")
    with pytest.raises(InvalidStatus, match="unknown status"):  # a wrong name: 422, not a refused transition
        desk.change_status(order.id, "lost", "顾问 王")
    with pytest.raises(UnknownOrder):
        desk.change_status(order.id + 999, "accepted", "顾问 王")
    for to in ("accepted", "in_progress", "completed"):
        desk.change_status(order.id, to, "顾问 王")
    with pytest.raises(InvalidTransition, match="allowed: none"):
        desk.change_status(order.id, "cancelled", "顾问 王", "too late")
    done = desk.get(order.id, chat.sid)
    assert done is not None and done.status == "completed"
    statuses = [(e.from_status, e.to_status, e.actor) for e in done.history if e.kind == "status"]
    assert statuses == [(None, "submitted", "enterprise"), ("submitted", "accepted", "顾问 王"),
                        ("accepted", "in_progress", "顾问 王"), ("in_progress", "completed", "顾问 王")]
    assert all(e.created_at for e in done.history)

    _, other = place(runtime, chat)
    o = desk.by_number(other)
    assert o is not None
    rejected = desk.change_status(o.id, "rejected", "顾问 李", "不属于受理范围")
    assert rejected.status == "rejected" and rejected.history[-1].reason == "不属于受理范围"
    with pytest.raises(InvalidTransition):
        desk.change_status(o.id, "accepted", "顾问 李")
    r = chat("/status")
    assert "未受理" in r.reply and "已完成" in r.reply


def test_rating_after_completion(runtime: Runtime) -> None:
    desk = runtime.orders
    assert desk is not None
    chat, number = place(runtime)
    order = desk.by_number(number)
    assert order is not None
    with pytest.raises(RatingRefused, match="not completed"):
        desk.rate(order.id, chat.sid, "满意")  # type: ignore[arg-type]
    r = chat(f"/rate {number} 满意")
    assert "尚未办理完成" in r.reply
    for to in ("accepted", "in_progress", "completed"):
        desk.change_status(order.id, to, "顾问 王")

    r = chat("你好")  # the next message after completion carries the rating prompt, once
    assert "已办理完成，请对本次服务作出评价" in r.reply and number in r.reply
    rate_cmds = [s.message for s in r.suggestions if s.kind == "rating"]
    assert rate_cmds == [f"/rate {number} {lvl}" for lvl in ("非常满意", "满意", "基本满意", "不满意", "非常不满意")]
    assert "请对本次服务作出评价" not in chat("你好").reply

    r = chat(f"/rate {number} 很棒")
    assert "评价等级无效" in r.reply
    with pytest.raises(UnknownOrder):
        desk.rate(order.id, "someone-else", "满意")
    r = chat(f"/rate {number} 基本满意 回复及时，但等待稍久")
    assert "感谢您的评价（基本满意）" in r.reply
    rated = desk.get(order.id)
    assert rated is not None and rated.rating == 3 and rated.rating_label == "基本满意"
    assert rated.rating_comment == "回复及时，但等待稍久" and rated.history[-1].kind == "rating"
    r = chat(f"/rate {number} 非常满意")
    assert "已经评价过了" in r.reply
    assert desk.get(order.id).rating == 3  # type: ignore[union-attr]


def test_rating_levels_in_english_and_numbers(runtime: Runtime) -> None:
    desk = runtime.orders
    assert desk is not None
    numbers = []
    chat = Chat(runtime)
    for _ in range(3):
        _, number = place(runtime, chat)
        o = desk.by_number(number)
        assert o is not None
        for to in ("accepted", "in_progress", "completed"):
            desk.change_status(o.id, to, "adviser")
        numbers.append(o.id)
    assert desk.rate(numbers[0], chat.sid, "very dissatisfied", "slow").rating == 1  # type: ignore[arg-type]
    assert desk.rate(numbers[1], chat.sid, 4).rating == 4  # type: ignore[arg-type]
    with pytest.raises(InvalidRating):
        desk.rate(numbers[2], chat.sid, 6)  # type: ignore[arg-type]
    with pytest.raises(InvalidRating, match="500"):
        desk.rate(numbers[2], chat.sid, "满意", "字" * 501)  # type: ignore[arg-type]
    r = chat(f"/rate {desk.get(numbers[2]).number} very satisfied great work")  # type: ignore[union-attr]
    assert "very satisfied" in r.reply or "非常满意" in r.reply
    third = desk.get(numbers[2])
    assert third is not None and third.rating == 5 and third.rating_comment == "great work"


def test_form_survives_a_restart(settings: Settings, embeddings: QifaEmbeddings) -> None:
    rt = build_runtime(settings, shipped=False, embeddings=embeddings)
    chat = Chat(rt)
    chat("我想预约合同审查")
    chat("浦江晶彩水晶有限公司")
    chat(CODE)
    sid = chat.sid
    rt.close()

    rt2 = build_runtime(settings, shipped=False, embeddings=embeddings)
    try:
        chat2 = Chat(rt2)
        chat2.sid = sid
        assert chat2.form is not None and chat2.form["current"] == "contact_name"
        r = chat2("张三")
        assert "联系电话" in r.reply
        for text in ("13800138000", "审查一份采购合同", "同意"):
            r = chat2(text)
        assert "企业名称：浦江晶彩水晶有限公司" in r.reply and f"统一社会信用代码：{CODE}" in r.reply
        r = chat2("确认")
        m = NUMBER.search(r.reply)
        assert m and rt2.orders is not None
        order = rt2.orders.by_number(m.group(0), sid)
        assert order is not None and order.status == "submitted" and order.contact_name == "张三"
    finally:
        rt2.close()
