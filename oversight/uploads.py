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


# --- attachments: documents plus office files (case activities) ------------------------------
# Office files are accepted only in their XML forms (OOXML: .docx/.xlsx/.pptx; OpenDocument:
# .odt/.ods/.odp), which carry no macros; a macro-enabled file or the old binary formats
# (.doc/.xls, which may carry macros) are refused with a message saying what to do instead.

OFFICE_TYPES = {
    "word/document.xml": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
    "xl/workbook.xml": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
    "ppt/presentation.xml": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation", ".pptx"),
}
ODF_TYPES = {
    "application/vnd.oasis.opendocument.text": ".odt",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
    "application/vnd.oasis.opendocument.presentation": ".odp",
}
ATTACHMENT_LABEL = "PDF, PNG, JPEG, Word (.docx), Excel (.xlsx), PowerPoint (.pptx) eller OpenDocument"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MACRO_PARTS = ("vbaproject.bin", "vbadata.xml")


def _office_type(data: bytes) -> str | None:
    """The content type of an OOXML or OpenDocument file; None for any other zip. Raises
    UploadError for a macro-enabled file. Only the zip's directory and the small ``mimetype``
    entry are read (no decompression of the documents themselves)."""
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            lowered = [n.lower() for n in names]
            if any(n.endswith(_MACRO_PARTS) for n in lowered):
                raise UploadError(_("Filen innehåller makron; spara den utan makron (.docx/.xlsx) "
                                    "eller som PDF."))
            if "mimetype" in names and archive.getinfo("mimetype").file_size < 100:
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                return mimetype if mimetype in ODF_TYPES else None
            if "[Content_Types].xml" in names:
                return next((ctype for part, (ctype, _ext) in OFFICE_TYPES.items() if part in names), None)
    except (zipfile.BadZipFile, ValueError, OSError, RuntimeError):
        return None
    return None


def attachment_extension(content_type: str) -> str:
    """The file extension for a stored attachment's content type ("" when unknown)."""
    known = {c: ext for _m, c, ext in DOCUMENT_TYPES}
    known.update({c: ext for c, ext in OFFICE_TYPES.values()})
    known.update(ODF_TYPES)
    return known.get(content_type, "")


def check_attachment(filename: str, data: bytes, max_bytes: int, what: str | None = None) -> str:
    """Like ``check_document`` but also accepting office files (see above); the content type
    comes from the content. Executables, scripts, old binary office files and anything
    unknown are refused."""
    what = what or _("Dokumentet")
    if not data:
        raise UploadError(_("%(what)s är tomt.", what=what))
    if len(data) > max_bytes:
        raise UploadError(_("%(what)s är större än %(max_bytes)g MB.", what=what, max_bytes=max_bytes / (1024 * 1024)))
    content_type = sniff_document(data)
    if content_type is None and data.startswith(b"PK\x03\x04"):
        content_type = _office_type(data)
    if content_type is None and data.startswith(_OLE):
        raise UploadError(_("%(what)s är en äldre Office-fil (.doc/.xls) som kan innehålla makron; "
                            "spara den som .docx/.xlsx eller PDF.", what=what))
    if content_type is None:
        raise UploadError(_("%(what)s %(path)r är inte en %(allowed_label)s-fil.",
                            what=what, path=os.path.basename(filename or ''),
                            allowed_label=ATTACHMENT_LABEL))
    return content_type
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
