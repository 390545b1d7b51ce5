"""The legal health self-check (法治体检自测) in the conversation: one question at a time, in any channel.

"我想做个法治体检自测" / "自查" / "self-check" / "checkup", the menu's button (``/checkup``) start it; the state
lives in the session's JSON state (``state["checkup"]``), so a self-check interrupted in any way resumes where it
stopped. Answers come as buttons (``/ck yes|no|unsure``) or as words, read as people say them (有的，签了 / 没签 /
不太清楚 / yep / not sure: ``assistant.checkup_answers``). The end is the report's summary, citing the law like answers
do, with buttons to order the recommended services or hand the report to an adviser (``/checkup_handoff <id>``, or
"把报告发给顾问" in words: ``send_report``). "预约法治体检" still orders the on-site check; that reply offers the
self-check first (``after``).

The self-check holds the conversation only while the user answers it (issue #11, no dead ends). A pause (退出自测 /
暂停 / stop, the 暂停 button) frees the conversation: messages go to the assistant as usual, and 继续自测 / /checkup /
resume the self-check / the button go on where it stopped. So does a message that is clearly not an answer (a question,
a request such as 我的订单 or a booking, another command): the self-check pauses, the assistant handles the message,
and its reply says the self-check is paused and how to go on (``after``). 放弃自测 / 不做了 / quit the self-check / the
button give it up for good. A bare answer word typed after a pause (是 / "yes", out of habit) is not sent to the
assistant as a message of its own: the reply says the self-check is paused and how to go on, with its buttons. A
paused self-check is not "in progress" for the hand-off cases of ``assistant.paused``
(``language`` is None): only a case that opens while the user is answering pauses it and brings it back.

The alerts hook: a report's ``data["checkup_report"]["topics"]`` lists the topics it concerns (its industry and
the areas with findings), for a later "subscribe to alerts" choice at the end of the report.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from assistant.checkup_answers import (
    bare_answer,
    not_an_answer,
    read_answer,
    wants_a_break,
    wants_to_quit,
    wants_to_resume,
)
from assistant.ports import AlertBook
from assistant.reply import Citation, Reply, Suggestion
from assistant.selfcheck_about import about_the_self_check, asked_about
from assistant.subscribing import panel
from checkups import Checkups, Question, Questionnaire, StoredReport, UnknownReport
from knowledge.base import Passage
from knowledge.tokens import is_english

STATE = "checkup"
HEALTH_CHECK_SERVICE = "enterprise-legal-health-check"  # the on-site check (进企法治体检) of the catalogue
START = re.compile(r"(体检自测|法治自测|自测|自查|self[- ]?check|check[- ]?up|health check quiz)", re.I)
STOP = re.compile(r"^\s*(退出自测|暂停自测|退出|暂停|结束自测|stop|pause|quit|exit)\s*[。.!！]?\s*$", re.I)
PAUSED = "paused"  # in state["checkup"]: the user paused it (or turned to something else); the conversation is free
NOTE = "checkup_paused_now"  # in the state for one turn: the self-check paused for this message; the reply says so
# commands that open or withdraw a hand-off case: the case pauses the self-check itself (assistant.paused)
CASE_COMMANDS = ("human", "adviser", "人工", "leave_message", "bot")
# "把报告发给顾问" / "send the report to an adviser": the last report goes to an adviser, like its button
SEND_REPORT = re.compile(r"(报告|\breport\b).{0,12}(发|给|交|转|提交|附|带|send|share|forward|pass|give|show)|"
                         r"(发|给|交|转|提交|附|带|send|share|forward|pass|give|show).{0,12}(报告|\breport\b)", re.I)
ADVISER = re.compile(r"顾问|律师|人工|专家|工作人员|\b(advis[eo]rs?|lawyers?|human|experts?|someone|a person)\b", re.I)
HOW = re.compile(r"怎么|如何|怎样|\bhow\b", re.I)
SEND_REPORT_MAX_CHARS = 40
INDUSTRY_WORDS = {"水晶": "crystal", "crystal": "crystal", "挂锁": "padlock", "锁": "padlock", "padlock": "padlock",
                  "绗缝": "quilting", "家纺": "quilting", "quilt": "quilting", "涉外": "foreign", "外贸": "foreign",
                  "出口": "foreign", "外商": "foreign", "foreign": "foreign", "export": "foreign"}
START_MAX_CHARS = 24  # a longer message that mentions 自查 is a question, not a request to start
# the same request in English takes more letters ("start the compliance self-check", "I want to take the legal health
# self-check"): counted in words, so that its length is no reason to miss it (talk21)
START_MAX_WORDS = 14
# a question about the self-check or about self-inspection ("企业如何自查…？", "what does the self-check cover?")
QUESTION = re.compile(r"如何|怎么|怎样|哪些|什么|是否|多久|多长|\b(how|what|which|should|why|when|where)\b", re.I)
QUESTION_MARK = re.compile(r"[？?]")
# asked as a polite request it is a request all the same ("我可以做一下法治体检自测吗？", "Could we take the self-check
# now?"), when the quiz itself is named (自测 / self-check, not 自查, which is any self-inspection)
POLITE_REQUEST = re.compile(r"^\s*(请问)?\s*(我|我们|咱们)?\s*(可以|能不能|能否|能|可不可以|想)|"
                            r"^\s*(please\s+)?(can|could|may)\s+(i|we|you)\b|^\s*(would|will)\s+you\b", re.I)
QUIZ = re.compile(r"体检自测|法治自测|自测|self[- ]?check|check[- ]?up|health check quiz", re.I)
BOOKING = re.compile(r"预约|\bbook(ing)?\b", re.I)  # 预约法治体检 / "book the health check": the on-site check
TOP_FINDINGS = 5
ANSWER_LABEL = {"zh": {"yes": "是", "no": "否", "unsure": "不确定"},
                "en": {"yes": "Yes", "no": "No", "unsure": "Unsure"}}
TEXT: dict[str, dict[str, str]] = {
    "choose": {"zh": "法治体检自测：约十分钟，逐题回答“是 / 否 / 不确定”，"
                     "最后得到一份附法律依据的风险报告（可下载 PDF）。请选择问卷：",
               "en": "Legal health self-check: about ten minutes of yes / no / unsure questions, then a risk report "
                     "citing the law (PDF available). Choose a questionnaire:"},
    "start": {"zh": "开始「{title}」，共约 {n} 题。随时发送“退出自测”暂停，发送 /checkup 继续。",
              "en": "Starting \"{title}\", about {n} questions. Send \"stop\" to pause at any time, "
                    "/checkup to resume."},
    "resume": {"zh": "继续上次的「{title}」（已答 {done} 题）。", "en": "Resuming \"{title}\" ({done} answered)."},
    "question": {"zh": "第 {n} 题（约 {total} 题）【{area}】\n{text}", "en": "Question {n} of about {total} ({area})\n"
                 "{text}"},
    "again": {"zh": "请回答“是”“否”或“不确定”（也可发送“暂停”稍后再做，或“放弃自测”不再作答）。",
              "en": "Please answer yes, no or unsure (or send \"pause\" to go on later, or \"quit the self-check\" "
                    "to stop for good)."},
    "paused": {"zh": "自测已暂停，已答 {done} 题。现在可以直接向我提问或办理其他事项；发送“继续自测”或点击下方按钮"
                     "接着做，发送“放弃自测”不再继续。",
               "en": "Self-check paused with {done} answered. You can ask me anything meanwhile; send \"resume the "
                     "self-check\" or tap below to go on, or \"quit the self-check\" to stop for good."},
    "still_paused": {"zh": "自测目前已暂停（已答 {done} 题），“{said}”没有记为答案。要接着作答，请发送 /checkup 或点击"
                           "“继续自测”；发送“放弃自测”不再继续。",
                     "en": "Your self-check is paused ({done} answered), so \"{said}\" was not taken as an answer. "
                           "To go on answering, send /checkup or tap \"Resume self-check\"; send \"quit the "
                           "self-check\" to stop for good."},
    "paused_note": {"zh": "（法治体检自测已暂停，已答 {done} 题：发送“继续自测”接着做，发送“放弃自测”不再继续。）",
                    "en": "(Your self-check is paused with {done} answered: send \"resume the self-check\" to go on, "
                          "or \"quit the self-check\" to stop for good.)"},
    "quit": {"zh": "已放弃本次自测，已答的 {done} 题不再保留。需要时发送 /checkup 重新开始。",
             "en": "Self-check given up; your {done} answers are discarded. Send /checkup to start again."},
    "quit_label": {"zh": "放弃自测", "en": "Quit the self-check"},
    "nothing": {"zh": "目前没有进行中的自测。", "en": "No self-check is in progress."},
    "report_head": {"zh": "【{title}报告】编号 {id}\n总体风险：{level}（风险分 {score}%）",
                    "en": "[{title} report] No. {id}\nOverall: {level} (score {score}%)"},
    "areas": {"zh": "各领域：", "en": "By area:"},
    "findings": {"zh": "主要风险（共 {n} 项，列出前 {k} 项）：", "en": "Main risks ({n} in all, top {k}):"},
    "no_findings": {"zh": "根据您的回答，未发现风险。", "en": "No risk found in your answers."},
    "basis": {"zh": "依据", "en": "Basis"}, "action": {"zh": "建议", "en": "Action"},
    "rule": {"zh": "评分规则：有风险的回答计全部权重、“不确定”计一半；"
             "风险分低于20%为低风险，50%及以上为高风险。"
                   "完整规则与免责声明见 PDF 报告。",
             "en": "Scoring: a risky answer counts its full weight, \"unsure\" half; below 20% is low risk, "
                   "50% or more "
                   "high. The full rule and the disclaimer are in the PDF report."},
    "disclaimer": {"zh": "本报告仅供自查参考，不构成法律意见。", "en": "For self-assessment only; not legal advice."},
    "order": {"zh": "预约：{name}", "en": "Order: {name}"},
    "handoff": {"zh": "转人工顾问（附报告）", "en": "Adviser (with the report)"},
    "again_label": {"zh": "重新自测", "en": "New self-check"},
    "alerts_label": {"zh": "订阅相关合规预警", "en": "Alerts on these topics"},
    "alerts_done": {"zh": "已按自测报告订阅相关主题的合规预警。", "en": "Subscribed to compliance alerts on the topics "
                    "of your self-check report."},
    "resume_label": {"zh": "继续自测", "en": "Resume self-check"},
    "pause_label": {"zh": "暂停", "en": "Pause"},
    "no_report": {"zh": "没有找到这份自测报告。", "en": "That self-check report was not found."},
    "offer": {"zh": "提示：预约进企法治体检前，您可以先做一份十分钟的法治体检自测，"
              "报告可附在预约中供顾问参考。",
              "en": "Tip: before booking the on-site legal health check, you can take the ten-minute "
                    "self-check first."},
    "offer_label": {"zh": "先做法治体检自测", "en": "Self-check first"},
}


def alert_topics(report_topics: list[str], choices: list[tuple[str, str]]) -> list[str]:
    """The alert topics (ids) a report concerns: a topic whose Chinese name shares its first two characters with
    the report's industry or an area with findings (水晶 → 水晶产业, 合同管理 → 合同, 涉外合同 → 涉外)."""
    return [tid for tid, name in choices if any(t[:2] == name[:2] for t in report_topics if len(t) >= 2)]


