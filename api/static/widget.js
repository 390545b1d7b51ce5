/*! qifa (企法通) web widget — one script tag on a host page:
 *  <script src="https://QIFA_HOST/widget.js" data-site-key="KEY" defer></script>
 *  optional: data-lang="zh|en" data-position="right|left" data-title="…" data-color="#1d4ed8"
 * Plain JavaScript, no dependencies. Everything lives in a Shadow DOM; every text from the user, the API or an
 * adviser is inserted with textContent (never as HTML); no inline script, eval or style attributes, so a strict
 * Content-Security-Policy on the host page does not break it. It talks only to the API it was loaded from. */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script) {
    var all = document.querySelectorAll("script[src*='widget.js']");
    script = all[all.length - 1];
  }
  if (!script || window.__qifaWidget) return;
  window.__qifaWidget = true;

  var SRC = new URL(script.src, location.href);
  var BASE = SRC.href.replace(/\/widget\.js(?:[?#].*)?$/, "");
  var KEY = (script.getAttribute("data-site-key") || "").trim();
  var LANG_ATTR = script.getAttribute("data-lang");
  // the page's language (data-lang, else its lang attribute) is the default; the language chosen in the widget
  // (its 中文 / EN button or /lang) replaces it for the conversation: see applyLang
  var PAGE_LANG = LANG_ATTR === "en" || LANG_ATTR === "zh" ? LANG_ATTR
    : (/^en/i.test(document.documentElement.lang || "") ? "en" : "zh");
  var LANG = PAGE_LANG;
  var POSITION = script.getAttribute("data-position") === "left" ? "left" : "right";
  var COLOR = script.getAttribute("data-color") || "";
  var STORE = "qifa:" + BASE + ":" + (KEY || "-");

  var T = {
    zh: {
      title: "企法通 · 涉企法律服务", launcher: "法律咨询", open: "打开企法通对话", close: "关闭对话",
      newChat: "新对话", input: "请输入您的问题", send: "发送", handoff: "转人工",
      // the action row's visible labels, short enough for one row on a phone (the full names are their aria-label)
      short: { handoff: "转人工", checkup: "体检自测", alerts: "合规预警" },
      backToBot: "返回机器人", del: "删除我的对话", you: "您", bot: "企法通", adviser: "法律顾问", system: "系统消息",
      notice: "个人信息说明：为解答问题、办理预约和转接法律顾问，我们会保存您在本对话中发送的消息以及您在预约表单中填写的信息，"
        + "仅用于办理您的请求，由县司法局依法管理并按规定期限保存。请勿发送与咨询无关的敏感个人信息。",
      waiting: "已转接人工法律顾问，请等待回复", waitingCase: "工单号 ", sources: "出处（点击查看原文）", helpful: "有帮助",
      unhelpful: "没有帮助", thanks: "感谢您的反馈", order: "预约", details: "详情", orderTitle: "预约服务：",
      submit: "提交预约", cancel: "返回对话", required: "此项为必填项", optional: "（选填）",
      consent: "我已阅读并同意：为办理本服务，收集上述企业名称、统一社会信用代码、联系人、电话等信息，仅用于本次服务的联系和办理，"
        + "由承办部门和法律顾问查看，保存 {days} 天后删除。",
      consentNeeded: "需要您勾选同意个人信息的使用才能提交", ordered: "预约已提交，订单号 {number}。工作人员会尽快与您联系。",
      orderFailed: "预约未能提交：", network: "网络连接失败，请稍后再试。", busy: "正在回复…",
      tooLong: "消息过长（{len} 字），最多 {n} 字，请删减后再发送。", notSent: "消息未发送，已放回输入框。",
      queued: "正在回复上一条消息，您的新消息会在回复后自动发送。", confirm: "确定", keep: "取消",
      pressQueued: "正在回复上一条消息，“{labels}”会在回复后自动发送。", pressDropped: "未发送：“{labels}”，请稍后再点一次。",
      langTo: "EN", langToName: "English", langToLabel: "Switch the chat to English", langToTag: "en",
      confirmDelete: "删除本对话的全部消息、人工服务记录和自测报告？删除后无法恢复。", deleteYes: "删除",
      confirmNew: "开始新对话？", newDrafts: "未提交的自测答案和预约表单将被清除。",
      newWaiting: "正在等待法律顾问回复的工单 {id} 将被撤回。", newYes: "开始新对话", notEnabledNoKey: "企法通未对本网站开通（缺少站点密钥）。",
      unread: "有新消息", typing: "企法通正在输入…",
      checkup: "法治体检自测", ckProgress: "已答 {n} / {total} 题", ckSubmit: "生成报告", ckMissing: "请回答这道题",
      ckUnknown: "这道题已不在问卷中", ckAnswers: { yes: "是", no: "否", unsure: "不确定" },
      ckOverall: "总体风险：{level}（风险分 {score}%）", ckAreas: "各领域风险", ckFindings: "发现的风险与建议（{n} 项）",
      ckNone: "根据您的回答，未发现风险。", ckRisk: "风险：", ckBasis: "依据：", ckAction: "建议：",
      ckPdf: "下载 PDF 报告", ckHandoff: "转人工顾问（附报告）", ckFailed: "报告未能生成：",
      ckRule: "评分规则", ckReport: "自测报告 {id}", ckAlerts: "🔔 订阅相关合规预警",
      alerts: "🔔 合规预警", alertsTitle: "合规预警订阅", alertsIntro: "选择您关心的主题；相关规则变化时，我们会在本对话中通知您。",
      alertsSave: "保存订阅", alertsOff: "取消全部订阅", alertsSaved: "已保存订阅：{topics}", alertsNone: "已取消全部订阅。",
      industry: "本地产业", area: "领域", alertWho: "📢 合规预警", suggestions: "建议的操作",
      start: [{ label: "服务清单 / Menu", message: "/menu" }, { label: "我的订单 / My orders", message: "/status" }],
      fields: {
        enterprise_name: "企业名称", credit_code: "统一社会信用代码", contact_name: "联系人", phone: "联系电话",
        preferred_time: "期望服务时间", description: "需求说明", consent: "个人信息使用同意"
      },
      errors: {
        name: "请填写企业名称（不超过 100 字）", credit: "统一社会信用代码应为 18 位，且校验位正确（见营业执照）",
        contact: "请填写联系人姓名（不超过 50 字）", phone: "请填写 11 位手机号或带区号的固定电话（如 0579-84123456）",
        time: "期望时间不能超过 100 字", description: "请简要说明需求（不超过 1000 字）"
      }
    },
    en: {
      title: "qifa · legal help", launcher: "Legal help", open: "Open the qifa chat",
      close: "Close the chat", newChat: "New chat", input: "Type your question", send: "Send",
      short: { handoff: "Adviser", checkup: "Self-check", alerts: "Alerts" },
      handoff: "Talk to an adviser", backToBot: "Back to the assistant", del: "Delete my conversation", you: "You",
      bot: "qifa", adviser: "Legal adviser", system: "Notice",
      notice: "Personal data: to answer your questions, handle your orders and connect you with a legal adviser we "
        + "keep the messages you send here and what you enter in order forms. They are used only for your requests, "
        + "managed by the county justice bureau and kept for the period the rules set. Please do not send sensitive "
        + "personal data the question does not need.",
      waiting: "A legal adviser will reply here", waitingCase: "case ", sources: "Sources (open to read the passage)", helpful: "Helpful",
      unhelpful: "Not helpful", thanks: "Thank you for the feedback", order: "Order", details: "Details",
      orderTitle: "Order: ", submit: "Submit the order", cancel: "Back to the chat", required: "This field is required",
      optional: " (optional)",
      consent: "I agree that the details above (enterprise name, credit code, contact name, phone) are collected to "
        + "deliver this service, used only to contact me and provide it, seen only by the handling department and "
        + "legal advisers, and deleted after {days} days.",
      consentNeeded: "Please tick the consent box to submit the order",
      ordered: "Your order {number} has been submitted. The bureau will contact you soon.",
      orderFailed: "The order was not submitted: ", network: "Network error, please try again later.",
      busy: "Replying…", tooLong: "The message is too long ({len} characters; at most {n}). Please shorten it.",
      notSent: "The message was not sent; it is back in the box.",
      queued: "The previous reply is on its way; your new message is sent once it arrives.", confirm: "OK",
      pressQueued: "The previous reply is on its way; “{labels}” is sent once it arrives.",
      pressDropped: "Not sent: “{labels}”; please press it again.",
      langTo: "中文", langToName: "中文", langToLabel: "切换为中文", langToTag: "zh-CN",
      keep: "Cancel", confirmDelete: "Delete every message, adviser case and self-check report of this conversation? "
        + "This cannot be undone.", deleteYes: "Delete", confirmNew: "Start a new conversation?",
      newDrafts: "The self-check answers and order form you have not submitted will be cleared.",
      newWaiting: "Your case {id}, waiting for an adviser, will be withdrawn.", newYes: "Start a new conversation",
      notEnabledNoKey: "qifa is not enabled for this site (no site key).", unread: "New message",
      typing: "qifa is typing…",
      checkup: "Legal health self-check", ckProgress: "{n} of {total} answered", ckSubmit: "Get the report",
      ckMissing: "Please answer this question", ckUnknown: "This question is no longer in the questionnaire",
      ckAnswers: { yes: "Yes", no: "No", unsure: "Unsure" },
      ckOverall: "Overall: {level} (score {score}%)", ckAreas: "Risk by area", ckFindings: "Findings and actions ({n})",
      ckNone: "No risk found in your answers.", ckRisk: "Risk: ", ckBasis: "Basis: ", ckAction: "Action: ",
      ckPdf: "Download the PDF report", ckHandoff: "Adviser (with the report)", ckFailed: "No report: ",
      ckRule: "Scoring rule", ckReport: "Self-check report {id}", ckAlerts: "🔔 Alerts on these topics",
      alerts: "🔔 Alerts", alertsTitle: "Compliance alerts", alertsIntro: "Choose the topics you care about; when "
        + "rules on them change, we tell you in this conversation.", alertsSave: "Save", alertsOff: "Unsubscribe all",
      alertsSaved: "Subscribed: {topics}", alertsNone: "Unsubscribed from all alerts.", industry: "Local industries",
      area: "Areas", alertWho: "📢 Compliance alert", suggestions: "Suggested actions",
      start: [{ label: "Service menu / 服务清单", message: "/menu" }, { label: "My orders / 我的订单", message: "/status" }],
      fields: {
        enterprise_name: "Enterprise name", credit_code: "Unified social credit code", contact_name: "Contact name",
        phone: "Phone", preferred_time: "Preferred time", description: "What you need", consent: "Consent"
      },
      errors: {
        name: "Please give the enterprise's name (at most 100 characters)",
        credit: "The credit code has 18 characters and a valid check character (see the business licence)",
        contact: "Please give a contact name (at most 50 characters)",
        phone: "Give an 11-digit mobile number or a landline with its area code (e.g. 0579-84123456)",
        time: "The preferred time must be at most 100 characters",
        description: "Please describe what you need (at most 1,000 characters)"
      }
    }
  };
  var L = T[LANG];
  var TITLE_ATTR = script.getAttribute("data-title");
  var TITLE = TITLE_ATTR || L.title;

  var STYLES = [
    ":host{all:initial !important;display:block !important;position:static !important}",
    ".qf{all:initial;font-family:system-ui,-apple-system,'Noto Sans CJK SC','PingFang SC','Microsoft YaHei',sans-serif;",
    "font-size:15px;line-height:1.5;color:#1f2937;--qf-accent:#b91c1c;--qf-accent-text:#fff}",
    ".qf *,.qf *::before,.qf *::after{box-sizing:border-box;font-family:inherit}",
    "button{font:inherit;cursor:pointer;border-radius:8px;border:1px solid #d1d5db;background:#fff;color:#1f2937;",
    "padding:6px 10px;min-height:36px}",
    "button:focus-visible,textarea:focus-visible,input:focus-visible{outline:3px solid #f59e0b;outline-offset:1px}",
    "[hidden]{display:none !important}",
    ".launcher{position:fixed;bottom:20px;z-index:2147483646;background:var(--qf-accent);color:var(--qf-accent-text);",
    "border:none;border-radius:28px;padding:12px 18px;font-size:16px;font-weight:600;box-shadow:0 4px 14px rgba(0,0,0,.25)}",
    ".launcher .dot{display:inline-block;width:10px;height:10px;border-radius:50%;background:#facc15;margin-left:6px}",
    ".right{right:20px}.left{left:20px}",
    ".panel{position:fixed;bottom:84px;z-index:2147483647;width:min(400px,calc(100vw - 24px));",
    "height:min(640px,calc(100vh - 104px));display:flex;flex-direction:column;background:#fff;border-radius:14px;",
    "box-shadow:0 10px 40px rgba(0,0,0,.3);overflow:hidden;border:1px solid #e5e7eb}",
    ".panel.right{right:12px}.panel.left{left:12px}",
    "@media (max-width:480px){.panel{inset:0;width:100vw;height:100%;border-radius:0;bottom:0}",
    ".panel.right,.panel.left{right:0;left:0}}",
    "header{display:flex;align-items:center;gap:6px;padding:10px 12px;background:var(--qf-accent);color:var(--qf-accent-text)}",
    "header h2{flex:1;margin:0;font-size:16px;font-weight:600;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}",
    "header button{background:transparent;color:var(--qf-accent-text);border-color:rgba(255,255,255,.6);padding:4px 8px;",
    "min-height:32px;font-size:13px}",
    ".log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:10px;background:#f9fafb}",
    ".notice{font-size:12px;color:#4b5563;background:#fff7ed;border:1px solid #fed7aa;border-radius:8px;padding:8px 10px}",
    ".msg{max-width:88%;padding:8px 11px;border-radius:12px;white-space:pre-wrap;word-wrap:break-word;overflow-wrap:anywhere}",
    ".msg .who{display:block;font-size:12px;font-weight:600;margin-bottom:2px;color:#6b7280}",
    ".user{align-self:flex-end;background:var(--qf-accent);color:var(--qf-accent-text)}",
    ".user .who{color:rgba(255,255,255,.85)}",
    ".bot{align-self:flex-start;background:#fff;border:1px solid #e5e7eb}",
    ".adviser{align-self:flex-start;background:#ecfdf5;border:2px solid #059669}",
    ".adviser .who{color:#047857}",
    ".system{align-self:center;max-width:95%;background:#eef2ff;border:1px dashed #6366f1;font-size:13px;color:#3730a3}",
    ".cites-head{display:block;margin-top:8px;font-size:12px;font-weight:600;color:#6b7280}",
    ".cites{margin:4px 0 0;padding:0;list-style:none;white-space:normal;display:flex;flex-direction:column;gap:4px}",
    ".cites button{text-align:left;font-size:13px;padding:4px 8px;min-height:30px;width:100%;background:#f3f4f6}",
    ".cites blockquote{margin:4px 0 4px 8px;padding:6px 8px;border-left:3px solid var(--qf-accent);background:#fafafa;",
    "font-size:13px;white-space:pre-wrap}",
    ".fb{display:flex;gap:6px;margin-top:6px}.fb button{padding:2px 8px;min-height:30px}",
    ".fb button[aria-pressed=true]{background:#fef3c7;border-color:#f59e0b}",
    ".card{align-self:flex-start;max-width:88%;background:#fff;border:1px solid var(--qf-accent);border-radius:12px;padding:10px}",
    ".card h3{margin:0 0 4px;font-size:15px}.card p{margin:0 0 8px;font-size:13px;color:#374151}",
    ".card .row{display:flex;gap:6px;flex-wrap:wrap}",
    ".primary{background:var(--qf-accent);color:var(--qf-accent-text);border-color:var(--qf-accent)}",
    // the suggestions: a wrapping row of chips (two a row at least, a long label on two lines), about two rows high
    // in its own scroll, so eight long English labels on a phone leave the conversation its room; while more wait
    // below, its lower edge fades (.more). Its padding and scroll-padding keep a focused chip and its outline in
    // sight, above the fade, when Tab scrolls it into view.
    ".sugg{display:flex;flex-wrap:wrap;align-content:flex-start;gap:5px 6px;padding:6px 12px;max-height:108px;",
    "overflow-y:auto;overscroll-behavior:contain;scroll-padding:6px 0 18px;scrollbar-width:thin;",
    "scrollbar-color:#9ca3af transparent;background:#fff;border-top:1px solid #f3f4f6}",
    ".sugg.more{-webkit-mask-image:linear-gradient(to bottom,#000 calc(100% - 16px),transparent);",
    "mask-image:linear-gradient(to bottom,#000 calc(100% - 16px),transparent)}",
    ".sugg:empty{display:none}",
    ".sugg button{flex:0 1 auto;max-width:calc(50% - 3px);font-size:13px;line-height:1.25;padding:3px 10px;",
    "min-height:32px;border-radius:16px;text-align:left;word-break:keep-all;overflow-wrap:break-word}",  // 服务清单 whole
    ".wait{display:flex;align-items:center;gap:8px;padding:6px 12px;background:#ecfdf5;font-size:13px;color:#065f46}",
    ".wait span{flex:1}",
    "form.composer{display:flex;gap:6px;padding:8px 12px;background:#fff;border-top:1px solid #e5e7eb}",
    "textarea{flex:1;resize:none;font:inherit;border:1px solid #d1d5db;border-radius:8px;padding:7px 9px;min-height:40px;",
    "max-height:120px;color:#111827;background:#fff}",
    // the action row stays one row (a narrower screen than a phone's shortens a label, never wraps the row)
    ".actions{display:flex;gap:4px;padding:0 12px 10px;background:#fff;flex-wrap:nowrap}",
    ".actions button{font-size:13px;min-height:32px;padding:4px 7px;flex:0 1 auto;min-width:0;display:flex;",
    "align-items:center;gap:3px;white-space:nowrap;overflow:hidden}",
    "@media (max-width:359px){.actions button{font-size:12px;padding:4px 5px}}",  // whole on a 320 px phone too
    ".actions .label{overflow:hidden;text-overflow:ellipsis}.actions .icon{flex:none}",
    ".actions [data-qifa=delete]{margin-left:auto;flex:none}",
    ".typing{font-size:12px;color:#6b7280;padding:0 12px}",
    ".sheet{position:absolute;inset:0;background:#fff;display:flex;flex-direction:column;z-index:2}",
    ".sheet form{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:10px}",
    ".sheet label{font-weight:600;font-size:14px;display:block;margin-bottom:3px}",
    ".sheet input[type=text],.sheet input[type=tel],.sheet textarea{width:100%;font:inherit;border:1px solid #d1d5db;",
    "border-radius:8px;padding:7px 9px;background:#fff;color:#111827}",
    ".sheet [aria-invalid=true]{border-color:#dc2626;background:#fef2f2}",
    ".sheet .err{color:#b91c1c;font-size:13px;margin:3px 0 0}",
    ".sheet .consent{display:flex;gap:8px;align-items:flex-start;font-weight:400;font-size:13px}",
    ".sheet .consent input{margin-top:4px;width:18px;height:18px;flex:none}",
    ".sheet .row{display:flex;gap:8px;padding:10px 12px;border-top:1px solid #e5e7eb}",
    ".panel{position:fixed}.panel>.body{position:relative;flex:1;display:flex;flex-direction:column;min-height:0}",
    ".ck fieldset{border:1px solid #e5e7eb;border-radius:10px;padding:8px 10px;margin:0}",
    ".ck legend{font-size:14px;font-weight:600;padding:0 4px}.ck .area{display:block;font-size:12px;color:#6b7280}",
    ".ck .opts{display:flex;gap:14px;flex-wrap:wrap;margin-top:4px}.ck .opts label{font-weight:400;display:flex;gap:4px}",
    ".ck fieldset[aria-invalid=true]{border-color:#dc2626;background:#fef2f2}",
    ".ck progress{width:100%;height:10px}.ck .progress{font-size:13px;color:#374151}",
    ".report{align-self:stretch;background:#fff;border:1px solid var(--qf-accent);border-radius:12px;padding:10px;",
    "font-size:13px}.report h3{margin:0 0 6px;font-size:15px}.report ul{margin:4px 0;padding-left:18px}",
    ".report .lvl{display:inline-block;border-radius:6px;padding:0 6px;color:#fff;background:#6b7280}",
    ".report .lvl-low{background:#2e7d32}.report .lvl-medium{background:#e67c00}.report .lvl-high{background:#c62828}",
    ".report .finding{margin:6px 0;padding:6px 8px;background:#f9fafb;border-radius:8px}",
    ".report .row{display:flex;gap:6px;flex-wrap:wrap;margin-top:8px}.report a{color:var(--qf-accent)}",
    ".report .rule{color:#6b7280;font-size:12px}",
    ".alert{border-style:solid;border-color:#b45309;background:#fffbeb;color:#78350f;text-align:left}",
    ".alert .row{display:flex;gap:6px;flex-wrap:wrap;margin-top:8px}.alert .row button{font-size:13px;min-height:30px}",
    ".sheet fieldset{border:1px solid #e5e7eb;border-radius:8px;padding:8px 10px;margin:0}",
    ".sheet legend{font-weight:600;font-size:13px;padding:0 4px}",
    ".sheet .topic{display:flex;gap:8px;align-items:center;font-weight:400;font-size:14px;margin:4px 0}",
    ".sheet .topic input{width:18px;height:18px;flex:none}.sheet .kept{font-size:12px;color:#4b5563}",
    ".hint{margin:0;padding:4px 12px 0;font-size:12px;color:#92400e;background:#fff}",
    ".confirm{position:absolute;left:0;right:0;bottom:0;z-index:3;display:flex;flex-direction:column;gap:6px;",
    "padding:10px 12px;background:#fef2f2;border-top:1px solid #fecaca;box-shadow:0 -4px 12px rgba(0,0,0,.12);",
    "font-size:13px;color:#7f1d1d}.confirm .row{display:flex;gap:6px;flex-wrap:wrap}",
    ".sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}"
  ].join("");

  // ------------------------------------------------------------------ small DOM helpers (text only)
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    if (attrs) {
      for (var k in attrs) {
        if (Object.prototype.hasOwnProperty.call(attrs, k) && attrs[k] !== null && attrs[k] !== undefined) {
          if (k === "class") node.className = attrs[k];
          else node.setAttribute(k, attrs[k]);
        }
      }
    }
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function fmt(s, vars) {
    return s.replace(/\{(\w+)\}/g, function (_, k) { return vars[k] === undefined ? "" : String(vars[k]); });
  }
  function load() {
    try { return JSON.parse(localStorage.getItem(STORE) || "{}") || {}; } catch (e) { return {}; }
  }
  // Kept with the conversation (localStorage): its id, the case it waits on (the history does not carry the case
  // number), its self-check reports (a report is not a message; their ids bring them back after a reload) and the
  // orders placed through the page form (their note is the widget's, not a message: the number brings it back).
  // The language chosen is kept from the moment it is chosen, also with no conversation yet (after 新对话, before
  // the next message: a reload then would fall back to the page's default).
  function save() {
    try {
      if (state.sid) {
        localStorage.setItem(STORE, JSON.stringify({ sid: state.sid, waiting: kept.waiting, reports: kept.reports,
                                                     orders: kept.orders, lang: kept.lang }));
      } else if (kept.lang) localStorage.setItem(STORE, JSON.stringify({ lang: kept.lang }));
      else localStorage.removeItem(STORE);
    } catch (e) { /* storage may be blocked; the conversation still works until the page is left */ }
  }
  // What the user typed or answered but has not submitted (self-check answers, order forms): in sessionStorage,
  // so it survives closing the sheet and a reload but not the tab (the forms hold names and phone numbers).
  var DRAFTS = STORE + ":drafts";
  function loadDrafts() {
    try {
      var d = JSON.parse(sessionStorage.getItem(DRAFTS) || "{}") || {};
      return d.sid && state.sid && d.sid !== state.sid ? {} : d;  // another conversation's
    } catch (e) { return {}; }
  }
  function saveDrafts() {
    try {
      drafts.sid = state.sid || null;
      sessionStorage.setItem(DRAFTS, JSON.stringify(drafts));
    } catch (e) { /* blocked storage: the drafts live as long as the page */ }
  }
  function clearDrafts() {
    drafts = {};
    try { sessionStorage.removeItem(DRAFTS); } catch (e) { /* nothing kept */ }
  }
  function draftsOf(kind) {
    drafts[kind] = drafts[kind] || {};
    return drafts[kind];
  }
  function hasDrafts() {
    var some = function (group) {
      return Object.keys(group || {}).some(function (k) {
        var d = group[k] || {};
        return Object.keys(d).some(function (f) { return !!d[f]; });
      });
    };
    return some(drafts.checkups) || some(drafts.forms);
  }

  // ------------------------------------------------------------------ HTTP (only to the widget's own API)
  function api(method, path, body) {
    var headers = {};
    if (KEY) headers["X-Qifa-Site-Key"] = KEY;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    return fetch(BASE + path, {
      method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "omit", mode: "cors", cache: "no-store"
    }).then(function (r) {
      return r.json().catch(function () { return null; }).then(function (data) {
        return { ok: r.ok, status: r.status, data: data, retry: r.headers.get("Retry-After") };
      });
    });
  }
  // a refusal for too many requests (429): the milliseconds to wait before asking again (its Retry-After, which
  // another origin cannot read, else the seconds its message names); null for any other answer
  function retryIn(res) {
    if (!res || res.status !== 429) return null;
    var m = /(\d+)\s*s\b/.exec(String((res.data && res.data.error && res.data.error.message) || ""));
    var seconds = parseInt(res.retry || (m && m[1]) || "5", 10);
    return Math.min(Math.max(seconds || 5, 1), 60) * 1000 + 250;
  }
  function errorText(res) {
    return res && res.data && res.data.error && res.data.error.message ? inLang(res.data.error.message) : L.network;
  }
  // The API's messages carry both languages ("English / 中文" or "中文 / English"): the widget's half.
  // both: the two halves, the widget's first (for a refusal the site's developer may read in the other language)
  var CJK = /[\u3400-\u9fff]/;
  function inLang(message, both) {
    var h = halves(message);
    if (!h) return String(message);
    return both ? h.mine + " / " + h.other : h.mine;
  }
  // a text in both languages ("中文 / English"): the widget's half (mine) and the other; null for one language
  function halves(message) {
    var parts = String(message).split(" / ");
    for (var i = 1; i < parts.length; i++) {
      var a = parts.slice(0, i).join(" / "), b = parts.slice(i).join(" / ");
      if (CJK.test(a) === CJK.test(b)) continue;
      var mine = (CJK.test(a) ? LANG !== "en" : LANG === "en") ? a : b;
      return { mine: mine, other: mine === a ? b : a };
    }
    return null;
  }
  // The language of a text for its lang attribute (a screen reader picks its voice by it): what the server said
  // and what the user typed keep theirs after a switch. English by its letters (an English answer quotes Chinese
  // titles and articles), else Chinese.
  function textLang(text) {
    var s = String(text || "");
    var han = (s.match(/[\u3400-\u9fff]/g) || []).length;
    var latin = (s.match(/[A-Za-z]/g) || []).length;
    return latin > 2 * han ? "en" : "zh";
  }
  function tag(lang) { return lang === "en" ? "en" : "zh-CN"; }

  // ------------------------------------------------------------------ state and the DOM
  var stored = load();
  var state = { sid: stored.sid || null, lastId: 0, open: false, busy: false, waiting: null, es: null,
                retry: 1000, config: null, disabled: false, services: {}, chatForm: false, queued: false,
                queue: [], suggs: null, asking: null, formCard: null };
  // lang: the language chosen in this conversation (the 中文 / EN button or /lang); it wins over the page's
  // (data-lang) for the labels and every message, so that the engine's "switched" is true for the next ones too
  var kept = { waiting: stored.waiting || null, reports: Array.isArray(stored.reports) ? stored.reports : [],
               orders: Array.isArray(stored.orders) ? stored.orders : [],
               lang: stored.lang === "zh" || stored.lang === "en" ? stored.lang : null };
  var drafts = loadDrafts();
  if (kept.lang) { LANG = kept.lang; L = T[LANG]; TITLE = TITLE_ATTR || L.title; }  // chosen earlier in this one

  // lang on the widget's root (the page's may be another) and its wrapper: its labels are read in their language
  var host = el("div", { "data-qifa": "root", lang: tag(LANG) });
  var root = host.attachShadow({ mode: "open" });
  if (root.adoptedStyleSheets !== undefined && typeof CSSStyleSheet === "function") {
    var sheet = new CSSStyleSheet();
    sheet.replaceSync(STYLES);  // constructed stylesheets are not subject to the host page's style-src
    root.adoptedStyleSheets = [sheet];
  } else {
    root.appendChild(el("style", null, STYLES));
  }
  var wrap = el("div", { "class": "qf", lang: tag(LANG) });
  if (COLOR && window.CSS && window.CSS.supports && window.CSS.supports("color", COLOR)) {
    wrap.style.setProperty("--qf-accent", COLOR);  // CSSOM, allowed under a strict style-src
  }
  root.appendChild(wrap);

  var launcher = el("button", { type: "button", "class": "launcher " + POSITION, "data-qifa": "launcher",
                                "aria-expanded": "false", "aria-controls": "qifa-panel", "aria-label": L.open });
  var launcherText = el("span", null, "💬 " + L.launcher);
  launcher.appendChild(launcherText);
  var dot = el("span", { "class": "dot", hidden: "" });
  var dotText = el("span", { "class": "sr" }, L.unread);
  dot.appendChild(dotText);
  launcher.appendChild(dot);

  var panel = el("section", { id: "qifa-panel", "class": "panel " + POSITION, "data-qifa": "panel", role: "dialog",
                              "aria-label": TITLE, hidden: "" });
  var head = el("header");
  var heading = el("h2", null, TITLE);
  head.appendChild(heading);
  // 中文 / EN: names the other language in that language (its reader is the one who needs it)
  var langBtn = el("button", { type: "button", "data-qifa": "lang", "data-lang": LANG === "en" ? "zh" : "en",
                               lang: L.langToTag, "aria-label": L.langToLabel, title: L.langToLabel }, L.langTo);
  var newBtn = el("button", { type: "button", "data-qifa": "new" }, L.newChat);
  var closeBtn = el("button", { type: "button", "data-qifa": "close", "aria-label": L.close }, "✕");
  head.appendChild(langBtn);
  head.appendChild(newBtn);
  head.appendChild(closeBtn);
  var body = el("div", { "class": "body" });
  var log = el("div", { "class": "log", role: "log", "aria-live": "polite", "aria-relevant": "additions",
                        "aria-label": TITLE, tabindex: "0" });
  var typing = el("div", { "class": "typing", "data-qifa": "typing", "aria-hidden": "true", hidden: "" }, L.typing);
  // a named group: a screen reader announces what the buttons are for, wherever the bar's scroll stands
  var sugg = el("div", { "class": "sugg", "data-qifa": "suggestions", role: "group", "aria-label": L.suggestions });
  var wait = el("div", { "class": "wait", role: "status", hidden: "" });
  var waitText = el("span");
  var backBtn = el("button", { type: "button", "data-qifa": "back-to-bot" }, "🤖 " + L.backToBot);
  wait.appendChild(waitText);
  wait.appendChild(backBtn);
  var composer = el("form", { "class": "composer", novalidate: "" });
  // no maxlength: a paste over the limit would be cut without a word; the hint below says how much is too much
  var input = el("textarea", { "data-qifa": "input", rows: "1", "aria-label": L.input, placeholder: L.input,
                               "aria-describedby": "qf-hint" });
  var hint = el("p", { "class": "hint", id: "qf-hint", "data-qifa": "composer-hint", role: "status", hidden: "" });
  var sendBtn = el("button", { type: "submit", "class": "primary", "data-qifa": "send" }, L.send);
  composer.appendChild(input);
  composer.appendChild(sendBtn);
  var actions = el("div", { "class": "actions" });
  var handoffBtn = el("button", { type: "button", "data-qifa": "handoff" });
  var delBtn = el("button", { type: "button", "data-qifa": "delete", hidden: "" });
  var checkupBtn = el("button", { type: "button", "data-qifa": "checkup" });
  var alertsBtn = el("button", { type: "button", "data-qifa": "alerts" });
  // One row on a phone in both languages: an icon and a short label each, the full name as the button's name
  // (a screen reader's and a voice user's; the short label is part of it) and its tooltip; 删除 is its icon alone.
  function labelActions() {
    [[handoffBtn, "👩‍💼", L.short.handoff, L.handoff], [checkupBtn, "🩺", L.short.checkup, L.checkup],
     [alertsBtn, "🔔", L.short.alerts, L.alertsTitle], [delBtn, "🗑️", "", L.del]].forEach(function (a) {
      a[0].textContent = "";
      a[0].appendChild(el("span", { "class": "icon", "aria-hidden": "true" }, a[1]));
      if (a[2]) a[0].appendChild(el("span", { "class": "label" }, a[2]));
      a[0].setAttribute("aria-label", a[3]);
      a[0].setAttribute("title", a[3]);
    });
  }
  labelActions();
  actions.appendChild(handoffBtn);
  actions.appendChild(checkupBtn);
  actions.appendChild(alertsBtn);
  actions.appendChild(delBtn);
  var confirmBox = el("div", { "class": "confirm", "data-qifa": "confirm", role: "alertdialog", hidden: "" });
  [log, typing, wait, sugg, hint, composer, confirmBox, actions].forEach(function (n) { body.appendChild(n); });
  panel.appendChild(head);
  panel.appendChild(body);
  wrap.appendChild(panel);
  wrap.appendChild(launcher);

  // ------------------------------------------------------------------ messages
  function scrollDown() {
    log.scrollTop = log.scrollHeight;
    requestAnimationFrame(function () { log.scrollTop = log.scrollHeight; });
  }
  // a reply taller than the log opens at its first line, not at its disclaimer and sources
  function scrollToReply(box) {
    var place = function () {
      if (box.offsetHeight <= log.clientHeight - 16) { log.scrollTop = log.scrollHeight; return; }
      log.scrollTop += box.getBoundingClientRect().top - log.getBoundingClientRect().top - 8;
    };
    place();
    requestAnimationFrame(place);
  }

  function addNotice() {
    log.appendChild(el("div", { "class": "notice", "data-qifa": "notice", role: "note" }, L.notice));
    setSuggestions(L.start, [], null);
  }

  function who(m) {
    if (m.role === "user") return L.you;
    if (m.role === "adviser") return "👩‍💼 " + L.adviser + (m.author ? " " + m.author : "");
    if (m.role === "system") return m.route === "alert" ? L.alertWho : L.system;
    return L.bot;
  }

  function citationLabel(c, n, labels) {
    if (labels[n - 1]) return labels[n - 1];
    var where = c.locator || "";
    var when = c.effective ? "（" + c.effective + "）" : "";
    return "[" + n + "] 《" + (c.title || "") + "》" + where + when;
  }

  // The reply's own list of sources ("出处：" / "Sources:", one "[n] label" a line) becomes the expandable
  // citations below the text; its labels (in the reply's language) name the buttons.
  var SOURCES = /\n\n(?:出处：|Sources:)\n((?:\[\d+\][^\n]*(?:\n|$))+)/;
  function splitSources(text) {
    var m = SOURCES.exec(text);
    if (!m) return { text: text, labels: [] };
    var rest = text.slice(m.index + m[0].length).replace(/^\n+/, "");
    return { text: text.slice(0, m.index) + (rest ? "\n\n" + rest : ""),
             labels: m[1].split("\n").filter(Boolean) };
  }

  // lang: the reply's (its list of sources is in it); the passages quoted are the law's own words, in Chinese
  function addCitations(box, citations, labels, lang) {
    box.appendChild(el("span", { "class": "cites-head" }, L.sources));
    var list = el("ol", { "class": "cites", "aria-label": L.sources });
    citations.forEach(function (c, i) {
      var item = el("li");
      var quote = el("blockquote", { hidden: "", lang: tag(textLang(c.snippet)) }, c.snippet || "");
      var btn = el("button", { type: "button", "data-qifa": "citation", "aria-expanded": "false", lang: lang },
                   citationLabel(c, i + 1, labels));
      btn.addEventListener("click", function () {
        var open = quote.hasAttribute("hidden");
        if (open) quote.removeAttribute("hidden"); else quote.setAttribute("hidden", "");
        btn.setAttribute("aria-expanded", open ? "true" : "false");
      });
      item.appendChild(btn);
      item.appendChild(quote);
      list.appendChild(item);
    });
    box.appendChild(list);
  }

  function addFeedback(box, messageId, current) {
    var row = el("div", { "class": "fb" });
    [[1, "👍", L.helpful], [-1, "👎", L.unhelpful]].forEach(function (v) {
      var b = el("button", { type: "button", "data-qifa": "feedback", "data-vote": String(v[0]),
                             "aria-label": v[2], title: v[2], "aria-pressed": current === v[0] ? "true" : "false" },
                 v[1]);
      b.addEventListener("click", function () {
        if (!state.sid) return;
        api("POST", "/api/v1/sessions/" + encodeURIComponent(state.sid) + "/feedback",
            { message_id: messageId, vote: v[0] }).then(function (res) {
          if (!res.ok) { system(function () { return errorText(res); }); return; }
          Array.prototype.forEach.call(row.querySelectorAll("button"), function (x) {
            x.setAttribute("aria-pressed", x === b ? "true" : "false");
          });
          b.setAttribute("title", L.thanks);
        }, function () { system(function () { return L.network; }); });
      });
      row.appendChild(b);
    });
    box.appendChild(row);
  }

  // what the buttons send, shown with their labels (in the widget's language now) when the history brings them back
  function commandLabel(text) {
    var commands = { "/human": L.handoff, "/bot": L.backToBot, "/menu": L.start[0].label,
                     "/status": L.start[1].label, "/checkup": L.checkup, "/subscribe": L.alerts,
                     "/checkup_handoff": L.ckHandoff, "/checkup_alerts": L.ckAlerts };
    var lang = /^\/lang\s+(zh|en)$/.exec(text || "");
    if (lang) return langLabel(lang[1]);
    var m = /^(\/[a-z_]+)(?:\s+\d+)?$/.exec(text || "");
    return m && Object.prototype.hasOwnProperty.call(commands, m[1]) ? commands[m[1]] : null;
  }
  function langLabel(lang) { return "🌐 " + (lang === "en" ? T.zh.langToName : T.en.langToName); }

  // m.say: the text in the widget's language now, for what the widget writes itself (its notes, the label of a
  // button pressed); it is written again when the language is switched. Anything else is what was said, and
  // stays as it was, with its language (m.lang, else read from it) on its text for a screen reader.
  function addMessage(m) {
    var command = m.role === "user" && !m.say ? (m.history ? m.text : m.command) : null;
    if (command && commandLabel(command)) m.say = function () { return commandLabel(command); };
    if (m.say) m.text = m.say();
    var box = el("div", { "class": "msg " + m.role, "data-qifa": "message", "data-role": m.role });
    if (m.say) box.qfSay = m.say;
    if (m.id) box.setAttribute("data-id", String(m.id));
    if (m.author) box.setAttribute("data-author", m.author);
    if (m.route) box.setAttribute("data-route", m.route);
    box.appendChild(el("span", { "class": "who" }, who(m)));
    var alert = m.route === "alert" && m.citations && m.citations[0] && m.citations[0].actions;
    var cited = m.citations && m.citations.length && !alert;
    var parts = cited ? splitSources(m.text) : { text: m.text, labels: [] };
    var lang = tag(m.say ? LANG : m.lang || textLang(m.text));
    box.appendChild(el("span", { "class": "text", lang: lang }, parts.text));
    if (cited) addCitations(box, m.citations, parts.labels, lang);
    if (alert) addAlertActions(box, m.citations[0]);
    if (m.role === "bot" && m.id && m.route === "answer") addFeedback(box, m.id, m.feedback);
    log.appendChild(box);
    if (!m.quiet) scrollDown();
    if (!state.open && (m.role === "adviser" || m.role === "system") && !m.history) dot.removeAttribute("hidden");
    return box;
  }

  // text: a function giving the note in the widget's language now (it follows a switch), or a string as written
  function system(text) {
    return addMessage(typeof text === "function" ? { role: "system", say: text } : { role: "system", text: text });
  }

  // a compliance alert (a notice delivered to this session): its actions as buttons
  function addAlertActions(box, notice) {
    box.className += " alert";
    box.setAttribute("data-qifa", "alert");
    box.setAttribute("data-notice", String(notice.notice_id));
    var row = el("div", { "class": "row", lang: box.querySelector(".text").getAttribute("lang") });  // the notice's
    (notice.actions || []).forEach(function (a) {
      var b = el("button", { type: "button", "data-qifa": "alert-action", "data-message": a.message }, a.label);
      b.addEventListener("click", function () {
        if (a.message === "/subscribe") openAlerts(); else send(a.message, a.label, LANG);
      });
      row.appendChild(b);
    });
    box.appendChild(row);
  }

  // written: the language the labels were written in (the reply's); null for the widget's own (L.start)
  function setSuggestions(list, skipServices, written) {
    state.suggs = { list: list || [], skip: skipServices, written: written };
    showSuggestions();
  }
  // the suggestions kept in state.suggs, each labelled in the widget's language now (see suggestionLabel)
  function showSuggestions() {
    sugg.textContent = "";
    var kept = state.suggs || { list: [], skip: [] };
    kept.list.forEach(function (s) {
      var id = (s.message || "").replace(/^\/(order|service)\s+/, "");
      if ((s.kind === "order" || s.kind === "details") && kept.skip.indexOf(id) >= 0) return;
      var label = suggestionLabel(s, kept.written);
      var b = el("button", { type: "button", "data-qifa": "suggestion", "data-kind": s.kind || "message",
                             lang: tag(textLang(label)) }, label);
      var ck = /^\/checkup\s+([a-z0-9-]+)$/.exec(s.message || "");
      b.addEventListener("click", function () {
        if (s.kind === "order" && /^\/order\s+\S+$/.test(s.message)) openOrderForm(id);
        else if (s.kind === "checkup" && ck) openCheckup(ck[1]);
        else send(s.message, b.textContent);
      });
      sugg.appendChild(b);
    });
    sugg.scrollTop = 0;
    moreBelow();
  }
  // the fade at the bar's lower edge while chips wait below (scrolled, resized, refilled, the panel opened)
  function moreBelow() {
    var more = sugg.scrollHeight - sugg.scrollTop - sugg.clientHeight > 2;
    if (more) sugg.classList.add("more"); else sugg.classList.remove("more");
  }
  sugg.addEventListener("scroll", moreBelow);
  if (typeof ResizeObserver === "function") new ResizeObserver(moreBelow).observe(sugg);
  // A suggestion's label after a switch of the language, as the engine would have written it in the new one: the
  // widget's own from its table; one in both languages ("预约 / Order") with the new language first, as the engine
  // orders them; a fixed label of the engine by its pair (the config's labels); a service by its name in the new
  // language. A name the widget cannot know in the other language (a topic's, a self-check's) stays as written:
  // pressing it sends the same message, answered in the language chosen.
  function suggestionLabel(s, written) {
    if (!written) return commandLabel(s.message) || s.label;
    if (written === LANG) return s.label;
    var h = halves(s.label);
    if (h) return h.mine + " / " + h.other;
    var pairs = (state.config && state.config.labels) || [];
    for (var i = 0; i < pairs.length; i++) {
      if (pairs[i][written] === s.label) return pairs[i][LANG];
    }
    var svc = /^\/(?:service|order)\s+(\S+)$/.exec(s.message || "");
    if (svc) {
      var known = state.services[svc[1]];
      if (!known) {  // named once the catalogue answers (a switch before that shows the label as written)
        getService(svc[1]).then(function () {
          if (sugg.childNodes.length && state.suggs && state.suggs.list.indexOf(s) >= 0) showSuggestions();
        },
                                function () { /* the label as written */ });
      } else if (s.label === (written === "en" ? known.name_en : known.name)) {
        return LANG === "en" ? known.name_en : known.name;
      }
    }
    return s.label;
  }

  function setWaiting(handoff) {
    if (handoff && !handoff.id && kept.waiting) handoff = { id: kept.waiting };  // after a reload
    state.waiting = handoff;
    if ((handoff && handoff.id) !== kept.waiting) {
      kept.waiting = handoff && handoff.id ? handoff.id : null;
      save();
    }
    if (handoff) {
      waitText.textContent = "⏳ " + L.waiting + (handoff.id ? "（" + L.waitingCase + handoff.id + "）" : "");
      wait.removeAttribute("hidden");
    } else {
      wait.setAttribute("hidden", "");
    }
  }

  // a service's card, drawn by the widget from the catalogue: drawn again in the other language after a switch
  function serviceCard(id) {
    var card = el("div", { "class": "card", "data-qifa": "service-card", "data-service": id });
    log.appendChild(card);
    var first = true;
    var fill = function (svc) {
      card.textContent = "";
      var name = LANG === "en" ? svc.name_en : svc.name;
      card.appendChild(el("h3", null, name));
      card.appendChild(el("p", null, LANG === "en" ? svc.summary_en : svc.summary));
      var row = el("div", { "class": "row" });
      var order = el("button", { type: "button", "class": "primary", "data-qifa": "order" },
                     LANG === "en" ? "Order / 预约" : "预约 / Order");
      order.addEventListener("click", function () { openOrderForm(id); });
      var details = el("button", { type: "button" }, LANG === "en" ? "Details / 详情" : "详情 / Details");
      details.addEventListener("click", function () { send("/service " + id, name + " · " + L.details); });
      row.appendChild(order);
      row.appendChild(details);
      card.appendChild(row);
      if (first && log.scrollHeight - log.scrollTop - log.clientHeight < card.offsetHeight + 40) scrollDown();  // at the end
      first = false;
    };
    card.qfDraw = function () {
      getService(id).then(fill, function (res) {
        card.textContent = "";
        card.appendChild(el("p", null, errorText(res)));
        var wait = retryIn(res);  // too many requests: drawn once it may ask again
        if (wait) setTimeout(function () { if (log.contains(card)) card.qfDraw(); }, wait);
      });
    };
    card.qfDraw();
    return card;
  }

  // The chat's booking in progress already has its card on screen (drawn when the booking started, relabelled in
  // place by a switch of the language), or its service's page form is open: a reply that asks the booking's
  // question again (the answer to /lang, a side question, a second "我要预约…") draws no second one.
  function formShown(service) {
    var shown = state.formCard;
    return !!(shown && shown.service === service && log.contains(shown.card))
      || !!(sheetNode && sheetNode.qfService === service);
  }

  function getService(id) {
    if (state.services[id]) return Promise.resolve(state.services[id]);
    return api("GET", "/api/v1/services/" + encodeURIComponent(id)).then(function (res) {
      if (!res.ok) throw res;
      state.services[id] = res.data;
      return res.data;
    });
  }

  // langOnly: the reply to /lang, which says nothing of a case waiting (the engine answers it as a menu reply)
  function renderReply(r, langOnly) {
    var box = null;
    if (r.reply) {
      box = addMessage({ role: "bot", text: r.reply, id: r.message_id, citations: r.citations, route: r.route,
                         lang: r.lang, quiet: true });
    }
    var services = drawCards(r.data || {});
    // the answer to a language choice with no buttons of its own leaves those shown (they follow the language)
    if (!(langOnly && !(r.suggestions || []).length)) setSuggestions(r.suggestions, services, r.lang || LANG);
    if (r.route === "handoff" && r.handoff) setWaiting(r.handoff);
    else if (r.route !== "handoff" && !langOnly) setWaiting(null);
    if (r.message_id && r.message_id > state.lastId) state.lastId = r.message_id;
    if (box) scrollToReply(box); else scrollDown();
  }

  // A reply's cards, below it: its services', and the card of a booking the engine started in the chat. The same
  // for a reply just in and for one of the history (a reload draws what the reply showed). The ids drawn as cards.
  function drawCards(data) {
    var services = (data.services || []).slice();
    // a form the engine started in the chat: offer the same service's card, whose "预约" opens the page form
    var form = data.form;
    state.chatForm = !!form;
    if (form === null) state.formCard = null;  // the booking ended (sent or dropped): a new one gets its own card
    if (form && formShown(form.service)) {
      services = services.filter(function (id) { return id !== form.service; });  // the live one stays the one
    } else if (form && form.stage === "fill" && !(form.filled || []).length && services.indexOf(form.service) < 0) {
      services.push(form.service);
    }
    services.forEach(function (id) {
      var card = serviceCard(id);
      if (form && id === form.service) state.formCard = { service: id, card: card };
    });
    return services;
  }

  // ------------------------------------------------------------------ sending
  // The send button stays usable while a reply is pending: what is sent then waits in the box (queued) and goes
  // once the reply is in, so nothing typed is dropped. A button pressed meanwhile (转人工, 详情, a report's or an
  // alert's action, 中文 / EN) waits likewise: state.queue holds the presses and the box's turn, in the order made.
  function setBusy(on) {
    state.busy = on;
    log.setAttribute("aria-busy", on ? "true" : "false");
    if (on) typing.removeAttribute("hidden"); else typing.setAttribute("hidden", "");
  }

  function setHint(text, kind) {
    hint.textContent = text || "";
    if (text) { hint.removeAttribute("hidden"); hint.setAttribute("data-kind", kind || ""); }
    else { hint.setAttribute("hidden", ""); hint.removeAttribute("data-kind"); }
  }
  function maxChars() { return (state.config && state.config.max_message_chars) || 2000; }
  function checkLength() {
    var len = input.value.trim().length;
    var over = len > maxChars();
    if (over) { input.setAttribute("aria-invalid", "true"); setHint(fmt(L.tooLong, { n: maxChars(), len: len }), "long"); }
    else {
      input.removeAttribute("aria-invalid");
      if (hint.getAttribute("data-kind") === "long") setHint("");
    }
    return !over;
  }
  input.addEventListener("input", checkLength);

  // typed: the text came from the box, and goes back there if it could not be sent
  function send(text, shown, lang, typed) {
    text = (text || "").trim();
    if (!text || state.disabled) return;
    if (state.busy) { queuePress(text, shown, lang); return; }
    var max = maxChars();
    if (text.length > max) { system(function () { return fmt(L.tooLong, { n: max, len: text.length }); }); return; }
    // a press shown by the widget's own label follows a switch of the language (as it does after a reload)
    var mine = addMessage({ role: "user", text: shown || text,
                            command: !shown || shown === commandLabel(text) ? text : null });
    var chosen = /^\/lang\s+(zh|en)\s*$/i.exec(text);
    if (!chosen) sugg.textContent = "";  // the buttons shown stay valid after a language choice (in its language)
    setBusy(true);
    var payload = { message: text };
    if (state.sid) payload.session_id = state.sid;
    if (chosen) applyLang(chosen[1].toLowerCase());  // labels too; kept with the conversation once saved below
    if (kept.lang) payload.lang = kept.lang;  // /lang was typed: the conversation's language from now on
    else if (lang) payload.lang = lang;  // a button of the widget's own: the page's language
    else if (LANG_ATTR === "zh" || LANG_ATTR === "en") payload.lang = LANG_ATTR;
    api("POST", "/api/v1/chat", payload).then(function (res) {
      setBusy(false);
      if (res.ok) {
        if (state.sid !== res.data.session_id) {
          state.sid = res.data.session_id;
          save();
          connectEvents();
        } else if (chosen) save();
        renderReply(res.data, !!chosen);
      } else if (res.status === 404 && res.data && res.data.error && res.data.error.code === "unknown_session") {
        reset(false, true);  // the conversation is gone on the server: start a new one with this message
        send(text, shown, lang, typed);
        return;
      } else {
        failed(function () { return errorText(res); });
        return;
      }
      sendQueued();
    }, function () { setBusy(false); failed(function () { return L.network; }); });

    // why: a function giving the reason in the widget's language now (the note follows a switch)
    function failed(why) {
      // what waited is not sent after a failure: typed text stays in the box, the presses are named
      var presses = state.queue.filter(function (q) { return !q.box; });
      state.queue = [];
      state.queued = false;
      if (typed) {  // back in the box (before anything typed meanwhile), and the bubble goes
        mine.remove();
        input.value = text + (input.value.trim() ? "\n" + input.value : "");
        checkLength();
      }
      queueHint();
      if (!sugg.childNodes.length) showSuggestions();  // the last reply's buttons are still what can be pressed
      system(function () {
        return why() + (typed ? " " + L.notSent : "")
          + (presses.length ? " " + fmt(L.pressDropped, { labels: pressLabels(presses) }) : "");
      }).setAttribute("data-qifa-error", "send-failed");
    }
  }

  function pressLabels(presses) {  // in the widget's language now (it may have been switched meanwhile)
    return presses.map(function (q) { return commandLabel(q.text) || q.shown || q.text; })
      .join(LANG === "en" ? ", " : "、");
  }
  // the hint says what waits for the pending reply (the box's text, the buttons pressed), or goes
  function queueHint() {
    var presses = state.queue.filter(function (q) { return !q.box; });
    var parts = [];
    if (state.queued) parts.push(L.queued);
    if (presses.length) parts.push(fmt(L.pressQueued, { labels: pressLabels(presses) }));
    if (parts.length) setHint(parts.join(" "), "queued");
    else if (hint.getAttribute("data-kind") === "queued") setHint("");
  }
  // the same button twice waits once; a later language choice replaces an earlier one
  function queuePress(text, shown, lang) {
    var isLang = /^\/lang\s/.test(text);
    state.queue = state.queue.filter(function (q) {
      return q.box || (q.text !== text && !(isLang && /^\/lang\s/.test(q.text)));
    });
    state.queue.push({ text: text, shown: shown, lang: lang });
    queueHint();
  }

  function sendQueued() {
    var next = state.queue.shift();
    if (!next) return;
    if (next.box) state.queued = false;
    queueHint();
    if (!next.box) { send(next.text, commandLabel(next.text) || next.shown, next.lang); return; }
    if (input.value.trim()) submitBox();
    if (!state.busy) sendQueued();  // the box was emptied (or is over the limit) meanwhile: the next in line
  }

  function submitBox() {
    var text = input.value.trim();
    if (!text || state.disabled) return;
    if (!checkLength()) return;
    if (state.busy) {
      if (!state.queued) { state.queued = true; state.queue.push({ box: true }); }
      queueHint();
      return;
    }
    input.value = "";
    queueHint();
    send(text, null, null, true);
  }

  composer.addEventListener("submit", function (e) {
    e.preventDefault();
    submitBox();
    input.focus();
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      composer.requestSubmit ? composer.requestSubmit() : composer.dispatchEvent(new Event("submit"));
    }
  });
  handoffBtn.addEventListener("click", function () { send("/human", L.handoff); });
  checkupBtn.addEventListener("click", function () { send("/checkup", L.checkup, LANG); });
  // the engine's word for leaving a hand-off and talking to the assistant again
  backBtn.addEventListener("click", function () { send("/bot", L.backToBot); });

  // ------------------------------------------------------------------ the widget's language (中文 / EN)
  // The page's language is only the default: the header's button (or /lang typed) switches the labels at once and
  // the conversation's language on the server (it sends /lang, which the engine keeps for the session); the choice
  // is kept (localStorage) from the moment it is made, with the conversation and for a 新对话, reloaded or not.
  // Before the first message no conversation is made for it: the first message carries the language (payload.lang).
  // What was said (the assistant's, an adviser's, the user's own words) stays as it was, in its language; what the
  // widget draws itself follows: the labels, its notes, the buttons pressed, the suggestions, the service and report
  // cards, the open sheet (rebuilt from its kept draft, with its problems), a question asked and the hint.
  function applyLang(lang) {
    kept.lang = lang;
    save();  // kept at once, not only with the next reply (a reload before it keeps the choice)
    if (lang === LANG) return;
    LANG = lang;
    L = T[lang];
    TITLE = TITLE_ATTR || L.title;
    host.setAttribute("lang", tag(LANG));
    wrap.setAttribute("lang", tag(LANG));
    launcher.setAttribute("aria-label", L.open);
    launcherText.textContent = "💬 " + L.launcher;
    dotText.textContent = L.unread;
    panel.setAttribute("aria-label", TITLE);
    heading.textContent = TITLE;
    log.setAttribute("aria-label", TITLE);
    langBtn.textContent = L.langTo;
    langBtn.setAttribute("lang", L.langToTag);
    langBtn.setAttribute("aria-label", L.langToLabel);
    langBtn.setAttribute("title", L.langToLabel);
    langBtn.setAttribute("data-lang", LANG === "en" ? "zh" : "en");
    newBtn.textContent = L.newChat;
    closeBtn.setAttribute("aria-label", L.close);
    typing.textContent = L.typing;
    sugg.setAttribute("aria-label", L.suggestions);
    backBtn.textContent = "🤖 " + L.backToBot;
    input.setAttribute("aria-label", L.input);
    input.setAttribute("placeholder", L.input);
    sendBtn.textContent = L.send;
    labelActions();
    setWaiting(state.waiting);
    var all = function (selector, fn) { Array.prototype.forEach.call(log.querySelectorAll(selector), fn); };
    all("[data-qifa=notice]", function (n) { n.textContent = L.notice; });
    all("[data-qifa=message]", function (box) {
      var w = box.querySelector(".who");
      if (w) w.textContent = who({ role: box.getAttribute("data-role"), author: box.getAttribute("data-author"),
                                   route: box.getAttribute("data-route") });
      var text = box.qfSay && box.querySelector(".text");
      if (text) { text.textContent = box.qfSay(); text.setAttribute("lang", tag(LANG)); }
    });
    all("[data-qifa=service-card], [data-qifa=checkup-report]", function (card) { if (card.qfDraw) card.qfDraw(); });
    if (sugg.childNodes.length) showSuggestions();  // none while a reply is pending: its own come with it
    all(".cites-head", function (n) { n.textContent = L.sources; });
    all("ol.cites", function (n) { n.setAttribute("aria-label", L.sources); });
    all("[data-qifa=feedback]", function (b) {
      var label = b.getAttribute("data-vote") === "1" ? L.helpful : L.unhelpful;
      b.setAttribute("aria-label", label);
      b.setAttribute("title", b.getAttribute("aria-pressed") === "true" ? L.thanks : label);
    });
    if (hint.getAttribute("data-kind") === "long") checkLength(); else queueHint();
    if (state.asking) askUser(state.asking.words, state.asking.onYes);  // the question again, in this language
    if (sheetNode && sheetNode.rebuild) rebuildInPlace();
  }
  // The open sheet drawn again in the new language, scrolled to the same field or question (a long self-check
  // answered half-way does not jump back to its first question): the one at its top stays at its top.
  function rebuildInPlace() {
    var part = "[data-field],[data-question],fieldset";
    var before = sheetNode.querySelector("form");
    var top = before.getBoundingClientRect().top;
    var parts = Array.prototype.slice.call(before.querySelectorAll(part));
    var at = parts.filter(function (n) { return n.getBoundingClientRect().bottom > top; })[0];
    var index = parts.indexOf(at);
    var offset = at ? at.getBoundingClientRect().top - top : 0;
    sheetNode.rebuild();
    var after = sheetNode && sheetNode.querySelector("form");
    var again = after && index >= 0 ? after.querySelectorAll(part)[index] : null;
    if (again) after.scrollTop += again.getBoundingClientRect().top - after.getBoundingClientRect().top - offset;
  }
  langBtn.addEventListener("click", function () {
    var next = LANG === "en" ? "zh" : "en";
    applyLang(next);
    langBtn.focus();  // a rebuilt sheet or a question asked again took the focus; the keyboard user stays here
    // no conversation yet (none on its way either): none is made for this, the first message carries the choice
    if (state.sid || state.busy) send("/lang " + next, langLabel(next));  // waits its turn while a reply is pending
  });

  // ------------------------------------------------------------------ live messages (advisers) and history
  function connectEvents() {
    if (state.es) { state.es.close(); state.es = null; }
    if (!state.sid || typeof EventSource !== "function") return;
    var url = BASE + "/api/v1/sessions/" + encodeURIComponent(state.sid) + "/events?after=" + state.lastId
      + (KEY ? "&site_key=" + encodeURIComponent(KEY) : "");
    var es = new EventSource(url);
    state.es = es;
    es.addEventListener("message", function (e) {
      var m;
      try { m = JSON.parse(e.data); } catch (err) { return; }
      if (!m || typeof m.id !== "number" || m.id <= state.lastId) return;
      state.lastId = m.id;
      state.retry = 1000;
      if (m.role === "adviser" || m.role === "system") {  // users' and bot messages come with the chat reply
        addMessage(m);
        if (m.role === "system") setWaiting(null);
      }
    });
    es.addEventListener("error", function () {
      // the browser reconnects by itself with Last-Event-ID; once it gives up, start again after the last id
      if (es.readyState === 2 && state.es === es) {
        state.es = null;
        setTimeout(function () { if (!state.es && state.sid) connectEvents(); }, state.retry);
        state.retry = Math.min(state.retry * 2, 30000);
      }
    });
  }

  // A refusal for too many requests (a reload right after a quick exchange) says so and asks again once it may:
  // the conversation comes back by itself. Whatever was said meanwhile is in the history, drawn whole again then.
  function loadHistory(tries) {
    tries = tries || 0;
    var sid = state.sid;
    return api("GET", "/api/v1/sessions/" + encodeURIComponent(sid) + "/messages").then(function (res) {
      if (sid !== state.sid) return;  // a new conversation was started meanwhile
      if (!res.ok) {
        if (res.status === 404) { reset(false, true); return; }
        var wait = retryIn(res);
        var note = system(function () { return errorText(res); });
        if (wait && tries < 5) {
          note.setAttribute("data-qifa-error", "history-wait");
          setTimeout(function () { if (sid === state.sid) loadHistory(tries + 1); }, wait);
        }
        return;
      }
      if (tries) {  // drawn whole: the notice stays, the rest (the refusal, anything said meanwhile) is drawn again
        Array.prototype.slice.call(log.childNodes).forEach(function (n) {
          if (n.getAttribute("data-qifa") !== "notice") n.remove();
        });
        state.lastId = 0;
        state.formCard = null;
      }
      var waiting = null;
      var reports = kept.reports.map(function (r) { return { report: r, after: r.after }; })
        .concat(kept.orders.map(function (o) { return { order: o, after: o.after }; }))
        .sort(function (a, b) { return a.after - b.after; });
      var placeReports = function (before) {  // the reports and orders made before message `before`, where made
        while (reports.length && (before === null || reports[0].after < before)) {
          var next = reports.shift();
          if (next.report) restoreReport(next.report); else orderNote(next.order.number, true);
        }
      };
      var asked = "";  // the user's message a bot message answers (the answer to /lang leaves a case waiting)
      // the last reply's buttons, shown again in the bar as they were (a message sent after it took them away; the
      // answer to a language choice with none of its own left them)
      var offered = null;
      res.data.forEach(function (m) {
        placeReports(m.id);
        var lang = m.role === "bot" && /^\/lang\s/.test(asked);
        if (m.role === "user") {
          asked = m.text || "";
          // a button of the reply before it, pressed: shown by its label, as when it was pressed, not as its command
          var pressed = offered && !commandLabel(asked) && offered.list.filter(function (s) {
            return s.message === asked;
          })[0];
          if (pressed) {
            var written = offered.lang;
            m.say = function () { return suggestionLabel(pressed, written); };
          }
          if (!/^\/lang\s/.test(asked)) offered = null;
        }
        // a service card's 详情, pressed: shown as it was, by the service's name (once the catalogue answers)
        var details = m.role === "user" && !m.say && /^\/service\s+(\S+)$/.exec(asked);
        m.history = true;
        var box = addMessage(m);
        if (details) {
          getService(details[1]).then(function (svc) {
            box.qfSay = function () { return (LANG === "en" ? svc.name_en : svc.name) + " · " + L.details; };
            var text = box.querySelector(".text");
            text.textContent = box.qfSay();
            text.setAttribute("lang", tag(LANG));
          }, function () { /* shown as sent */ });
        }
        if (m.role === "bot") {  // its cards below it, as the reply drew them
          var cards = drawCards(m.data || {});
          if ((m.suggestions || []).length) offered = { list: m.suggestions, skip: cards, lang: m.lang || textLang(m.text) };
          else if (!lang) offered = null;
        }
        state.lastId = Math.max(state.lastId, m.id);
        if (m.role === "bot" && m.route === "handoff") waiting = waiting || { id: null };
        else if (m.role === "system" || (m.role === "bot" && m.route && m.route !== "handoff" && !lang)) {
          waiting = null;
        }
      });
      placeReports(null);
      if (offered) setSuggestions(offered.list, offered.skip, offered.lang);
      setWaiting(waiting);
      connectEvents();
    }, function () { system(function () { return L.network; }); });
  }

  // a self-check report of this conversation, back in the history (a gone report is forgotten)
  function restoreReport(entry) {
    var slot = el("div", { "data-qifa": "report-slot" });
    log.appendChild(slot);
    var path = "/api/v1/checkups/reports/" + encodeURIComponent(entry.id) + "?session_id=" + encodeURIComponent(state.sid);
    api("GET", path).then(function (res) {
      if (res.ok) { reportCard(res.data, slot); return; }
      slot.remove();
      if (res.status === 404) {
        kept.reports = kept.reports.filter(function (r) { return r.id !== entry.id; });
        save();
      }
    }, function () { slot.remove(); });
  }

  // drafts: false when the conversation is gone on the server but what the user typed is still theirs
  function reset(focus, keepDrafts) {
    if (state.es) { state.es.close(); state.es = null; }
    state.sid = null;
    state.lastId = 0;
    kept = { waiting: null, reports: [], orders: [], lang: kept.lang };  // the language chosen stays for the next one
    save();
    if (!keepDrafts) {  // else the conversation is gone on the server, and what waits goes to the new one
      clearDrafts();
      state.queue = [];
      state.queued = false;
      queueHint();
    }
    log.textContent = "";
    sugg.textContent = "";
    setWaiting(null);
    closeSheet();
    askUser(null);
    addNotice();
    if (focus) input.focus();
  }

  // a question in the panel (not window.confirm, which a host page or a browser may suppress); null hides it.
  // words: a function giving [the question, its yes] in the widget's language now (asked again after a switch)
  function askUser(words, onYes) {
    confirmBox.textContent = "";
    state.asking = words ? { words: words, onYes: onYes } : null;
    if (!words) { confirmBox.setAttribute("hidden", ""); return; }
    var question = words()[0], yes = words()[1];
    confirmBox.appendChild(el("span", { id: "qf-confirm-text" }, question));
    confirmBox.setAttribute("aria-labelledby", "qf-confirm-text");
    var row = el("div", { "class": "row" });
    var ok = el("button", { type: "button", "class": "primary", "data-qifa": "confirm-yes" }, yes);
    var no = el("button", { type: "button", "data-qifa": "confirm-no" }, L.keep);
    ok.addEventListener("click", function () { askUser(null); onYes(); });
    no.addEventListener("click", function () { askUser(null); input.focus(); });
    row.appendChild(ok);
    row.appendChild(no);
    confirmBox.appendChild(row);
    confirmBox.removeAttribute("hidden");
    no.focus();
  }

  // 新对话: asks first when it would throw away unsent answers or leave a case waiting for nobody; a waiting case
  // is withdrawn the engine's way (/bot), so no adviser answers a conversation nobody sees.
  function startNew() {
    var waitingId = state.waiting && state.sid ? (state.waiting.id || kept.waiting || "") : null;
    var drafted = hasDrafts();
    var lost = function () {
      var what = [];
      if (waitingId !== null) what.push(fmt(L.newWaiting, { id: waitingId }));
      if (drafted) what.push(L.newDrafts);
      return what;
    };
    if (!lost().length) { reset(true); return; }
    askUser(function () { return [L.confirmNew + " " + lost().join(" "), L.newYes]; }, function () {
      if (waitingId === null) { reset(true); return; }
      var sid = state.sid;
      api("POST", "/api/v1/chat", { session_id: sid, message: "/bot" }).then(function (res) {
        if (res.ok) reset(true); else system(function () { return errorText(res); });
      }, function () { system(function () { return L.network; }); });
    });
  }
  newBtn.addEventListener("click", startNew);
  delBtn.addEventListener("click", function () {
    if (!state.sid) { reset(true); return; }
    askUser(function () { return [L.confirmDelete, L.deleteYes]; }, function () {
      api("DELETE", "/api/v1/sessions/" + encodeURIComponent(state.sid)).then(function (res) {
        if (res.ok || res.status === 404) reset(true); else system(function () { return errorText(res); });
      }, function () { system(function () { return L.network; }); });
    });
  });

  // ------------------------------------------------------------------ the order form
  var CREDIT = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  var WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  function creditOk(raw) {
    var c = raw.replace(/[\s-]/g, "").toUpperCase();
    if (c.length !== 18 || !/^\d{6}$/.test(c.slice(2, 8))) return false;
    var total = 0;
    for (var i = 0; i < 18; i++) {
      if (CREDIT.indexOf(c[i]) < 0) return false;
      if (i < 17) total += CREDIT.indexOf(c[i]) * WEIGHTS[i];
    }
    return CREDIT[(31 - total % 31) % 31] === c[17];
  }
  function phoneOk(raw) {
    var d = raw.replace(/[\s()（）]/g, "").replace(/^(\+86|0086|86(?=1[3-9]\d{9}$))-?/, "");
    if (/^1[3-9]\d{9}$/.test(d)) return true;
    var m = /^(0\d{2,3})-?(\d{7,8})$/.exec(d);
    if (!m) return false;
    var local = d.indexOf("-") >= 0 ? m[2] : d.slice(d[1] === "1" || d[1] === "2" ? 3 : 4);
    return (local.length === 7 || local.length === 8) && "01".indexOf(local[0]) < 0;
  }
  function check(field, value) {
    var v = (value || "").replace(/\s+/g, " ").trim();
    if (field === "preferred_time") return v.length > 100 ? L.errors.time : null;
    if (!v) return L.required;
    if (field === "enterprise_name") return v.length > 100 ? L.errors.name : null;
    if (field === "credit_code") return creditOk(v) ? null : L.errors.credit;
    if (field === "contact_name") return v.length > 50 || !/\p{L}/u.test(v) ? L.errors.contact : null;
    if (field === "phone") return phoneOk(v) ? null : L.errors.phone;
    if (field === "description") return v.length > 1000 ? L.errors.description : null;
    return null;
  }

  var sheetNode = null;
  function closeSheet() {
    if (sheetNode) { sheetNode.remove(); sheetNode = null; }
  }

  function openOrderForm(id) {
    if (state.chatForm && state.sid) {
      // leave the chat's own form first, or the next chat message would be taken as an answer to it
      state.chatForm = false;
      api("POST", "/api/v1/chat", { session_id: state.sid, message: "/cancel" }).then(function (res) {
        if (res.ok && res.data.message_id > state.lastId) state.lastId = res.data.message_id;
      }, function () { /* the form below still works */ });
    }
    getService(id).then(function (svc) { buildForm(svc); }, function (res) { system(function () { return errorText(res); }); });
  }

  // marks: the problems shown at its fields (field -> a function giving the words in the widget's language now; ""
  // for the form's own line), shown again when the sheet is drawn again in the other language
  // consented: the consent box ticked before the sheet was drawn again in the other language
  function buildForm(svc, marks, consented) {
    marks = marks || {};
    closeSheet();
    var days = (state.config && state.config.retention_days) || 365;
    var name = LANG === "en" ? svc.name_en : svc.name;
    var sheet = el("div", { "class": "sheet", role: "region", "aria-label": L.orderTitle + name });
    var form = el("form", { "data-qifa": "order-form", "data-service": svc.id, novalidate: "" });
    form.appendChild(el("h3", null, L.orderTitle + name));
    var inputs = {};
    var errors = {};
    var draft = draftsOf("forms")[svc.id] || {};  // what was typed before the sheet was closed
    svc.form_fields.forEach(function (field) {
      var wrapField = el("div", { "data-field": field });
      var idIn = "qf-" + field;
      var err = el("p", { "class": "err", id: idIn + "-err", hidden: "", "aria-live": "polite" });
      var control;
      if (field === "consent") {
        control = el("input", { type: "checkbox", id: idIn, name: field, "aria-describedby": idIn + "-err" });
        var lab = el("label", { "class": "consent", "for": idIn });
        lab.appendChild(control);
        lab.appendChild(el("span", { "data-qifa": "consent-text" }, fmt(L.consent, { days: days })));
        wrapField.appendChild(lab);
      } else {
        var optional = field === "preferred_time";
        wrapField.appendChild(el("label", { "for": idIn }, L.fields[field] + (optional ? L.optional : " *")));
        control = field === "description"
          ? el("textarea", { id: idIn, name: field, rows: "3" })  // no maxlength: check() names a long one
          : el("input", { type: field === "phone" ? "tel" : "text", id: idIn, name: field,
                          autocomplete: field === "phone" ? "tel" : field === "contact_name" ? "name"
                            : field === "enterprise_name" ? "organization" : "off",
                          maxlength: field === "credit_code" ? "24" : "200" });  // check() names what is over
        control.setAttribute("aria-describedby", idIn + "-err");
        if (!optional) control.setAttribute("aria-required", "true");
        if (typeof draft[field] === "string") control.value = draft[field];
        control.addEventListener("input", function () {  // the consent is not kept: it is given at each submit
          var forms = draftsOf("forms");
          forms[svc.id] = forms[svc.id] || {};
          forms[svc.id][field] = control.value;
          saveDrafts();
        });
        wrapField.appendChild(control);
      }
      wrapField.appendChild(err);
      inputs[field] = control;
      errors[field] = err;
      form.appendChild(wrapField);
    });
    var formError = el("p", { "class": "err", role: "alert", hidden: "" });
    form.appendChild(formError);
    var row = el("div", { "class": "row" });
    var submit = el("button", { type: "submit", "class": "primary" }, L.submit);
    var back = el("button", { type: "button" }, L.cancel);
    row.appendChild(submit);
    row.appendChild(back);
    sheet.appendChild(form);
    sheet.appendChild(row);
    body.appendChild(sheet);
    sheetNode = sheet;
    sheet.qfService = svc.id;
    // in the other language, from the kept draft; the consent ticked stays ticked (it is given by this submit)
    sheet.rebuild = function () { buildForm(svc, marks, !!(inputs.consent && inputs.consent.checked)); };
    if (inputs.consent && consented) inputs.consent.checked = true;
    var first = inputs[svc.form_fields[0]];
    if (first) first.focus();
    Object.keys(marks).forEach(function (field) { show(field, marks[field]); });

    // say: a function giving the problem in the widget's language now; null: none
    function show(field, say) {
      var e = errors[field];
      if (say) marks[errors[field] ? field : ""] = say; else delete marks[field];
      var message = say ? say() : "";
      if (!e) { formError.textContent = message; formError.removeAttribute("hidden"); return; }
      if (message) {
        e.textContent = message;
        e.removeAttribute("hidden");
        inputs[field].setAttribute("aria-invalid", "true");
      } else {
        e.textContent = "";
        e.setAttribute("hidden", "");
        inputs[field].removeAttribute("aria-invalid");
      }
    }
    back.addEventListener("click", function () { closeSheet(); input.focus(); });
    submit.addEventListener("click", function (e) { e.preventDefault(); submitForm(); });
    form.addEventListener("submit", function (e) { e.preventDefault(); submitForm(); });

    function submitForm() {
      formError.setAttribute("hidden", "");
      delete marks[""];
      var bad = null;
      var payload = { service_id: svc.id, lang: LANG };
      svc.form_fields.forEach(function (field) {
        var message;
        if (field === "consent") {
          message = inputs[field].checked ? null : function () { return L.consentNeeded; };
          payload.consent = inputs[field].checked;
        } else {
          var typed = inputs[field].value;
          message = check(field, typed) ? function () { return check(field, typed); } : null;
          var v = typed.trim();
          if (v || field !== "preferred_time") payload[field] = v;
        }
        show(field, message);
        if (message && !bad) bad = field;
      });
      if (bad) { inputs[bad].focus(); return; }
      if (state.sid) payload.session_id = state.sid;
      submit.disabled = true;
      api("POST", "/api/v1/orders", payload).then(function (res) {
        submit.disabled = false;
        if (res.ok) {
          if (!state.sid && res.data.session_id) { state.sid = res.data.session_id; save(); connectEvents(); }
          delete draftsOf("forms")[svc.id];
          saveDrafts();
          closeSheet();
          kept.orders.push({ number: res.data.number, after: state.lastId });
          save();
          orderNote(res.data.number);
          input.focus();
          return;
        }
        var fields = (res.data && res.data.error && res.data.error.fields) || [];
        var firstBad = null;
        fields.forEach(function (f) {
          if (errors[f.field]) {
            show(f.field, function () { return inLang(f.message); });
            firstBad = firstBad || f.field;
          }
        });
        if (firstBad) inputs[firstBad].focus();
        else show("", function () { return L.orderFailed + errorText(res); });
      }, function () { submit.disabled = false; show("", function () { return L.network; }); });
    }
  }

  // the note of an order placed through the page form, in the widget's language now; history: back after a reload
  function orderNote(number, history) {
    var note = addMessage({ role: "system", say: function () { return fmt(L.ordered, { number: number }); },
                            history: !!history });
    note.setAttribute("data-order", number);
    return note;
  }

  // ------------------------------------------------------------------ the self-check: a form, then the report
  function openCheckup(id) {
    api("GET", "/api/v1/checkups/" + encodeURIComponent(id)).then(function (res) {
      if (!res.ok) { system(function () { return errorText(res); }); return; }
      buildCheckup(res.data);
    }, function () { system(function () { return L.network; }); });
  }

  // marks: the problems shown (question id -> a function giving the words now; "" for the form's line), as buildForm
  function buildCheckup(qn, marks) {
    marks = marks || {};
    closeSheet();
    var en = LANG === "en";
    var title = en ? qn.title_en : qn.title;
    var sheet = el("div", { "class": "sheet ck", role: "region", "aria-label": title });
    var form = el("form", { "data-qifa": "checkup-form", "data-checkup": qn.id, novalidate: "" });
    form.appendChild(el("h3", null, title));
    form.appendChild(el("p", null, en ? qn.summary_en : qn.summary));
    var bar = el("progress", { max: "1", value: "0", "data-qifa": "checkup-progress" });
    var barText = el("p", { "class": "progress", "aria-live": "polite" });
    form.appendChild(bar);
    form.appendChild(barText);
    var answers = draftsOf("checkups")[qn.id] || {};  // answers given before the sheet was closed or the page left
    var boxes = {};
    qn.questions.forEach(function (q, i) {
      var box = el("fieldset", { "data-question": q.id });
      var legend = el("legend");
      legend.appendChild(el("span", { "class": "area" }, en ? q.area_en : q.area));
      legend.appendChild(el("span", null, (en ? q.text_en : q.text)));
      box.appendChild(legend);
      var opts = el("div", { "class": "opts" });
      q.answers.forEach(function (a) {
        var rid = "qf-ck-" + i + "-" + a;
        var lab = el("label", { "for": rid });
        var radio = el("input", { type: "radio", id: rid, name: "qf-ck-" + i, value: a, "data-answer": a });
        radio.checked = answers[q.id] === a;
        radio.addEventListener("change", function () {
          answers[q.id] = a;
          draftsOf("checkups")[qn.id] = answers;
          saveDrafts();
          box.removeAttribute("aria-invalid");
          delete marks[q.id];
          update();
        });
        lab.appendChild(radio);
        lab.appendChild(el("span", null, L.ckAnswers[a] || a));
        opts.appendChild(lab);
      });
      box.appendChild(opts);
      box.appendChild(el("p", { "class": "err", hidden: "" }));
      boxes[q.id] = { node: box, q: q };
      form.appendChild(box);
    });
    var formError = el("p", { "class": "err", role: "alert", hidden: "" });
    form.appendChild(formError);
    var row = el("div", { "class": "row" });
    var submit = el("button", { type: "submit", "class": "primary", "data-qifa": "checkup-submit" }, L.ckSubmit);
    var back = el("button", { type: "button" }, L.cancel);
    row.appendChild(submit);
    row.appendChild(back);
    sheet.appendChild(form);
    sheet.appendChild(row);
    body.appendChild(sheet);
    sheetNode = sheet;
    sheet.rebuild = function () { buildCheckup(qn, marks); };  // the answers are in the drafts

    function applies(q) {
      var c = q.depends_on;
      while (c) {
        if (answers[c.question] !== c.answer) return false;
        c = boxes[c.question] ? boxes[c.question].q.depends_on : null;
      }
      return true;
    }
    function visible() {
      return qn.questions.filter(function (q) { return applies(q); });
    }
    function update() {
      var shown = visible();
      qn.questions.forEach(function (q) {
        if (applies(q)) boxes[q.id].node.removeAttribute("hidden");
        else boxes[q.id].node.setAttribute("hidden", "");
      });
      var done = shown.filter(function (q) { return answers[q.id]; }).length;
      bar.setAttribute("max", String(shown.length));
      bar.setAttribute("value", String(done));
      barText.textContent = fmt(L.ckProgress, { n: done, total: shown.length });
    }
    update();
    Object.keys(marks).forEach(function (qid) { mark(qid, marks[qid]); });
    // say: a function giving the problem in the widget's language now
    function mark(qid, say) {
      var b = boxes[qid];
      marks[b ? qid : ""] = say;
      var message = say();
      if (!b) { formError.textContent = message; formError.removeAttribute("hidden"); return; }
      b.node.setAttribute("aria-invalid", "true");
      var e = b.node.querySelector(".err");
      e.textContent = message;
      e.removeAttribute("hidden");
    }
    back.addEventListener("click", function () { closeSheet(); input.focus(); });
    form.addEventListener("submit", function (e) { e.preventDefault(); submitCheckup(); });
    submit.addEventListener("click", function (e) { e.preventDefault(); submitCheckup(); });

    function submitCheckup() {
      formError.setAttribute("hidden", "");
      delete marks[""];
      var payload = { answers: {}, lang: LANG };
      var firstMissing = null;
      visible().forEach(function (q) {
        if (answers[q.id]) payload.answers[q.id] = answers[q.id];
        else { mark(q.id, function () { return L.ckMissing; }); firstMissing = firstMissing || q.id; }
      });
      if (firstMissing) { boxes[firstMissing].node.querySelector("input").focus(); return; }
      if (state.sid) payload.session_id = state.sid;
      submit.disabled = true;
      api("POST", "/api/v1/checkups/" + encodeURIComponent(qn.id) + "/report", payload).then(function (res) {
        submit.disabled = false;
        if (res.ok) {
          if (!state.sid && res.data.session_id) { state.sid = res.data.session_id; save(); connectEvents(); }
          delete draftsOf("checkups")[qn.id];
          saveDrafts();
          kept.reports.push({ id: res.data.id, after: state.lastId });
          save();
          closeSheet();
          reportCard(res.data);
          input.focus();
          return;
        }
        var fields = (res.data && res.data.error && res.data.error.fields) || [];
        fields.forEach(function (f) {
          mark(String(f.field).replace(/^answers\./, ""), function () { return inLang(f.message); });
        });
        if (!fields.length) mark("", function () { return L.ckFailed + errorText(res); });
      }, function () { submit.disabled = false; mark("", function () { return L.network; }); });
    }
  }

  function levelClass(level) {
    return level === "低风险" ? "lvl lvl-low" : level === "中风险" ? "lvl lvl-medium" : "lvl lvl-high";
  }

  // slot: the place kept for it in the history (after a reload); else it goes at the end
  function reportCard(r, slot) {
    var en = LANG === "en";
    var card = el("div", { "class": "report", "data-qifa": "checkup-report", "data-report": String(r.id),
                           "data-level": r.overall.level });
    card.appendChild(el("h3", null, fmt(L.ckReport, { id: r.id }) + " · " + (en ? r.title_en : r.title)));
    var overall = el("p");
    overall.appendChild(el("span", { "class": levelClass(r.overall.level) },
                           en ? r.overall.level_en : r.overall.level));
    overall.appendChild(el("span", null, " " + fmt(L.ckOverall, { level: en ? r.overall.level_en : r.overall.level,
                                                                   score: r.overall.score })));
    card.appendChild(overall);
    card.appendChild(el("strong", null, L.ckAreas));
    var areas = el("ul");
    r.areas.forEach(function (a) {
      var li = el("li", { "data-area": a.area });
      li.appendChild(el("span", null, (en ? a.area_en : a.area) + " "));
      li.appendChild(el("span", { "class": levelClass(a.level) }, en ? a.level_en : a.level));
      li.appendChild(el("span", null, " " + a.score + "%"));
      areas.appendChild(li);
    });
    card.appendChild(areas);
    card.appendChild(el("strong", null, r.findings.length ? fmt(L.ckFindings, { n: r.findings.length }) : L.ckNone));
    r.findings.forEach(function (f) {
      var box = el("div", { "class": "finding", "data-question": f.question_id });
      box.appendChild(el("div", null, L.ckRisk + (en ? f.finding_en : f.finding)));
      box.appendChild(el("div", null, L.ckBasis + f.basis.map(function (b) { return b.label; }).join("、")));
      box.appendChild(el("div", null, L.ckAction + (en ? f.action_en : f.action)));
      card.appendChild(box);
    });
    card.appendChild(el("p", { "class": "rule" }, en ? r.rule_en : r.rule));
    card.appendChild(el("p", { "class": "rule" }, en ? r.disclaimer_en : r.disclaimer));
    var row = el("div", { "class": "row" });
    var link = el("a", { href: BASE + r.pdf, target: "_blank", rel: "noopener", "data-qifa": "checkup-pdf" }, L.ckPdf);
    row.appendChild(link);
    r.services.slice(0, 3).forEach(function (svc) {
      var b = el("button", { type: "button", "data-qifa": "order", "data-service": svc.id },
                 L.order + " · " + (en ? svc.name_en : svc.name));
      b.addEventListener("click", function () { openOrderForm(svc.id); });
      row.appendChild(b);
    });
    var h = el("button", { type: "button", "data-qifa": "checkup-handoff" }, L.ckHandoff);
    h.addEventListener("click", function () { send("/checkup_handoff " + r.id, L.ckHandoff); });
    row.appendChild(h);
    // compliance alerts on the report's topics (its industry and the areas of its findings)
    var a = el("button", { type: "button", "data-qifa": "checkup-alerts" }, L.ckAlerts);
    a.addEventListener("click", function () { send("/checkup_alerts " + r.id, L.ckAlerts); });
    row.appendChild(a);
    card.appendChild(row);
    card.qfDraw = function () { reportCard(r, card); };  // in the other language after a switch, in its place
    if (slot) { slot.replaceWith(card); return; }
    log.appendChild(card);
    scrollDown();
  }

  // ------------------------------------------------------------------ compliance-alert subscriptions
  function subsPath() { return "/api/v1/sessions/" + encodeURIComponent(state.sid) + "/subscriptions"; }

  function openAlerts() {
    if (!state.sid) { send("/subscribe", L.alerts, LANG); return; }  // the engine starts the session and offers topics
    api("GET", subsPath()).then(function (res) {
      if (!res.ok) { system(function () { return errorText(res); }); return; }
      buildAlerts(res.data);
    }, function () { system(function () { return L.network; }); });
  }

  // problem: a function giving the form's problem in the widget's language now, shown again after a switch
  function buildAlerts(subs, problem) {
    closeSheet();
    var sheet = el("div", { "class": "sheet", role: "region", "aria-label": L.alertsTitle, "data-qifa": "alerts-sheet" });
    var form = el("form", { "data-qifa": "alerts-form", novalidate: "" });
    form.appendChild(el("h3", null, L.alertsTitle));
    form.appendChild(el("p", null, L.alertsIntro));
    var boxes = [];
    [["industry", L.industry], ["area", L.area]].forEach(function (group) {
      var set = el("fieldset");
      set.appendChild(el("legend", null, group[1]));
      subs.available.forEach(function (t) {
        if (t.kind !== group[0]) return;
        var id = "qf-topic-" + t.id;
        var box = el("input", { type: "checkbox", id: id, value: t.id, "data-qifa": "topic" });
        box.checked = subs.topics.indexOf(t.id) >= 0;
        var lab = el("label", { "class": "topic", "for": id, title: LANG === "en" ? t.description_en : t.description_zh });
        lab.appendChild(box);
        lab.appendChild(el("span", null, LANG === "en" ? t.en : t.zh));
        set.appendChild(lab);
        boxes.push(box);
      });
      form.appendChild(set);
    });
    form.appendChild(el("p", { "class": "kept", "data-qifa": "kept" }, LANG === "en" ? subs.kept.en : subs.kept.zh));
    var formError = el("p", { "class": "err", role: "alert", hidden: "" });
    form.appendChild(formError);
    var row = el("div", { "class": "row" });
    var saveBtn = el("button", { type: "submit", "class": "primary", "data-qifa": "alerts-save" }, L.alertsSave);
    var offBtn = el("button", { type: "button", "data-qifa": "alerts-off" }, L.alertsOff);
    var back = el("button", { type: "button" }, L.cancel);
    [saveBtn, offBtn, back].forEach(function (b) { row.appendChild(b); });
    sheet.appendChild(form);
    sheet.appendChild(row);
    body.appendChild(sheet);
    sheetNode = sheet;
    sheet.rebuild = function () {  // the ticks not yet saved stay ticked
      subs.topics = boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; });
      buildAlerts(subs, problem);
    };
    if (boxes[0]) boxes[0].focus();
    if (problem) showProblem(problem);
    function showProblem(say) {
      problem = say;
      formError.textContent = say();
      formError.removeAttribute("hidden");
    }

    function names(ids) {
      return subs.available.filter(function (t) { return ids.indexOf(t.id) >= 0; })
        .map(function (t) { return LANG === "en" ? t.en : t.zh; }).join(LANG === "en" ? ", " : "、");
    }
    function done(res) {
      if (!res.ok) { showProblem(function () { return errorText(res); }); return; }
      closeSheet();
      setSuggestions([], [], LANG);  // the assistant's toggle buttons would show the old choice
      var topics = res.data.topics || [];
      system(function () { return topics.length ? fmt(L.alertsSaved, { topics: names(topics) }) : L.alertsNone; })
        .setAttribute("data-qifa-subscriptions", topics.join(","));
      input.focus();
    }
    function fail() { showProblem(function () { return L.network; }); }
    function save() {
      var topics = boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; });
      api("PUT", subsPath(), { topics: topics }).then(done, fail);
    }
    saveBtn.addEventListener("click", function (e) { e.preventDefault(); save(); });
    form.addEventListener("submit", function (e) { e.preventDefault(); save(); });
    offBtn.addEventListener("click", function () { api("DELETE", subsPath()).then(done, fail); });
    back.addEventListener("click", function () { closeSheet(); input.focus(); });
  }
  alertsBtn.addEventListener("click", openAlerts);

  // ------------------------------------------------------------------ opening, closing, start-up
  var PHONE = window.matchMedia ? window.matchMedia("(max-width:480px)") : null;
  function fullScreen() { return !!(PHONE && PHONE.matches); }
  function markModal() {
    if (fullScreen()) panel.setAttribute("aria-modal", "true"); else panel.removeAttribute("aria-modal");
  }
  if (PHONE && PHONE.addEventListener) PHONE.addEventListener("change", markModal);
  markModal();
  function focusables() {
    return Array.prototype.filter.call(
      panel.querySelectorAll("button,textarea,input,a[href],[tabindex]:not([tabindex='-1'])"),
      function (n) { return !n.disabled && n.getClientRects().length > 0; });
  }

  function setOpen(open) {
    state.open = open;
    launcher.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) {
      panel.removeAttribute("hidden");
      dot.setAttribute("hidden", "");
      scrollDown();
      if (!state.disabled) input.focus();
    } else {
      panel.setAttribute("hidden", "");
      launcher.focus();
    }
  }
  launcher.addEventListener("click", function () { setOpen(!state.open); });
  closeBtn.addEventListener("click", function () { setOpen(false); });
  panel.addEventListener("keydown", function (e) {
    if (e.isComposing || e.keyCode === 229) return;  // Escape then closes the IME's candidate list, not the widget
    if (e.key === "Escape") {
      if (!confirmBox.hasAttribute("hidden")) { askUser(null); input.focus(); }
      else if (sheetNode) { closeSheet(); input.focus(); } else setOpen(false);
    } else if (e.key === "Tab" && fullScreen()) {
      // the panel covers the page: Tab cycles inside it rather than reaching controls hidden behind it
      var list = focusables();
      if (!list.length) return;
      var active = root.activeElement;
      var at = list.indexOf(active);
      if (e.shiftKey && at <= 0) { e.preventDefault(); list[list.length - 1].focus(); }
      else if (!e.shiftKey && (at < 0 || at === list.length - 1)) { e.preventDefault(); list[0].focus(); }
    }
  });

  function disable(message) {
    state.disabled = true;
    input.disabled = true;
    sendBtn.disabled = true;
    handoffBtn.disabled = true;
    alertsBtn.disabled = true;
    system(message).setAttribute("data-qifa-error", "not-enabled");
  }

  function start() {
    addNotice();
    if (!KEY && SRC.origin !== location.origin) { disable(function () { return L.notEnabledNoKey; }); return; }
    var q = KEY ? "?site_key=" + encodeURIComponent(KEY) : "";
    // a simple GET (no custom header): a page that is not registered can read the refusal and say so
    fetch(BASE + "/api/v1/widget/config" + q, { credentials: "omit", mode: "cors", cache: "no-store" })
      .then(function (r) {
        return r.json().catch(function () { return null; }).then(function (data) {
          return { ok: r.ok, status: r.status, data: data };
        });
      })
      .then(function (res) {
        var refusal = res.data && res.data.error && res.data.error.message;
        if (!res.ok) { disable(function () { return refusal ? inLang(refusal, true) : L.network; }); return; }
        state.config = res.data;
        if (res.data.delete_conversation) delBtn.removeAttribute("hidden");
        if (state.sid) loadHistory();
      }, function () { disable(function () { return L.network; }); });
  }

  function mount() {
    document.body.appendChild(host);
    start();
  }
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
})();
