"""Background work of the Telegram channel: adviser replies pushed to enterprises, and the advisers' group.

- :func:`run_adviser_replies` polls the store every ``interval`` seconds for adviser messages on Telegram
  sessions not yet delivered, sends each to its chat (the session's external id) and marks it delivered.
- :func:`run_advisers_group` posts every new hand-off case (created after start-up) to the advisers' group;
  :func:`relay_adviser_reply` turns an adviser's Telegram reply to such a post into an adviser message of
  the case's conversation (delivered to the enterprise by whichever channel it uses).
"""

from __future__ import annotations

import asyncio
import logging
import re

from telegram import Update
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import Application, ContextTypes

from assistant.ports import DANGER_REASON
from bot.render import PARSE_MODE, adviser_message, escape, split_text
from composition import Runtime
from handoffs import (
    CaseError,
    CaseInfo,
    cases_after,
    claim_post,
    last_case_id,
    recent_user_messages,
    release_post,
)
from privacy import mask

log = logging.getLogger(__name__)

CHANNEL = "telegram"
INTERVAL_S = 0.5
CASE_RE = re.compile(r"#(\d+)")
CASE_CLOSED = "工单 #{case} 不存在或已关闭 / case #{case} is unknown or closed"
RELAYED = "✅ 已发送给企业（工单 #{case}）/ Sent to the enterprise (case #{case})"


# ---- adviser replies -> enterprises --------------------------------------------------------------------------
async def deliver_pending(app: Application, runtime: Runtime) -> int:
    """Send every undelivered adviser (and system) message of a Telegram session; returns how many were sent.

    Each message is claimed first (``Conversations.claim_delivery``), so with several workers running this
    loop a message is sent by one of them, once; a send that may succeed later hands the claim back."""
    convs = runtime.conversations
    pending = await asyncio.to_thread(convs.undelivered, CHANNEL, ("adviser", "system"))
    sent = 0
    for message, external_id in pending:
        if not await asyncio.to_thread(convs.claim_delivery, message.id):  # another worker has it
            continue
        chat_id = int(external_id) if external_id and external_id.lstrip("-").isdigit() else None
        if chat_id is None:  # not a Telegram chat: nothing to deliver to
            continue
        try:
            texts = (adviser_message(message.author, message.text) if message.role == "adviser"
                     else [escape(part) for part in split_text(message.text)])
            for text in texts:
                await app.bot.send_message(chat_id, text, parse_mode=PARSE_MODE)
        except (Forbidden, BadRequest) as exc:  # blocked the bot, chat gone: retrying will not help
            log.warning("adviser message %s could not be delivered: %s", message.id, type(exc).__name__)
        except TelegramError:  # network trouble, flood control: try again on the next round
            log.warning("adviser message %s: delivery will be retried", message.id, exc_info=True)
            await asyncio.to_thread(convs.release_delivery, message.id)
            break
        else:
            sent += 1
    return sent


async def run_adviser_replies(app: Application, runtime: Runtime,
                              interval: float = INTERVAL_S) -> None:
    while True:
        try:
            await deliver_pending(app, runtime)
        except asyncio.CancelledError:
            raise
        except Exception:  # keep the loop alive whatever happens to one round
            log.exception("adviser reply delivery failed")
        await asyncio.sleep(interval)


# ---- the advisers' group --------------------------------------------------------------------------------------
def case_post(case: CaseInfo, recent: list[str]) -> str:
    head = "🚨 人身安全 紧急 / URGENT: life or liberty at stake — " if case.reason == DANGER_REASON else "🆘 "
    lines = [f"{head}新工单 / New case #{case.id}",
             f"原因 reason: {case.reason} · 渠道 channel: {case.channel} · 语言 lang: {case.lang}"]
    if recent:
        lines.append("用户最近的消息 / Latest messages:")
        lines += [f"· {mask(text[:500])}" for text in recent]  # the group sees no phone, ID or credit code
    lines.append("回复（引用）本条消息即可答复企业。/ Reply to this message to answer the enterprise.")
    return escape("\n".join(lines))


async def post_new_cases(app: Application, runtime: Runtime, chat_id: int,
                         after_id: int) -> int:
    """Post cases created after ``after_id`` that no worker has posted yet (``claim_post``); returns the last
    id seen (or ``after_id``)."""
    cases = await asyncio.to_thread(cases_after, runtime.db, after_id)
    for case in cases:
        if await asyncio.to_thread(claim_post, runtime.db, case.id):
            recent = await asyncio.to_thread(recent_user_messages, runtime.db, case.session_id)
            try:
                for part in split_text(case_post(case, recent)):
                    await app.bot.send_message(chat_id, part, parse_mode=PARSE_MODE)
            except BaseException:
                await asyncio.to_thread(release_post, runtime.db, case.id)  # the next round tries again
                raise
        after_id = case.id
    return after_id


async def run_advisers_group(app: Application, runtime: Runtime, chat_id: int,
                             interval: float = INTERVAL_S) -> None:
    """Cases created before start-up are in the advisers' console, not re-posted at every restart."""
    last = await asyncio.to_thread(last_case_id, runtime.db)
    while True:
        try:
            last = await post_new_cases(app, runtime, chat_id, last)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("posting hand-off cases to the advisers' group failed")
        await asyncio.sleep(interval)


def store_adviser_reply(runtime: Runtime, case: CaseInfo, author: str, text: str) -> None:
    """Through the advisers' desk (claims an open case; refuses a closed one or another adviser's), else as
    an adviser message of the case's conversation. Raises CaseError with a bilingual message."""
    if runtime.advisers is not None:
        runtime.advisers.reply(case.id, author, text)
    else:
        runtime.conversations.add(case.session_id, "adviser", text, author=author)


async def relay_adviser_reply(runtime: Runtime, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Only called for text replies in the advisers' chat (the handler's filter); the replied-to message must
    be one of the bot's case posts."""
    msg = update.effective_message
    if msg is None or not msg.text or msg.reply_to_message is None:
        return
    original = msg.reply_to_message
    if original.from_user is None or original.from_user.id != context.bot.id:
        return
    found = CASE_RE.search(original.text or "")
    if found is None:
        return
    case_id = int(found.group(1))
    case = await asyncio.to_thread(runtime.handoffs.get, case_id)
    if case is None or case.status == "closed":
        await msg.reply_text(CASE_CLOSED.format(case=case_id))
        return
    author = msg.from_user.full_name if msg.from_user else "adviser"
    try:
        await asyncio.to_thread(store_adviser_reply, runtime, case, author, msg.text)
    except CaseError as exc:
        await msg.reply_text(str(exc))
        return
    await msg.reply_text(RELAYED.format(case=case_id))
