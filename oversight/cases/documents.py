"""Documents on investigation activities: uploaded with an activity (a request's answer, a
meeting's minutes, a bank statement...), checked by content (``oversight.uploads``:
PDF, images, office files without macros; size-limited), stored once by SHA-256 in the shared
blob store (``registries.store``) with a ``CaseDocument`` row that ties it to the case.

Access is the case's: the owning department and the investigators assigned to the case
(``oversight.cases.access``). The upload is audited as a row change; every download is an
audit entry of its own."""
from __future__ import annotations

from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from oversight.audit import record_view
from oversight.cases.models import Case, CaseActivity, CaseDocument
from oversight.cases.services import CaseError, _actor_name
from oversight.uploads import UploadError, check_attachment, safe_filename

DEFAULT_MAX_MB = 20


def max_upload_bytes() -> int:
    mb = current_app.config["CASES_DOCUMENT_MAX_MB"] if has_app_context() else DEFAULT_MAX_MB
    return int(float(mb) * 1024 * 1024)


def read_upload(storage) -> tuple[str, bytes]:
    """(filename, body) of a form's file; reads at most the limit + 1 byte, so a file too
    large is refused without reading it all into memory."""
    limit = max_upload_bytes()
    return storage.filename, storage.stream.read(limit + 1)


def add_document(session: Session, user, case: Case, activity: CaseActivity, *,
                 filename: str, data: bytes) -> CaseDocument:
    from registries.store import put_blob

    if activity.case_id != case.id:
        raise CaseError(_("Händelsen hör inte till ärendet."))
    if case.status in ("closed", "not_opened"):
        raise CaseError(_("Ärendet är avslutat; dokument kan inte läggas till."))
    try:
        content_type = check_attachment(filename, data, max_upload_bytes(), what=_("Dokumentet"))
    except UploadError as exc:
        raise CaseError(str(exc)) from None
    document = CaseDocument(
        case_id=case.id, department_id=case.department_id,
        sha256=put_blob(session, data, content_type), filename=safe_filename(filename),
        content_type=content_type, size=len(data), uploaded_by_id=getattr(user, "id", None),
        uploaded_by_name=_actor_name(user))
    activity.documents.append(document)
    session.flush()
    return document


def document_of(case: Case, document_id: int) -> CaseDocument | None:
    """The case's document with that id (None when it belongs to another case)."""
    return next((d for a in case.activities for d in a.documents if d.id == document_id), None)


def download(session: Session, user, case: Case, document: CaseDocument) -> bytes:
    """The document's body; the download is recorded in the audit trail. Fails closed: a
    body that is missing or does not match its checksum is not served."""
    from registries.store import blob_data, sha256_hex

    data = blob_data(session, document.sha256)
    if data is None or sha256_hex(data) != document.sha256:
        raise CaseError(_("Dokumentets innehåll saknas eller stämmer inte med kontrollsumman."))
    record_view(session, "fut_case_document", document.id,
                f"{_actor_name(user)} laddade ned dokumentet {document.filename} i ärende {case.reference}")
    return data
