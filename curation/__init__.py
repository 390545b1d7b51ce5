"""Curating the knowledge base from the staff console and the API: documents (upload, metadata, validity,
new versions, removal) with background indexing, and the audit log of every change."""

from curation.audit import AuditLog, AuditRecord
from curation.catalogue_edits import CatalogueEditor, CatalogueInvalid, UnknownCatalogueService
from curation.documents import DocumentDesk, DocumentRow
from curation.errors import (
    CurationError,
    DuplicateFile,
    FileRefused,
    FileTooLarge,
    InvalidMetadata,
    UnknownDocument,
)
from curation.faq import DuplicateFaq, FaqBook, FaqEntry, FaqHit, UnknownFaq
from curation.hit_testing import HitTest, hit_test
from curation.intent_examples import DuplicateIntentExample, ExampleEntry, IntentExamples, UnknownIntentExample
from curation.links import DocumentLinks, UnknownLink
from curation.metadata import VALIDITY
from curation.review import ReviewGroup, ReviewQueue, UnknownReviewGroup

__all__ = ["VALIDITY", "AuditLog", "AuditRecord", "CatalogueEditor", "CatalogueInvalid", "CurationError",
    "DocumentDesk", "DocumentLinks", "DocumentRow", "DuplicateFaq", "DuplicateFile", "DuplicateIntentExample",
    "ExampleEntry", "FaqBook", "FaqEntry", "FaqHit", "FileRefused", "FileTooLarge", "HitTest", "IntentExamples",
    "InvalidMetadata", "ReviewGroup", "ReviewQueue", "UnknownCatalogueService", "UnknownDocument", "UnknownFaq",
    "UnknownIntentExample", "UnknownLink", "UnknownReviewGroup", "hit_test"]
