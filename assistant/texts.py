"""Words the user sees, in Chinese and English. ``t(key, lang, **fields)`` picks one."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "menu_checkup": {
        "zh": "想了解企业自身的法律风险？点击“法治体检自测”，十分钟得到一份附法律依据的风险报告。",
        "en": "Want to know your own legal risks? Tap \"Legal health self-check\" for a cited risk report "
              "in ten minutes.",
    },
    "checkup_label": {"zh": "法治体检自测", "en": "Legal health self-check"},
    "menu_intro": {
        "zh": "您好！我是企法通，浦江县司法局涉企法治服务助手。我可以：\n"
        "· 解答企业经营中的法律问题（附法规出处）\n· 为您预约“点单式”法律服务并查询办理进度\n"
        "· 将复杂问题转交人工法律顾问\n\n服务清单分为四类：",
        "en": "Hello! I am qifa, the enterprise legal-service assistant of the county justice bureau. I can:\n"
        "· answer legal questions about running a business (with the sources cited)\n"
        "· book an order-style legal service for you and track it\n"
        "· pass complex matters to a human legal adviser\n\nThe service menu has four categories:",
    },
    "menu_scenarios": {
        "zh": "按企业全生命周期场景：依法治企 · 依法维权 · 依法经营。点击下方按钮查看具体服务，或直接输入您的问题。",
        "en": "By life-cycle scenario: law-based governance · rights protection · law-based operation. "
        "Pick a button below or just type your question.",
    },
    "fallback": {
        "zh": "抱歉，这个问题超出了我的服务范围。我是企法通，专门为企业解答法律问题、预约涉企法治服务、"
        "转接法律顾问。您可以问我例如“劳动合同必须写明哪些条款？”，或从下方服务清单中选择。",
        "en": "Sorry, that is outside what I can help with. I am qifa: I answer enterprises' legal questions, "
        "book legal services and connect you with legal advisers. Try e.g. \"What must a labour contract "
        "contain?\" or pick a service below.",
    },
    "dissatisfied": {
        "zh": "抱歉没能帮到您。您可以换一种说法再问一次，或回复“人工”由法律顾问为您解答。",
        "en": "Sorry that did not help. You can rephrase the question, or reply \"human\" to reach a legal adviser.",
    },
    "handoff": {
        "zh": "{why}已为您转接人工法律顾问（工单号 {case}）。{when}\n请准备：企业名称、联系人和电话、事情经过，"
        "以及相关合同、通知书、处罚决定书等材料。等待期间您的消息都会转给顾问；"
        "发送“取消人工”可撤回并继续向我提问。",
        "en": "{why}A human legal adviser will take over (case {case}). {when}\nPlease have ready: the "
        "enterprise's name, a contact person and phone number, what happened, and related contracts, "
        "notices or decisions. While you wait, your messages go to the adviser; send \"back to the assistant\" to "
        "withdraw the request and keep asking me.",
    },
    "why_user_request": {"zh": "好的，", "en": "Sure. "},
    "why_high_risk": {
        "zh": "您的问题涉及较高法律风险或需要针对案情的专业判断，",
        "en": "Your question involves significant legal risk or needs a professional assessment of the facts. ",
    },
    "why_danger": {
        "zh": "如果有人的生命或人身安全正受到威胁，请立即拨打 110 报警（有人受伤请拨打 120，火灾请拨打 119），"
        "不要等待在线回复。",
        "en": "If anyone's life or safety is under threat, call the police on 110 now (an ambulance: 120; a "
        "fire: 119); do not wait for an online reply. ",
    },
    "danger_wait": {
        "zh": "如有紧急危险，请立即拨打 110（急救 120，火警 119）。",
        "en": "In an emergency, call 110 now (ambulance: 120; fire: 119).",
    },
    "why_low_confidence": {
        "zh": "知识库中没有找到足够可靠的依据来回答这个问题，",
        "en": "I could not find a reliable enough source in the knowledge base for this question. ",
    },
    "why_dissatisfied": {"zh": "很抱歉前面的回答没有帮到您，", "en": "Sorry the answers did not help. "},
    "why_checkup": {"zh": "好的，您的法治体检自测报告已附在工单中。",
                    "en": "Sure. Your self-check report goes with the case. "},
    "when_open": {
        "zh": "服务时间 {hours}，预计 {minutes} 分钟内回复。",
        "en": "Office hours are {hours}; expect a reply within {minutes} minutes.",
    },
    "when_closed": {
        "zh": "现在是非工作时间（服务时间 {hours}），顾问将于 {next} 起尽快回复。",
        "en": "It is outside office hours ({hours}); an adviser will reply from {next}.",
    },
    "our_hours": {
        "zh": "我（企法通）全天在线，随时可以提问、预约服务和查询进度。"
              "人工法律顾问的服务时间是{hours}（法定节假日除外），{now}",
        "en": "I (Qifa) am here at any hour to answer questions, book services and track orders. Our legal advisers "
              "work {hours} (China time, closed on public holidays); {now}",
    },
    "our_hours_open": {"zh": "现在顾问在线，需要的话点“转人工”即可。",
                       "en": "an adviser is on duty now: tap \"Talk to an adviser\" if you need one."},
    "our_hours_closed": {"zh": "现在是非工作时间，您可以留言，顾问将于 {next} 起回复。",
                         "en": "it is outside office hours now: leave a message and an adviser will reply "
                               "from {next}."},
    "handoff_ack": {
        "zh": "已收到，您的消息已转给法律顾问（工单号 {case}），请耐心等待回复。",
        "en": "Received. Your message has been passed to the legal adviser (case {case}); please wait for the reply.",
    },
    "handoff_wait": {
        "zh": "已转给法律顾问（工单号 {case}），请稍候。发送“取消人工”可返回机器人。",
        "en": "Passed to the legal adviser (case {case}); please wait. Send \"back to the assistant\" to return.",
    },
    "handoff_withdrawn": {
        "zh": "已撤回转人工请求（工单号 {case}），我继续为您服务。请直接输入问题，或从下方选择服务。",
        "en": "Your request for an adviser (case {case}) is withdrawn; I am here again. Type your question or "
        "pick a service below.",
    },
    "handoff_withdrawn_resume": {
        "zh": "已撤回转人工请求（工单号 {case}），我继续为您服务。",
        "en": "Your request for an adviser (case {case}) is withdrawn; I am here again.",
    },
    "handoff_closed_resume": {
        "zh": "法律顾问已结束人工服务（工单号 {case}），我继续为您服务。",
        "en": "The legal adviser has closed case {case}; I am here again.",
    },
    "bot_here_resume": {"zh": "您正在与智能助手企法通对话。", "en": "You are talking with the qifa assistant."},
    "description_kept": {"zh": "您的需求说明已记入预约。", "en": "Your description is kept in the booking."},
    "form_kept": {
        "zh": "您的预约已保留（尚未提交）：顾问结束服务后接着填写；发送“返回机器人”可撤回人工请求并继续预约，"
        "发送“取消预约”可放弃预约。",
        "en": "Your booking is kept (not submitted yet) and goes on when the adviser is done; send \"back to the "
        "assistant\" to withdraw the request and go on with it, or \"cancel the booking\" to drop it.",
    },
    "checkup_kept": {
        "zh": "您的法治体检自测已保留：顾问结束服务后接着作答；发送“返回机器人”可撤回人工请求并继续自测。",
        "en": "Your self-check is kept and goes on when the adviser is done; send \"back to the assistant\" to "
        "withdraw the request and go on with it.",
    },
    "checkup_still_paused": {
        "zh": "法治体检自测仍然暂停，已答的题目都保留；顾问结束服务后接着作答。",
        "en": "The self-check stays paused with your answers kept; it goes on when the adviser is done.",
    },
    "both_kept": {
        "zh": "您的法治体检自测和预约（尚未提交）都已保留：顾问结束服务后先继续自测；发送“返回机器人”可撤回人工"
        "请求并继续自测，发送“取消预约”可放弃预约。",
        "en": "Your self-check and your booking (not submitted yet) are kept; when the adviser is done the "
        "self-check goes on first. Send \"back to the assistant\" to withdraw the request and go on with the "
        "self-check, or \"cancel the booking\" to drop the booking.",
    },
    "no_booking": {"zh": "目前没有进行中的预约可取消。", "en": "There is no booking in progress to cancel."},
    "cancel_which": {
        "zh": "您现在有两项都还保留着：转人工请求（工单号 {case}）和一份尚未提交的预约。请选择要取消哪一项：",
        "en": "Two things are still open: your request for an adviser (case {case}) and a booking not yet "
        "submitted. Which one do you want to cancel?",
    },
    "cancel_which_checkup": {
        "zh": "您现在有三项都还保留着：转人工请求（工单号 {case}）、进行中的法治体检自测和一份尚未提交的预约。"
        "撤回转人工后先继续自测。请选择要取消哪一项：",
        "en": "Three things are still open: your request for an adviser (case {case}), a self-check in progress and "
        "a booking not yet submitted; without the adviser, the self-check goes on first. Which one do you want to "
        "cancel?",
    },
    "withdraw_keep_form_label": {"zh": "撤回转人工，继续预约",
                                 "en": "Withdraw the adviser request, go on with the booking"},
    "withdraw_keep_checkup_label": {"zh": "撤回转人工，继续自测",
                                    "en": "Withdraw the adviser request, go on with the self-check"},
    "cancel_form_keep_case_label": {"zh": "放弃预约，继续等顾问", "en": "Drop the booking, keep the adviser"},
    "bot_here": {
        "zh": "您正在与智能助手企法通对话，请直接输入问题，或从下方选择服务。",
        "en": "You are talking with the qifa assistant. Type your question or pick a service below.",
    },
    "back_label": {"zh": "返回机器人", "en": "Back to the assistant"},
    "ask_first": {
        "zh": "知识库中没有找到足够可靠的依据来回答这个问题。现在是非工作时间（服务时间 {hours}），"
        "您可以给法律顾问留言（{next} 起回复），也可以换个说法继续问我。",
        "en": "I could not find a reliable enough source for this question. It is outside office hours "
        "({hours}): leave a message for an adviser (replies from {next}), or keep asking me.",
    },
    "leave_message_label": {"zh": "给顾问留言", "en": "Leave a message for an adviser"},
    "keep_asking_label": {"zh": "继续提问", "en": "Keep asking"},
    "clarify": {
        "zh": "我不太确定您的意思。您是想：",
        "en": "I am not sure what you mean. Would you like to:",
    },
    "clarify_legal": {"zh": "咨询法律问题", "en": "Ask a legal question"},
    "clarify_order": {"zh": "预约服务", "en": "Book a service"},
    "clarify_human": {"zh": "转人工", "en": "Talk to an adviser"},
    "clarify_legal_prompt": {
        "zh": "请直接输入您的法律问题，例如“试用期最长可以约定多久？”",
        "en": "Please type your legal question, e.g. \"How long can a probation period be?\"",
    },
    "not_covered": {
        "zh": "知识库里没有直接回答这个问题的条文。我能依据的是：劳动用工、公司治理、行政处罚与复议、"
        "行政许可、外商投资、个人信息保护、调解、公证、律师服务等法律法规和本县涉企服务。"
        "您可以换个说法再问，或转人工由法律顾问解答。",
        "en": "The knowledge base has no provision that answers this directly. It covers employment, company "
        "governance, administrative penalties and reconsideration, licensing, foreign investment, personal "
        "information, mediation, notarisation, lawyers and the county's services for enterprises. Rephrase "
        "the question, or ask for an adviser.",
    },
    "service_instead": {
        "zh": "知识库里没有直接回答这个问题的条文。这项服务可以由工作人员结合您的情况解答：",
        "en": "The knowledge base has no provision that answers this directly. This service can have staff answer it "
        "for your case:",
    },
    "offer_adviser": {
        "zh": "以上是法律对程序的一般规定。您的企业已涉诉或涉及较大金额，应诉方案、证据和金额的判断需要结合案情，"
        "可点击“转人工”由法律顾问跟进。",
        "en": "The above is what the law says about the procedure. As your enterprise is in a lawsuit or a large sum "
        "is at stake, how to respond, the evidence and the sums need an adviser who knows the facts: tap \"Talk to "
        "an adviser\" to have one follow up.",
    },
    "offer_adviser_decision": {
        "zh": "以上是法律对复议、诉讼和听证等救济途径的一般规定。贵企业收到的具体决定是否救济、如何准备材料和证据，"
        "需要结合案情判断，可点击“转人工”由法律顾问跟进。",
        "en": "The above is what the law says about the remedies (reconsideration, a lawsuit, a hearing). Whether and "
        "how to challenge the decision your enterprise received, and the evidence for it, need an adviser who knows "
        "the facts: tap \"Talk to an adviser\" to have one follow up.",
    },
    "form_resume": {"zh": "—— 继续填写预约信息 ——", "en": "—— Back to your booking ——"},
    "order_intro": {
        "zh": "可以为您办理以下服务：",
        "en": "I can arrange this service for you:",
    },
    "not_a_service_answered": {
        "zh": "这件事不在可预约的服务里，以上是相关规定；需要预约服务时，点“预约服务”查看可预约的服务。",
        "en": "This is not one of the services you can book; the provisions above apply. To book a service, press "
              "\"Book a service\" to see the ones offered.",
    },
    "order_choose": {
        "zh": "您想预约的可能是以下服务之一，请选择：",
        "en": "You may want one of these services; please choose:",
    },
    "answer_intro": {
        "zh": "相关规定原文：",
        "en": "The provisions it rests on (quoted in the original Chinese):",
    },
    "privacy": {
        "zh": "个人信息说明：为解答问题、办理预约和转接法律顾问，我们会保存您在本对话中发送的消息、"
        "会话标识（如 Telegram 会话编号）以及您在预约表单中填写的信息，仅用于办理您的请求，"
        "由县司法局依法管理并按规定期限保存。请勿发送与咨询无关的敏感个人信息；"
        "如需查询或删除您的信息，请回复“人工”联系工作人员。",
        "en": "Personal data: to answer your questions, handle your orders and connect you with a legal adviser "
        "we keep the messages you send here, the conversation's identifier (such as your Telegram chat id) "
        "and what you enter in order forms. They are used only for your requests, managed by the county "
        "justice bureau and kept for the period the rules set. Please do not send sensitive personal data "
        "the question does not need; reply \"human\" to ask for your data to be shown or deleted.",
    },
    "small_thanks": {"zh": "不客气！还有其他问题可以随时问我，或从下方选择服务。",
                     "en": "You're welcome! Ask me anything else, or pick a service below."},
    "small_bye": {"zh": "再见！需要时随时回来找我。", "en": "Goodbye! Come back whenever you need me."},
    "small_ack": {"zh": "好的。还有其他问题可以随时问我，或从下方选择服务。",
                  "en": "All right. Ask me anything else, or pick a service below."},
    "small_no": {"zh": "好的。您想咨询什么问题？可以直接输入，也可以从下方选择服务或转人工。",
                 "en": "All right. What would you like to ask? Type it, or pick a service below or ask for a person."},
    "small_nothing": {"zh": "我没有看懂这条消息。请直接输入您的问题，或从下方选择服务。",
                      "en": "I could not read that message. Type your question, or pick a service below."},
    "unknown_command": {
        "zh": "没有 {command} 这个命令。可用的命令：/menu 服务菜单，/human 转人工，/status 我的订单，"
        "/checkup 法治体检自测，/lang 切换语言。",
        "en": "There is no {command} command. Commands: /menu services, /human a person, /status my orders, "
        "/checkup self-check, /lang language.",
    },
    "lang_set": {"zh": "已切换为中文。", "en": "Language set to English."},
    "lang_usage": {"zh": "用法：/lang zh 或 /lang en", "en": "Usage: /lang zh or /lang en"},
    "notice": {
        "zh": "以上为一般性法律信息，不构成法律意见；如需针对具体情况的意见，请回复“人工”联系法律顾问。",
        "en": "This is general legal information, not legal advice. Reply \"human\" to reach a legal adviser.",
    },
}


def t(key: str, lang: str, **fields: object) -> str:
    entry = TEXTS[key]
    text = entry.get(lang) or entry["zh"]
    return text.format(**fields) if fields else text
