"""The self-check in Telegram, against the Bot API emulator with the real PTB client and a real runtime: the menu
button, one question at a time with 是 / 否 / 不确定 buttons, an interruption (the bot restarted) and the
self-check resumed from the SQL state, the report's summary, its PDF sent as a document, then the report handed
to an adviser (attached to the case) and a recommended service ordered."""

from __future__ import annotations

import asyncio
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from chat_support import fresh_data_dir, make_settings, open_runtime
from emulator import BotApiEmulator
from pypdf import PdfReader

from bot.app import TelegramBot
from composition import Runtime
from knowledge.embeddings import QifaEmbeddings

CHAT = 515151
STEP_S = 30.0


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


async def running(data_dir: Path, emulator: BotApiEmulator, runtime: Runtime) -> TelegramBot:
    settings = make_settings(data_dir, telegram_token=emulator.token, telegram_api_base=emulator.base)
    bot = TelegramBot(settings, runtime, poll_timeout=1)
    await asyncio.wait_for(bot.start(), STEP_S)
    return bot


def buttons(message: dict[str, Any]) -> list[dict[str, str]]:
    return [b for row in (message.get("reply_markup") or {}).get("inline_keyboard") or [] for b in row]


def button(message: dict[str, Any], pattern: str) -> dict[str, str]:
    found = [b for b in buttons(message) if re.search(pattern, b["text"])]
    assert found, f"no button matching {pattern!r} in {buttons(message)}"
    return found[0]


class User:
    def __init__(self, emu: BotApiEmulator) -> None:
        self.emu = emu

    async def say(self, text: str) -> dict[str, Any]:
        before = len(self.emu.sent(CHAT))
        self.emu.send_text(CHAT, text)
        return (await self.emu.wait_sent(CHAT, before + 1, STEP_S))[-1]

    async def press(self, message: dict[str, Any], pattern: str) -> dict[str, Any]:
        before = len(self.emu.sent(CHAT))
        self.emu.press(CHAT, button(message, pattern)["callback_data"], message)
        return (await self.emu.wait_sent(CHAT, before + 1, STEP_S))[-1]


async def test_self_check_resumed_report_pdf_handoff_and_order(rt: Runtime, data_dir: Path,
                                                               emulator: BotApiEmulator) -> None:
    bot = await running(data_dir, emulator, rt)
    user = User(emulator)
    try:
        commands = emulator.calls_of("setMyCommands")
        assert all(any(c["command"] == "checkup" for c in call.params["commands"]) for call in commands)
        menu = await user.say("/start")
        choose = await user.press(menu, "^法治体检自测$")
        assert "请选择问卷" in choose["text"]
        question = await user.press(choose, "^挂锁行业合规自测$")
        assert "第 1 题" in question["text"] and "冲床" in question["text"]
        rows = question["reply_markup"]["inline_keyboard"]
        assert [b["text"] for b in rows[0]] == ["是", "否", "不确定"]  # one row of answers
        question = await user.press(question, "^是$")
        assert "第 2 题" in question["text"]
        question = await user.press(question, "^不确定$")
        assert "第 3 题" in question["text"]
    finally:
        await asyncio.wait_for(bot.stop(), STEP_S)

    # the bot process goes away in the middle; the state is in SQL: a new bot resumes at question 3
    bot = await running(data_dir, emulator, rt)
    try:
        question = await user.say("/checkup")
        assert "继续上次" in question["text"] and "已答 2 题" in question["text"] and "第 3 题" in question["text"]
        docs_before = len(emulator.calls_of("sendDocument"))
        while "第" in question["text"] and "题" in question["text"] and button(question, "^否$"):
            question = await user.press(question, "^否$")
            if "报告" in question["text"]:
                break
        report = question
        assert "总体风险：高风险" in report["text"] and "依据：《" in report["text"]
        await emulator.wait_until(lambda: len(emulator.calls_of("sendDocument")) > docs_before, STEP_S)
        doc = emulator.calls_of("sendDocument")[-1].params
        assert doc["chat_id"] == CHAT and "法治体检自测报告" in doc["caption"]
        pdf = doc["document_file"]
        assert pdf["filename"].endswith(".pdf") and pdf["bytes"].startswith(b"%PDF")
        text = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf["bytes"])).pages))
        assert "铝镁等金属粉尘积聚可引发爆炸" in text and "冲压伤手" not in text and "浦江县司法局" in text

        order_button = button(report, "^预约：")
        handed = await user.press(report, "转人工顾问")
        assert rt.handoffs.active(rt.conversations.open(None, "telegram", str(CHAT)).id) is not None
        case = rt.handoffs.active(rt.conversations.open(None, "telegram", str(CHAT)).id)
        assert case is not None and case.reason == "checkup"
        assert [r.id for r in rt.checkups.reports_of_case(case.id)] and case.passages
        assert case.passages[0]["source"].startswith("checkup:")
        assert handed["text"]
        rt.handoffs.withdraw(case.id)
        form = await user.press(report, re.escape(order_button["text"]))
        assert "请输入企业名称" in form["text"]
    finally:
        await asyncio.wait_for(bot.stop(), STEP_S)
