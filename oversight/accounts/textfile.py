"""Reading the CSV files Swedish finance systems export (pure, no I/O beyond the bytes given).

UTF-8 with or without BOM, else Windows-1252/Latin-1; ';', ',' or tab separated (detected from
the header line); decimal comma or point; headers matched case-insensitively against aliases
(Swedish and English). Errors carry the 1-based line number of the file.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation


@dataclass(frozen=True)
class FileError:
    """A problem at a place in a file: ``line`` (1-based) and/or ``element`` (XML path)."""

    message: str
    line: int | None = None
    element: str | None = None

    def __str__(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"rad {self.line}")
        if self.element:
            where.append(self.element)
        return (", ".join(where) + ": " if where else "") + self.message

    def to_json(self) -> dict:
        return {"message": self.message, "line": self.line, "element": self.element,
                "text": str(self)}


class FileFormatError(ValueError):
    """The file cannot be read; ``errors`` lists every problem found (nothing was saved)."""

    def __init__(self, errors: list[FileError]):
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors[:5]))


def decode(data: bytes) -> str:
    """UTF-8 (BOM optional), else cp1252, which covers what Latin-1 exports contain."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _header_key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").strip().casefold()
    return re.sub(r"[\s_\-./]+", " ", text).strip()


def read_rows(data: bytes, columns: dict[str, tuple[str, ...]], required: set[str],
              max_errors: int = 100) -> list[tuple[int, dict[str, str]]]:
    """Rows as ``(line number, {column: text})``; raises FileFormatError on header problems.

    ``columns`` maps our column name to accepted header spellings (compared after
    casefolding and collapsing spaces, dashes and underscores).
    """
    if data.startswith(b"PK\x03\x04") or b"\x00" in data[:4096]:
        raise FileFormatError([FileError(
            "Filen är inte en textfil (CSV). Spara den som CSV (semikolonavgränsad) och försök "
            "igen.")])
    text = decode(data)
    if not text.strip():
        raise FileFormatError([FileError("Filen är tom.")])
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    if first_line.count(delimiter) == 0:
        delimiter = ";"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    aliases = {_header_key(alias): name for name, names in columns.items()
               for alias in (name, *names)}
    header: dict[int, str] | None = None
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        for raw in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in raw):
                continue
            if header is None:
                header = _parse_header(raw, aliases, columns, required)
                continue
            if len(raw) > len(header) + 1 and any(c.strip() for c in raw[max(header) + 1:]):
                raise FileFormatError([FileError(
                    f"Raden har {len(raw)} fält men rubrikraden {max(header) + 1}; "
                    f"kontrollera avgränsaren ('{delimiter}') och citattecken.", line)])
            rows.append((line, {name: (raw[i].strip() if i < len(raw) else "")
                                for i, name in header.items()}))
    except csv.Error as exc:
        raise FileFormatError([FileError(f"Felaktig CSV: {exc}", reader.line_num)]) from None
    if header is None:
        raise FileFormatError([FileError("Rubrikrad saknas.")])
    return rows


def _parse_header(raw: list[str], aliases: dict[str, str], columns, required) -> dict[int, str]:
    header: dict[int, str] = {}
    for i, cell in enumerate(raw):
        name = aliases.get(_header_key(cell))
        if name and name not in header.values():
            header[i] = name
    missing = sorted(required - set(header.values()))
    if missing:
        expected = ", ".join(f"'{columns[m][0] if columns[m] else m}'" for m in missing)
        raise FileFormatError([FileError(
            f"Rubrikraden saknar kolumn: {expected}. Läste: {', '.join(raw)}", 1)])
    return header


_AMOUNT_SPACES = re.compile(r"[\s\u00a0\u202f']")


def parse_amount(text: str) -> Decimal:
    """``1 234,50`` / ``1234.50`` / ``1.234,50`` / ``-500`` -> Decimal; ValueError otherwise."""
    t = _AMOUNT_SPACES.sub("", text or "").removesuffix("kr").removesuffix("SEK")
    if not t:
        raise ValueError("Belopp saknas")
    if "," in t and "." in t:
        t = t.replace(".", "").replace(",", ".") if t.rfind(",") > t.rfind(".") else \
            t.replace(",", "")
    elif "," in t:
        t = t.replace(",", ".")
    if not re.fullmatch(r"-?\d+(\.\d{1,2})?", t):
        raise ValueError(f"Ogiltigt belopp: {text!r}")
    try:
        return Decimal(t)
    except InvalidOperation:
        raise ValueError(f"Ogiltigt belopp: {text!r}") from None


def parse_date(text: str) -> date:
    """ISO date ``2026-03-01`` (also ``20260301`` and a date-time's date part)."""
    t = (text or "").strip()
    for fmt in ("%Y-%m-%d", "%Y%m%d"):
        try:
            return datetime.strptime(t[:10] if fmt == "%Y-%m-%d" else t, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"Ogiltigt datum: {text!r} (använd ÅÅÅÅ-MM-DD)")
