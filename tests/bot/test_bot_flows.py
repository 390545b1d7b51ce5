"""The Telegram channel end to end: the real python-telegram-bot client, polling (or fed by the webhook) against
a Bot API emulator on loopback, over a real runtime (SQLite and Chroma in tmp_path, the bundled embeddings).
The only stand-in for a part of qifa is LangChain's FakeListChatModel, to get an answer longer than one
Telegram message."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from chat_support import fresh_data_dir, make_settings, open_runtime
from emulator import BotApiEmulator
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from sqlalchemy import select

from assistant.texts import t
from bot.app import APOLOGY, HELP, TelegramBot
from bot.render import ADVISER_MARK, HANDOFF_MARK, MAX_CHARS, utf16_len
from composition import Runtime
from db.models_chat import ChatMessage
from handoffs.desk import CLOSED_NOTICE
from knowledge.embeddings import QifaEmbeddings

CHAT = 424242
ADVISERS = -100777
CODE = "91440300708461136T"
NUMBER = re.compile(r"QF-\d{8}-\d{4}")
STEP_S = 20.0  # the longest any single step may take



@pytest.fixture
def emulator() -> Iterator[BotApiEmulator]:
    emu = BotApiEmulator().start()
    yield emu
    emu.stop()


@pytest.fixture
def data_dir(tmp_path_factory: pytest.TempPathFactory, embeddings: QifaEmbeddings, tmp_path: Path) -> Path:
    return fresh_data_dir(tmp_path_factory, embeddings, tmp_path / "var")


@pytest.fixture
def rt(data_dir: Path, embeddings: QifaEmbeddings) -> Iterator[Runtime]:
    runtime = open_runtime(data_dir, embeddings)
    yield runtime
    runtime.close()


def bot_settings(data_dir: Path, emulator: BotApiEmulator, **kw: Any) -> Any:
    return make_settings(data_dir, telegram_token=emulator.token, telegram_api_base=emulator.base, **kw)


async def running(settings: Any, runtime: Runtime) -> TelegramBot:
    bot = TelegramBot(settings, runtime, poll_timeout=1)
    await asyncio.wait_for(bot.start(), STEP_S)
    return bot


@pytest.fixture
async def bot(rt: Runtime, data_dir: Path, emulator: BotApiEmulator) -> AsyncIterator[TelegramBot]:
    b = await running(bot_settings(data_dir, emulator), rt)
    yield b
    await asyncio.wait_for(b.stop(), STEP_S)


def buttons(message: dict[str, Any]) -> list[dict[str, str]]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
    return [b for row in rows for b in row]


def button(message: dict[str, Any], pattern: str) -> dict[str, str]:
    found = [b for b in buttons(message) if re.search(pattern, b["text"]) or re.search(pattern, b["callback_data"])]
    assert found, f"no button matching {pattern!r} in {buttons(message)}"
    return found[0]


class User:
    """One enterprise user talking to the bot through the emulator."""

    def __init__(self, emu: BotApiEmulator, chat_id: int = CHAT) -> None:
        self.emu, self.chat_id = emu, chat_id

    async def say(self, text: str, expect: int = 1) -> list[dict[str, Any]]:
        before = len(self.emu.sent(self.chat_id))
        self.emu.send_text(self.chat_id, text)
        sent = await self.emu.wait_sent(self.chat_id, before + expect, STEP_S)
        return sent[before:]

    async def press(self, message: dict[str, Any], pattern: str, expect: int = 1) -> list[dict[str, Any]]:
        before = len(self.emu.sent(self.chat_id))
        self.emu.press(self.chat_id, button(message, pattern)["callback_data"], message)
        sent = await self.emu.wait_sent(self.chat_id, before + expect, STEP_S)
        return sent[before:]


# ---------------------------------------------------------------------------------------------- flows
async def test_start_shows_notice_and_menu_then_category_service_order(bot: TelegramBot,
                                                                        emulator: BotApiEmulator) -> None:
    commands = emulator.calls_of("setMyCommands")
    assert {c.params.get("language_code") for c in commands} == {None, "en"}
    assert all(any(cmd["command"] == "human" for cmd in c.params["commands"]) for c in commands)

    user = User(emulator)
    [start] = await user.say("/start")
    notice = t("privacy", "zh")[:10]
    assert notice in start["text"] and "企法通" in start["text"]
    assert start["text"].index("企法通") < start["text"].index(notice) < start["text"].index("服务清单")
    assert all(len(b["callback_data"].encode()) <= 64 for b in buttons(start))
    [listing] = await user.press(start, "^法律咨询")
    assert listing["text"].startswith("【法律咨询】")
    service = buttons(listing)[0]
    assert service["callback_data"].startswith("s:")
    [card] = await user.press(listing, re.escape(service["text"]))
    assert "预约" in button(card, "预约")["text"] and button(card, "详情")
    [form] = await user.press(card, "预约")
    assert "请输入企业名称" in form["text"]
    assert button(form, "取消")["callback_data"] == "m:/cancel"
    [cancelled] = await user.press(form, "取消")
    assert "请输入企业名称" not in cancelled["text"]


async def test_cited_answer_with_feedback_buttons_stores_the_vote(bot: TelegramBot, emulator: BotApiEmulator,
                                                                   rt: Runtime) -> None:
    user = User(emulator)
    [answer] = await user.say("试用期最长可以约定多久？")
    text = answer["text"]
    assert "[1]" in text and "劳动合同法" in text and re.search(r"第[一二三四五六七八九十百]+条", text), text
    up = button(answer, "👍")
    assert button(answer, "👎")["callback_data"].endswith(":-1")
    mid = int(up["callback_data"].split(":")[1])
    emulator.press(CHAT, up["callback_data"], answer)
    await emulator.wait_until(lambda: bool(emulator.calls_of("answerCallbackQuery")), STEP_S)
    assert "感谢" in emulator.calls_of("answerCallbackQuery")[-1].params.get("text", "")
    with rt.db.session() as s:
        assert s.scalar(select(ChatMessage.feedback).where(ChatMessage.id == mid)) == 1


async def test_whole_order_through_buttons_and_text_then_status(bot: TelegramBot, emulator: BotApiEmulator) -> None:
    user = User(emulator)
    [last] = await user.say("/order contract-review")
    assert "请输入企业名称" in last["text"]
    for text in ("浦江晶彩水晶有限公司", CODE, "张三", "13800138000", "审查一份采购合同"):
        [last] = await user.say(text)
        assert "错误" not in last["text"] and "不正确" not in last["text"], last["text"]
    [last] = await user.press(last, "同意")
    assert "请核对" in last["text"]
    [done] = await user.press(last, "确认")
    number = NUMBER.search(done["text"])
    assert number, done["text"]
    [status] = await user.press(done, "我的订单")
    assert number.group(0) in status["text"] and "已提交" in status["text"]
    [status2] = await user.say("/status")
    assert number.group(0) in status2["text"]


async def test_human_handoff_then_adviser_reply_arrives_marked(bot: TelegramBot, emulator: BotApiEmulator,
                                                                rt: Runtime) -> None:
    user = User(emulator)
    [notice] = await user.say("/human")
    assert notice["text"].startswith(HANDOFF_MARK) and "工单号" in notice["text"]
    sid = rt.conversations.open(None, "telegram", str(CHAT)).id
    case = rt.handoffs.active(sid)
    assert case is not None
    rt.conversations.add(sid, "adviser", "您好，我是王律师。请把合同<草稿>发给我。", author="王律师")
    await emulator.wait_sent(CHAT, 2, timeout=2.5)
    [reply] = emulator.sent(CHAT)[1:]
    assert reply["text"].startswith(f"{ADVISER_MARK} 法律顾问 王律师：") and "合同<草稿>" in reply["text"]
    sent = [c for c in emulator.calls_of("sendMessage") if "王律师" in c.params["text"]]
    assert sent[0].params["parse_mode"] == "HTML" and "&lt;草稿&gt;" in sent[0].params["text"]
    await emulator.wait_until(lambda: not rt.conversations.undelivered("telegram"), 2.5,
                              lambda: "the delivery mark that follows the send")
    # a later message is delivered by a later round of the loop: the first one was not sent again meanwhile
    rt.conversations.add(sid, "adviser", "合同已收到。", author="王律师")
    await emulator.wait_sent(CHAT, 3, timeout=2.5)
    assert [m["text"].count("请把合同") for m in emulator.sent(CHAT)] == [0, 1, 0]
    rt.advisers.close(case.id, "王律师")
    await emulator.wait_sent(CHAT, 4, timeout=2.5)
    assert "合同已收到" in emulator.sent(CHAT)[2]["text"]
    closed = emulator.sent(CHAT)[3]["text"]
    assert closed == CLOSED_NOTICE["zh"] and not closed.startswith(ADVISER_MARK)


async def test_the_back_to_the_assistant_button_withdraws_a_handoff(bot: TelegramBot, emulator: BotApiEmulator,
                                                                   rt: Runtime) -> None:
    user = User(emulator)
    [notice] = await user.say("转人工")
    assert "返回机器人" in str(notice.get("reply_markup"))  # the way back is offered at once
    sid = rt.conversations.open(None, "telegram", str(CHAT)).id
    case = rt.handoffs.active(sid)
    assert case is not None
    [waiting] = await user.say("还要等多久？")  # never silent while the case waits
    assert waiting["text"].startswith(HANDOFF_MARK) and f"工单号 {case.id}" in waiting["text"]
    [back] = await user.press(waiting, "返回机器人")
    assert "已撤回转人工请求" in back["text"]
    assert rt.handoffs.active(sid) is None
    [answer] = await user.say("试用期最长可以约定多久？")
    assert "试用期" in answer["text"] and not answer["text"].startswith(HANDOFF_MARK)


async def test_a_handoff_in_the_middle_of_a_form_through_the_buttons_and_cancel(bot: TelegramBot,
                                                                             emulator: BotApiEmulator,
                                                                             rt: Runtime) -> None:
    """Danger words in a form hand the chat to an adviser; 取消 alone asks which to cancel; the button that
    withdraws the request brings the form's question back; Telegram's own /cancel drops the booking while the
    case goes on waiting (issue #11 §6)."""
    user = User(emulator)
    await user.say("/order contract-review")
    await user.say("浦江晶彩水晶有限公司")
    danger = "仓库保管员刚在群里说不想活了，现在人在楼顶"
    [handed] = await user.say(danger)
    assert handed["text"].startswith(HANDOFF_MARK)
    [which] = await user.say("取消")
    assert which["text"].startswith(HANDOFF_MARK) and "要取消哪一项" in which["text"]
    [back] = await user.press(which, "撤回转人工")
    assert "已撤回转人工请求" in back["text"] and "统一社会信用代码" in back["text"]
    assert not back["text"].startswith(HANDOFF_MARK)
    sid = rt.conversations.open(None, "telegram", str(CHAT)).id
    assert rt.handoffs.active(sid) is None and rt.conversations.get(sid).state["form"]["current"] == "credit_code"
    await user.say(danger)
    [dropped] = await user.say("/cancel")
    assert dropped["text"].startswith(HANDOFF_MARK) and "已取消本次预约" in dropped["text"]
    assert rt.handoffs.active(sid) is not None and "form" not in rt.conversations.get(sid).state


async def test_advisers_group_gets_the_case_and_a_reply_there_reaches_the_enterprise(
        rt: Runtime, data_dir: Path, emulator: BotApiEmulator) -> None:
    bot = await running(bot_settings(data_dir, emulator, telegram_advisers_chat=ADVISERS), rt)
    try:
        user = User(emulator)
        await user.say("我要找律师，合同纠纷")
        [post] = await emulator.wait_sent(ADVISERS, 1, STEP_S)
        case_id = int(re.search(r"#(\d+)", post["text"]).group(1))  # type: ignore[union-attr]
        assert "合同纠纷" in post["text"]
        # another group replying to the post is ignored
        emulator.send_text(-100999, "我来回答", user_id=55, chat_type="supergroup", reply_to=post)
        emulator.send_text(ADVISERS, "您好，请提供合同文本。", user_id=77, chat_type="supergroup", reply_to=post,
                           first_name="李顾问")
        await emulator.wait_sent(ADVISERS, 2, STEP_S)
        assert f"#{case_id}" in emulator.sent(ADVISERS)[-1]["text"]
        [reply] = (await emulator.wait_sent(CHAT, 2, timeout=3.0))[1:]
        assert reply["text"].startswith(f"{ADVISER_MARK} 法律顾问 李顾问：") and "请提供合同文本" in reply["text"]
        sid = rt.conversations.open(None, "telegram", str(CHAT)).id
        advisers = [m for m in rt.conversations.messages(sid) if m.role == "adviser"]
        assert [(m.author, m.text) for m in advisers] == [("李顾问", "您好，请提供合同文本。")]
        assert emulator.sent(-100999) == []
    finally:
        await asyncio.wait_for(bot.stop(), STEP_S)


async def test_long_answer_is_split_at_paragraphs_under_the_limit(data_dir: Path, embeddings: QifaEmbeddings,
                                                                  emulator: BotApiEmulator) -> None:
    paragraphs = [f"第{n}段：" + "试用期的规定需要结合劳动合同期限来确定[1]。" * 45 for n in range(1, 9)]
    long = "\n\n".join(paragraphs)
    assert len(long) > 2 * MAX_CHARS
    runtime = open_runtime(data_dir, embeddings, chat_model=FakeListChatModel(responses=[long]))
    bot = await running(bot_settings(data_dir, emulator), runtime)
    try:
        await User(emulator).say("试用期最长可以约定多久？", expect=3)
        # the reply ends with the message that carries the 👍/👎 keyboard
        sent = await emulator.wait_until(lambda: "reply_markup" in emulator.sent(CHAT)[-1], STEP_S,
                                         lambda: "the last piece with its keyboard", lambda: emulator.sent(CHAT))
        assert len(sent) >= 3 and all(utf16_len(m["text"]) <= MAX_CHARS for m in sent)
        for m in sent[:-1]:  # each piece ends at a paragraph's end, none cuts one
            assert m["text"].endswith("[1]。") and "reply_markup" not in m
        joined = "\n\n".join(m["text"] for m in sent)
        assert all(p in joined for p in paragraphs)
        assert button(sent[-1], "👍")
    finally:
        await asyncio.wait_for(bot.stop(), STEP_S)
        runtime.close()


async def test_webhook_through_the_api_checks_the_secret(rt: Runtime, data_dir: Path,
                                                         emulator: BotApiEmulator) -> None:
    from api.app import create_app  # here: the API pulls in every channel's routers

    settings = bot_settings(data_dir, emulator, telegram_mode="webhook", telegram_webhook_secret="s3cret-token",
                            telegram_webhook_url="https://qifa.example/telegram/webhook")
    app = create_app(settings, rt)
    async with app.router.lifespan_context(app):
        assert emulator.webhook == {"url": "https://qifa.example/telegram/webhook", "secret_token": "s3cret-token"}
        assert emulator.calls_of("getUpdates") == []
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://api", timeout=STEP_S) as client:
            refused = emulator.message_update(CHAT, "/menu")
            for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
                r = await client.post("/telegram/webhook", json=refused, headers=headers)
                assert r.status_code == 403
            r = await client.post("/telegram/webhook", json=emulator.message_update(CHAT, "/help"),
                                  headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"})
            assert r.status_code == 200
            # one chat's updates are answered in order: had a refused /menu been queued, it would come first
            await emulator.wait_until(lambda: any(m["text"].startswith(HELP["zh"][:8]) for m in emulator.sent(CHAT)),
                                      STEP_S, lambda: "the answer to /help")
            [help_message] = emulator.sent(CHAT)
            assert help_message["text"].startswith(HELP["zh"][:8])
    assert emulator.calls_of("getUpdates") == []


async def test_a_failing_handler_apologises_and_the_bot_keeps_answering(bot: TelegramBot,
                                                                        emulator: BotApiEmulator) -> None:
    emulator.fail_next("sendMessage")
    user = User(emulator)
    [apology] = await user.say("/help")
    assert apology["text"] == APOLOGY
    assert [c for c in emulator.calls_of("sendMessage") if "failed" in c.params]
    [help_message] = await user.say("/help")
    assert help_message["text"].startswith(HELP["zh"][:8])
    [en] = await user.say("/lang en")
    assert "English" in en["text"]
    [menu] = await user.say("/menu")
    assert "Legal consultation" in menu["text"]


async def test_polling_inside_the_api_lifespan(rt: Runtime, data_dir: Path, emulator: BotApiEmulator) -> None:
    from api.app import create_app

    app = create_app(bot_settings(data_dir, emulator), rt)
    async with app.router.lifespan_context(app):
        assert emulator.calls_of("deleteWebhook")  # polling starts by removing any webhook
        [help_message] = await User(emulator).say("/help")
        assert help_message["text"].startswith(HELP["zh"][:8])
    bot = app.state.telegram  # stopped with the API: no updater, no application, no background task running
    assert bot.app.updater is not None and not bot.app.updater.running and not bot.app.running
    assert bot.tasks == []


async def test_updates_of_one_chat_are_answered_in_order(bot: TelegramBot, emulator: BotApiEmulator) -> None:
    for text in ("/status", "试用期最长可以约定多久？", "/menu"):
        emulator.send_text(CHAT, text)
    other = User(emulator, CHAT + 1)
    [other_help] = await other.say("/help")  # another chat is not held up
    assert other_help["text"].startswith(HELP["zh"][:8])
    status, answer, menu = await emulator.wait_sent(CHAT, 3, STEP_S)
    assert "订单" in status["text"] and "[1]" in answer["text"] and "法律咨询" in menu["text"]
