"""Documents attached to manual registry answers: a PDF or an image (PNG/JPEG), size-limited,
type checked by content (not by the file name), body stored once in ``registry_blob``.

Reusable: ``read_upload`` (from a form's FileStorage) then ``store_document``; put the
document's id on the ``RegistryResult`` (``document_id``) so the evidence page links it.
"""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from oversight.uploads import UploadError, check_document, safe_filename
from registries.models import RegistryDocument
from registries.store import put_blob

# What an acceptable document is, is defined once, in oversight.uploads.
DocumentError = UploadError


def read_upload(storage, max_bytes: int) -> tuple[str, bytes]:
    """(filename, body) of an uploaded file; reads at most ``max_bytes + 1`` bytes."""
    if storage is None or not getattr(storage, "filename", ""):
        raise DocumentError(_("Bifoga dokumentet (PDF eller bild)."))
    data = storage.stream.read(max_bytes + 1)
    return storage.filename, data


def store_document(session: Session, user, filename: str, data: bytes, document_date: date | None,
                   max_bytes: int) -> RegistryDocument:
    content_type = check_document(filename, data, max_bytes)
    safe_name = safe_filename(filename)
    document = RegistryDocument(
        sha256=put_blob(session, data, content_type), filename=safe_name, content_type=content_type,
        size=len(data), document_date=document_date, uploaded_by_id=getattr(user, "id", None))
    session.add(document)
    session.flush()
    return document
