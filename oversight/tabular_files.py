"""The file-level pieces of the tabular reader: limits, encodings, delimiters, zip and XLSX
containers (pure; streams and bytes only).

These pieces are also used on their own by readers that stream a file too large to hold in
memory (Bolagsverket's bulk file): ``decide_encoding`` on a sample plus ``LineDecoder`` per
line, ``check_field_count`` per row, ``open_single_member`` for a zip.
"""
from __future__ import annotations

import codecs
import io
import re
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass

from flask_babel import gettext as _

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What a file may be, checked before it is parsed. ``max_bytes`` is the file as sent;
    ``max_uncompressed_bytes`` what a zip or XLSX unpacks to (declared sizes are checked
    before anything is unpacked, and unpacking stops at the limit whatever they declare)."""

    max_bytes: int = 100 * MB
    max_uncompressed_bytes: int = 200 * MB
    max_rows: int = 1_000_000
    max_cells: int = 20_000_000
    max_cell_chars: int = 32_767  # Excel's own limit for a cell
    max_members: int = 10_000  # zip entries (an XLSX has a dozen)


class FileProblem(ValueError):
    """The file as a whole cannot be read: a Swedish message, the line when one is to blame."""

    def __init__(self, message: str, row: int | None = None):
        super().__init__(message)
        self.message = message
        self.row = row


# --- encodings ------------------------------------------------------------------------------

BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"))
SAMPLE = 1 << 20


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def decide_encoding(sample: bytes, complete: bool = False) -> str:
    """The encoding of a file from its start (``complete``: the sample is the whole file): a
    BOM decides; UTF-16 without a BOM is recognised by its NUL bytes; text that is valid UTF-8
    is UTF-8, otherwise Windows-1252 (which covers Latin-1 exports). Raises FileProblem for a
    binary file."""
    for bom, encoding in BOMS:
        if sample.startswith(bom):
            return encoding
    head = sample[:4096]
    if b"\x00" in head:
        even, odd = head[0::2].count(0), head[1::2].count(0)
        if odd > len(head) // 4 and even == 0:
            return "utf-16-le"
        if even > len(head) // 4 and odd == 0:
            return "utf-16-be"
        raise FileProblem(_("Filen är ingen textfil (den innehåller NUL-tecken). Spara den som "
                            "CSV (UTF-8 eller semikolonavgränsad) eller XLSX."))
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        if complete or exc.start < len(sample) - 3:  # not a character cut at the sample's end
            return "cp1252"
    return "utf-8"


def _cp1252_or_latin1(error: UnicodeDecodeError):
    return error.object[error.start:error.end].decode("latin-1"), error.end


codecs.register_error("tabular-latin1", _cp1252_or_latin1)


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding) of a whole file. A file that is UTF-8 in one place and something else
    in another is refused, naming the first line that is not UTF-8."""
    encoding = decide_encoding(data[:SAMPLE], complete=len(data) <= SAMPLE)
    try:
        text = data.decode("utf-8" if encoding == "cp1252" else encoding)
    except UnicodeDecodeError as exc:
        if encoding.startswith("utf-16"):
            raise FileProblem(_("Filen är inte giltig UTF-16 (rad %(line)s).",
                                line=_line_of(data, exc.start)), _line_of(data, exc.start)) \
                from None
        if encoding != "utf-8-sig":
            _refuse_mixed(data)
            return data.decode("cp1252", errors="tabular-latin1"), "cp1252"
        line = _line_of(data, exc.start)
        raise FileProblem(_("Filen blandar teckenkodningar: den är UTF-8 men rad %(line)s är "
                            "det inte (troligen Windows-1252/Latin-1). Spara hela filen i en "
                            "kodning, helst UTF-8.", line=line), line) from None
    if encoding.startswith("utf-16"):
        text = text.lstrip("\ufeff")
    return text, "utf-8" if encoding == "cp1252" else encoding


