"""Reply -> Telegram messages: text split under Telegram's limit, escaped for HTML, keyboards from suggestions.

Pure functions (no network): the bot's handlers and the tests call them. Button payloads are what the user
would have typed (``/service ID``, ``/category 法律咨询``, ``同意``…); Telegram allows at most 64 bytes of
``callback_data``, so payloads are written in a short form (``s:ID``, ``o:ID``, ``c:0``) and anything else
that does not fit goes through a small in-memory table (:class:`Payloads`).
"""

from __future__ import annotations

import hashlib
import html
from collections import OrderedDict
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from assistant.reply import Reply, Suggestion
from knowledge.catalogue import CATEGORIES, SCENARIOS

MAX_CHARS = 4096  # Telegram's limit on one message, in UTF-16 code units after entity parsing
MAX_CALLBACK_BYTES = 64
PARSE_MODE = "HTML"

# callback_data prefixes (the "states" of a button press)
CB_SERVICE = "s"  # s:<service id>       -> /service <id>
CB_ORDER = "o"  # o:<service id>         -> /order <id>
CB_CATEGORY = "c"  # c:<index>           -> /category <name>
CB_SCENARIO = "sc"  # sc:<index>         -> /scenario <name>
CB_FEEDBACK = "fb"  # fb:<message id>:1|-1
CB_MESSAGE = "m"  # m:<text>             -> the text itself (when it fits)
CB_HASHED = "h"  # h:<digest>            -> a long payload kept in Payloads

VOTE_UP, VOTE_DOWN = 1, -1
FEEDBACK_LABELS = {VOTE_UP: "👍", VOTE_DOWN: "👎"}
HANDOFF_MARK = "🧑‍💼 "
ADVISER_MARK = "👩‍💼"

_CATEGORY_NAMES = list(CATEGORIES)
_SCENARIO_NAMES = list(SCENARIOS)


@dataclass(frozen=True)
class Outgoing:
    text: str  # already escaped for PARSE_MODE
    markup: InlineKeyboardMarkup | None = None


@dataclass(frozen=True)
class Feedback:
    message_id: int
    vote: int


class Payloads:
    """Long button payloads by digest (bounded; oldest forgotten first). Only for payloads over 64 bytes,
    which the engine does not produce today; a forgotten one makes the button answer "expired"."""

    def __init__(self, size: int = 2048) -> None:
        self.size = size
        self._items: OrderedDict[str, str] = OrderedDict()

    def put(self, message: str) -> str:
        key = hashlib.sha256(message.encode()).hexdigest()[:16]
        self._items[key] = message
        self._items.move_to_end(key)
        while len(self._items) > self.size:
            self._items.popitem(last=False)
        return key

    def get(self, key: str) -> str | None:
        return self._items.get(key)


def _fits(data: str) -> bool:
    return len(data.encode()) <= MAX_CALLBACK_BYTES


def encode_payload(message: str, payloads: Payloads) -> str:
    """The callback_data (≤ 64 bytes) for a suggestion's message."""
    command, _, arg = message.partition(" ")
    arg = arg.strip()
    short: str | None = None
    if command == "/service" and arg:
        short = f"{CB_SERVICE}:{arg}"
    elif command == "/order" and arg:
        short = f"{CB_ORDER}:{arg}"
    elif command == "/category" and arg in _CATEGORY_NAMES:
        short = f"{CB_CATEGORY}:{_CATEGORY_NAMES.index(arg)}"
    elif command == "/scenario" and arg in _SCENARIO_NAMES:
        short = f"{CB_SCENARIO}:{_SCENARIO_NAMES.index(arg)}"
    if short is not None and _fits(short):
        return short
    plain = f"{CB_MESSAGE}:{message}"
    if _fits(plain):
        return plain
    return f"{CB_HASHED}:{payloads.put(message)}"


def decode_payload(data: str, payloads: Payloads) -> str | Feedback | None:
    """The message a button stands for, a :class:`Feedback` vote, or None when the data is unknown."""
    prefix, _, rest = data.partition(":")
    if prefix == CB_FEEDBACK:
        mid, _, vote = rest.partition(":")
        if mid.isascii() and mid.isdigit() and vote in ("1", "-1"):
            return Feedback(int(mid), int(vote))
        return None
    if not rest:
        return None
    if prefix == CB_SERVICE:
        return f"/service {rest}"
    if prefix == CB_ORDER:
        return f"/order {rest}"
    if prefix in (CB_CATEGORY, CB_SCENARIO):
        names = _CATEGORY_NAMES if prefix == CB_CATEGORY else _SCENARIO_NAMES
        if rest.isascii() and rest.isdigit() and int(rest) < len(names):
            word = "category" if prefix == CB_CATEGORY else "scenario"
            return f"/{word} {names[int(rest)]}"
        return None
    if prefix == CB_MESSAGE:
        return rest
    if prefix == CB_HASHED:
        return payloads.get(rest)
    return None


