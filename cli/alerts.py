"""``qifa alerts dispatch``: send the compliance alerts that are due (web and, when QIFA_TELEGRAM_TOKEN is set,
Telegram), then stop; ``--watch`` keeps going like ``qifa serve``'s background task. ``qifa alerts topics``
lists the topics. Only the SQL store is opened; several dispatchers may run at once (each delivery is claimed
by one of them)."""

from __future__ import annotations

import argparse
import asyncio
import json
from typing import Any

from cli.errors import UserError
from config import Settings, get_settings


def add_parser(sub: Any) -> None:
    p = sub.add_parser("alerts", help="compliance alerts: send the due deliveries, list the topics")
    asub = p.add_subparsers(dest="action", required=True)
    d = asub.add_parser("dispatch", help="send the alerts that are due, then stop (or --watch)")
    d.add_argument("--watch", action="store_true", help="keep sending every QIFA_ALERTS_DISPATCH_INTERVAL_S")
    d.add_argument("--json", action="store_true", help="print the counts as JSON")
    d.set_defaults(func=dispatch)
    t = asub.add_parser("topics", help="list the alert topics")
    t.add_argument("--json", action="store_true")
    t.set_defaults(func=topics)


def topics(args: argparse.Namespace) -> int:
    from alerts import shipped_topics

    items = [t.to_json() for t in shipped_topics()]
    if args.json:
        print(json.dumps(items, ensure_ascii=False))
    else:
        for t in items:
            print(f"{t['id']:<12} {t['kind']:<9} {t['zh']} / {t['en']}")
    return 0


async def _dispatch(settings: Settings, watch: bool) -> dict[str, int]:
    from alerts import Dispatcher, DispatchReport, Sender, SendLimits, WebSender, shipped_topics
    from db import DataDirError, open_database

    try:
        db = open_database(settings)
    except DataDirError as exc:
        raise UserError(str(exc)) from exc
    senders: dict[str, Sender] = {"web": WebSender(db, shipped_topics())}
    bot = None
    if settings.telegram_token is not None:
        from telegram import Bot

        from bot.alerts import CHANNEL, TelegramSender

        base = (settings.telegram_api_base or "https://api.telegram.org").rstrip("/")
        bot = Bot(settings.telegram_token.get_secret_value(), base_url=f"{base}/bot", base_file_url=f"{base}/file/bot")
        await bot.initialize()
        senders[CHANNEL] = TelegramSender(lambda: bot, shipped_topics())
    dispatcher = Dispatcher(db, senders, SendLimits(settings.alerts_telegram_rate, settings.alerts_telegram_chat_rate),
                            max_attempts=settings.alerts_max_attempts, backoff_s=settings.alerts_retry_backoff_s,
                            lease_s=settings.alerts_lease_s)
    try:
        if watch:
            await dispatcher.run(settings.alerts_dispatch_interval_s)
        report: DispatchReport = await dispatcher.run_once()
        return {**report.to_json(), "waiting": dispatcher.pending()}
    finally:
        if bot is not None:
            await bot.shutdown()
        db.dispose()


def dispatch(args: argparse.Namespace) -> int:
    counts = asyncio.run(_dispatch(get_settings(), args.watch))
    if args.json:
        print(json.dumps(counts))
    else:
        print(f"sent {counts['sent']}; {counts['retried']} to retry later, {counts['failed']} failed; "
              f"{counts['waiting']} waiting")
    return 0
