"""A contact's name typed with a phone number or an e-mail address (talk21, issue #11): "李四 13800138000",
"张三，电话13900001111", "John Smith, +86 139 0000 1111" give the name to the name field and the number to the phone
field (both shown back, the phone step skipped); a number that is no valid phone is left for the phone step; an e-mail
is not kept (the form has no e-mail field). No phone or e-mail is ever stored inside the name, and the web form's check
refuses such a name at its field. Through the engine and HTTP, on a real runtime (SQLite on disk), Chinese first."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from talk_support import question, state, talking

from api.app import create_app
from composition import Runtime
from orders.contact_parts import split_contact
from orders.texts import field_label, ot

CODE = "91440300708461136T"
NAME = {"zh": "浦江晶彩水晶有限公司", "en": "Pujiang Crystal Co., Ltd."}
WITH_PHONE = {
    "zh": [("李四 13800138000", "李四", "13800138000"), ("张三，电话13900001111", "张三", "13900001111"),
           ("联系人：王小明 手机：138-0013-8000", "王小明", "13800138000"),
           ("欧阳娜娜／１３９１２３４５６７８", "欧阳娜娜", "13912345678"),
           ("赵六 0579-84123456", "赵六", "0579-84123456")],
    "en": [("John Smith, +86 139 0000 1111", "John Smith", "13900001111"),
           ("Mary Jones (mobile 13912345678)", "Mary Jones", "13912345678"),
           ("Li Lei tel: 0579 84123456", "Li Lei", "0579-84123456")],
}


def taken(field: str, value: str, lang: str) -> str:
    label = field_label(field, lang)
    return ot("taken", lang, label=label, label_cap=label[:1].upper() + label[1:], value=value)


def to_contact(say: Any) -> None:
    say("/order contract-review")
    say(NAME["zh"])
    say(CODE)


@pytest.mark.parametrize("channel", ["engine", "http"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_name_with_a_phone_fills_both_fields(rt: Runtime, channel: str, lang: str) -> None:
    """The name alone is the contact; the number, normalised as the phone field keeps it, is the phone; both are shown
    back with the way to change them, and the form goes on to the description."""
    for typed, name, phone in WITH_PHONE[lang]:
        with talking(rt, channel, lang) as (say, sid):
            to_contact(say)
            r = say(typed)
            form = state(rt, sid())["form"]
            assert form["values"]["contact_name"] == name and form["values"]["phone"] == phone, (typed, r["reply"])
            assert taken("contact_name", name, lang) in r["reply"] and taken("phone", phone, lang) in r["reply"]
            assert form["current"] == "description" and r["reply"].endswith(question(form, lang, rt))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_invalid_number_or_an_e_mail_is_never_kept_in_the_name(rt: Runtime, lang: str) -> None:
    """"李四 1390000" (seven digits, no phone): the name is taken and the phone is asked next, saying why the number
    was not taken; "王五 wangwu@example.com": the name is taken, the reply says the e-mail was not kept."""
    cases = {"zh": [("李四 1390000", "李四", "1390000", "number_not_kept"),
                    ("王五 wangwu@example.com", "王五", "wangwu@example.com", "email_not_kept")],
             "en": [("Li Si 1390000", "Li Si", "1390000", "number_not_kept"),
                    ("Anna Wang, anna.wang@example.co.uk", "Anna Wang", "anna.wang@example.co.uk", "email_not_kept")]}
    for typed, name, left, note in cases[lang]:
        with talking(rt, "engine", lang) as (say, sid):
            to_contact(say)
            r = say(typed)
            form = state(rt, sid())["form"]
            assert form["values"]["contact_name"] == name and "phone" not in form["values"]
            assert ot(note, lang, value=left) in r["reply"] and form["current"] == "phone"
            assert r["reply"].endswith(question(form, lang, rt))


def test_a_changed_contact_with_a_number_replaces_both(rt: Runtime) -> None:
    """修改 联系人 at the summary, then a name with a number: both change, and the summary shows them."""
    with talking(rt, "engine", "zh") as (say, sid):
        to_contact(say)
        for value in ("张三", "13800138000", "审查一份采购合同", "同意"):
            say(value)
        say("修改 联系人")
        r = say("李四 13912345678")
        values = state(rt, sid())["form"]["values"]
        assert values["contact_name"] == "李四" and values["phone"] == "13912345678"
        assert "联系人：李四" in r["reply"] and "联系电话：13912345678" in r["reply"]


@pytest.mark.parametrize("name", ["张三", "欧阳娜娜", "John Smith", "Anne-Marie O'Neil", "王五（财务）"])
def test_a_plain_name_is_no_mix(name: str) -> None:
    assert split_contact(name) is None


@pytest.fixture
def client(rt: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime=rt)) as c:
        yield c


@pytest.mark.parametrize(("contact", "zh", "en"), [
    ("李四 13800138000", "电话号码", "a phone number"), ("王五 wangwu@example.com", "邮箱地址", "an e-mail address"),
])
def test_the_web_form_refuses_a_name_holding_a_phone_or_an_e_mail(client: TestClient, contact: str, zh: str,
                                                                  en: str) -> None:
    good = {"service_id": "contract-review", "enterprise_name": NAME["zh"], "credit_code": CODE,
            "contact_name": contact, "phone": "0579-84123456", "description": "审查一份采购合同", "consent": True}
    r = client.post("/api/v1/orders", json=good)
    assert r.status_code == 422, r.text
    fields = {f["field"]: f["message"] for f in r.json()["error"]["fields"]}
    assert list(fields) == ["contact_name"] and zh in fields["contact_name"] and en in fields["contact_name"]
    assert client.post("/api/v1/orders", json={**good, "contact_name": contact.split()[0]}).status_code == 201


@pytest.mark.parametrize("text", ["a" * 2000, "a@" * 1000, ("a" * 70 + "@b.cn ") * 25, "1 " * 1000])
def test_reading_a_long_paste_at_the_name_field_takes_bounded_time(text: str) -> None:
    """The name field reads whatever is pasted there (up to a message's length): CPU time, not the wall clock."""
    start = time.thread_time()
    split_contact(text)
    assert time.thread_time() - start < 0.05
