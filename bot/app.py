"""The Telegram channel: python-telegram-bot handlers that only translate.

Update -> text for the engine (``Assistant.handle``) -> Reply -> messages and inline keyboards (bot/render.py).
The engine's state in the SQL store is the one source of truth (forms, hand-offs, the language chosen with
``/lang``, the personal-data notice), so PTB persistence is not used. FastAPI owns the event loop:
:class:`TelegramBot` is started and stopped in the API's lifespan, polling with PTB's updater or fed by the
webhook route through ``update_queue``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
from collections.abc import Awaitable
from typing import Any

from telegram import BotCommand, BotCommandScopeDefault, InputFile, Update
from telegram.constants import ChatAction
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from assistant.engine import InvalidMessage
from assistant.reply import Reply
from assistant.retention import forget_chat
from bot.render import PARSE_MODE, Feedback, Outgoing, Payloads, decode_payload, escape, render
from bot.updates_seen import SeenUpdates
from composition import Leadership, Runtime
from config import Settings

log = logging.getLogger(__name__)

CHANNEL = "telegram"

# commands forwarded to the engine as they are (the engine's own command words)
ENGINE_COMMANDS = ("menu", "order", "status", "human", "cancel", "lang", "checkup", "subscribe", "unsubscribe")
COMMANDS: dict[str, list[tuple[str, str]]] = {
    "zh": [("start", "开始 · 服务清单"), ("menu", "服务清单"), ("order", "预约服务"), ("status", "我的订单"),
           ("checkup", "法治体检自测"), ("human", "转人工法律顾问"), ("subscribe", "合规预警订阅"),
           ("unsubscribe", "取消全部预警"), ("lang", "语言 zh|en"),
           ("cancel", "退出填写中的表单"), ("forget", "删除我的对话"), ("help", "帮助")],
    "en": [("start", "Start · service menu"), ("menu", "Service menu"), ("order", "Order a service"),
           ("status", "My orders"), ("checkup", "Legal health self-check"), ("human", "Talk to a legal adviser"),
           ("subscribe", "Compliance alerts"), ("unsubscribe", "Stop all alerts"), ("lang", "Language zh|en"),
           ("cancel", "Leave the form being filled"), ("forget", "Delete my conversation"), ("help", "Help")],
}
HELP = {
    "zh": "可以直接输入法律问题，或使用命令：\n/menu 服务清单\n/order 预约服务\n/status 我的订单\n"
          "/checkup 法治体检自测\n/human 转人工法律顾问\n/subscribe 合规预警订阅\n/unsubscribe 取消全部预警\n"
          "/cancel 退出正在填写的表单\n/lang zh|en 切换语言\n/forget 删除我的对话记录",
    "en": "Type a legal question, or use a command:\n/menu service menu\n/order order a service\n/status my orders\n"
          "/checkup legal health self-check\n/human talk to a legal adviser\n/subscribe compliance alerts\n"
          "/unsubscribe stop all alerts\n/cancel leave the form being filled\n/lang zh|en switch language\n"
          "/forget delete my conversation",
}
REPORT_CAPTION = {"zh": "法治体检自测报告（PDF，中英文）",
                  "en": "Legal health self-check report (PDF, Chinese and English)"}
SEEN_UPDATES = 10_000  # webhook update ids remembered to drop a second delivery of the same update
FORGOTTEN = {"zh": "已删除您在本聊天中的对话记录和填写中的表单。已提交的订单按承诺的期限保存。",
             "en": "Your conversation and any form being filled have been deleted. Orders you placed are kept for "
                   "the promised period."}
NOTHING_TO_FORGET = {"zh": "没有需要删除的对话记录。", "en": "There is no conversation to delete."}
VOTE_THANKS = {"zh": "感谢反馈！", "en": "Thanks for the feedback!"}
VOTE_GONE = "无法记录该评价 / This vote could not be recorded"
EXPIRED = "按钮已失效，请重新发送 /menu / This button has expired, send /menu"
APOLOGY = ("抱歉，处理您的消息时出错了，请稍后再试。\n"
           "Sorry, something went wrong while handling your message. Please try again.")


def lang_of(code: str | None) -> str:
    return "en" if (code or "").lower().startswith("en") else "zh"


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Updates run concurrently, but those of one chat one after another, in the order they arrived (the
    first await of each update's task is this chat's lock, and asyncio locks are first come, first served)."""

    def __init__(self, max_concurrent_updates: int = 64) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._users: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await coroutine
            return
        lock = self._locks.setdefault(chat.id, asyncio.Lock())
        self._users[chat.id] = self._users.get(chat.id, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            self._users[chat.id] -= 1
            if not self._users[chat.id]:  # nobody waiting: forget the chat
                del self._users[chat.id], self._locks[chat.id]

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass


class Handlers:
    """The callbacks, holding the runtime and the table of long button payloads. Per-chat ordering is the
    update processor's (:class:`PerChatUpdateProcessor`)."""

    def __init__(self, runtime: Runtime, advisers_chat: int | None) -> None:
        self.runtime = runtime
        self.advisers_chat = advisers_chat
        self.payloads = Payloads()

    # ---- the engine, off the event loop ------------------------------------------------------------------
    def _ask(self, chat_id: int, text: str, hint: str | None, sticky: bool = False) -> Reply:
        """``hint``: the user's Telegram language (None: the engine detects it from the text); ``sticky``: a
        button press, which continues in the conversation's language. The engine's ``/lang`` choice wins."""
        return self.runtime.assistant.handle(None, text, None, CHANNEL, str(chat_id), hint=hint, sticky=sticky)

    def _chosen_lang(self, chat_id: int, fallback: str) -> str:
        return self.runtime.assistant.language(CHANNEL, str(chat_id), fallback)

    def _vote(self, chat_id: int, vote: Feedback) -> bool:
        sid = self.runtime.conversations.open(None, CHANNEL, str(chat_id)).id
        return self.runtime.conversations.set_feedback(sid, vote.message_id, vote.vote)

    # ---- sending -----------------------------------------------------------------------------------------
    @staticmethod
    async def send(context: ContextTypes.DEFAULT_TYPE, chat_id: int, messages: list[Outgoing]) -> None:
        for m in messages:
            await context.bot.send_message(chat_id, m.text, parse_mode=PARSE_MODE, reply_markup=m.markup,
                                           disable_web_page_preview=True)

    async def converse(self, update: Update, context: ContextTypes.DEFAULT_TYPE, text: str,
                       hint: str | None = None, sticky: bool = False) -> None:
        """Send ``text`` to the engine as this chat and send its reply back, one chat at a time."""
        chat = update.effective_chat
        if chat is None:
            return
        await context.bot.send_chat_action(chat.id, ChatAction.TYPING)
        try:
            reply = await asyncio.to_thread(self._ask, chat.id, text, hint, sticky)
        except InvalidMessage as exc:
            await context.bot.send_message(chat.id, escape(str(exc)), parse_mode=PARSE_MODE)
            return
        await self.send(context, chat.id, render(reply, self.payloads))
        report = reply.data.get("checkup_report")
        if isinstance(report, dict) and "findings" in report:  # a finished self-check: its PDF as a document
            await self.send_report(context, chat.id, reply.session_id, int(report["id"]), reply.lang)

    def _report_pdf(self, session_id: str, report_id: int) -> bytes:
        return self.runtime.checkups.pdf(report_id, session_id, self.runtime.settings.timezone)[1]

    async def send_report(self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, session_id: str, report_id: int,
                          lang: str) -> None:
        await context.bot.send_chat_action(chat_id, ChatAction.UPLOAD_DOCUMENT)
        data = await asyncio.to_thread(self._report_pdf, session_id, report_id)
        await context.bot.send_document(chat_id, InputFile(data, filename=f"qifa-checkup-{report_id}.pdf"),
                                        caption=REPORT_CAPTION[lang if lang in REPORT_CAPTION else "zh"])

    # ---- handlers ------------------------------------------------------------------------------------------
    def _hint(self, update: Update) -> str:
        user = update.effective_user
        return lang_of(user.language_code if user else None)

    async def start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The greeting and the menu (the engine adds the personal-data notice to a chat's first reply)."""
        await self.converse(update, context, "/start", self._hint(update))

    async def forward_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/menu /order /status /human /cancel /lang: the engine's own commands, forwarded with their arguments."""
        msg = update.effective_message
        if msg is None or not msg.text:
            return
        name, _, arg = msg.text.partition(" ")
        text = f"{name.split('@')[0]} {arg.strip()}".strip()
        await self.converse(update, context, text, self._hint(update))

    async def help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat = update.effective_chat
        if chat is None:
            return
        lang = await asyncio.to_thread(self._chosen_lang, chat.id, self._hint(update))
        await context.bot.send_message(chat.id, escape(HELP[lang]), parse_mode=PARSE_MODE)

    async def forget(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/forget: delete this chat's conversation (messages, form state, hand-off cases); orders are kept."""
        chat = update.effective_chat
        if chat is None:
            return
        lang = await asyncio.to_thread(self._chosen_lang, chat.id, self._hint(update))
        found = await asyncio.to_thread(forget_chat, self.runtime.db, "telegram", str(chat.id))
        await context.bot.send_message(chat.id, escape(FORGOTTEN[lang] if found else NOTHING_TO_FORGET[lang]),
                                       parse_mode=PARSE_MODE)

    async def text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        msg = update.effective_message
        if msg is None or not msg.text:
            return
        await self.converse(update, context, msg.text)

    async def button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        chat = update.effective_chat
        if query is None or chat is None:
            return
        decoded = decode_payload(query.data or "", self.payloads)
        if isinstance(decoded, Feedback):
            stored = await asyncio.to_thread(self._vote, chat.id, decoded)
            lang = await asyncio.to_thread(self._chosen_lang, chat.id, self._hint(update))
            await query.answer(VOTE_THANKS[lang] if stored else VOTE_GONE)
            return
        if decoded is None:
            await query.answer(EXPIRED, show_alert=True)
            return
        await query.answer()
        await self.converse(update, context, decoded, sticky=True)

    async def adviser_reply(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """In the advisers' group, a reply to a case's message goes to the enterprise (bot/delivery.py)."""
        from bot.delivery import relay_adviser_reply

        await relay_adviser_reply(self.runtime, update, context)

    async def error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The one error handler: log with the update id (never the user's text), apologise, keep running."""
        update_id = update.update_id if isinstance(update, Update) else None
        log.error("telegram update %s failed: %s", update_id, type(context.error).__name__,
                  exc_info=context.error)
        if isinstance(update, Update) and update.effective_chat is not None:
            try:
                await context.bot.send_message(update.effective_chat.id, APOLOGY)
            except TelegramError:
                log.warning("telegram update %s: the apology could not be sent either", update_id)


def build_application(settings: Settings, runtime: Runtime) -> Application:
    """The PTB Application with every handler. Webhook mode has no updater (updates come through the API)."""
    if settings.telegram_token is None:
        raise ValueError("QIFA_TELEGRAM_TOKEN is not set")
    if settings.telegram_mode == "webhook" and settings.telegram_webhook_secret is None:
        raise ValueError("QIFA_TELEGRAM_MODE=webhook needs QIFA_TELEGRAM_WEBHOOK_SECRET")
    builder = (ApplicationBuilder().token(settings.telegram_token.get_secret_value())
               .rate_limiter(AIORateLimiter()).concurrent_updates(PerChatUpdateProcessor()))
    if settings.telegram_api_base:
        base = settings.telegram_api_base.rstrip("/")
        builder = builder.base_url(f"{base}/bot").base_file_url(f"{base}/file/bot")
    if settings.telegram_mode == "webhook":
        builder = builder.updater(None)
    app = builder.build()
    h = Handlers(runtime, settings.telegram_advisers_chat)
    app.bot_data["handlers"] = h
    advisers = filters.Chat(chat_id=settings.telegram_advisers_chat) if settings.telegram_advisers_chat else None
    if advisers is not None:
        app.add_handler(MessageHandler(advisers & filters.REPLY & filters.TEXT & ~filters.COMMAND, h.adviser_reply))
    users = filters.ChatType.PRIVATE & ~advisers if advisers is not None else filters.ChatType.PRIVATE
    app.add_handler(CommandHandler("start", h.start, filters=users))
    app.add_handler(CommandHandler("help", h.help, filters=users))
    app.add_handler(CommandHandler("forget", h.forget, filters=users))
    app.add_handler(CommandHandler(list(ENGINE_COMMANDS), h.forward_command, filters=users))
    app.add_handler(MessageHandler(users & filters.TEXT, h.text))  # free text and the engine's other commands
    app.add_handler(CallbackQueryHandler(h.button))
    app.add_error_handler(h.error)
    return app


async def set_commands(app: Application) -> None:
    """setMyCommands in both languages: Chinese by default, English for users whose Telegram is in English."""
    for lang, code in (("zh", None), ("en", "en")):
        commands = [BotCommand(name, desc) for name, desc in COMMANDS[lang]]
        await app.bot.set_my_commands(commands, scope=BotCommandScopeDefault(), language_code=code)


class TelegramBot:
    """The running bot: PTB application plus the delivery tasks, started and stopped by the API's lifespan."""

    def __init__(self, settings: Settings, runtime: Runtime, poll_timeout: int = 10,
                 leader: Leadership | None = None) -> None:
        self.settings = settings
        self.leader = leader  # several workers: only the leading one polls Telegram (None: this one polls)
        self.runtime = runtime
        self.app = build_application(settings, runtime)
        self.poll_timeout = poll_timeout
        self.tasks: list[asyncio.Task[None]] = []
        self.ready = False  # started: Telegram answered and polling (or the webhook) runs
        self.last_error: str | None = None  # why the last start failed, while retrying
        self._starter: asyncio.Task[None] | None = None
        self._seen: dict[int, None] = {}  # the latest webhook update ids, oldest first (no store read for them)
        self._taken = SeenUpdates(runtime.db)  # the ids taken by any worker, before or after a restart
        secret = settings.telegram_webhook_secret
        self._secret = secret.get_secret_value().encode() if secret else b""

    @property
    def webhook(self) -> bool:
        return self.settings.telegram_mode == "webhook"

    def check_secret(self, given: str | None) -> bool:
        """The X-Telegram-Bot-Api-Secret-Token header, compared in constant time."""
        return bool(self._secret) and hmac.compare_digest((given or "").encode(), self._secret)

    async def feed(self, data: dict[str, Any]) -> bool:
        """One update posted to the webhook, queued for the application; False for an update id already seen
        (Telegram delivers again when an answer was slow, maybe to another worker, and a captured request may
        be replayed); the store decides which worker takes an update."""
        update_id = int(data["update_id"])
        update = Update.de_json(data, self.app.bot)  # decoded before it is taken: a taken update is handled
        if update_id in self._seen or not await asyncio.to_thread(self._taken.take, update_id):
            log.info("telegram update %d delivered again: ignored", update_id)
            return False
        self._seen[update_id] = None
        while len(self._seen) > SEEN_UPDATES:
            self._seen.pop(next(iter(self._seen)))
        await self.app.update_queue.put(update)
        return True

    async def start(self) -> None:
        try:
            await self._start()
        except BaseException:
            await self._teardown()  # a half-started bot (e.g. Telegram unreachable) leaves nothing running
            raise
        self.ready, self.last_error = True, None

    async def start_or_retry(self) -> None:
        """Start now when Telegram answers; otherwise log why and keep trying in the background (see
        ``launch``): the API must serve even while Telegram is unreachable."""
        try:
            await self.start()
        except Exception as exc:  # network errors, Telegram refusing the token …
            self._failed(exc, 1.0)
            self.launch(1.0)

    def launch(self, first_delay_s: float = 1.0) -> None:
        """Try to start in the background after 1, 2, 4 … seconds (at most QIFA_TELEGRAM_RETRY_MAX_S apart)
        until Telegram answers."""
        self._starter = asyncio.create_task(self._keep_starting(first_delay_s), name="qifa-telegram-start")

    def _failed(self, exc: Exception, delay: float) -> None:
        self.last_error = f"{type(exc).__name__}: {str(exc)[:200]}"
        log.warning("telegram unreachable (%s); the API keeps serving, next try in %.0f s", self.last_error, delay)
        self.app = build_application(self.settings, self.runtime)  # a fresh client for the next try

    async def _keep_starting(self, delay: float) -> None:
        while True:
            await asyncio.sleep(delay)
            delay = min(delay * 2, self.settings.telegram_retry_max_s)
            try:
                await self.start()
            except Exception as exc:
                self._failed(exc, delay)
                continue
            log.info("telegram reachable: the bot is running")
            return

    async def _start(self) -> None:
        from bot.delivery import run_adviser_replies, run_advisers_group

        await self.app.initialize()
        await set_commands(self.app)
        if self.webhook and self.settings.telegram_webhook_url:
            await self.app.bot.set_webhook(self.settings.telegram_webhook_url, secret_token=self._secret.decode(),
                                           allowed_updates=Update.ALL_TYPES)
        await self.app.start()
        if self.app.updater is not None:
            if self.leader is None:
                await self._poll()
            else:  # the leading worker polls; another takes over when it stops or loses its lead
                self.tasks.append(asyncio.create_task(self.leader.hold(self._poll, self._stop_polling),
                                                      name="qifa-telegram-poll"))
        self.tasks.append(asyncio.create_task(run_adviser_replies(self.app, self.runtime), name="qifa-advisers"))
        if self.settings.telegram_advisers_chat:
            self.tasks.append(asyncio.create_task(
                run_advisers_group(self.app, self.runtime, self.settings.telegram_advisers_chat),
                name="qifa-advisers-group"))
        log.info("telegram bot started (%s)", self.settings.telegram_mode)

    async def _poll(self) -> None:
        assert self.app.updater is not None
        await self.app.updater.start_polling(timeout=self.poll_timeout, allowed_updates=Update.ALL_TYPES)
        log.info("this worker polls Telegram")

    async def _stop_polling(self) -> None:
        if self.app.updater is not None and self.app.updater.running:
            await self.app.updater.stop()

    async def stop(self) -> None:
        starter, self._starter = self._starter, None
        if starter is not None:
            starter.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await starter
        await self._teardown()

    async def _teardown(self) -> None:
        self.ready = False
        for task in self.tasks:
            task.cancel()
        for task in self.tasks:
            try:
                await task
            except asyncio.CancelledError:
                pass
            except Exception:  # a task that had failed must not stop the rest of the shut-down
                log.warning("telegram task %s had failed", task.get_name(), exc_info=True)
        self.tasks.clear()
        if self.app.updater is not None and self.app.updater.running:
            await self.app.updater.stop()
        if self.app.running:
            await self.app.stop()
        with contextlib.suppress(RuntimeError):  # not initialised
            await self.app.shutdown()
