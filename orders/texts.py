"""Words of the order form and order tracking, in Chinese and English. ``ot(key, lang, **fields)`` picks one."""

from __future__ import annotations

FIELD_LABELS: dict[str, dict[str, str]] = {
    "enterprise_name": {"zh": "企业名称", "en": "enterprise name"},
    "credit_code": {"zh": "统一社会信用代码", "en": "unified social credit code"},
    "contact_name": {"zh": "联系人", "en": "contact name"},
    "phone": {"zh": "联系电话", "en": "phone"},
    "preferred_time": {"zh": "期望服务时间", "en": "preferred time"},
    "description": {"zh": "需求说明", "en": "description"},
    "consent": {"zh": "个人信息使用同意", "en": "consent"},
}
# What a user may type after "修改" / "change" / "/edit" to name a field.
FIELD_ALIASES: dict[str, str] = {
    "企业名称": "enterprise_name", "企业": "enterprise_name", "名称": "enterprise_name", "公司": "enterprise_name",
    "公司名称": "enterprise_name", "enterprise": "enterprise_name", "enterprise name": "enterprise_name",
    "company": "enterprise_name", "name": "enterprise_name",
    "统一社会信用代码": "credit_code", "信用代码": "credit_code", "代码": "credit_code", "credit code": "credit_code",
    "credit": "credit_code", "code": "credit_code",
    "联系人": "contact_name", "姓名": "contact_name", "contact": "contact_name", "contact name": "contact_name",
    "联系电话": "phone", "电话": "phone", "手机": "phone", "手机号": "phone", "phone": "phone", "mobile": "phone",
    "telephone": "phone",
    "期望服务时间": "preferred_time", "期望时间": "preferred_time", "时间": "preferred_time", "time": "preferred_time",
    "preferred time": "preferred_time",
    "需求说明": "description", "需求": "description", "说明": "description", "描述": "description",
    "description": "description", "details": "description",
    "同意": "consent", "consent": "consent",
    "企业名": "enterprise_name", "公司名": "enterprise_name", "单位名称": "enterprise_name",
    "company name": "enterprise_name",
    "社会信用代码": "credit_code", "统一代码": "credit_code", "信用代码号": "credit_code",
    "联系人姓名": "contact_name", "联系人名字": "contact_name", "contact person": "contact_name",
    "电话号码": "phone", "手机号码": "phone", "联系方式": "phone", "号码": "phone", "phone number": "phone",
    "mobile number": "phone", "number": "phone",
    "服务时间": "preferred_time", "预约时间": "preferred_time",
    "需求描述": "description", "情况说明": "description",
}  # fmt: skip
STATUS_LABELS: dict[str, dict[str, str]] = {
    "submitted": {"zh": "已提交", "en": "submitted"},
    "accepted": {"zh": "已受理", "en": "accepted"},
    "in_progress": {"zh": "办理中", "en": "in progress"},
    "completed": {"zh": "已完成", "en": "completed"},
    "cancelled": {"zh": "已取消", "en": "cancelled"},
    "rejected": {"zh": "未受理", "en": "rejected"},
}

