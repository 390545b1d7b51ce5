"""Telegram and personal data: the advisers' group sees masked phone numbers and credit codes (the store keeps
what the user wrote), and /forget deletes the chat's conversation. Real PTB client against the emulator."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from chat_support import fresh_data_dir, make_settings, open_runtime
from emulator import BotApiEmulator

from bot.app import FORGOTTEN, NOTHING_TO_FORGET, TelegramBot
from composition import Runtime
from knowledge.embeddings import QifaEmbeddings

CHAT = 515151
ADVISERS = -100888
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


async def running(rt: Runtime, emulator: BotApiEmulator) -> TelegramBot:
    settings = make_settings(rt.settings.data_dir, telegram_token=emulator.token, telegram_api_base=emulator.base,
                             telegram_advisers_chat=ADVISERS)
    bot = TelegramBot(settings, rt, poll_timeout=1)
    await asyncio.wait_for(bot.start(), STEP_S)
    return bot


async def test_the_advisers_group_gets_masked_personal_data(rt: Runtime, emulator: BotApiEmulator) -> None:
    bot = await running(rt, emulator)
    try:
        emulator.send_text(CHAT, "我公司信用代码91440300708461136T，电话13812345678，合同纠纷要找律师")
        await emulator.wait_sent(CHAT, 1, STEP_S)
        emulator.send_text(CHAT, "转人工")
        [post] = await emulator.wait_sent(ADVISERS, 1, STEP_S)
        text = post["text"]
        assert "13812345678" not in text and "91440300708461136T" not in text
        assert "138" in text and "5678" in text and "合同纠纷" in text
        sid = rt.conversations.open(None, "telegram", str(CHAT)).id
        stored = [m.text for m in rt.conversations.messages(sid) if m.role == "user"]
        assert any("13812345678" in t for t in stored)  # the store keeps the real value
    finally:
        await asyncio.wait_for(bot.stop(), STEP_S)


async def test_forget_deletes_the_chat_conversation(rt: Runtime, emulator: BotApiEmulator) -> None:
    bot = await running(rt, emulator)
    try:
        emulator.send_text(CHAT, "/forget")
        [nothing] = await emulator.wait_sent(CHAT, 1, STEP_S)
        assert nothing["text"] == NOTHING_TO_FORGET["zh"]
        emulator.send_text(CHAT, "我要预约合同审查")
        await emulator.wait_sent(CHAT, 2, STEP_S)
        sid = rt.conversations.open(None, "telegram", str(CHAT)).id
        assert rt.conversations.messages(sid) and rt.conversations.get(sid).state
        emulator.send_text(CHAT, "/forget")
        sent = await emulator.wait_sent(CHAT, 3, STEP_S)
        assert sent[-1]["text"].replace("\\", "") == FORGOTTEN["zh"].replace("\\", "")
        assert not rt.conversations.exists(sid)
        # the next message starts a new conversation, with the personal-data notice again
        emulator.send_text(CHAT, "你好")
        await emulator.wait_sent(CHAT, 4, STEP_S)
        new = rt.conversations.open(None, "telegram", str(CHAT)).id
        assert new != sid and [m.text for m in rt.conversations.messages(new) if m.role == "user"] == ["你好"]
    finally:
        await asyncio.wait_for(bot.stop(), STEP_S)
