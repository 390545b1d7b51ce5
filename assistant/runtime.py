"""Everything heavy, built once at start-up and handed to the channels."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assistant.accounts import Accounts  # staff accounts
from assistant.advisers import AdviserDesk  # advisers
from assistant.conversations import Conversations
from assistant.engine import Assistant
from assistant.forms import OrderForm
from assistant.handoffs import Handoffs
from assistant.llm import LlmWriter, build_chat_model
from assistant.orders import OrderDesk
from config import Settings
from db import Database
from knowledge.base import KnowledgeBase
from knowledge.catalogue import Catalogue, load_catalogue
from knowledge.embeddings import QifaEmbeddings
from knowledge.factory import ensure_shipped, open_database, open_knowledge_base
from knowledge.tokens import warm_up


@dataclass
class Runtime:
    settings: Settings
    db: Database
    kb: KnowledgeBase
    catalogue: Catalogue
    conversations: Conversations
    handoffs: Handoffs
    assistant: Assistant
    orders: OrderDesk | None = None  # service orders
    accounts: Accounts | None = None  # staff accounts
    advisers: AdviserDesk | None = None  # the advisers' desk

    def close(self) -> None:
        self.db.dispose()


def build_runtime(
    settings: Settings,
    *,
    rebuild: bool = False,
    shipped: bool = True,
    embeddings: QifaEmbeddings | None = None,
    chat_model: Any = None,
) -> Runtime:
    """``chat_model`` overrides the configured LLM (tests pass LangChain's fake chat models)."""
    database = open_database(settings)
    catalogue = load_catalogue()
    kb = open_knowledge_base(settings, database, rebuild=rebuild, embeddings=embeddings)
    if shipped:
        ensure_shipped(kb, settings, catalogue)
    warm_up()
    if chat_model is None and settings.llm_enabled:
        key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
        chat_model = build_chat_model(str(settings.llm_base_url), str(settings.llm_model), key, settings.llm_timeout_s)
    conversations, handoffs = Conversations(database), Handoffs(database)
    assistant = Assistant(settings, kb, conversations, handoffs, catalogue,
                          LlmWriter(chat_model) if chat_model is not None else None)
    # service orders (the order form hooks into the engine)
    orders = OrderDesk(database, catalogue, settings.timezone, retention_days=settings.order_retention_days)
    assistant.forms = OrderForm(orders, catalogue)
    # staff accounts and the advisers' desk
    accounts = Accounts(database)
    advisers = AdviserDesk(database, conversations, assistant.hours, settings.handoff_response_minutes)
    return Runtime(settings, database, kb, catalogue, conversations, handoffs, assistant, orders, accounts, advisers)
