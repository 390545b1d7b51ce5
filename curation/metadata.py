"""Document metadata as staff send it: validity codes, dates and short texts, checked before anything is written."""

from __future__ import annotations

import re
from datetime import date

from curation.errors import InvalidMetadata

# the API's validity codes and the labels stored with documents (and shown in citations)
VALIDITY = {"in_force": "现行有效", "amended": "已修订", "repealed": "已废止"}
CODES = {"现行有效": "in_force", "已修订": "amended", "已废止": "repealed", "已失效": "repealed"}
KINDS = ("statute", "guide", "text")
TEXT_LIMITS = {"title": 300, "title_en": 300, "category": 20, "issuer": 200, "url": 1000}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def status_label(code: str) -> str:
    if code not in VALIDITY:
        raise InvalidMetadata("status", f"status must be one of {', '.join(VALIDITY)} / 效力状态只能是 "
                                        "in_force（现行有效）、amended（已修订）或 repealed（已废止）")
    return VALIDITY[code]


def status_code(label: str | None, active: bool) -> str:
    if not active and CODES.get(label or "") != "repealed":
        return "amended"
    return CODES.get(label or "", "in_force")


def check_date(value: str) -> str:
    value = value.strip()
    try:
        if not _DATE.match(value):
            raise ValueError
        date.fromisoformat(value)
    except ValueError:
        raise InvalidMetadata("effective", f"effective must be a date YYYY-MM-DD, not '{value[:40]}' / "
                                           "施行日期应为 YYYY-MM-DD 格式") from None
    return value


def check_text(name: str, value: str) -> str | None:
    value = value.strip()
    if any(ord(ch) < 32 for ch in value):
        raise InvalidMetadata(name, f"{name} contains control characters / {name} 含有控制字符")
    limit = TEXT_LIMITS[name]
    if len(value) > limit:
        raise InvalidMetadata(name, f"{name} is longer than {limit} characters / {name} 超过 {limit} 个字符")
    if name == "url" and value and not re.match(r"^https?://\S+$", value):
        raise InvalidMetadata("url", "url must start with http:// or https:// / 网址应以 http:// 或 https:// 开头")
    return value or None


def clean(changes: dict[str, str | None], editable: tuple[str, ...]) -> dict[str, str | None]:
    """Changes as the knowledge base stores them: status as its label, empty texts as None."""
    out: dict[str, str | None] = {}
    for name, raw in changes.items():
        if name not in editable:
            raise InvalidMetadata(name, f"'{name}' cannot be changed here / 字段“{name}”不可修改")
        if raw is None:
            out[name] = None
        elif name == "status":
            out[name] = status_label(raw)
        elif name == "effective":
            out[name] = check_date(raw) if raw.strip() else None
        elif name == "kind":
            if raw not in KINDS:
                raise InvalidMetadata("kind", f"kind must be one of {', '.join(KINDS)} / 文档类型无效")
            out[name] = raw
        else:
            out[name] = check_text(name, raw)
    return out
