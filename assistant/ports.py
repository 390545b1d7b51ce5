"""What the engine needs of the other domains, as protocols: the composition root hands in the real parts
(``orders.OrderForm``, ``handoffs.Handoffs``, ``handoffs.OfficeHours``), so the conversation never imports
the domains built on top of it."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

import numpy as np

from assistant.reply import Reply
from knowledge.base import Passage
from knowledge.catalogue import Service


class FormFlow(Protocol):
    """The order-form flow (``orders.OrderForm``)."""

    def active(self, state: dict[str, Any]) -> bool: ...
    def start(self, sid: str, service: Service, lang: str, state: dict[str, Any]) -> Reply: ...
    def step(self, sid: str, text: str, lang: str, state: dict[str, Any]) -> Reply: ...
    def command(self, sid: str, name: str, arg: str, lang: str, state: dict[str, Any]) -> Reply | None: ...
    def intercept(self, sid: str, text: str, lang: str, state: dict[str, Any]) -> Reply | None: ...
    def after(self, sid: str, lang: str, state: dict[str, Any], reply: Reply) -> None: ...
    def would_reject(self, text: str, state: dict[str, Any]) -> bool: ...
    def resume(self, state: dict[str, Any]) -> str: ...


class FaqAnswer(Protocol):
    """A curated answer that matched (``curation.FaqHit``)."""

    @property
    def id(self) -> int: ...
    @property
    def question(self) -> str: ...
    @property
    def answer(self) -> str: ...
    @property
    def score(self) -> float: ...


class FaqMatcher(Protocol):
    """Curated questions and answers consulted before retrieval (``curation.FaqBook``)."""

    def match(self, text: str) -> FaqAnswer | None: ...


class PassageLinks(Protocol):
    """Questions curators linked to documents (``curation.DocumentLinks``): a close question gets the linked
    document's best passage first, marked ``linked``."""

    def boost(self, query: str, passages: list[Passage], vector: np.ndarray | None = None) -> list[Passage]: ...


class Case(Protocol):
    """A hand-off case as the engine sees it (``handoffs.CaseInfo``)."""

    @property
    def id(self) -> int: ...
    @property
    def reason(self) -> str: ...
    def brief(self) -> dict[str, Any]: ...


class CaseBook(Protocol):
    """Opening and finding hand-off cases (``handoffs.Handoffs``)."""

    def active(self, session_id: str) -> Case | None: ...
    def open(self, session_id: str, reason: str, lang: str, passages: list[dict[str, Any]]) -> Case: ...
    def should_ack(self, case_id: int) -> bool: ...
    def withdraw(self, case_id: int) -> Case | None: ...


class Hours(Protocol):
    """The advisers' office hours (``handoffs.OfficeHours``)."""

    @property
    def spec(self) -> str: ...
    def is_open(self, now: datetime | None = None) -> bool: ...
    def next_opening(self, now: datetime | None = None) -> datetime: ...
