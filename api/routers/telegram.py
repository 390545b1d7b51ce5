"""``POST /telegram/webhook``: Telegram's updates in webhook mode, handed to the running bot's update queue.

The ``X-Telegram-Bot-Api-Secret-Token`` header must equal QIFA_TELEGRAM_WEBHOOK_SECRET (constant-time
comparison); missing or wrong: 403. Without a bot in webhook mode the route answers 404.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response

router = APIRouter(tags=["telegram"])
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@router.post("/telegram/webhook", include_in_schema=False)
async def telegram_webhook(request: Request) -> Response:
    bot: Any = getattr(request.app.state, "telegram", None)
    if bot is None or not bot.webhook:
        raise HTTPException(404, "the Telegram bot is not running in webhook mode")
    if not bot.check_secret(request.headers.get(SECRET_HEADER)):
        raise HTTPException(403, "wrong or missing secret token")
    if not bot.ready:  # still trying to reach Telegram: Telegram delivers the update again later
        raise HTTPException(503, "the Telegram bot is starting")
    try:
        data = await request.json()
    except ValueError:
        raise HTTPException(400, "the body is not JSON") from None
    update_id = data.get("update_id") if isinstance(data, dict) else None
    if not isinstance(update_id, int) or isinstance(update_id, bool) or not 0 <= update_id < 2**63:
        raise HTTPException(400, "the body is not a Telegram update")
    await bot.feed(data)
    return Response(status_code=200)
