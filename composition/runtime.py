"""Everything heavy, built once at start-up from ``Settings`` and handed to the channels (api/, bot/, cli/)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from alerts import AlertBook, Dispatcher, DocumentAlerts, Notices, Sender, SendLimits, WebSender
from assistant.conversations import Conversations
from assistant.engine import Assistant
from assistant.llm import LlmWriter, build_chat_model
from assistant.moderation import SensitiveWords
from checkups import Checkups
from config import Settings
from curation import AuditLog, CatalogueEditor, DocumentDesk, DocumentLinks, FaqBook, IntentExamples, ReviewQueue
from db import Database, open_database
from db.engine import START_UP_LOCK
from handoffs import AdviserDesk, Handoffs, OfficeHours
from knowledge.base import KnowledgeBase
from knowledge.catalogue import Catalogue, load_catalogue
from knowledge.embeddings import QifaEmbeddings
from knowledge.factory import ensure_shipped, ensure_tokens, open_knowledge_base
from knowledge.tokens import warm_up
from orders import OrderDesk, OrderForm
from sites import Sites
from staff import Accounts, Tokens, signing_secret


@dataclass
class Runtime:
    """Every part, always present: channels never check whether something "is enabled"."""

    settings: Settings
    db: Database
    kb: KnowledgeBase
    catalogue: Catalogue
    conversations: Conversations
    handoffs: Handoffs
    assistant: Assistant
    orders: OrderDesk  # service orders
    accounts: Accounts  # staff accounts and the login throttle
    advisers: AdviserDesk  # the advisers' desk
    sites: Sites  # web sites embedding the widget
    tokens: Tokens  # staff login tokens, signed with the server's secret
    audit: AuditLog  # every change staff make to the knowledge base
    documents: DocumentDesk  # uploads, metadata, validity and removal of documents
    faqs: FaqBook  # curated answers, consulted by the engine before retrieval
    review: ReviewQueue  # questions the assistant did not serve well, grouped, for curators
    services: CatalogueEditor  # staff edits of the service catalogue (SQL over the shipped seed)
    intents: IntentExamples  # curators' example phrasings of the intents, merged with the shipped ones
    links: DocumentLinks  # questions curators linked to documents
    words: SensitiveWords  # the sensitive-word list (staff-edited part) and the review log of blocked messages
    checkups: Checkups  # the legal health self-check: questionnaires and reports
    alerts: AlertBook  # compliance-alert subscriptions of conversations
    notices: Notices  # compliance notices and their deliveries

    def refresh(self) -> None:
        """Changes other processes made to the catalogue, the intent examples and the questionnaires (each looked
        at at most once a second); the knowledge base, FAQs and links look for theirs when they are read."""
        self.services.refresh()
        self.intents.refresh()
        self.checkups.refresh()

    def dispatcher(self, senders: dict[str, Sender] | None = None) -> Dispatcher:
        """The alert dispatcher: the web channel always, plus ``senders`` (Telegram's, when the bot runs)."""
        cfg = self.settings
        return Dispatcher(self.db, {"web": WebSender(self.db, self.notices.topics), **(senders or {})},
                          SendLimits(cfg.alerts_telegram_rate, cfg.alerts_telegram_chat_rate),
                          max_attempts=cfg.alerts_max_attempts, backoff_s=cfg.alerts_retry_backoff_s,
                          lease_s=cfg.alerts_lease_s)

    def close(self) -> None:
        self.kb.vectors.stop_loading()
        self.documents.close()
        self.db.dispose()


def build_runtime(
    settings: Settings,
    *,
    rebuild: bool = False,
    shipped: bool = True,
    embeddings: QifaEmbeddings | None = None,
    chat_model: Any = None,
    prepared: bool = False,
) -> Runtime:
    """``chat_model`` overrides the configured LLM (tests pass LangChain's fake chat models). ``prepared``: the
    start-up work (migrations, the shipped knowledge, the intent model's fit) was done by another process (the
    parent of ``qifa serve --workers N``); this one only opens what is there."""
    database = open_database(settings, migrate=not prepared)
    secret = signing_secret(settings)  # an unusable secret stops start-up before anything heavy is built
    catalogue = load_catalogue()
    kb = open_knowledge_base(settings, database, rebuild=rebuild, embeddings=embeddings)
    audit = AuditLog(database)
    services = CatalogueEditor(database, kb, catalogue, audit)
    services.apply_stored()  # staff edits over the shipped seed, before the catalogue is indexed
    if not prepared:
        with database.exclusive(START_UP_LOCK):  # several processes starting on one PostgreSQL: one installs
            ensure_tokens(kb)  # stored keyword tokens of another tokenizer are cut again (knowledge.retokenize)
            if shipped:
                ensure_shipped(kb, settings, catalogue)
    warm_up()
    if chat_model is None and settings.llm_enabled:
        key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
        chat_model = build_chat_model(str(settings.llm_base_url), str(settings.llm_model), key, settings.llm_timeout_s)
    conversations, handoffs = Conversations(database), Handoffs(database)
    hours = OfficeHours.parse(settings.office_hours, settings.timezone)
    orders = OrderDesk(database, catalogue, conversations, settings.timezone,
                       retention_days=settings.order_retention_days)
    faqs = FaqBook(database, kb.embeddings, audit)
    words = SensitiveWords(database)
    links = DocumentLinks(database, kb, audit)
    checkups = Checkups(database, catalogue, audit)  # curators' edits of the questionnaires over the shipped YAML
    alerts = AlertBook(database, retention_days=settings.conversation_retention_days)
    notices = Notices(database, audit, alerts.topics)
    assistant = Assistant(settings, kb, conversations, handoffs, catalogue, hours, OrderForm(orders, catalogue),
                          LlmWriter(chat_model) if chat_model is not None else None, words=words,
                          faq=faqs, links=links, checkups=checkups, alerts=alerts)
    intents = IntentExamples(database, assistant.router, kb.embeddings, audit, settings.data_dir)
    intents.refresh()  # curated phrasings, if any, over the shipped examples
    advisers = AdviserDesk(database, conversations, hours, settings.handoff_response_minutes)
    documents = DocumentDesk(database, kb, audit, int(settings.max_file_mb * 1e6), settings.data_dir / "uploads",
                             topics=DocumentAlerts(database, notices))
    documents.resume()  # uploads a restart interrupted
    return Runtime(settings, database, kb, catalogue, conversations, handoffs, assistant, orders,
                   Accounts(database, shared_throttle=settings.shared_limits), advisers, Sites(database),
                   Tokens(secret, settings.token_expire_minutes), audit, documents, faqs,
                   ReviewQueue(database, kb, faqs, audit, intents, links), services, intents, links, words,
                   checkups, alerts, notices)