ORDER_TEXTS: dict[str, dict[str, str]] = {
    "form_start": {
        "zh": "好的，为您预约【{service}】，共 {n} 项信息。填写中可随时回复“修改 电话”等更正已填项，或回复“取消”放弃。",
        "en": "Let's book \"{service}\": {n} items to fill in. At any point reply e.g. \"change phone\" to correct an "
        "answer, or \"cancel\" to stop.",
    },
    "ask_enterprise_name": {"zh": "请输入企业名称：", "en": "Please enter the enterprise's name:"},
    "ask_credit_code": {
        "zh": "请输入 18 位统一社会信用代码（见营业执照）：",
        "en": "Please enter the 18-character unified social credit code (on the business licence):",
    },
    "ask_contact_name": {"zh": "请输入联系人姓名：", "en": "Please enter the contact person's name:"},
    "ask_phone": {
        "zh": "请输入联系电话（11 位手机号，或带区号的固定电话如 0579-84123456）：",
        "en": "Please enter a phone number (11-digit mobile, or a landline with area code such as 0579-84123456):",
    },
    "ask_preferred_time": {
        "zh": "请输入期望的服务时间（如“下周二上午”），不需要请回复“跳过”：",
        "en": "When would suit you (e.g. \"Tuesday morning\")? Reply \"skip\" if you have no preference:",
    },
    "ask_description": {
        "zh": "请简要说明您的需求（不超过 1000 字）：",
        "en": "Please describe briefly what you need (at most 1,000 characters):",
    },
    "ask_consent": {
        "zh": "个人信息使用告知：为办理本服务，我们将收集您填写的企业名称、统一社会信用代码、联系人、电话等信息，"
        "仅用于本次服务的联系和办理，由承办部门和法律顾问查看，保存 {days} 天后删除。"
        "回复“同意”表示您同意上述使用，回复“取消”放弃预约。",
        "en": "Personal information notice: to provide this service we collect the details you gave (enterprise name, "
        "credit code, contact name, phone). They are used only to contact you and deliver this service, seen only by "
        "the handling department and legal advisers, and deleted after {days} days. Reply \"I agree\" to consent, "
        "or \"cancel\" to stop.",
    },
    "consent_hint": {
        "zh": "如不同意，可回复“取消”放弃预约。",
        "en": "If you do not agree, reply \"cancel\" to stop.",
    },
    "edit_ask": {"zh": "好的，请重新填写{label}。", "en": "OK, please give the {label} again."},
    "edit_unknown": {
        "zh": "没有找到要修改的项“{name}”。可修改的项：{fields}",
        "en": "There is no item \"{name}\" to change. Items you can change: {fields}",
    },
    "edit_which": {
        "zh": "请问要修改哪一项？可修改的项：{fields}（例如回复“修改 电话”）",
        "en": "Which item would you like to change? Items: {fields} (e.g. reply \"change phone\")",
    },
    "taken": {
        "zh": "{label}：{value}（如有误可回复“修改 {label}”）",
        "en": "{label_cap}: {value} (if this is wrong, reply \"change {label}\")",
    },
    "number_not_kept": {
        "zh": "“{value}”不是有效的电话号码，没有填入；请在下一步单独填写联系电话。",
        "en": "\"{value}\" is not a valid phone number, so it was not filled in; please give the phone number on "
              "its own when it is asked.",
    },
    "email_not_kept": {
        "zh": "邮箱“{value}”没有填入：预约只登记联系电话，顾问会通过电话与您联系。",
        "en": "The e-mail address \"{value}\" was not kept: the booking records a phone number only, and the "
              "adviser will call you on it.",
    },
    "not_a_name": {
        "zh": "“{text}”看起来是一个问题，不像{label}，没有填入。如需咨询，可在预约提交后再问，或回复“取消”先结束预约；"
              "如果这就是{label}，请回复“{label}：……”。",
        "en": "\"{text}\" looks like a question, not a {label}, so it was not filled in. You can ask it once the "
              "booking is submitted, or reply \"cancel\" to stop the booking; if this is the {label}, reply "
              "\"{label}: …\".",
    },
    "booking_open": {
        "zh": "您正在预约【{service}】（已填 {done}/{n} 项），还没有提交。",
        "en": "You are booking \"{service}\" ({done} of {n} items given); it is not submitted yet.",
    },
    "booking_switch": {
        "zh": "如要改为预约【{other}】，请点击下方按钮（本次填写的信息不会提交）；否则请继续填写：",
        "en": "To book \"{other}\" instead, press the button below (nothing of this booking is submitted); "
              "otherwise let us go on:",
    },
    "booking_same": {"zh": "请继续填写：", "en": "Let us go on:"},
    "booking_other": {
        "zh": "如需预约其他服务，请先回复“取消”结束本次预约；否则请继续填写：",
        "en": "To book another service, reply \"cancel\" to stop this booking first; otherwise let us go on:",
    },
    "switch_label": {"zh": "改为预约{other}", "en": "Book {other} instead"},
    "confirm_hint": {
        "zh": "请回复“确认”提交，或“修改 项目名”更正（如“修改 电话”），或“取消”放弃。",
        "en": "Please reply \"confirm\" to submit, \"change <item>\" (e.g. \"change phone\") to correct it, or "
              "\"cancel\" to stop.",
    },
    "cancel_pick": {
        "zh": "请点击下方按钮选择要取消的订单：",
        "en": "Press the button of the order to cancel:",
    },
    "cancel_in_form": {
        "zh": "您正在填写【{service}】的预约（尚未提交）。如要放弃这次预约，请回复“取消预约”或点击“放弃本次预约”。",
        "en": "You are filling in a booking of \"{service}\" (not submitted yet). To drop this booking, reply \"cancel "
        "the booking\" or press \"Drop this booking\".",
    },
    "drop_booking_label": {"zh": "放弃本次预约", "en": "Drop this booking"},
    "nothing_to_cancel": {
        "zh": "您在本会话中没有可以取消的订单（只有已提交或已受理的订单可以取消）。",
        "en": "You have no order in this conversation that can be cancelled (only submitted or accepted orders can).",
    },
    "order_status_head": {"zh": "订单状态：", "en": "Order status:"},
    "not_offered": {
        "zh": "抱歉，目前没有“{asked}”这项服务。",
        "en": "Sorry, \"{asked}\" is not one of the services offered.",
    },
    "not_offered_plain": {
        "zh": "抱歉，您要办理的事项不在可预约的服务之中。",
        "en": "Sorry, what you asked for is not one of the services offered.",
    },
    "offered_head": {"zh": "可预约的服务：", "en": "The services you can book:"},
    "offered_foot": {
        "zh": "请点击类别查看详情，或直接回复服务名称预约；相关法律问题也可以直接提问。",
        "en": "Press a category for details, or reply with a service's name to book it; you can also ask a legal "
              "question directly.",
    },
    "summary_head": {"zh": "请核对预约信息：", "en": "Please check your booking:"},
    "summary_service": {"zh": "服务", "en": "Service"},
    "summary_foot": {
        "zh": "无误请回复“确认”提交；如需更正请回复“修改 项目名”（如“修改 电话”）；放弃请回复“取消”。",
        "en": "Reply \"confirm\" to submit; \"change <item>\" (e.g. \"change phone\") to correct it; "
        "\"cancel\" to stop.",
    },
    "not_given": {"zh": "（未填）", "en": "(not given)"},
    "agreed": {"zh": "已同意（保存 {days} 天）", "en": "agreed (kept {days} days)"},
    "confirm_first": {
        "zh": "信息已填写完毕，请先确认。",
        "en": "All items are filled in; please confirm first.",
    },
    "not_ready": {
        "zh": "还有未填写的项目，请先完成。",
        "en": "Some items are still missing; please finish them first.",
    },
    "form_cancelled": {
        "zh": "已取消本次预约，没有提交任何信息。",
        "en": "Booking cancelled; nothing was submitted.",
    },
    "no_form": {
        "zh": "当前没有正在填写的预约。回复“菜单”查看可预约的服务。",
        "en": "There is no booking in progress. Reply \"menu\" to see the services you can book.",
    },
    "continue": {"zh": "（继续填写预约）", "en": "(continuing your booking)"},
    "paused_form": {
        "zh": "您的【{service}】预约还没有提交（已填 {done}/{n} 项），我们接着填写；不需要了请回复“取消预约”。",
        "en": "Your booking of \"{service}\" is not submitted yet ({done} of {n} items given); let us go on. "
              "Reply \"cancel the booking\" if you no longer need it.",
    },
    "created": {
        "zh": "预约已提交！订单号 {number}，状态：已提交。法律顾问将尽快与您联系。"
        "回复“我的订单”可随时查看进度。",
        "en": "Your booking is submitted! Order number {number}, status: submitted. A legal adviser will contact "
        "you soon. Reply \"my orders\" to check its progress at any time.",
    },
    "no_orders": {
        "zh": "您还没有在本会话中提交过订单。在其他对话中提交的订单，请回到那个对话查看；要预约服务，请点下方按钮。",
        "en": "You have not placed any orders in this conversation. Orders placed in another conversation are shown "
              "there; to book a service, press the button below.",
    },
    "book_a_service": {"zh": "预约服务", "en": "Book a service"},
    "orders_head": {"zh": "您的订单：", "en": "Your orders:"},
    "orders_foot": {
        "zh": "已提交或已受理的订单可回复“取消订单 订单号”取消。",
        "en": "An order that is submitted or accepted can be cancelled with \"/cancel_order NUMBER\".",
    },
    "cancel_order_usage": {
        "zh": "请提供要取消的订单号，例如“取消订单 QF-20260101-0001”。",
        "en": "Please give the order number, e.g. \"/cancel_order QF-20260101-0001\".",
    },
    "order_cancelled": {"zh": "订单 {number} 已取消。", "en": "Order {number} is cancelled."},
    "rate_usage": {
        "zh": "评价格式：/rate 订单号 等级 [意见]，等级为：非常满意、满意、基本满意、不满意、非常不满意。",
        "en": "To rate: /rate NUMBER LEVEL [comment]; levels: 非常满意 very satisfied, 满意 satisfied, "
        "基本满意 fairly satisfied, 不满意 dissatisfied, 非常不满意 very dissatisfied.",
    },
    "rate_prompt": {
        "zh": "您的订单 {number}（{service}）已办理完成，请对本次服务作出评价（好差评）：",
        "en": "Your order {number} ({service}) is completed. Please rate the service:",
    },
    "rated": {"zh": "感谢您的评价（{level}）！", "en": "Thank you for your rating ({level})!"},
}


def ot(key: str, lang: str, **fields: object) -> str:
    entry = ORDER_TEXTS[key]
    text = entry.get(lang) or entry["zh"]
    return text.format(**fields) if fields else text


def field_label(field: str, lang: str) -> str:
    return FIELD_LABELS[field]["en" if lang == "en" else "zh"]


def status_label(status: str, lang: str) -> str:
    return STATUS_LABELS.get(status, {}).get("en" if lang == "en" else "zh", status)