def say(key: str, lang: str, **fields: object) -> str:
    text = TEXT[key].get(lang) or TEXT[key]["zh"]
    return text.format(**fields) if fields else text


def answer_word(text: str) -> str | None:
    """'yes', 'no' or 'unsure' for a typed answer (有的，签了 / 没签 / 不太清楚 / yep / not sure), else None."""
    return read_answer(text)


def command_parts(text: str) -> tuple[str, str]:
    """A command's name and argument: "/ck@qifa_bot Yes" -> ("ck", "Yes")."""
    name, _, arg = text[1:].partition(" ")
    return name.lower().split("@")[0], arg.strip()


HandoffFn = Callable[[str, str, str, dict[str, Any], list[Any]], Reply]


class SelfCheck:
    """The self-check's part of the conversation; ``handoff(sid, reason, lang, state, passages)`` is the
    engine's own hand-off (the report goes to an adviser like any case)."""

    def __init__(self, desk: Checkups, handoff: HandoffFn, alerts: AlertBook | None = None) -> None:
        self.desk = desk
        self.handoff = handoff
        self.alerts = alerts  # compliance alerts: the report offers its topics (None: no alerts here)

    # ---- entry: a Reply when the message is the self-check's, else None -----------------------------------
    def handle(self, sid: str, text: str, lang: str, state: dict[str, Any], elsewhere: bool = False) -> Reply | None:
        """The self-check's reply; None when the message is the assistant's (then, if it turned away from a question
        the user was answering, the self-check has just paused and ``after`` says so in the reply). ``elsewhere``: a
        yes or a no is awaited by something else (a booking's confirm step), so a bare answer word is not ours."""
        current = state.get(STATE) if isinstance(state.get(STATE), dict) else None
        if text.startswith("/"):
            mine = self._command(sid, text, lang, state, current)
            if mine is None and current is not None and not current.get(PAUSED) \
                    and command_parts(text)[0] not in CASE_COMMANDS:
                self._turn_away(state, current)  # /menu, /order …: the user went elsewhere
            return mine
        if current is not None and wants_to_quit(text):
            return self._quit(sid, state, current)
        if current is not None and current.get(PAUSED):
            if STOP.match(text):  # 退出自测 again: still paused
                return self._pause(sid, state, current)
            if wants_to_resume(text) or self._starts(text):
                return self._resume(sid, current)
            if bare_answer(text) and not elsewhere:  # a habitual 是 / "yes": say it is paused and how to go on
                return self._still_paused(sid, text, current)
            return None
        if current is not None:
            if STOP.match(text) or wants_a_break(text):  # before the answer: 算了 is no "done" (签了)
                return self._pause(sid, state, current)
            word = answer_word(text)
            if word is not None:
                return self._answer(sid, word, state, current)
            if not self._starts(text):
                if not_an_answer(text):  # a question, a request: the assistant's, and the self-check waits
                    self._turn_away(state, current)
                    return None
                return self._ask(sid, current, say("again", current["lang"]))
        if current is None and wants_to_quit(text):
            return Reply(sid, say("nothing", lang), "menu",
                         suggestions=[Suggestion(say("again_label", lang), "/checkup", "checkup")])
        if self._starts(text):
            if current is not None:
                return self._resume(sid, current)
            chosen = next((qid for word, qid in INDUSTRY_WORDS.items() if word in text.lower()), None)
            qn = self.desk.find(chosen) if chosen else None
            return self._start(sid, qn, lang, state) if qn is not None else self._choose(sid, lang)
        return None

    @staticmethod
    def _starts(text: str) -> bool:
        """自测 / self-check in a short message (in characters, or in words for English) that is neither a booking nor
        a question: start (or resume) one. A question mark is no question in a polite request naming the quiz."""
        if not START.search(text) or BOOKING.search(text) or QUESTION.search(text):
            return False
        if asked_about(text, is_english(text)) is not None:  # 自测收费吗: answered (``about``), not started
            return False
        short = len(text.split()) <= START_MAX_WORDS if is_english(text) else len(text) <= START_MAX_CHARS
        if not short:
            return False
        return not QUESTION_MARK.search(text) or bool(POLITE_REQUEST.search(text) and QUIZ.search(text))

    @staticmethod
    def language(state: dict[str, Any]) -> str | None:
        """The language of the self-check the user is answering; None when none is (or it is paused)."""
        current = state.get(STATE)
        return str(current["lang"]) if isinstance(current, dict) and not current.get(PAUSED) else None

    def after(self, reply: Reply, lang: str, state: dict[str, Any]) -> None:
        """After the assistant's reply to any message: the self-check paused for this message is named in it (with
        buttons to go on or give it up), and booking the on-site check offers the self-check first."""
        current = state.get(STATE)
        if state.pop(NOTE, None) and isinstance(current, dict) and current.get(PAUSED):
            reply.reply = f"{reply.reply}\n\n{say('paused_note', lang, done=len(current['answers']))}"
            reply.suggestions.extend(self._paused_buttons(lang))
            reply.data.setdefault("checkup", {"stage": "paused", "id": current["id"],
                                              "answered": len(current["answers"])})
        self.offer(reply, lang)

    def send_report(self, sid: str, text: str, lang: str, state: dict[str, Any]) -> Reply | None:
        """"我想把报告发给顾问" / "send the report to an adviser" once this conversation has a report: it goes to an
        adviser like the report's button (``/checkup_handoff``); None otherwise."""
        report = state.get("last_checkup_report")
        if report is None or text.startswith("/") or len(text) > SEND_REPORT_MAX_CHARS or HOW.search(text):
            return None
        if not (SEND_REPORT.search(text) and ADVISER.search(text)):
            return None
        return self._handoff(sid, str(report), lang, state)

    def about(self, sid: str, text: str, lang: str) -> Reply | None:
        """A question about the self-check itself (自测要多久 / "what does the self-check cover"), answered from its
        questionnaires (``assistant.selfcheck_about``); None for any other message."""
        return about_the_self_check(self.desk, sid, text, lang, is_english(text), lambda qn: _estimate(qn, {}))

    @staticmethod
    def relabel(state: dict[str, Any], lang: str) -> None:
        """The self-check in progress (if any) goes on in ``lang`` (/lang)."""
        current = state.get(STATE)
        if isinstance(current, dict):
            current["lang"] = lang

    def resume(self, sid: str, state: dict[str, Any], head: str) -> Reply | None:
        """After a hand-off that paused the self-check: ``head`` and its question again; None when none is in
        progress."""
        current = state.get(STATE)
        if not isinstance(current, dict) or current.get(PAUSED):
            return None
        reply = self._resume(sid, current)
        reply.reply = f"{head}\n{reply.reply}"
        return reply

    def answers(self, text: str, state: dict[str, Any]) -> bool:
        """Whether the text would answer the question of the self-check in progress (是 / 否 / /ck yes …)."""
        if self.language(state) is None:
            return False
        if not text.startswith("/"):
            return answer_word(text) is not None
        name, arg = command_parts(text)
        return name == "ck" and arg.lower() in ANSWER_LABEL["en"]

    def offer(self, reply: Reply, lang: str) -> None:
        """The order form of the on-site check just opened: offer the self-check first."""
        form = reply.data.get("form") if reply.route == "order" else None
        if isinstance(form, dict) and form.get("service") == HEALTH_CHECK_SERVICE and not form.get("filled"):
            reply.reply = f"{say('offer', lang)}\n\n{reply.reply}"
            reply.suggestions.insert(0, Suggestion(say("offer_label", lang), "/checkup", "checkup"))

    # ---- commands ----------------------------------------------------------------------------------------
    def _command(self, sid: str, text: str, lang: str, state: dict[str, Any],
                 current: dict[str, Any] | None) -> Reply | None:
        name, arg = command_parts(text)
        if name in ("checkup", "selfcheck", "self_check", "自测"):
            if arg:
                qn = self.desk.find(arg)
                if qn is not None:
                    return self._start(sid, qn, lang, state)
            return self._resume(sid, current) if current is not None else self._choose(sid, lang)
        if name == "checkup_quit" or (name == "ck" and arg.lower() == "quit"):
            if current is None:
                return self._choose(sid, lang, say("nothing", lang))
            return self._quit(sid, state, current)
        if name == "ck":
            if current is None:
                return self._choose(sid, lang, say("nothing", lang))
            word = arg.lower()
            if word in ("yes", "no", "unsure"):  # a question's button: also after a pause, it goes on from there
                current.pop(PAUSED, None)
                return self._answer(sid, word, state, current)
            if word in ("stop", "pause"):
                return self._pause(sid, state, current)
            current.pop(PAUSED, None)
            return self._ask(sid, current, say("again", current["lang"]))
        if name == "checkup_handoff":
            return self._handoff(sid, arg, lang, state)
        if name == "checkup_alerts" and self.alerts is not None:
            return self._subscribe(sid, arg, lang)
        if name == "checkup_report":
            stored = self._own_report(sid, arg)
            if stored is None:
                return Reply(sid, say("no_report", lang), "fallback")
            return self.summary(sid, stored.to_json(), lang)
        return None

    # ---- the flow ----------------------------------------------------------------------------------------
    def _choose(self, sid: str, lang: str, head: str = "") -> Reply:
        lines = [head] if head else []
        lines.append(say("choose", lang))
        suggestions = []
        for qn in self.desk.all():
            title = qn.title_en if lang == "en" else qn.title
            lines.append(f"· {title}（{len(qn.scored)}）" if lang == "zh" else f"· {title} ({len(qn.scored)})")
            suggestions.append(Suggestion(title, f"/checkup {qn.id}", "checkup"))
        return Reply(sid, "\n".join(lines), "menu", suggestions=suggestions,
                     data={"checkup": {"stage": "choose", "checkups": [q.id for q in self.desk.all()]}})

    def _start(self, sid: str, qn: Questionnaire, lang: str, state: dict[str, Any]) -> Reply:
        current = {"id": qn.id, "answers": {}, "lang": lang}
        state[STATE] = current
        title = qn.title_en if lang == "en" else qn.title
        return self._ask(sid, current, say("start", lang, title=title, n=_estimate(qn, {})))

    def _resume(self, sid: str, current: dict[str, Any]) -> Reply:
        qn = self.desk.find(str(current.get("id")))
        if qn is None:  # the questionnaire was withdrawn: start again
            return self._choose(sid, current.get("lang", "zh"))
        current.pop(PAUSED, None)
        lang = current["lang"]
        title = qn.title_en if lang == "en" else qn.title
        return self._ask(sid, current, say("resume", lang, title=title, done=len(current["answers"])))

    def _pause(self, sid: str, state: dict[str, Any], current: dict[str, Any]) -> Reply:
        """The user paused: the answers are kept and the conversation is free until they go on."""
        current[PAUSED] = True
        lang = current["lang"]
        return Reply(sid, say("paused", lang, done=len(current["answers"])), "menu",
                     suggestions=self._paused_buttons(lang),
                     data={"checkup": {"stage": "paused", "id": current["id"], "answered": len(current["answers"])}})

    def _still_paused(self, sid: str, text: str, current: dict[str, Any]) -> Reply:
        """An answer word typed while the self-check is paused: not taken (the question it would answer is not on
        screen any more); the reply says it is paused, how to go on, with the buttons to resume or quit."""
        lang = current["lang"]
        done = len(current["answers"])
        return Reply(sid, say("still_paused", lang, done=done, said=text.strip()), "menu",
                     suggestions=self._paused_buttons(lang),
                     data={"checkup": {"stage": "paused", "id": current["id"], "answered": done}})

    @staticmethod
    def _turn_away(state: dict[str, Any], current: dict[str, Any]) -> None:
        """The message is not an answer: the self-check pauses and the assistant's reply will say so (``after``)."""
        current[PAUSED] = True
        state[NOTE] = True

    def give_up(self, sid: str, text: str, state: dict[str, Any]) -> Reply | None:
        """放弃自测 / quit the self-check while a hand-off case waits: the self-check goes (the case waits on);
        None when the text is not that or no self-check is kept."""
        current = state.get(STATE)
        return self._quit(sid, state, current) if isinstance(current, dict) and wants_to_quit(text) else None

    def _quit(self, sid: str, state: dict[str, Any], current: dict[str, Any]) -> Reply:
        """Given up for good: the answers are dropped (no report is made)."""
        state.pop(STATE, None)
        lang = current.get("lang", "zh")
        return Reply(sid, say("quit", lang, done=len(current.get("answers", {}))), "menu",
                     suggestions=[Suggestion(say("again_label", lang), "/checkup", "checkup")],
                     data={"checkup": {"stage": "quit", "id": current.get("id")}})

    @staticmethod
    def _paused_buttons(lang: str) -> list[Suggestion]:
        return [Suggestion(say("resume_label", lang), "/checkup", "checkup"),
                Suggestion(say("quit_label", lang), "/checkup_quit", "checkup")]

    def _answer(self, sid: str, word: str, state: dict[str, Any], current: dict[str, Any]) -> Reply:
        qn = self.desk.find(str(current.get("id")))
        if qn is None:
            state.pop(STATE, None)
            return self._choose(sid, current.get("lang", "zh"))
        q = qn.next_question(current["answers"])
        if q is not None:
            current["answers"][q.id] = word
        if qn.next_question(current["answers"]) is not None:
            return self._ask(sid, current)
        state.pop(STATE, None)
        stored = self.desk.report(qn.id, sid, current["answers"], current["lang"])
        state["last_checkup_report"] = stored.id
        return self.summary(sid, stored.to_json(), current["lang"])

    def _ask(self, sid: str, current: dict[str, Any], head: str = "") -> Reply:
        qn = self.desk.find(str(current.get("id")))
        lang = current["lang"]
        if qn is None:
            return self._choose(sid, lang)
        answers: dict[str, str] = current["answers"]
        q: Question | None = qn.next_question(answers)
        if q is None:  # every question answered (a report failed before): make it now
            stored = self.desk.report(qn.id, sid, answers, lang)
            return self.summary(sid, stored.to_json(), lang)
        n = len(answers) + 1
        total = max(n, _estimate(qn, answers))
        area = q.area_en if lang == "en" else q.area
        body = say("question", lang, n=n, total=total, area=area, text=q.label(lang))
        labels = ANSWER_LABEL[lang]
        suggestions = [Suggestion(labels[a], f"/ck {a}", "answer") for a in ("yes", "no", "unsure")]
        suggestions.append(Suggestion(say("pause_label", lang), "/ck stop", "checkup"))
        return Reply(sid, f"{head}\n\n{body}" if head else body, "menu", suggestions=suggestions, data={"checkup": {
            "stage": "question", "id": qn.id, "question_id": q.id, "area": q.area, "n": n, "total": total,
            "answered": len(answers)}})

    # ---- the report ----------------------------------------------------------------------------------------
    def summary(self, sid: str, report: dict[str, Any], lang: str) -> Reply:
        en = lang == "en"
        overall = report["overall"]
        lines = [say("report_head", lang, title=report["title_en"] if en else report["title"], id=report["id"],
                     level=overall["level_en"] if en else overall["level"], score=overall["score"])]
        lines.append(say("areas", lang) + ("; " if en else "；").join(
            f"{a['area_en'] if en else a['area']} {a['level_en'] if en else a['level']}" for a in report["areas"]))
        findings = report["findings"]
        citations: list[Citation] = []
        if findings:
            lines.append(say("findings", lang, n=len(findings), k=min(TOP_FINDINGS, len(findings))))
        else:
            lines.append(say("no_findings", lang))
        for i, f in enumerate(findings[:TOP_FINDINGS], start=1):
            basis = "、".join(b["label"] for b in f["basis"])
            lines.append(f"{i}. {f['finding_en'] if en else f['finding']}\n   {say('basis', lang)}：{basis}\n"
                         f"   {say('action', lang)}：{f['action_en'] if en else f['action']}")
            citations.extend(Citation(b["title"], b["source"], b["locator"], b["snippet"], b["score"], b["effective"],
                                      b["status"], b["title_en"], b["kind"], b["issuer"], b["url"]) for b in f["basis"])
        lines.append(say("rule", lang))
        lines.append(say("disclaimer", lang))
        suggestions = [Suggestion(say("order", lang, name=s["name_en"] if en else s["name"]), f"/order {s['id']}",
                                  "order") for s in report["services"][:3]]
        suggestions.append(Suggestion(say("handoff", lang), f"/checkup_handoff {report['id']}", "handoff"))
        suggestions.append(Suggestion(say("again_label", lang), "/checkup", "checkup"))
        topics = [report["industry"], *dict.fromkeys(f["area"] for f in findings)]
        if self.alerts is not None and alert_topics(topics, self.alerts.choices("zh")):
            suggestions.append(Suggestion(say("alerts_label", lang), f"/checkup_alerts {report['id']}", "message"))
        data = {"checkup_report": {"id": report["id"], "checkup_id": report["checkup_id"],
                                   "level": overall["level"], "level_en": overall["level_en"],
                                   "findings": len(findings), "services": [s["id"] for s in report["services"]],
                                   "topics": topics}}
        return Reply(sid, "\n".join(lines), "answer", citations=citations, suggestions=suggestions, data=data)

    def _own_report(self, sid: str, arg: str) -> StoredReport | None:
        """The report numbered ``arg`` when this conversation made it; else None (unknown, someone else's, no id)."""
        try:
            return self.desk.get_report(int(arg), sid) if arg.isdigit() else None
        except UnknownReport:
            return None

    def _subscribe(self, sid: str, arg: str, lang: str) -> Reply:
        """Subscribe to the alert topics of a report of this conversation: its industry and its findings' areas."""
        assert self.alerts is not None
        stored = self._own_report(sid, arg)
        if stored is None:
            return Reply(sid, say("no_report", lang), "fallback")
        report = stored.to_json()
        topics = [report["industry"], *dict.fromkeys(f["area"] for f in report["findings"])]
        chosen = alert_topics(topics, self.alerts.choices("zh"))
        if chosen:
            self.alerts.add(sid, chosen)
        return panel(self.alerts, sid, lang, say("alerts_done", lang) if chosen else "")

    def _handoff(self, sid: str, arg: str, lang: str, state: dict[str, Any]) -> Reply:
        stored = self._own_report(sid, arg)
        if stored is None:
            return Reply(sid, say("no_report", lang), "fallback")
        passages = [Passage(**_passage(stored.id, f, b)) for f in stored.body["findings"] for b in f["basis"][:1]]
        reply = self.handoff(sid, "checkup", lang, state, passages)
        if reply.handoff is not None:
            self.desk.attach_case(stored.id, int(reply.handoff["id"]))
            reply.data["checkup_report"] = {"id": stored.id, "case_id": reply.handoff["id"]}
        return reply


