"""A small Telegram Bot API emulator: a real HTTP server on 127.0.0.1 (free port) in a background thread.

It implements the methods the bot uses, records every call, and lets a test inject user messages and button
presses as updates, which the real python-telegram-bot client fetches with getUpdates (long polling) —
or which a test posts to the webhook itself. ``fail_next`` makes the next call of a method fail the way
Telegram does (``{"ok": false, "error_code": 400, ...}``).
"""

from __future__ import annotations

import asyncio
import email.policy
import html
import itertools
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

BOT_ID = 7000001
BOT_USERNAME = "qifa_test_bot"
JSON_KEYS = {"reply_markup", "commands", "scope", "allowed_updates", "timeout", "offset", "limit", "message_id",
             "show_alert", "link_preview_options", "reply_parameters", "entities", "disable_web_page_preview",
             "drop_pending_updates", "chat_id", "reply_to_message_id"}


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client closing its keep-alive connection (the bot shutting down) is not an error."""
        import sys

        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)


class BotApiEmulator:
    def __init__(self, token: str = "123456:TEST-token", port: int = 0) -> None:
        self.token = token
        self.calls: list[Call] = []
        self.updates: list[dict[str, Any]] = []
        self.failures: dict[str, list[str]] = {}
        self.fail_after: dict[str, int] = {}  # calls of a method that succeed before its queued failures
        self.failure_codes: dict[str, list[tuple[int, dict[str, Any]]]] = {}  # beside failures: code, parameters
        self.webhook: dict[str, Any] = {"url": ""}
        self._ids = itertools.count(1)
        self._update_ids = itertools.count(1000)
        self._lock = threading.Condition()
        self._server = _Server(("127.0.0.1", port), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    # ---- life ----------------------------------------------------------------------------------------------
    @property
    def base(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> BotApiEmulator:
        self._thread.start()
        return self

    def stop(self) -> None:
        with self._lock:
            self._lock.notify_all()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    # ---- what the test does ---------------------------------------------------------------------------------
    def fail_next(self, method: str, description: str = "Bad Request: can't parse entities", code: int = 400,
                  parameters: dict[str, Any] | None = None, after: int = 0) -> None:
        """The next call of ``method`` fails: 400 by default; e.g. 429 with ``{"retry_after": 1}`` (flood
        control) or 403 (the user blocked the bot). ``after``: that many calls of it succeed first."""
        with self._lock:
            self.fail_after[method] = after
            self.failures.setdefault(method, []).append(description)
            self.failure_codes.setdefault(method, []).append((code, parameters or {}))

    def user(self, user_id: int, language_code: str = "zh-hans") -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": f"User{user_id}", "language_code": language_code}

    def message_update(self, chat_id: int, text: str, *, user_id: int | None = None, chat_type: str = "private",
                       reply_to: dict[str, Any] | None = None, language_code: str = "zh-hans",
                       first_name: str | None = None) -> dict[str, Any]:
        sender = self.user(user_id or chat_id, language_code)
        if first_name:
            sender["first_name"] = first_name
        chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
        if chat_type != "private":
            chat["title"] = "advisers"
        message: dict[str, Any] = {"message_id": next(self._ids), "date": int(time.time()), "chat": chat,
                                   "from": sender, "text": text}
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split(" ")[0])}]
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        return {"update_id": next(self._update_ids), "message": message}

    def callback_update(self, chat_id: int, data: str, message: dict[str, Any],
                        language_code: str = "zh-hans") -> dict[str, Any]:
        query = {"id": str(next(self._ids)), "from": self.user(chat_id, language_code), "chat_instance": "ci",
                 "data": data, "message": message}
        return {"update_id": next(self._update_ids), "callback_query": query}

    def push(self, update: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            self.updates.append(update)
            self._lock.notify_all()
        return update

    def send_text(self, chat_id: int, text: str, **kw: Any) -> dict[str, Any]:
        return self.push(self.message_update(chat_id, text, **kw))

    def press(self, chat_id: int, data: str, message: dict[str, Any]) -> dict[str, Any]:
        return self.push(self.callback_update(chat_id, data, message))

    # ---- what the test reads ---------------------------------------------------------------------------------
    def calls_of(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def sent(self, chat_id: int) -> list[dict[str, Any]]:
        """The messages the bot sent to a chat, as Telegram would return them (with ``reply_markup``)."""
        with self._lock:
            return [c.params["result"] for c in self.calls
                    if c.method == "sendMessage" and c.params.get("chat_id") == chat_id and "result" in c.params]

    async def wait_sent(self, chat_id: int, count: int, timeout: float = 20.0) -> list[dict[str, Any]]:
        """Wait (without blocking the event loop the bot runs in) until ``count`` messages were sent."""
        return await self.wait_until(lambda: len(self.sent(chat_id)) >= count, timeout,
                                     lambda: f"{count} messages to {chat_id}, got {self.sent(chat_id)}",
                                     result=lambda: self.sent(chat_id))

    async def wait_until(self, check: Callable[[], bool], timeout: float = 20.0,
                         what: Callable[[], str] = lambda: "condition", result: Callable[[], Any] = lambda: None
                         ) -> Any:
        deadline = time.monotonic() + timeout
        while not check():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what()}")
            await asyncio.sleep(0.02)
        return result()

    # ---- the server ----------------------------------------------------------------------------------------
    def _handler(self) -> type[BaseHTTPRequestHandler]:
        emulator = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

            def do_GET(self) -> None:
                self.do_POST()

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                kind = self.headers.get("Content-Type") or ""
                body = raw if kind.startswith("multipart/") else raw.decode()
                prefix = f"/bot{emulator.token}/"
                if not self.path.startswith(prefix):
                    self._reply(404, {"ok": False, "error_code": 404, "description": "Not Found"})
                    return
                method = self.path[len(prefix):].split("?")[0]
                params = emulator._params(body, self.headers.get("Content-Type") or "")
                status, payload = emulator._dispatch(method, params)
                self._reply(status, payload)

            def _reply(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler

    @staticmethod
    def _params(body: str | bytes, content_type: str) -> dict[str, Any]:
        if isinstance(body, bytes):  # multipart/form-data (sendDocument): fields as text, files as bytes
            message = BytesParser(policy=email.policy.HTTP).parsebytes(
                f"Content-Type: {content_type}\r\n\r\n".encode() + body)
            params: dict[str, Any] = {}
            for part in message.iter_parts():
                name, filename = part.get_param("name", header="content-disposition"), part.get_filename()
                payload = part.get_payload(decode=True) or b""
                if filename:
                    params[f"{name}_file"] = {"filename": filename, "bytes": payload}
                    continue
                text = payload.decode()
                try:
                    params[str(name)] = json.loads(text) if name in JSON_KEYS else text
                except ValueError:
                    params[str(name)] = text
            return params
        if "application/json" in content_type:
            return dict(json.loads(body or "{}"))
        params = {}
        for key, value in parse_qsl(body, keep_blank_values=True):
            if key in JSON_KEYS:
                try:
                    params[key] = json.loads(value)
                    continue
                except ValueError:
                    pass
            params[key] = value
        return params

    def _record(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            self.calls.append(Call(method, params))
            self._lock.notify_all()
        return params

    def _dispatch(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if method == "getUpdates":
            return 200, {"ok": True, "result": self._get_updates(params)}
        with self._lock:
            failure = self.failures.get(method)
            if failure and self.fail_after.get(method, 0) > 0:
                self.fail_after[method] -= 1
                failure = None
            if failure:
                description = failure.pop(0)
                code, parameters = (self.failure_codes.get(method) or [(400, {})]).pop(0)
                self.calls.append(Call(method, {**params, "failed": description}))
                body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
                if parameters:
                    body["parameters"] = parameters
                return code, body
        text = params.get("text")
        if isinstance(text, str) and params.get("parse_mode") == "HTML":
            params["parsed_text"] = text = html.unescape(re.sub(r"<[^>]+>", "", text))
        if isinstance(text, str) and (not text.strip() or len(text.encode("utf-16-le")) // 2 > 4096):
            self._record(method, {**params, "failed": "too long or empty"})
            return 400, {"ok": False, "error_code": 400, "description": "Bad Request: message is too long"}
        result = self._result(method, params)
        if result is None:
            self._record(method, params)
            return 404, {"ok": False, "error_code": 404, "description": f"Not Found: method {method}"}
        params["result"] = result
        self._record(method, params)
        return 200, {"ok": True, "result": result}

    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        deadline = time.monotonic() + min(timeout, 30)
        with self._lock:
            self.calls.append(Call("getUpdates", dict(params)))
            if offset:
                self.updates = [u for u in self.updates if u["update_id"] >= offset]
            while not self.updates and time.monotonic() < deadline:
                self._lock.wait(timeout=max(0.0, min(0.2, deadline - time.monotonic())))
            return list(self.updates)

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        now = int(time.time())
        if method == "getMe":
            return {"id": BOT_ID, "is_bot": True, "first_name": "企法通", "username": BOT_USERNAME,
                    "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": False}
        if method == "sendMessage":
            chat_id = params["chat_id"]
            message: dict[str, Any] = {"message_id": next(self._ids), "date": now,
                                       "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"},
                                       "from": {"id": BOT_ID, "is_bot": True, "first_name": "企法通",
                                                "username": BOT_USERNAME},
                                       "text": params.get("parsed_text", params.get("text", ""))}
            if params.get("reply_markup"):
                message["reply_markup"] = params["reply_markup"]
            return message
        if method == "sendDocument":
            files = [v for k, v in params.items() if k.endswith("_file")]
            document = {"file_id": f"doc-{next(self._ids)}", "file_unique_id": "u", "file_name": files[0]["filename"],
                        "mime_type": "application/pdf", "file_size": len(files[0]["bytes"])} if files else {}
            return {"message_id": next(self._ids), "date": now, "chat": {"id": params["chat_id"], "type": "private"},
                    "document": document, "caption": params.get("caption", "")}
        if method == "editMessageText":
            return {"message_id": params.get("message_id", 0), "date": now,
                    "chat": {"id": params.get("chat_id", 0), "type": "private"}, "text": params.get("text", "")}
        if method == "setWebhook":
            self.webhook = {"url": params.get("url", ""), "secret_token": params.get("secret_token")}
            return True
        if method == "deleteWebhook":
            self.webhook = {"url": ""}
            return True
        if method == "getWebhookInfo":
            return {"url": self.webhook.get("url", ""), "has_custom_certificate": False, "pending_update_count": 0}
        if method in ("answerCallbackQuery", "setMyCommands", "sendChatAction", "editMessageReplyMarkup"):
            return True
        return None
