"""Compliance alerts in Telegram, with the real python-telegram-bot client against the Bot API emulator on
loopback: /subscribe with toggle buttons, /unsubscribe, a notice delivered once with its action buttons (the
"ask about it" button answered from the knowledge base), flood control retried after Telegram's retry_after,
a chat that blocked the bot failed without retrying, and the dispatcher of ``qifa serve`` sending by itself."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from chat_support import fresh_data_dir, make_settings, open_runtime
from emulator import BotApiEmulator
from sqlalchemy import select

from alerts import Dispatcher, SendLimits
from api.app import alert_dispatcher
from bot.alerts import TelegramSender
from bot.app import TelegramBot
from composition import Runtime
from db.models_alerts import Delivery
from knowledge.embeddings import QifaEmbeddings

CHAT, OTHER = 515151, 626262
STEP_S = 20.0


@pytest.fixture
def emulator() -> Iterator[BotApiEmulator]:
    emu = BotApiEmulator().start()
    yield emu
    emu.stop()


@pytest.fixture
def rt(tmp_path_factory: pytest.TempPathFactory, embeddings: QifaEmbeddings, tmp_path: Path) -> Iterator[Runtime]:
    runtime = open_runtime(fresh_data_dir(tmp_path_factory, embeddings, tmp_path / "var"), embeddings)
    yield runtime
    runtime.close()


@pytest.fixture
async def bot(rt: Runtime, emulator: BotApiEmulator, tmp_path: Path) -> AsyncIterator[TelegramBot]:
    settings = make_settings(tmp_path / "var", telegram_token=emulator.token, telegram_api_base=emulator.base)
    b = TelegramBot(settings, rt, poll_timeout=1)
    await asyncio.wait_for(b.start(), STEP_S)
    yield b
    await asyncio.wait_for(b.stop(), STEP_S)


def buttons(message: dict[str, Any]) -> list[dict[str, str]]:
    return [b for row in (message.get("reply_markup") or {}).get("inline_keyboard") or [] for b in row]


def button(message: dict[str, Any], text: str) -> dict[str, str]:
    found = [b for b in buttons(message) if text in b["text"]]
    assert found, f"no button {text!r} in {buttons(message)}"
    return found[0]


async def say(emu: BotApiEmulator, chat: int, text: str) -> dict[str, Any]:
    before = len(emu.sent(chat))
    emu.send_text(chat, text)
    return (await emu.wait_sent(chat, before + 1, STEP_S))[before]


async def press(emu: BotApiEmulator, chat: int, message: dict[str, Any], text: str, expect: int = 1
                ) -> list[dict[str, Any]]:
    before = len(emu.sent(chat))
    emu.press(chat, button(message, text)["callback_data"], message)
    return (await emu.wait_sent(chat, before + expect, STEP_S))[before:]


def sender(bot: TelegramBot, rt: Runtime) -> Dispatcher:
    return rt.dispatcher({"telegram": TelegramSender(lambda: bot.app.bot, rt.notices.topics)})


async def test_subscribe_with_toggle_buttons_then_unsubscribe(bot: TelegramBot, emulator: BotApiEmulator,
                                                              rt: Runtime) -> None:
    commands = emulator.calls_of("setMyCommands")
    assert all({"subscribe", "unsubscribe"} <= {c["command"] for c in call.params["commands"]} for call in commands)
    await say(emulator, CHAT, "/start")
    panel = await say(emulator, CHAT, "/subscribe")
    assert "合规预警订阅" in panel["text"] and "聊天编号" in panel["text"] and "180 天" in panel["text"]
    assert button(panel, "☐ 水晶产业")["callback_data"] == "m:/subscribe crystal"
    assert all(len(b["callback_data"].encode()) <= 64 for b in buttons(panel))
    [panel] = await press(emulator, CHAT, panel, "☐ 劳动用工")
    assert "已订阅“劳动用工”" in panel["text"] and button(panel, "✅ 劳动用工")
    [panel] = await press(emulator, CHAT, panel, "☐ 挂锁产业")
    sid = rt.conversations.open(None, "telegram", str(CHAT)).id
    assert rt.alerts.of(sid) == ["padlock", "labour"]
    [panel] = await press(emulator, CHAT, panel, "✅ 劳动用工")
    assert rt.alerts.of(sid) == ["padlock"] and "已取消订阅“劳动用工”" in panel["text"]
    [done] = await press(emulator, CHAT, panel, "取消全部订阅")
    assert "已取消全部订阅" in done["text"] and rt.alerts.of(sid) == []
    await say(emulator, CHAT, "/subscribe 涉外")
    assert rt.alerts.of(sid) == ["foreign"]
    done = await say(emulator, CHAT, "/unsubscribe")
    assert "已取消全部订阅" in done["text"] and rt.alerts.of(sid) == []


async def test_a_notice_arrives_once_with_its_actions(bot: TelegramBot, emulator: BotApiEmulator,
                                                      rt: Runtime) -> None:
    for chat in (CHAT, OTHER):
        await say(emulator, chat, "/start")
        await say(emulator, chat, "/subscribe 劳动用工")
    body = "劳动合同期限三个月以上不满一年的，试用期不得超过一个月。"
    notice = rt.notices.publish("试用期规定提醒", body, ["labour"], ["https://example.gov.cn/a"], "chen")
    before = {chat: len(emulator.sent(chat)) for chat in (CHAT, OTHER)}
    report = await sender(bot, rt).run_once()
    assert report.sent == 2
    assert (await sender(bot, rt).run_once()).sent == 0
    for chat in (CHAT, OTHER):
        new = emulator.sent(chat)[before[chat]:]
        assert len(new) == 1
    alert = emulator.sent(CHAT)[-1]
    assert "📢 合规预警 · 劳动用工" in alert["text"] and "试用期规定提醒" in alert["text"]
    assert "https://example.gov.cn/a" in alert["text"]
    assert button(alert, "就此提问")["callback_data"] == f"m:/alert_ask {notice.id}"
    assert button(alert, "预约服务")["callback_data"] == "m:/order"
    [answer] = await press(emulator, CHAT, alert, "就此提问")
    assert "劳动合同法" in answer["text"] and "试用期" in answer["text"]


def edits(emu: BotApiEmulator, chat: int) -> list[dict[str, Any]]:
    return [c.params for c in emu.calls_of("editMessageText") if c.params.get("chat_id") == chat]


def statuses(rt: Runtime) -> list[str]:
    with rt.db.session() as s:
        return list(s.scalars(select(Delivery.status).order_by(Delivery.id)))


async def test_a_withdrawn_notice_is_taken_back_from_the_telegram_chats(bot: TelegramBot, emulator: BotApiEmulator,
                                                                        rt: Runtime) -> None:
    for chat in (CHAT, OTHER):
        await say(emulator, chat, "/subscribe 劳动用工")
    notice = rt.notices.publish("错误的加班费通知", "加班费按百分之一百计算。", ["labour"], [], "chen")
    assert (await sender(bot, rt).run_once()).sent == 2
    copies = {chat: emulator.sent(chat)[-1] for chat in (CHAT, OTHER)}
    assert all("错误的加班费通知" in m["text"] and buttons(m) for m in copies.values())

    rt.notices.withdraw(notice.id, "chen")
    assert statuses(rt) == ["recall", "recall"]
    report = await sender(bot, rt).run_once()
    assert (report.recalled, report.sent, report.failed) == (2, 0, 0)
    for chat, copy in copies.items():
        [edit] = edits(emulator, chat)
        assert int(edit["message_id"]) == copy["message_id"]
        assert "撤回" in edit["text"] and "withdrawn" in edit["text"] and "加班费" not in edit["text"]
        assert "reply_markup" not in edit  # the buttons go with the text
    info = rt.notices.get(notice.id)
    assert info is not None and (info.delivered, info.recalled) == (2, 2)
    assert (await sender(bot, rt).run_once()).recalled == 0  # once
    assert len(emulator.calls_of("editMessageText")) == 2


async def test_a_recall_telegram_refuses_or_cannot_reach_ends_plainly(bot: TelegramBot, emulator: BotApiEmulator,
                                                                      rt: Runtime) -> None:
    for chat in (CHAT, OTHER):
        await say(emulator, chat, "/subscribe tax")
    notice = rt.notices.publish("发票通知", "正文", ["tax"], [], "chen")
    assert (await sender(bot, rt).run_once()).sent == 2
    rt.notices.withdraw(notice.id, "chen")
    # the first chat's user deleted the message (nothing left to take back); the second chat blocked the bot
    emulator.fail_next("editMessageText", "Bad Request: message to edit not found")
    emulator.fail_next("editMessageText", "Forbidden: bot was blocked by the user", code=403)
    report = await sender(bot, rt).run_once()
    assert (report.recalled, report.failed, report.retried) == (1, 1, 0)
    assert sorted(statuses(rt)) == ["recalled", "unrecalled"]
    with rt.db.session() as s:
        assert "blocked" in (s.scalars(select(Delivery.error).where(Delivery.status == "unrecalled")).one() or "")


async def test_network_trouble_during_a_recall_is_retried(bot: TelegramBot, emulator: BotApiEmulator,
                                                         rt: Runtime) -> None:
    await say(emulator, CHAT, "/subscribe safety")
    notice = rt.notices.publish("检查通知", "正文", ["safety"], [], "chen")
    assert (await sender(bot, rt).run_once()).sent == 1
    rt.notices.withdraw(notice.id, "chen")
    emulator.fail_next("editMessageText", "Too Many Requests: retry after 1", code=429, parameters={"retry_after": 1})
    first = await sender(bot, rt).run_once()
    assert (first.recalled, first.retried) == (0, 1) and statuses(rt) == ["recall"]
    await asyncio.sleep(1.1)
    assert (await sender(bot, rt).run_once()).recalled == 1
    assert statuses(rt) == ["recalled"] and len(edits(emulator, CHAT)) == 2  # the refused try and the edit


async def test_a_long_notice_that_failed_part_way_sends_only_the_rest_and_is_recalled_whole(
        bot: TelegramBot, emulator: BotApiEmulator, rt: Runtime) -> None:
    await say(emulator, CHAT, "/subscribe tax")
    before = len(emulator.sent(CHAT))
    links = [f"https://example.gov.cn/{i}/" + "a" * 300 for i in range(3)]
    notice = rt.notices.publish("长通知", "增值税发票开具规定。" * 399, ["tax"], links, "chen")  # two messages
    emulator.fail_next("sendMessage", "Too Many Requests: retry after 1", code=429, parameters={"retry_after": 1},
                       after=1)
    first = await sender(bot, rt).run_once()
    assert (first.sent, first.retried) == (0, 1)
    assert len(emulator.sent(CHAT)) == before + 1  # the first part went out
    await asyncio.sleep(1.1)
    assert (await sender(bot, rt).run_once()).sent == 1
    parts = emulator.sent(CHAT)[before:]
    assert len(parts) == 2 and parts[0]["text"] != parts[1]["text"]  # the first part was not sent again
    assert buttons(parts[1]) and not buttons(parts[0])
    rt.notices.withdraw(notice.id, "chen")
    assert (await sender(bot, rt).run_once()).recalled == 1
    assert sorted(int(e["message_id"]) for e in edits(emulator, CHAT)) == sorted(p["message_id"] for p in parts)


async def test_a_copy_on_its_way_while_the_notice_is_withdrawn_is_taken_back_after(
        bot: TelegramBot, emulator: BotApiEmulator, rt: Runtime) -> None:
    await say(emulator, CHAT, "/subscribe ip")
    notice = rt.notices.publish("专利通知", "正文", ["ip"], [], "chen")
    dispatcher = sender(bot, rt)
    [job] = dispatcher.claim()  # claimed: on its way to Telegram
    rt.notices.withdraw(notice.id, "chen")  # the claimed copy is not dropped by the withdrawal
    assert statuses(rt) == ["sending"]
    from alerts import DispatchReport

    report = DispatchReport()
    await dispatcher._one(job, report)  # Telegram got it after all
    assert report.sent == 1 and statuses(rt) == ["recall"]
    assert (await dispatcher.run_once()).recalled == 1
    [edit] = edits(emulator, CHAT)
    assert int(edit["message_id"]) == emulator.sent(CHAT)[-1]["message_id"] and "撤回" in edit["text"]


async def test_flood_control_is_retried_after_retry_after(bot: TelegramBot, emulator: BotApiEmulator,
                                                          rt: Runtime) -> None:
    await say(emulator, CHAT, "/subscribe tax")
    rt.notices.publish("增值税新规", "正文", ["tax"], [], "chen")
    emulator.fail_next("sendMessage", "Too Many Requests: retry after 1", code=429, parameters={"retry_after": 1})
    before = len(emulator.sent(CHAT))
    first = await sender(bot, rt).run_once()
    assert (first.sent, first.retried, first.failed) == (0, 1, 0)
    with rt.db.session() as s:
        row = s.scalars(select(Delivery)).one()
        assert (row.status, row.attempts) == ("pending", 1)
    assert (await sender(bot, rt).run_once()).sent == 0  # Telegram said: not before a second
    await asyncio.sleep(1.1)
    assert (await sender(bot, rt).run_once()).sent == 1
    assert len(emulator.sent(CHAT)) == before + 1
    with rt.db.session() as s:
        row = s.scalars(select(Delivery)).one()
        assert (row.status, row.attempts) == ("sent", 2)


async def test_a_chat_that_blocked_the_bot_is_not_retried(bot: TelegramBot, emulator: BotApiEmulator,
                                                          rt: Runtime) -> None:
    await say(emulator, CHAT, "/subscribe ip")
    rt.notices.publish("商标新规", "正文", ["ip"], [], "chen")
    emulator.fail_next("sendMessage", "Forbidden: bot was blocked by the user", code=403)
    report = await sender(bot, rt).run_once()
    assert (report.sent, report.retried, report.failed) == (0, 0, 1)
    with rt.db.session() as s:
        row = s.scalars(select(Delivery)).one()
        assert row.status == "failed" and "blocked" in (row.error or "")


async def test_the_serve_dispatcher_sends_by_itself_and_waits_for_a_stopped_bot(
        bot: TelegramBot, emulator: BotApiEmulator, rt: Runtime) -> None:
    await say(emulator, CHAT, "/subscribe safety")
    dispatcher = alert_dispatcher(rt, bot)
    assert isinstance(dispatcher.limits, SendLimits) and set(dispatcher.senders) == {"web", "telegram"}
    task = asyncio.create_task(dispatcher.run(0.1))
    try:
        before = len(emulator.sent(CHAT))
        rt.notices.publish("安全生产检查通知", "正文", ["safety"], [], "chen")
        sent = await emulator.wait_sent(CHAT, before + 1, STEP_S)
        assert "安全生产检查通知" in sent[-1]["text"]
        bot.ready = False  # the bot is down: its deliveries wait, nothing fails
        rt.notices.publish("第二条通知", "正文", ["safety"], [], "chen")
        await asyncio.sleep(1.5)
        with rt.db.session() as s:
            assert s.scalars(select(Delivery.status).order_by(Delivery.id.desc())).first() == "pending"
        assert len(emulator.sent(CHAT)) == before + 1
        started = time.monotonic()
        bot.ready = True
        await emulator.wait_sent(CHAT, before + 2, STEP_S)
        assert time.monotonic() - started < 15
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task


async def test_a_fan_out_to_a_thousand_chats_over_loopback(emulator: BotApiEmulator, rt: Runtime) -> None:
    """1,000 Telegram subscribers, two dispatchers at once, a plain PTB Bot against the emulator: every chat gets
    the notice exactly once, in bounded time (the buckets opened wide: the emulator has no flood control)."""
    from sqlalchemy import insert
    from telegram import Bot
    from telegram.request import HTTPXRequest

    from db.models_alerts import Subscription
    from db.models_chat import ChatSession

    chats = [900_000 + n for n in range(1000)]
    with rt.db.session() as s:
        s.execute(insert(ChatSession), [{"id": f"tg-{c}", "channel": "telegram", "external_id": str(c),
                                         "lang": "zh", "state": {}} for c in chats])
        s.execute(insert(Subscription), [{"session_id": f"tg-{c}", "topic": "crystal"} for c in chats])
    assert rt.notices.publish("水晶行业环保新规", "正文", ["crystal"], [], "chen").recipients == 1000
    request = HTTPXRequest(connection_pool_size=8)
    async with Bot(emulator.token, base_url=f"{emulator.base}/bot", request=request) as bot:
        dispatchers = [Dispatcher(rt.db, {"telegram": TelegramSender(lambda: bot, rt.notices.topics)},
                                  SendLimits(5000, 1000, 5000), batch=100, concurrency=4, backoff_s=0.1)
                       for _ in range(2)]
        started = time.monotonic()
        sent_total = 0
        while dispatchers[0].pending() and time.monotonic() - started < 120:  # a dropped connection is retried
            reports = await asyncio.gather(*(d.run_once() for d in dispatchers))
            assert not any(r.failed for r in reports)
            sent_total += sum(r.sent for r in reports)
            await asyncio.sleep(0.1)
        elapsed = time.monotonic() - started
    assert sent_total == 1000 and elapsed < 120
    sent = [c.params["chat_id"] for c in emulator.calls_of("sendMessage") if "result" in c.params]
    assert sorted(sent) == chats  # every chat once: none missed, none twice
    with rt.db.session() as s:
        assert set(s.scalars(select(Delivery.status))) == {"sent"}