def _estimate(qn: Questionnaire, answers: dict[str, str]) -> int:
    """How many questions there will be, taking every unanswered condition as met (shown as "about N")."""
    wanted = {q.depends_on.question: q.depends_on.answer for q in qn.questions if q.depends_on is not None}
    fill = {q.id: answers.get(q.id, wanted.get(q.id, "yes")) for q in qn.questions}
    return len(qn.applicable(fill))


def _passage(report_id: int, finding: dict[str, Any], basis: dict[str, Any]) -> dict[str, Any]:
    """A finding as a hand-off passage (what the adviser's console shows as the case's sources)."""
    text = f"【自测报告 {report_id}】{finding['question']}（{finding['answer']}）\n风险：{finding['finding']}\n" \
           f"建议：{finding['action']}\n{basis['snippet']}"
    return {"chunk_id": f"checkup:{report_id}:{finding['question_id']}", "document_id": basis["source"],
            "title": basis["title"], "source": f"checkup:{report_id}", "locator": basis["locator"],
            "heading_path": finding["area"], "text": text, "effective": basis["effective"], "status": basis["status"],
            "kind": basis["kind"] or "", "score": 1.0, "title_en": basis["title_en"], "category": basis["kind"],
            "issuer": basis["issuer"], "url": basis["url"]}
