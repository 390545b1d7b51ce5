"""Refusals of curation requests; ``str(exc)`` is bilingual and fit for the person at the console."""

from __future__ import annotations


class CurationError(Exception):
    code = "curation_error"
    field = "document"


class FileRefused(CurationError):
    """The file cannot be read or indexed: its message says why (wrong type, zip bomb, no text layer …)."""

    code = "file_refused"
    field = "file"


class FileTooLarge(CurationError):
    code = "file_too_large"
    field = "file"

    def __init__(self, limit_bytes: int) -> None:
        mb = limit_bytes / 1e6
        super().__init__(f"the file is over the {mb:g} MB limit / 文件超过 {mb:g} MB 的上限")


class DuplicateFile(CurationError):
    code = "duplicate_document"
    field = "file"

    def __init__(self, document_id: str) -> None:
        self.document_id = document_id
        super().__init__(f"this file was uploaded already as document {document_id} / "
                         f"该文件已上传过（文档 {document_id}）")


class UnknownDocument(CurationError):
    code = "unknown_document"

    def __init__(self, document_id: str) -> None:
        super().__init__(f"no document '{document_id}' / 文档不存在")


class InvalidMetadata(CurationError):
    code = "invalid_metadata"

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)
