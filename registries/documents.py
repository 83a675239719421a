"""Documents attached to manual registry answers: a PDF or an image (PNG/JPEG), size-limited,
type checked by content (not by the file name), body stored once in ``registry_blob``.

Reusable: ``read_upload`` (from a form's FileStorage) then ``store_document``; put the
document's id on the ``RegistryResult`` (``document_id``) so the evidence page links it.
"""
from __future__ import annotations

import os
from datetime import date

from sqlalchemy.orm import Session

from registries.models import RegistryDocument
from registries.store import put_blob

SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)
ALLOWED_LABEL = "PDF, PNG eller JPEG"


class DocumentError(ValueError):
    """A user-facing (Swedish) message about an unacceptable document."""


def sniff(data: bytes) -> str | None:
    for signature, content_type in SIGNATURES:
        if data.startswith(signature):
            return content_type
    return None


def read_upload(storage, max_bytes: int) -> tuple[str, bytes]:
    """(filename, body) of an uploaded file; reads at most ``max_bytes + 1`` bytes."""
    if storage is None or not getattr(storage, "filename", ""):
        raise DocumentError("Bifoga dokumentet (PDF eller bild).")
    data = storage.stream.read(max_bytes + 1)
    return storage.filename, data


def check_document(filename: str, data: bytes, max_bytes: int) -> str:
    """The document's content type, or a DocumentError saying what is wrong."""
    if not data:
        raise DocumentError("Dokumentet är tomt.")
    if len(data) > max_bytes:
        raise DocumentError(f"Dokumentet är större än {max_bytes // (1024 * 1024)} MB.")
    content_type = sniff(data)
    if content_type is None:
        raise DocumentError(f"Dokumentet {os.path.basename(filename)!r} är inte en {ALLOWED_LABEL}-fil.")
    return content_type


def store_document(session: Session, user, filename: str, data: bytes, document_date: date | None,
                   max_bytes: int) -> RegistryDocument:
    content_type = check_document(filename, data, max_bytes)
    safe_name = os.path.basename(filename.replace("\\", "/"))[:255] or "dokument"
    document = RegistryDocument(
        sha256=put_blob(session, data, content_type), filename=safe_name, content_type=content_type,
        size=len(data), document_date=document_date, uploaded_by_id=getattr(user, "id", None))
    session.add(document)
    session.flush()
    return document
