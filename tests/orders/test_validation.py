"""Order-form field validators: normalised values, and clear messages in Chinese and English."""

from __future__ import annotations

import pytest

from orders.validation import (
    CREDIT_CHARSET,
    FieldError,
    FormInvalid,
    credit_check_char,
    validate_consent,
    validate_contact_name,
    validate_credit_code,
    validate_description,
    validate_enterprise_name,
    validate_form,
    validate_phone,
    validate_preferred_time,
)

# Published codes of well-known enterprises (Tencent, Huawei, Alibaba (China)), each checked by hand.
REAL_CODES = ["91440300708461136T", "914403001922038216", "91330100716105852F"]


def make_code(first17: str) -> str:
    return first17 + credit_check_char(first17)


def test_check_character_follows_gb32100_by_hand() -> None:
    first17 = "91440300708461136"
    weights = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    total = sum(CREDIT_CHARSET.index(c) * w for c, w in zip(first17, weights, strict=True))
    assert CREDIT_CHARSET[(31 - total % 31) % 31] == "T" == credit_check_char(first17)


def test_check_value_31_becomes_0() -> None:
    # the sum is a multiple of 31 exactly when the check character is "0"
    found = [c for c in (make_code(f"9133072{n:010d}") for n in range(200)) if c.endswith("0")]
    assert found
    for code in found:
        assert validate_credit_code(code) == code


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_credit_codes_are_valid(code: str) -> None:
    assert validate_credit_code(code) == code


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_credit_codes_with_any_other_check_character_are_refused(code: str) -> None:
    for c in CREDIT_CHARSET:
        if c != code[-1]:
            with pytest.raises(FieldError) as err:
                validate_credit_code(code[:17] + c)
            assert err.value.field == "credit_code"
            assert err.value.message() == ("统一社会信用代码校验位错误，请核对营业执照 / "
                                           "credit code check character is wrong; please check the business licence")


def test_example_code_from_the_issue_has_a_wrong_check_character() -> None:
    with pytest.raises(FieldError, match="校验位错误"):
        validate_credit_code("91330000MA28PW5Y4X")
    assert validate_credit_code("91330000MA28PW5Y4C") == "91330000MA28PW5Y4C"


def test_constructed_codes_with_letters_are_valid_and_normalised() -> None:
    code = make_code("92330726MA2EXAMP1")
    assert validate_credit_code(code.lower()) == code
    assert validate_credit_code(f" {code[:6]} {code[6:]} ") == code


@pytest.mark.parametrize(
    ("value", "zh", "en"),
    [
        ("9144030070846113", "应为 18 位", "18 characters (got 16)"),
        ("91440300708461136TT", "应为 18 位", "got 19"),
        ("9144030070846113IT", "无效字符：I", "invalid characters: I"),
        ("91440300708461136O", "无效字符：O", "invalid characters: O"),
        ("91AB0300708461136T", "行政区划代码", "area code"),
        ("", "应为 18 位", "got 0"),
    ],
)
def test_bad_credit_codes(value: str, zh: str, en: str) -> None:
    with pytest.raises(FieldError) as err:
        validate_credit_code(value)
    assert zh in err.value.zh and en in err.value.en
    assert err.value.message("zh") == err.value.zh and err.value.message("en") == err.value.en


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("13800138000", "13800138000"),
        ("19912345678", "19912345678"),
        ("+86 138 0013 8000", "13800138000"),
        ("+8613800138000", "13800138000"),
        ("0579-84123456", "0579-84123456"),
        ("057984123456", "0579-84123456"),
        ("0579-8412345", "0579-8412345"),
        ("010-62345678", "010-62345678"),
        ("01062345678", "010-62345678"),
        ("+86 0579-84123456", "0579-84123456"),
    ],
)
def test_good_phones(raw: str, clean: str) -> None:
    assert validate_phone(raw) == clean


@pytest.mark.parametrize("raw", ["12800138000", "1380013800", "138001380001", "0579-0412345", "84123456",
                                 "phone", "", "0579-841234567", "+1 415 555 0100"])
def test_bad_phones(raw: str) -> None:
    with pytest.raises(FieldError) as err:
        validate_phone(raw)
    assert "电话号码格式不正确" in err.value.zh and "not valid" in err.value.en


def test_enterprise_name() -> None:
    assert validate_enterprise_name("  浦江县  水晶有限公司 ") == "浦江县 水晶有限公司"
    assert validate_enterprise_name("甲" * 100) == "甲" * 100
    with pytest.raises(FieldError, match="不能超过 100"):
        validate_enterprise_name("甲" * 101)
    with pytest.raises(FieldError, match="请填写企业名称"):
        validate_enterprise_name("   ")
    with pytest.raises(FieldError, match="必须是文本"):
        validate_enterprise_name(12)


def test_contact_name() -> None:
    assert validate_contact_name("张三") == "张三"
    assert validate_contact_name("Li Wei") == "Li Wei"
    for bad in ("", "123", "!!!", "张" * 51):
        with pytest.raises(FieldError):
            validate_contact_name(bad)


def test_preferred_time_is_optional() -> None:
    assert validate_preferred_time("下周二上午") == "下周二上午"
    for skip in ("跳过", "skip", "SKIP", None, ""):
        assert validate_preferred_time(skip) is None
    with pytest.raises(FieldError, match="100"):
        validate_preferred_time("上" * 101)


def test_description() -> None:
    assert validate_description("审查一份采购合同") == "审查一份采购合同"
    assert len(validate_description("字" * 1000)) == 1000
    with pytest.raises(FieldError, match="1000"):
        validate_description("字" * 1001)
    with pytest.raises(FieldError, match="请简要说明需求"):
        validate_description(" ")


def test_consent_must_be_explicit() -> None:
    for yes in (True, "同意", "我同意。", "I agree", "yes", "Agree!"):
        assert validate_consent(yes) is True
    for no in (False, None, "不同意", "no", "maybe", 1, "true?"):
        with pytest.raises(FieldError) as err:
            validate_consent(no)
        assert err.value.field == "consent" and "明确同意" in err.value.zh and "consent" in err.value.en


def test_validate_form_reports_every_bad_field() -> None:
    fields = ("enterprise_name", "credit_code", "contact_name", "phone", "preferred_time", "description", "consent")
    with pytest.raises(FormInvalid) as err:
        validate_form(fields, {"enterprise_name": "甲公司", "credit_code": "91440300708461136X", "phone": "123",
                               "description": "咨询", "consent": False})
    assert [e.field for e in err.value.errors] == ["credit_code", "contact_name", "phone", "consent"]
    clean = validate_form(fields, {"enterprise_name": "甲公司", "credit_code": REAL_CODES[0], "contact_name": "张三",
                                   "phone": "0579 84123456", "description": "咨询", "consent": True})
    assert clean["phone"] == "0579-84123456" and clean["preferred_time"] is None and clean["consent"] is True
