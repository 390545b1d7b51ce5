"""privacy.mask: phone numbers, ID-card numbers, credit codes and e-mail addresses masked; other numbers kept."""

from __future__ import annotations

import pytest

from privacy import mask, mask_messages


@pytest.mark.parametrize(("text", "masked"), [
    ("电话13812345678", "电话138****5678"),
    ("+86 138 1234 5678 找我", "+86 138****5678 找我"),
    ("138-1234-5678", "138****5678"),
    ("座机 0579-84123456", "座机 0579-****3456"),
    ("身份证330726199001011234", "身份证3307************34"),
    ("ID 33072619900101123X.", "ID 3307************3X."),
    ("代码91330726MA2XXXXX1B，", "代码91**************1B，"),
    ("mail zhang.san@example.com", "mail z***@example.com"),
])
def test_identifiers_are_masked(text: str, masked: str) -> None:
    assert mask(text) == masked


@pytest.mark.parametrize("text", [
    "订单号 Q20261201-0001", "第一百二十三条", "2026年12月1日 8:30", "金额 1380000 元", "编号123456789012345678901",
    "request 3f2a9c0d5e6b47a8b9c0d1e2f3a4b5c6", "",
])
def test_other_numbers_are_kept(text: str) -> None:
    assert mask(text) == text


def test_mask_messages_keeps_order() -> None:
    assert mask_messages(["a 13812345678", "b"]) == ["a 138****5678", "b"]
