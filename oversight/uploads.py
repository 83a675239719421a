"""Documents uploaded as evidence (registry answers, account-holder answers, hearing documents):
a PDF or an image, size-limited, with the type taken from the content, never from the name or
the browser's claim."""
from __future__ import annotations

import os

from flask_babel import gettext as _

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


def check_document(filename: str, data: bytes, max_bytes: int, what: str | None = None) -> str:
    """The document's content type, or an UploadError saying what is wrong."""
    what = what or _("Dokumentet")
    if not data:
        raise UploadError(_("%(what)s är tomt.", what=what))
    if len(data) > max_bytes:
        raise UploadError(_("%(what)s är större än %(max_bytes)g MB.", what=what, max_bytes=max_bytes / (1024 * 1024)))
    content_type = sniff_document(data)
    if content_type is None:
        raise UploadError(_("%(what)s %(path)r är inte en %(allowed_label)s-fil.",
                            what=what, path=os.path.basename(filename or ''), allowed_label=ALLOWED_LABEL))
    return content_type


def safe_filename(filename: str | None, default: str = "dokument", limit: int = 255) -> str:
    """The bare file name (no client path), for storing and for Content-Disposition."""
    return os.path.basename((filename or "").replace("\\", "/"))[:limit] or default


def read_bounded(stream, max_bytes: int, what: str | None = None) -> bytes:
    """Read an uploaded file, refusing it as soon as it passes ``max_bytes`` (never more than
    one chunk beyond the limit is held in memory)."""
    what = what or _("Filen")
    chunks, size = [], 0
    while True:
        chunk = stream.read(1024 * 1024)
        if not chunk:
            break
        size += len(chunk)
        if size > max_bytes:
            raise UploadError(_("%(what)s är större än %(max_bytes)g MB.", what=what,
                                max_bytes=max_bytes / (1024 * 1024)))
        chunks.append(chunk)
    data = b"".join(chunks)
    if not data.strip():
        raise UploadError(_("%(what)s är tomt.", what=what))
    return data


def import_max_bytes() -> int:
    """The largest import file a web request stores (``IMPORT_MAX_FILE_MB``)."""
    from flask import current_app

    return int(float(current_app.config.get("IMPORT_MAX_FILE_MB", 100)) * 1024 * 1024)
