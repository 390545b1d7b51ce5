"""Compliance alerts in Telegram: one notice as a chat message with its action buttons (ask about it, order a
service, manage the subscription), sent by the alert dispatcher (``alerts.Dispatcher``) through the bot.

Telegram's answers become the dispatcher's outcomes: flood control (RetryAfter) and network trouble are retried
(after Telegram's ``retry_after`` or the backoff); a chat that blocked the bot or does not exist fails at once.
A notice withdrawn after its copy went out is recalled: each message of the copy (its ids were kept) is edited
into the withdrawal line, buttons removed; a message the user deleted meanwhile counts as taken back.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from alerts import DeliveryFailed, Job, Topics, notice_actions, notice_text
from alerts.render import WITHDRAWN_TEXT
from bot.render import MAX_CHARS, PARSE_MODE, Payloads, encode_payload, escape, split_text

CHANNEL = "telegram"


def alert_markup(job: Job, payloads: Payloads) -> InlineKeyboardMarkup:
    """The actions, one row each (every payload fits Telegram's 64 bytes, so any process can send them)."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(a.label, callback_data=encode_payload(a.message, payloads))]
                                 for a in notice_actions(job.notice, job.lang)])


class TelegramSender:
    """``bot()`` gives the bot to send with, or None while it is not running (the delivery waits)."""

    limited = True

    def __init__(self, bot: Callable[[], Bot | None], topics: Topics) -> None:
        self.bot, self.topics = bot, topics
        self.payloads = Payloads()

    async def send(self, job: Job) -> list[int]:
        """The parts of a long notice in order; a retry after some went out sends only the rest (their ids came
        back with the failure and were kept)."""
        bot, chat = self._target(job)
        parts = split_text(notice_text(job.notice, self.topics, job.lang), MAX_CHARS)
        sent: list[int] = list(job.message_ids[: len(parts)])

        async def each() -> None:
            for i in range(len(sent), len(parts)):
                markup = alert_markup(job, self.payloads) if i == len(parts) - 1 else None
                message = await bot.send_message(chat, escape(parts[i]), parse_mode=PARSE_MODE,
                                                 reply_markup=markup, disable_web_page_preview=True)
                sent.append(message.message_id)

        try:
            await _telegram(each())
        except DeliveryFailed as exc:
            exc.sent = sent
            raise
        return sent

    async def recall(self, job: Job) -> None:
        bot, chat = self._target(job)

        async def each() -> None:
            for message_id in job.message_ids:
                try:
                    await bot.edit_message_text(escape(WITHDRAWN_TEXT), chat_id=chat, message_id=message_id,
                                                parse_mode=PARSE_MODE, reply_markup=None)
                except BadRequest as exc:  # deleted by the user, or edited already (a retried recall)
                    text = exc.message.lower()
                    if "not found" not in text and "not modified" not in text:
                        raise

        await _telegram(each())

    def _target(self, job: Job) -> tuple[Bot, int]:
        bot = self.bot()
        if bot is None:
            raise DeliveryFailed("the Telegram bot is not running", retry_after=5.0)
        chat = job.external_id or ""
        if not chat.lstrip("-").isdigit():
            raise DeliveryFailed("the session has no Telegram chat id", permanent=True)
        return bot, int(chat)


async def _telegram(call: Awaitable[None]) -> None:
    """Telegram's errors as the dispatcher's outcomes."""
    try:
        await call
    except RetryAfter as exc:
        wait = exc.retry_after
        seconds = wait.total_seconds() if hasattr(wait, "total_seconds") else float(wait)
        raise DeliveryFailed(f"flood control: retry after {seconds:g} s", retry_after=seconds) from exc
    except (Forbidden, BadRequest) as exc:  # blocked, chat gone: retrying will not help
        raise DeliveryFailed(f"{type(exc).__name__}: {exc.message}", permanent=True) from exc
    except TelegramError as exc:  # network trouble, timeouts, Telegram's 5xx
        raise DeliveryFailed(f"{type(exc).__name__}: {exc.message}") from exc
