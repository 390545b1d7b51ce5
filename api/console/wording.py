"""How the console words what other layers hand it: Chinese first (the console's language), the widget's
button commands by their labels, and plain words for the fields of the catalogue and FAQ forms.

Domain errors say "English / 中文" (the API's order); a page of this console reads Chinese first, so the two
halves are swapped here rather than in every module that raises."""

from __future__ import annotations

import re

_CJK = re.compile(r"[\u3400-\u9fff]")


def zh_first(message: str) -> str:
    """``"case #3 is closed / 案件 3 已结案"`` -> ``"案件 3 已结案 / case #3 is closed"``; a message already
    Chinese first (or in one language) is returned as it is."""
    head, sep, tail = message.partition(" / ")
    if sep and not _CJK.search(head) and _CJK.search(tail):
        return f"{tail} / {head}"
    return message


# The widget's buttons send these commands; the transcript shows what the enterprise pressed, not the command.
COMMANDS = {
    "/human": "转人工 Talk to an adviser",
    "/bot": "返回机器人 Back to the assistant",
    "/checkup": "法治体检 Self-check",
    "/menu": "服务清单 Service menu",
    "/status": "我的订单 My orders",
    "/subscribe": "合规预警 Alerts",
    "/checkup_handoff": "转人工顾问（附自测报告） Adviser with the report",
    "/checkup_alerts": "订阅相关合规预警 Alerts on the report's topics",
    "/service": "查看服务 Service details",
}


def button_label(text: str) -> str | None:
    """The label of the button that sent ``text`` (``"/service contract-review"`` -> the service details
    button, naming the service), or None for a message the enterprise typed."""
    command, _, rest = text.strip().partition(" ")
    label = COMMANDS.get(command.lower())
    if label is None:
        return None
    return f"{label}（{rest.strip()}）" if rest.strip() else label


# ---- the catalogue form: its fields by their names, and pydantic's refusals in plain words --------------------
SERVICE_LABELS = {
    "name": ("名称", "Name"), "name_en": ("英文名称", "English name"), "category": ("类别", "Category"),
    "scenarios": ("场景", "Scenarios"), "tags": ("标签", "Tags"), "summary": ("简介", "Summary"),
    "summary_en": ("英文简介", "English summary"), "eligibility": ("适用对象", "Who may apply"),
    "materials": ("所需材料", "Materials"), "steps": ("办理步骤", "Steps"), "time_limit": ("办理时限", "Time limit"),
    "fee": ("收费", "Fee"), "department": ("承办部门", "Department"), "contact": ("联系方式", "Contact"),
    "requires_adviser": ("需法律顾问办理", "Needs an adviser"), "form_fields": ("预约表单字段", "Order form fields"),
    "eligibility_en": ("英文适用对象", "Who may apply (English)"),
    "materials_en": ("英文所需材料", "Materials (English)"),
    "steps_en": ("英文办理步骤", "Steps (English)"), "time_limit_en": ("英文办理时限", "Time limit (English)"),
    "fee_en": ("英文收费", "Fee (English)"), "department_en": ("英文承办部门", "Department (English)"),
    "contact_en": ("英文联系方式", "Contact (English)"),
}
_LINE_COUNTS = re.compile(r"has (\d+) line\(s\) but '(\w+)' has (\d+)")


def service_label(field: str) -> str:
    zh, en = SERVICE_LABELS.get(field, (field, field))
    return f"{zh} {en}"


def service_error(field: str, message: str) -> str:
    """One refusal of ``curation.CatalogueInvalid`` (pydantic's text) in words a curator reads, Chinese first."""
    from knowledge.catalogue import CATEGORIES, FORM_FIELDS, REQUIRED_FORM_FIELDS, SCENARIOS

    counts = _LINE_COUNTS.search(message)
    if counts:
        english, chinese, wanted = counts.groups()
        zh, en = SERVICE_LABELS.get(chinese, (chinese, chinese))
        return (f"英文须逐行对应中文：{zh}有 {wanted} 行，此处有 {english} 行（或清空此项，英文用户将看到中文） / "
                f"Give one English line for each Chinese line: {en} has {wanted}, this has {english} "
                f"(or empty it: English readers then get the Chinese)")
    if "at least 1" in message:
        lines = field in ("scenarios", "tags", "materials", "steps", "form_fields")
        return "至少填写一行 / Fill in at least one line" if lines else "不能为空 / This cannot be empty"
    if "repeated value" in message:
        return "有重复的行 / A line is repeated"
    if "is not one of" in message:
        allowed = CATEGORIES if field == "category" else SCENARIOS
        each = "每行" if field == "scenarios" else ""
        return (f"{each}须为以下之一：{'、'.join(allowed)} / "
                f"{'Each line' if each else 'It'} must be one of: {', '.join(allowed.values())}")
    if "unknown key" in message:
        return f"只能使用这些字段：{', '.join(FORM_FIELDS)} / Only these fields can be used"
    if "missing required" in message:
        return f"必须包含：{', '.join(REQUIRED_FORM_FIELDS)} / These fields are required"
    if "must be the last" in message:
        return "最后一行必须是 consent（同意条款） / The last line must be consent"
    return "此项填写有误 / This value is not valid"


FAQ_LABELS = {"question": ("问题", "Question"), "variants": ("其他问法", "Other phrasings"),
              "answer": ("答案", "Answer")}


def faq_error(field: str, message: str, blank: bool) -> str:
    """A refusal of the FAQ book with the field's name instead of its id, Chinese first."""
    zh_label, en_label = FAQ_LABELS.get(field, ("", ""))
    if blank and zh_label:
        return f"请填写{zh_label} / The {en_label.lower()} is required"
    worded = zh_first(message)
    if zh_label:
        worded = worded.replace(f"{field} ", zh_label, 1).replace(field, f"the {en_label.lower()}")
    return worded
