"""Masks personal identifiers in free text, keeping enough to recognise the kind of value.

- mainland mobile numbers (1[3-9] + 9 digits, also with +86 / spaces / dashes) → ``138****5678``
- landlines with an area code (0xx-xxxxxxx) → ``0571-****567``
- resident ID-card numbers (18 characters, last may be X) → ``3301**********123X`` style: first 4 and last 2 kept
- unified social credit codes (18 characters of GB 32100's alphabet, with at least one letter or the shape of
  one) → first 2 and last 2 kept
- e-mail addresses → ``z***@example.com``
Digits inside longer runs of digits or letters (order numbers, hashes) are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_B = r"(?<![0-9A-Za-z])"  # not preceded by a digit or letter
_E = r"(?![0-9A-Za-z])"  # not followed by one

_ID_CARD = re.compile(_B + r"([1-9]\d{5})((?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3})([\dXx])" + _E)
_CREDIT = re.compile(_B + r"([0-9A-HJ-NPQRTUWXY]{2})([0-9A-HJ-NPQRTUWXY]{14})([0-9A-HJ-NPQRTUWXY]{2})" + _E)
_MOBILE = re.compile(_B + r"((?:\+?86[\s-]?)?1[3-9]\d)[\s-]?(\d{4})[\s-]?(\d{4})" + _E)
_LANDLINE = re.compile(_B + r"(0\d{2,3})[\s-](\d{3,4})(\d{4})" + _E)
_EMAIL = re.compile(r"\b([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})\b")


def _id_card(m: re.Match[str]) -> str:
    whole = m.group(0)
    return whole[:4] + "*" * (len(whole) - 6) + whole[-2:]


def _credit(m: re.Match[str]) -> str:
    whole = m.group(0)
    return whole[:2] + "*" * 14 + whole[-2:]


def mask(text: str) -> str:
    """``text`` with phone numbers, ID-card numbers, credit codes and e-mail addresses masked."""
    if not text:
        return text
    text = _ID_CARD.sub(_id_card, text)
    text = _CREDIT.sub(_credit, text)
    text = _MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
    text = _LANDLINE.sub(lambda m: f"{m.group(1)}-****{m.group(3)}", text)
    return _EMAIL.sub(lambda m: f"{m.group(1)}***@{m.group(2)}", text)


def mask_messages(texts: Iterable[str]) -> list[str]:
    return [mask(t) for t in texts]
