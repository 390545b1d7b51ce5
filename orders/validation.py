"""Order-form fields: each validator returns the normalised value or raises :class:`FieldError`.

Every message exists in Chinese and English; the chat form shows one, the HTTP API shows both.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from typing import Any

from orders.contact_parts import split_contact
from orders.times import is_a_time

# GB 32100-2015 统一社会信用代码: 18 characters from this set; the 18th is a check character.
CREDIT_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ENTERPRISE_NAME_MAX = 100
CONTACT_NAME_MAX = 50
PREFERRED_TIME_MAX = 100
DESCRIPTION_MAX = 1000
SKIP_WORDS = frozenset({"跳过", "略过", "无", "没有", "skip", "none", "n/a", "-"})
YES_WORDS = frozenset({"同意", "我同意", "是", "是的", "好的", "好", "确认同意", "可以", "行", "没问题", "同意的",
                       "愿意", "我愿意", "接受", "yes", "y", "i agree", "agree", "agreed", "true", "sure", "ok", "okay",
                       "yes please", "yes i agree", "i consent", "consent", "i accept", "accept", "fine",
                       "that's fine"})
_YES_ENDS = re.compile(r"(吧|啊|呀|了|哦|的|\s+please|\s+thanks|\s+thank you)$")
NO_WORDS = frozenset({"不同意", "否", "不", "no", "n", "disagree", "false"})

_MOBILE = re.compile(r"1[3-9]\d{9}")
# every dash a keyboard makes (NFKC folds the full-width one, not these)
_DASHES = re.compile(r"[\u2010-\u2015\u2212\uFE58\uFE63~～]")
_LANDLINE = re.compile(r"(0\d{2,3})-?(\d{7,8})")


class Bilingual:
    """Mixed into errors the user sees: the message in Chinese and in English."""

    zh: str
    en: str

    def message(self, lang: str | None = None) -> str:
        """The message in ``lang``; both languages (``中文 / English``) when lang is None."""
        if lang == "zh":
            return self.zh
        if lang == "en":
            return self.en
        return f"{self.zh} / {self.en}"


class FieldError(Bilingual, ValueError):
    """One bad field, with its message in both languages."""

    def __init__(self, field: str, zh: str, en: str) -> None:
        self.field, self.zh, self.en = field, zh, en
        super().__init__(f"{field}: {zh} / {en}")


class FormInvalid(ValueError):
    """Several bad fields at once (the HTTP API reports them all)."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors))


def _text(field: str, value: object) -> str:
    if value is None:
        raise FieldError(field, "此项为必填项", "this field is required")
    if not isinstance(value, str):
        raise FieldError(field, "必须是文本", "must be text")
    return re.sub(r"\s+", " ", value.replace("\x00", "")).strip()


def _folded(field: str, value: object) -> str:
    """A code's text with full-width characters folded (NFKC: ９１３３ → 9133, the default of a Chinese keyboard)
    and every kind of dash made a hyphen."""
    return _DASHES.sub("-", unicodedata.normalize("NFKC", _text(field, value)))


