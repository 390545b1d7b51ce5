"""Curating the knowledge base from the staff console and the API: documents (upload, metadata, validity,
new versions, removal) with background indexing, and the audit log of every change."""

from curation.audit import AuditLog, AuditRecord
from curation.documents import DocumentDesk, DocumentRow
from curation.errors import (
    CurationError,
    DuplicateFile,
    FileRefused,
    FileTooLarge,
    InvalidMetadata,
    UnknownDocument,
)
from curation.metadata import VALIDITY

__all__ = ["VALIDITY", "AuditLog", "AuditRecord", "CurationError", "DocumentDesk", "DocumentRow", "DuplicateFile",
           "FileRefused", "FileTooLarge", "InvalidMetadata", "UnknownDocument"]