def _refuse_mixed(data: bytes) -> None:
    """A cp1252 file must not also hold UTF-8 text (the Å, Ä, Ö of one line read as 'Ã¥')."""
    first_bad = None
    has_utf8 = False
    for number, line in enumerate(data.split(b"\n"), start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            has_utf8 = True
        except UnicodeDecodeError:
            first_bad = first_bad or number
        if has_utf8 and first_bad:
            raise FileProblem(_("Filen blandar teckenkodningar: en del rader är UTF-8 men rad "
                                "%(line)s är det inte (troligen Windows-1252/Latin-1). Spara "
                                "hela filen i en kodning, helst UTF-8.", line=first_bad),
                              first_bad)


class LineDecoder:
    """Decodes a streamed file line by line in one encoding, for readers that cannot hold
    the file: a line that does not decode is a mixed file, named by its line number."""

    def __init__(self, encoding: str):
        self.encoding = "utf-8" if encoding == "utf-8-sig" else encoding
        self.first = True

    def decode(self, line: bytes, number: int) -> str:
        if self.first:
            self.first = False
            line = line.removeprefix(codecs.BOM_UTF8)
        if self.encoding == "cp1252":
            return line.decode("cp1252", errors="tabular-latin1")
        try:
            return line.decode(self.encoding)
        except UnicodeDecodeError:
            raise FileProblem(_("Filen blandar teckenkodningar: den är UTF-8 men rad %(line)s "
                                "är det inte (troligen Windows-1252/Latin-1). Spara hela filen "
                                "i en kodning, helst UTF-8.", line=number), number) from None


# --- delimiters and field counts ---------------------------------------------------------------

DELIMITERS = (";", "\t", ",")


def detect_delimiter(header_line: str) -> str:
    """The delimiter the header row uses most (outside quotes): ``;``, tab or ``,``."""
    unquoted = re.sub(r'"[^"]*"', "", header_line)
    counts = {d: unquoted.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ";"


def check_field_count(fields: list, width: int, row: int) -> str | None:
    """A Swedish message when a row does not have the header's number of fields (extra
    empty fields at the end, as spreadsheets write, are allowed); None when it fits."""
    if len(fields) < width:
        return _("Raden har %(n)s fält men rubrikraden har %(width)s (raden är avkortad "
                 "eller fel avgränsare används).", n=len(fields), width=width)
    if len(fields) > width and any(str(f).strip() for f in fields[width:]):
        return _("Raden har %(n)s fält men rubrikraden har %(width)s (kontrollera "
                 "avgränsaren och citattecknen).", n=len(fields), width=width)
    return None


# --- zip and XLSX --------------------------------------------------------------------------------

ZIP_MAGIC = b"PK\x03\x04"


def is_zip(data: bytes) -> bool:
    return data[:4] == ZIP_MAGIC or data[:4] == b"PK\x05\x06"


def open_zip(source, limits: Limits) -> zipfile.ZipFile:
    """The archive, with its declared sizes checked; a truncated or corrupt zip is named as
    such."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise FileProblem(_("Zip-filen är trasig eller avkortad (ofullständigt överförd?) och "
                            "kan inte läsas. Skicka filen igen.")) from None
    members = archive.infolist()
    if len(members) > limits.max_members:
        raise FileProblem(_("Zip-filen innehåller för många delar (%(n)s).", n=len(members)))
    declared = sum(m.file_size for m in members)
    if declared > limits.max_uncompressed_bytes:
        raise FileProblem(_("Filen packas upp till %(size)s MB, mer än gränsen %(limit)s MB. "
                            "Dela upp filen.", size=declared // MB,
                            limit=limits.max_uncompressed_bytes // MB))
    return archive


class CappedReader(io.RawIOBase):
    """Reads a zip member and stops at ``limit`` bytes, whatever the member declares."""

    def __init__(self, stream, limit: int):
        self.stream, self.limit, self.count = stream, limit, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        try:
            data = self.stream.read(len(buffer))
        except (zipfile.BadZipFile, EOFError, OSError, zipfile.LargeZipFile) as exc:
            raise FileProblem(_("Zip-filen är trasig eller avkortad och kan inte läsas till "
                                "slut (%(reason)s).", reason=type(exc).__name__)) from None
        self.count += len(data)
        if self.count > self.limit:
            raise FileProblem(_("Filen packas upp till mer än gränsen %(limit)s MB. Dela upp "
                                "filen.", limit=self.limit // MB))
        buffer[:len(data)] = data
        return len(data)


def verify_members(archive: zipfile.ZipFile, limits: Limits) -> None:
    """Unpack every member once without keeping it: a truncated member, a bad checksum or a
    member larger than it declared is refused before a parser sees the archive."""
    total = 0
    for member in archive.infolist():
        try:
            with archive.open(member) as stream:
                while chunk := stream.read(1 << 20):
                    total += len(chunk)
                    if total > limits.max_uncompressed_bytes:
                        raise FileProblem(_("Filen packas upp till mer än gränsen %(limit)s MB. "
                                            "Dela upp filen.",
                                            limit=limits.max_uncompressed_bytes // MB))
        except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError, RuntimeError):
            raise FileProblem(_("Zip-filen är trasig eller avkortad: delen %(name)s kan inte "
                                "packas upp. Skicka filen igen.", name=member.filename)) \
                from None


def single_member(archive: zipfile.ZipFile, suffixes: tuple[str, ...]) -> zipfile.ZipInfo:
    """The one file in the archive (folders and macOS metadata aside); anything else is
    refused with the names found."""
    members = [m for m in archive.infolist() if not m.is_dir()
               and not m.filename.startswith("__MACOSX/")
               and not m.filename.rsplit("/", 1)[-1].startswith(".")]
    names = ", ".join(m.filename for m in members[:5])
    if len(members) != 1:
        raise FileProblem(_("Zip-filen ska innehålla exakt en fil men innehåller %(n)s "
                            "(%(names)s).", n=len(members), names=names or "-"))
    member = members[0]
    if suffixes and not member.filename.lower().endswith(suffixes):
        raise FileProblem(_("Filen %(name)s i zip-filen är inte av väntad typ (%(types)s).",
                            name=member.filename, types=", ".join(suffixes)))
    return member


@contextmanager
def open_single_member(path: str, limits: Limits, suffixes: tuple[str, ...] = (".txt", ".csv")):
    """A binary stream of a file on disk: the file itself, or the one member of a zip,
    capped at the uncompressed limit."""
    with open(path, "rb") as raw:
        head = raw.read(4)
        raw.seek(0)
        if not is_zip(head):
            yield raw
            return
        archive = open_zip(raw, limits)
        member = single_member(archive, suffixes)
        if member.file_size > limits.max_uncompressed_bytes:
            raise FileProblem(_("Filen packas upp till %(size)s MB, mer än gränsen %(limit)s MB.",
                                size=member.file_size // MB,
                                limit=limits.max_uncompressed_bytes // MB))
        try:
            stream = archive.open(member)
        except (zipfile.BadZipFile, OSError, NotImplementedError, RuntimeError):
            raise FileProblem(_("Zip-filen är trasig eller avkortad och kan inte läsas.")) \
                from None
        with stream:
            yield io.BufferedReader(CappedReader(stream, limits.max_uncompressed_bytes),
                                    buffer_size=1 << 20)


def is_xlsx(archive: zipfile.ZipFile) -> bool:
    names = set(archive.namelist())
    return "[Content_Types].xml" in names and "xl/workbook.xml" in names


_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')


def _column_number(letters: bytes) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ch - 64
    return number


def first_sheet_name(archive: zipfile.ZipFile) -> str | None:
    sheets = sorted((n for n in archive.namelist()
                     if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)),
                    key=lambda n: int(re.sub(r"\D", "", n.rsplit("/", 1)[1])))
    return sheets[0] if sheets else None


def xlsx_dimensions(archive: zipfile.ZipFile) -> tuple[int, int] | None:
    """(rows, columns) the first worksheet declares in its <dimension>, read from its first
    bytes only; None when it does not say."""
    name = first_sheet_name(archive)
    if name is None:
        return None
    with archive.open(name) as sheet:
        head = sheet.read(4096)
    m = _DIMENSION.search(head)
    if m is None:
        return None
    if m.group(3) is None:
        return int(m.group(2)), _column_number(m.group(1))
    return int(m.group(4)), _column_number(m.group(3))


def sheet_has_formulas(archive: zipfile.ZipFile) -> bool:
    name = first_sheet_name(archive)
    if name is None:
        return False
    tail = b""
    with archive.open(name) as sheet:
        while chunk := sheet.read(1 << 20):
            if re.search(rb"<(?:\w+:)?f[\s>/]", tail + chunk):
                return True
            tail = chunk[-16:]
    return False


def estimate_text_rows(data: bytes) -> int:
    """Lines of a text file (an upper bound of its records), without decoding it."""
    if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return data.count(b"\n\x00") + data.count(b"\x00\n") + 1
    return data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
