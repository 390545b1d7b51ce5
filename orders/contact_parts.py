"""A contact's name typed together with a phone number or an e-mail address ("李四 13800138000",
"张三，电话13900001111", "John Smith, +86 139 0000 1111", "王五 wangwu@example.com"): the parts, so that no phone or
e-mail is ever stored as a name (talk21, issue #11). People answer "who should we call?" with both at once; the order
form then takes the name as the name and the number as the phone field's value, and the web form's check names the
mix at its field.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# a run of digits a phone number may be: +86 / 0086 in front, digits grouped by spaces, dashes, dots or brackets; never
# glued to a Latin letter or digit (a credit code "91440300708461136T" is one word, no phone beside a "T")
_PHONE = re.compile(r"(?<![A-Za-z0-9])(?:(?:\+|00)\s?\d{1,3}[\s.-]?)?\(?\d[\d\s().-]{5,20}\d(?![A-Za-z0-9])")
PHONE_MIN_DIGITS = 7  # as a name field's own check counts a phone (orders.validation)
# the local part starts where its run starts and is bounded: linear on any input (a long paste at the name field)
_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,8}")
# the words that name a number or a name where it is given ("电话13900001111", "phone: …", "联系人：张三")
_LABEL = re.compile(
    r"(联系电话|联系方式|电话号码|手机号码|手机号|手机|电话|号码|电子邮箱|邮箱|邮件|联系人姓名|联系人|姓名|"
    r"\b(?:tel|telephone|phone|mobile|cell|number|e-?mail|mail|name|contact)\b)\s*(?:是|为|:|：)?",
    re.I,
)
_SEPARATORS = re.compile(r"[\s,，;；/、|:：()（）<>《》\-—]+")
_DASHES = re.compile(r"[\u2010-\u2015\u2212\uFE58\uFE63~～]")


@dataclass(frozen=True)
class ContactParts:
    """The name typed, and the phone number and e-mail address typed with it ("" when none was)."""

    name: str
    phone: str = ""
    email: str = ""


def split_contact(text: str) -> ContactParts | None:
    """The parts of a name typed with a phone number (7 digits or more) or an e-mail address; None when the text
    holds neither, or nothing but them (a number alone is a phone typed a step early: the name field says so)."""
    folded = _DASHES.sub("-", unicodedata.normalize("NFKC", text))  # full-width digits and signs, as typed on phones
    emails = list(_EMAIL.finditer(folded))
    rest = _EMAIL.sub(" ", folded)
    phones = [m for m in _PHONE.finditer(rest) if sum(c.isdigit() for c in m.group(0)) >= PHONE_MIN_DIGITS]
    if not emails and not phones:
        return None
    for m in reversed(phones):
        rest = rest[: m.start()] + " " + rest[m.end():]
    name = _SEPARATORS.sub(" ", _LABEL.sub(" ", rest)).strip(" .。")
    if not re.search(r"[^\d\W]", name):  # no letter left: no name given with them
        return None
    return ContactParts(name, phones[0].group(0).strip() if phones else "", emails[0].group(0) if emails else "")
