"""A refused catalogue or FAQ save keeps every field as typed and says what is wrong beside the field, in words
(Chinese first, the field's name rather than its id, not pydantic's text) (review20 finding 9)."""

from __future__ import annotations

import html
import re

import pytest
from conftest import console_login, csrf_of
from fastapi.testclient import TestClient

from composition import Runtime

SID = "contract-review"


@pytest.fixture
def client(staff_console: TestClient) -> TestClient:
    console_login(staff_console, "chen")
    return staff_console


def form_of(page: str) -> dict[str, str]:
    """The service form's text fields and text areas as the page shows them."""
    fields = {m[0]: html.unescape(m[1]) for m in re.findall(r'<input name="(\w+)" value="([^"]*)"', page)}
    areas = re.findall(r'<textarea name="(\w+)"[^>]*>(.*?)</textarea>', page, re.S)
    fields |= {m[0]: html.unescape(m[1]) for m in areas}
    return fields


def test_a_refused_catalogue_save_keeps_the_typing_and_names_the_fields(client: TestClient, runtime: Runtime) -> None:
    page = client.get(f"/console/services?edit={SID}").text
    assert "名称 Name" in page and "办理时限 Time limit" in page and "预约表单字段 Order form fields" in page
    typed = form_of(page)
    typed |= {"name": "", "summary": "新的简介：先看合同，再谈修改。", "category": "法律服务",
              "form_fields": typed["form_fields"] + "\nfax"}
    stored = runtime.catalogue.get(SID)
    r = client.post(f"/console/services/{SID}", data={**typed, "requires_adviser": "on", "csrf": csrf_of(page)})
    assert r.status_code == 422 and "location" not in r.headers
    shown = form_of(r.text)
    assert shown["summary"] == "新的简介：先看合同，再谈修改。"
    assert shown["name"] == "" and shown["category"] == "法律服务"
    assert shown["form_fields"].endswith("\nfax") and shown["steps"] == typed["steps"]
    assert runtime.catalogue.get(SID) == stored  # nothing saved
    assert "未保存：请修改标出的 3 项（名称 Name、类别 Category、预约表单字段 Order form fields）" in r.text
    assert '<span class="field-err" id="err-name">不能为空 / This cannot be empty</span>' in r.text
    assert "须为以下之一：法律咨询、服务代办、业务指引、协调监督" in r.text
    assert "只能使用这些字段" in r.text and 'aria-describedby="err-form_fields"' in r.text
    assert "String should have" not in r.text and "Value error" not in r.text


def test_a_refused_faq_keeps_the_question_and_variants(client: TestClient, runtime: Runtime) -> None:
    page = client.get("/console/faqs").text
    form = {"question": "周六能去窗口办事吗", "variants": "星期六办事窗口开吗\n周末能办业务吗", "answer": "  "}
    r = client.post("/console/faqs", data={**form, "csrf": csrf_of(page)})
    assert r.status_code == 422 and runtime.faqs.entries() == []
    assert 'value="周六能去窗口办事吗"' in r.text and ">星期六办事窗口开吗\n周末能办业务吗</textarea>" in r.text
    assert '<span class="field-err" id="err-answer">请填写答案 / The answer is required</span>' in r.text
    assert "answer 长度" not in r.text and "answer must be" not in r.text
    r = client.post("/console/faqs", data={**form, "answer": "可以。", "variants": "周" * 300, "csrf": csrf_of(page)})
    assert r.status_code == 422
    assert "其他问法长度应为 2-200 个字符 / the other phrasings must be 2-200 characters" in r.text
    assert ">可以。</textarea>" in r.text
