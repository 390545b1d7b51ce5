"""The engine every channel calls: ``Assistant.handle(session_id, message) -> Reply``."""

from __future__ import annotations

import uuid

from assistant.answer import extractive
from assistant.reply import Citation, Reply
from config import Settings
from knowledge.base import KnowledgeBase
from knowledge.tokens import is_english


class InvalidMessage(ValueError):
    """A message the engine refuses, with a message fit for the user."""


class Assistant:
    def __init__(self, settings: Settings, kb: KnowledgeBase) -> None:
        self.settings = settings
        self.kb = kb

    def check(self, message: str) -> str:
        text = (message or "").replace("\x00", "").strip()
        if not text:
            raise InvalidMessage("message is empty / 消息不能为空")
        if len(text) > self.settings.max_message_chars:
            raise InvalidMessage(
                f"message is {len(text)} characters, over the limit of {self.settings.max_message_chars} "
                f"/ 消息过长（{len(text)} 字），上限 {self.settings.max_message_chars} 字"
            )
        return text

    def handle(self, session_id: str | None, message: str, lang: str | None = None) -> Reply:
        text = self.check(message)
        lang = lang or ("en" if is_english(text) else "zh")
        passages = self.kb.search(text, k=self.settings.retrieval_top_k)
        citations = [Citation.from_passage(p) for p in passages]
        return Reply(
            session_id=session_id or uuid.uuid4().hex,
            reply=extractive(citations, lang),
            route="answer",
            citations=citations,
            lang=lang,
        )