def feedback_data(message_id: int, vote: int) -> str:
    return f"{CB_FEEDBACK}:{message_id}:{vote}"


# ---- text -------------------------------------------------------------------------------------------------
def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _hard_cut(text: str, limit: int) -> list[str]:
    out: list[str] = []
    while utf16_len(text) > limit:
        n = min(len(text), limit)
        while utf16_len(text[:n]) > limit:
            n -= 1
        out.append(text[:n])
        text = text[n:]
    if text:
        out.append(text)
    return out


def _pack(pieces: list[str], sep: str, limit: int) -> list[str]:
    chunks: list[str] = []
    current = ""
    for piece in pieces:
        candidate = f"{current}{sep}{piece}" if current else piece
        if utf16_len(candidate) <= limit:
            current = candidate
            continue
        if current:
            chunks.append(current)
        current = piece
    if current:
        chunks.append(current)
    return chunks


def split_text(text: str, limit: int = MAX_CHARS) -> list[str]:
    """Cut ``text`` into pieces of at most ``limit`` UTF-16 units: at paragraph breaks (blank lines) where
    possible, else at line breaks, else (one enormous line) anywhere."""
    text = text.strip()
    if not text:
        return []
    if utf16_len(text) <= limit:
        return [text]
    pieces: list[str] = []
    for para in (p.strip() for p in text.split("\n\n")):
        if not para:
            continue
        if utf16_len(para) <= limit:
            pieces.append(para)
            continue
        for line in _pack([ln for ln in para.split("\n") if ln.strip()], "\n", limit):
            pieces.extend(_hard_cut(line, limit))
    return _pack(pieces, "\n\n", limit)


def escape(text: str) -> str:
    return html.escape(text, quote=False)


# ---- keyboards ----------------------------------------------------------------------------------------------
def keyboard(suggestions: list[Suggestion], payloads: Payloads) -> list[list[InlineKeyboardButton]]:
    """Service and category lists one per row (long names); short actions (预约/详情, 同意/取消) side by side."""
    rows: list[list[InlineKeyboardButton]] = []
    pair: list[InlineKeyboardButton] = []
    answers: list[InlineKeyboardButton] = []
    for s in suggestions:
        button = InlineKeyboardButton(s.label[:64], callback_data=encode_payload(s.message, payloads))
        if s.kind == "answer":  # a self-check's 是 / 否 / 不确定 side by side
            answers.append(button)
            if len(answers) == 1:
                rows.append(answers)
            continue
        if s.kind in ("service", "category", "scenario", "cancel_order") or len(s.label) > 14:
            if pair:
                rows.append(pair)
                pair = []
            rows.append([button])
            continue
        pair.append(button)
        if len(pair) == 2:
            rows.append(pair)
            pair = []
    if pair:
        rows.append(pair)
    return rows


def feedback_row(message_id: int) -> list[InlineKeyboardButton]:
    return [InlineKeyboardButton(label, callback_data=feedback_data(message_id, vote))
            for vote, label in FEEDBACK_LABELS.items()]


def render(reply: Reply, payloads: Payloads, limit: int = MAX_CHARS) -> list[Outgoing]:
    """The messages for one engine reply. The keyboard (suggestions, then 👍/👎 under an answer) goes with the
    last message; the first carries a hand-off mark when the conversation was handed to an adviser. The
    personal-data notice of a session's first reply follows the greeting of a menu, else ends the text."""
    text = reply.reply
    if reply.route == "answer" and reply.citations and "[1]" not in text:
        text += "\n\n" + "\n".join(f"[{n}] {c.label()}" for n, c in enumerate(reply.citations, start=1))
    if reply.notice:
        head, _, rest = text.partition("\n\n") if reply.route == "menu" else (text, "", "")
        text = "\n\n".join(p for p in (head, reply.notice, rest) if p)
    if reply.route == "handoff" and text:
        text = HANDOFF_MARK + text
    # escaping can lengthen the text but Telegram counts characters after parsing, so split the raw text
    parts = [escape(p) for p in split_text(text, limit)]
    rows = keyboard(reply.suggestions, payloads)
    if reply.route == "answer" and reply.message_id is not None:
        rows.append(feedback_row(reply.message_id))
    markup = InlineKeyboardMarkup(rows) if rows else None
    if not parts:
        return [Outgoing("…", markup)] if markup else []
    return [Outgoing(p, markup if i == len(parts) - 1 else None) for i, p in enumerate(parts)]


def adviser_message(author: str | None, text: str, lang: str = "zh") -> list[str]:
    """An adviser's reply as bot messages, marked as from an adviser (escaped, split)."""
    who = (author or "").strip()
    head = f"{ADVISER_MARK} 法律顾问 {who}：" if lang == "zh" else f"{ADVISER_MARK} Legal adviser {who}: "
    head = head.replace("  ", " ")
    parts = split_text(text, MAX_CHARS - utf16_len(head) - 1) or [""]
    return [f"<b>{escape(head)}</b>{escape(p)}" if i == 0 else escape(p) for i, p in enumerate(parts)]