def credit_check_char(first17: str) -> str:
    """The GB 32100-2015 check character for the first 17 characters (which must be in the charset)."""
    total = sum(CREDIT_CHARSET.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_CHARSET[(31 - total % 31) % 31]


def _code_or_phone(text: str) -> str | None:
    """"credit_code" / "phone" when a name field was given a credit code (18 letters and digits, mostly digits,
    whether or not its check character is right) or a phone number (any run of 7 or more digits with dashes, spaces,
    brackets or +86): typed a step early or late, it is no name (talk20)."""
    folded = re.sub(r"[\s-]", "", _DASHES.sub("-", unicodedata.normalize("NFKC", text))).upper()
    if re.fullmatch(r"[0-9A-Z]{18}", folded) and sum(c.isdigit() for c in folded) >= 10:
        return "credit_code"
    digits = re.sub(r"[\s()+-]", "", folded)
    return "phone" if digits.isdigit() and len(digits) >= 7 else None


_NOT_A_NAME = {"credit_code": ("统一社会信用代码", "a credit code"), "phone": ("电话号码", "a phone number")}


def _no_code_as_name(field: str, text: str, zh_name: str, en_name: str) -> None:
    kind = _code_or_phone(text)
    if kind is not None:
        zh, en = _NOT_A_NAME[kind]
        raise FieldError(field, f"“{text}”看起来是{zh}，不是{zh_name}；请输入{zh_name}",
                         f"\"{text}\" looks like {en}, not {en_name}; please give {en_name}")


def validate_enterprise_name(value: object) -> str:
    text = _text("enterprise_name", value)
    if not text:
        raise FieldError("enterprise_name", "请填写企业名称", "please give the enterprise's name")
    _no_code_as_name("enterprise_name", text, "企业名称", "the enterprise's name")
    if len(text) > ENTERPRISE_NAME_MAX:
        raise FieldError("enterprise_name", f"企业名称不能超过 {ENTERPRISE_NAME_MAX} 个字（现为 {len(text)} 个）",
                         f"the enterprise name must be at most {ENTERPRISE_NAME_MAX} characters (got {len(text)})")
    return text


def validate_credit_code(value: object) -> str:
    code = re.sub(r"[\s-]", "", _folded("credit_code", value)).upper()
    if len(code) != 18:
        raise FieldError("credit_code", f"统一社会信用代码应为 18 位（现为 {len(code)} 位）",
                         f"the unified social credit code has 18 characters (got {len(code)})")
    bad = sorted({c for c in code if c not in CREDIT_CHARSET})
    if bad:
        raise FieldError("credit_code", f"统一社会信用代码含有无效字符：{' '.join(bad)}（不使用 I、O、Z、S、V）",
                         f"the credit code contains invalid characters: {' '.join(bad)} "
                         "(I, O, Z, S and V are not used)")
    if not code[2:8].isdigit():
        raise FieldError("credit_code", "统一社会信用代码第 3-8 位应为行政区划代码（数字）",
                         "characters 3-8 of the credit code must be the area code (digits)")
    if credit_check_char(code[:17]) != code[17]:
        raise FieldError("credit_code", "统一社会信用代码校验位错误，请核对营业执照",
                         "credit code check character is wrong; please check the business licence")
    return code


def validate_contact_name(value: object) -> str:
    text = _text("contact_name", value)
    if not text:
        raise FieldError("contact_name", "请填写联系人姓名", "please give a contact name")
    _no_code_as_name("contact_name", text, "联系人姓名", "the contact person's name")
    parts = split_contact(text)
    if parts is not None:  # "李四 13800138000": a phone or an e-mail is never kept inside the name (talk21)
        zh, en = ("电话号码", "a phone number") if parts.phone else ("邮箱地址", "an e-mail address")
        raise FieldError("contact_name",
                         f"联系人姓名中含有{zh}，请只填写姓名（如“{parts.name}”），电话请填在联系电话一栏",
                         f"the contact name holds {en}; give the name alone (e.g. \"{parts.name}\") and the phone "
                         "number in its own field")
    if len(text) > CONTACT_NAME_MAX:
        raise FieldError("contact_name", f"联系人姓名不能超过 {CONTACT_NAME_MAX} 个字",
                         f"the contact name must be at most {CONTACT_NAME_MAX} characters")
    if not re.search(r"[^\d\s\W]", text):
        raise FieldError("contact_name", "联系人姓名应包含文字", "the contact name must contain letters")
    return text


def validate_phone(value: object) -> str:
    """Mainland mobile (13800138000) or landline (0579-84123456 / 057984123456), optional +86."""
    raw = _folded("phone", value)
    digits = re.sub(r"[\s()]", "", raw)
    digits = re.sub(r"^(\+86|0086)-?", "", digits)
    plain = digits.replace("-", "")  # 138-0013-8000: a mobile's dashes only group its digits
    plain = plain[2:] if plain.startswith("86") and _MOBILE.fullmatch(plain[2:]) else plain
    if _MOBILE.fullmatch(plain):
        return plain
    if digits.count("-") > 1:  # 0579-8412-3456: the area code, then the local number grouped
        area, _, local = digits.partition("-")
        digits = f"{area}-{local.replace('-', '')}"
    m = _LANDLINE.fullmatch(digits)
    if m:
        area, local = m.group(1), m.group(2)
        if "-" not in digits:  # 010 and 02X are the three-digit area codes, the rest have four
            split = 3 if digits[1] in "12" else 4
            area, local = digits[:split], digits[split:]
        if len(local) in (7, 8) and local[0] not in "01":
            return f"{area}-{local}"
    raise FieldError("phone", "电话号码格式不正确，请填写 11 位手机号或带区号的固定电话（如 0579-84123456）",
                     "the phone number is not valid: give an 11-digit mobile number or a landline with its "
                     "area code (e.g. 0579-84123456)")


def validate_preferred_time(value: object) -> str | None:
    if value is None:
        return None
    text = _text("preferred_time", value)
    if not text or text.lower() in SKIP_WORDS:
        return None
    if len(text) > PREFERRED_TIME_MAX:
        raise FieldError("preferred_time", f"期望时间不能超过 {PREFERRED_TIME_MAX} 个字",
                         f"the preferred time must be at most {PREFERRED_TIME_MAX} characters")
    if not is_a_time(text):  # a question, a code, "asdf": no time (a question is answered aside in the chat)
        raise FieldError("preferred_time", "期望时间请写日期、星期或时段"
                         "（如“下周二上午”“3月5日14:00”“工作日下午”“尽快”），不需要请回复“跳过”",
                         "give the preferred time as a date, a weekday or a time of day (e.g. \"Tuesday morning\", "
                         "\"5 March 2pm\", \"weekday afternoons\", \"as soon as possible\"), or reply \"skip\"")
    return text


def validate_description(value: object) -> str:
    text = _text("description", value)
    if not text:
        raise FieldError("description", "请简要说明需求", "please describe what you need")
    if len(text) > DESCRIPTION_MAX:
        raise FieldError("description", f"需求说明不能超过 {DESCRIPTION_MAX} 个字（现为 {len(text)} 个）",
                         f"the description must be at most {DESCRIPTION_MAX} characters (got {len(text)})")
    return text


def validate_consent(value: object) -> bool:
    if value is True:
        return True
    if isinstance(value, str) and _says_yes(value):
        return True
    raise FieldError("consent", "需要您明确同意个人信息的使用才能提交订单",
                     "explicit consent to the use of these personal details is needed to submit the order")


def _says_yes(value: str) -> bool:
    """Each clause of the answer is a yes (可以 / 好的，同意 / "yes please"), polite endings aside."""
    parts = [p.strip() for p in re.split(r"[，,。.!！;；、~～]+", value.strip().lower()) if p.strip()]
    return bool(parts) and all(p in YES_WORDS or _YES_ENDS.sub("", p).strip() in YES_WORDS for p in parts)


VALIDATORS: dict[str, Callable[[object], Any]] = {
    "enterprise_name": validate_enterprise_name,
    "credit_code": validate_credit_code,
    "contact_name": validate_contact_name,
    "phone": validate_phone,
    "preferred_time": validate_preferred_time,
    "description": validate_description,
    "consent": validate_consent,
}
OPTIONAL_FIELDS = frozenset({"preferred_time"})


def validate_field(field: str, value: object) -> Any:
    return VALIDATORS[field](value)


def validate_form(fields: tuple[str, ...], data: Mapping[str, object]) -> dict[str, Any]:
    """Validate every field of a service's form; raise FormInvalid listing each bad one."""
    clean: dict[str, Any] = {}
    errors: list[FieldError] = []
    for field in fields:
        value = data.get(field)
        if value is None and field not in OPTIONAL_FIELDS:
            errors.append(FieldError(field, "此项为必填项", "this field is required"))
            continue
        try:
            clean[field] = validate_field(field, value)
        except FieldError as exc:
            errors.append(exc)
    if errors:
        raise FormInvalid(errors)
    return clean
