"""Every table, imported in one place so that Alembic and ``create_all`` see them all."""

from db.models_alerts import Delivery, DocumentTopics, Notice, Subscription  # compliance alerts
from db.models_chat import ChatMessage, ChatSession, Handoff
from db.models_checkups import CheckupEdit, CheckupReport  # self-check reports and curated questionnaires
from db.models_curation import (  # uploads and the audit log
    AuditEntry,
    CatalogueEdit,
    Faq,
    IntentExample,
    KbUpload,
    ReviewDecision,
    ReviewMark,
)
from db.models_kb import KbChunk, KbDocument, KbMeta
from db.models_limits import LoginFailures, RateCounter, StreamLease  # limits shared by workers
from db.models_moderation import ModerationEvent, SensitiveWord  # sensitive words and their review log
from db.models_orders import Order, OrderCounter, OrderEvent  # service orders
from db.models_sites import Site, SiteOrigin  # web sites embedding the widget
from db.models_staff import StaffUser  # staff accounts
from db.models_telegram import TelegramUpdate  # webhook updates taken

__all__ = [
    "AuditEntry",
    "CatalogueEdit",
    "ChatMessage",
    "ChatSession",
    "CheckupEdit",
    "CheckupReport",
    "Delivery",
    "DocumentTopics",
    "Faq",
    "Handoff",
    "IntentExample",
    "KbChunk",
    "KbDocument",
    "KbMeta",
    "KbUpload",
    "LoginFailures",
    "ModerationEvent",
    "Notice",
    "Order",
    "OrderCounter",
    "OrderEvent",
    "RateCounter",
    "ReviewDecision",
    "ReviewMark",
    "SensitiveWord",
    "Site",
    "SiteOrigin",
    "StaffUser",
    "StreamLease",
    "Subscription",
    "TelegramUpdate",
]
