"""Documents uploaded as evidence (registry answers, account-holder answers, hearing documents):
a PDF or an image, size-limited, with the type taken from the content, never from the name or
the browser's claim."""
from __future__ import annotations

import os

DOCUMENT_TYPES = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
)
ALLOWED_LABEL = "PDF, PNG eller JPEG"


class UploadError(ValueError):
    """What is wrong with an uploaded document, in Swedish."""


def sniff_document(data: bytes) -> str | None:
    """The content type from the file's first bytes, or None if it is not an accepted kind."""
    return next((ctype for magic, ctype, _ in DOCUMENT_TYPES if data.startswith(magic)), None)


def check_document(filename: str, data: bytes, max_bytes: int, what: str = "Dokumentet") -> str:
    """The document's content type, or an UploadError saying what is wrong."""
    if not data:
        raise UploadError(f"{what} är tomt.")
    if len(data) > max_bytes:
        raise UploadError(f"{what} är större än {max_bytes / (1024 * 1024):g} MB.")
    content_type = sniff_document(data)
    if content_type is None:
        raise UploadError(f"{what} {os.path.basename(filename or '')!r} är inte en {ALLOWED_LABEL}-fil.")
    return content_type


def safe_filename(filename: str | None, default: str = "dokument", limit: int = 255) -> str:
    """The bare file name (no client path), for storing and for Content-Disposition."""
    return os.path.basename((filename or "").replace("\\", "/"))[:limit] or default
