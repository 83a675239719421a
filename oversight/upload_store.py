"""Files uploaded for an import, kept until the background job that parses them is done.

The web request only reads the upload (bounded: ``oversight.uploads.read_bounded``), stores
it here and starts a job; the job parses it (no CSV or XLSX is opened in a web request) and
deletes it when the import succeeded. After a failure it stays, so *Kör om jobbet* can read it
again; unused ones are removed after a day. Only the job that names it reads it, so it carries
no route of its own (its department is the uploader's).

``start_upload_job`` is the one way a view hands an upload to a job: one import of a kind at
a time (``running_job_of_kind``), the job runs as the uploader. In immediate mode (tests) the
job has finished when it returns, so the view can show the result at once as before.
"""
from __future__ import annotations

import hashlib
import os
from datetime import datetime, timedelta

from sqlalchemy import DateTime, ForeignKey, Integer, LargeBinary, String, delete
from sqlalchemy.orm import Mapped, Session, mapped_column

from oversight.db import utcnow
from oversight.extensions import db
from oversight.uploads import safe_filename


class StoredUpload(db.Model):
    __tablename__ = "stored_upload"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(60))  # the job kind that reads it
    filename: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


def store_upload(session: Session, user, kind: str, filename: str | None,
                 data: bytes) -> StoredUpload:
    """Keep ``data`` (already read within its limit) for a job of ``kind``."""
    session.execute(delete(StoredUpload).where(StoredUpload.created_at < utcnow() - timedelta(days=1)))
    upload = StoredUpload(kind=kind, filename=safe_filename(filename, "fil"), size=len(data),
                          sha256=hashlib.sha256(data).hexdigest(), content=data,
                          uploaded_by_id=getattr(user, "id", None),
                          department_id=getattr(user, "department_id", None))
    session.add(upload)
    session.flush()
    return upload


def upload_of(session: Session, job) -> StoredUpload | None:
    """The upload a job was started with (None when it is gone: imported or expired)."""
    upload_id = (job.params or {}).get("stored_upload_id")
    upload = session.get(StoredUpload, upload_id) if upload_id else None
    if upload is None or upload.uploaded_by_id != job.created_by_id:
        return None
    return upload


def start_upload_job(session: Session, user, kind: str, title: str, *, filename: str | None,
                     data: bytes, params: dict | None = None, per_department: bool = False):
    """Store the upload and start a job of ``kind`` on it; raises JobBusy while another import
    of the kind runs (in the department, or anywhere unless ``per_department``). Commits (the
    job must be visible to the worker) and dispatches; returns the job, refreshed."""
    from oversight.jobs import create_job, dispatch
    from oversight.jobs_health import refuse_if_running

    refuse_if_running(session, kind, getattr(user, "department_id", None) if per_department
                      else None)
    upload = store_upload(session, user, kind, filename, data)
    job = create_job(session, user, kind, title,
                     (params or {}) | {"stored_upload_id": upload.id,
                                       "filename": os.path.basename(upload.filename)})
    session.commit()
    dispatch(job)
    session.refresh(job)
    return job


# --- for the job handlers ------------------------------------------------------------------------

def upload_or_fail(session: Session, job) -> StoredUpload:
    """The job's upload, or a failed job saying it is gone."""
    from flask_babel import gettext as _

    from oversight.jobs import JobFailed

    upload = upload_of(session, job)
    if upload is None:
        raise JobFailed(_("Den uppladdade filen finns inte längre (den är redan importerad eller "
                          "borttagen efter ett dygn): ladda upp den igen. Inget importerades."))
    return upload


def reject_file(session: Session, job, errors: list[dict], message: str):
    """The file was refused: undo what the import wrote, keep its row errors on the job (its
    page lists them: ``job.result["errors"]``, each ``{"line", "error"}``) and fail the job.
    The upload stays for a retry."""
    from oversight.jobs import JobFailed

    session.rollback()
    job.result = {"errors": [{"line": e.get("line"), "error": str(e.get("error"))}
                             for e in errors[:1000]]}
    raise JobFailed(message)


def job_errors(job) -> list[dict]:
    """The row errors a failed import job recorded (for the form page after an inline run)."""
    return list((job.result or {}).get("errors") or [])
