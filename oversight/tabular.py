"""One reader of Swedish tabular files for every import (CSV, TXT, XLSX, a zip holding one).

    columns = [Column("organisationsnummer", aliases=("orgnr",), kind="orgnr"),
               Column("belopp", kind="amount"),
               Column("datum", required=False, kind="date")]
    table = read_table(data, filename, columns)        # raises TableError
    for row in table.rows:                             # Row(number, values)
        row.number, row.values["belopp"]               # 1-based line as a person counts it

What it decides, so no import has to: the encoding per file (UTF-8 with or without BOM,
UTF-16 with BOM, Windows-1252/Latin-1; a file mixing them is refused naming the first line
that differs), the delimiter (``;``, tab, ``,``), the header (missing, duplicated and unknown
columns named; titles compared case-, space- and å/ä/ö-insensitively), the number of fields of
every row, a cell size limit, the cell values (``oversight.tabular_values``) and the limits on
size, unpacked size, rows and cells, checked before the file is parsed. Every error is a
``CellError(row, column, message)`` in Swedish (English in the English UI). By default a file
with any bad row raises TableError listing them; ``keep_bad_rows=True`` returns the good rows
and the errors (for imports that keep and flag bad rows by design).
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _

from oversight.tabular_files import (
    CappedReader,
    FileProblem,
    Limits,
    check_field_count,
    decode,
    detect_delimiter,
    estimate_text_rows,
    is_xlsx,
    is_zip,
    open_zip,
    sheet_has_formulas,
    single_member,
    verify_members,
    xlsx_dimensions,
)
from oversight.tabular_values import (
    _present,
    _text,
    common_amount,
    convert,
    parse_amount,
    parse_bool,
    parse_date,
    parse_int,
    parse_time,
)

__all__ = ["Column", "Row", "CellError", "TableError", "Table", "Limits", "read_table",
           "open_table", "parse_amount", "parse_date", "parse_bool", "parse_int", "parse_time",
           "header_key"]

KINDS = ("text", "amount", "date", "int", "bool", "orgnr", "personnummer", "time")
MAX_ERRORS = 200


@dataclass(frozen=True)
class Column:
    """A column the import expects. ``name`` is the key in ``Row.values`` and is also an
    accepted header title; ``aliases`` are other titles. ``required``: the header must have
    it. ``allow_empty``: a blank cell is None (else an error). ``label`` names the column in
    messages (default: the first title). ``convert`` replaces the kind's converter (takes the
    cell, returns the value or raises ValueError with a Swedish message)."""

    name: str
    aliases: tuple[str, ...] = ()
    required: bool = True
    kind: str = "text"
    allow_empty: bool = True
    earliest: date | None = None
    latest: date | None = None
    max_decimals: int = 2
    allow_negative: bool = True
    label: str | None = None
    convert: Callable[[object], object] | None = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")

    @property
    def title(self) -> str:
        return self.label or self.name


@dataclass
class CellError:
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        if self.row and self.column:
            return _("Rad %(row)s, kolumn %(column)s: %(message)s", row=self.row,
                     column=self.column, message=self.message)
        if self.row:
            return _("Rad %(row)s: %(message)s", row=self.row, message=self.message)
        return self.message

    def to_json(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message,
                "text": str(self)}


class TableError(ValueError):
    """The file is refused: ``errors`` lists every problem found (up to a limit)."""

    def __init__(self, errors: list[CellError]):
        self.errors = list(errors)
        shown = "; ".join(str(e) for e in self.errors[:5])
        more = len(self.errors) - 5
        if more > 0:
            shown += " " + _("(och %(n)s fel till)", n=more)
        super().__init__(shown)


@dataclass(slots=True)
class Row:
    number: int
    values: dict[str, object]
    errors: list[CellError] = field(default_factory=list)


@dataclass
class Table:
    rows: list[Row]
    errors: list[CellError]
    header: list[str]
    found: dict[str, str]  # column name -> the header title it was found under
    format: str  # "csv" | "xlsx"
    encoding: str | None = None
    delimiter: str | None = None


def header_key(title) -> str:
    """Titles compare without case, accents (å ä ö), spaces and punctuation."""
    text = unicodedata.normalize("NFKD", str(title or "").replace("\ufeff", "")).casefold()
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^0-9a-z]+", "", text)


# --- reading ------------------------------------------------------------------------------------

class TableReader:
    """An opened file with its header checked; iterate it for rows (each with its errors).
    ``read_table`` is the usual entry; imports that stream millions of rows iterate this."""

    def __init__(self, header: list[str], columns: Sequence[Column], records: Iterator,
                 fmt: str, estimated_rows: int, allow_unknown_columns: bool,
                 header_row: int, encoding: str | None = None, delimiter: str | None = None,
                 limits: Limits | None = None):
        self.header, self.columns, self.format = header, list(columns), fmt
        self.estimated_rows, self.encoding, self.delimiter = estimated_rows, encoding, delimiter
        self.limits, self.header_row = limits or Limits(), header_row
        self.index = _match_header(header, self.columns, allow_unknown_columns, header_row)
        self.found = {name: header[i] for name, i in self.index.items()}
        self._records = records
        self.width = len(header)

    def select(self, columns: Sequence[Column], allow_unknown_columns: bool = False) -> None:
        """Match the header against other columns (an import that lets the user choose which
        header title is which field reads the header first)."""
        self.columns = list(columns)
        self.index = _match_header(self.header, self.columns, allow_unknown_columns,
                                   self.header_row)
        self.found = {name: self.header[i] for name, i in self.index.items()}

    def __iter__(self) -> Iterator[Row]:
        names = [c.name for c in self.columns]
        for number, values, errors in self.value_rows():
            if errors:  # the cells that could be read
                yield Row(number, {n: v for n, v in zip(names, values) if v is not _MISSING},
                          errors)
            else:
                yield Row(number, dict(zip(names, values)), errors)

    def value_rows(self) -> Iterator[tuple[int, list, list[CellError]]]:
        """The rows as ``(number, values, errors)``, the values in the order of
        ``self.columns`` (``_MISSING`` for a cell with an error): what iterating gives,
        without a Row and a dict per row, for imports that turn millions of rows into
        objects of their own."""
        count = 0
        # Per column: its name, index, how its cells are read (see _mode) and, for dates, the
        # values already read (a month's ledger repeats ~30 dates over a million rows; each is
        # parsed once). Made when iterating starts, so that ``select`` before it counts.
        self._plan = [(c.name, self.index.get(c.name), _mode(c),
                       {} if _mode(c) == _DATE else None, c) for c in self.columns]
        for number, record in self._records:
            if not _any_present(record):
                continue
            count += 1
            if count > self.limits.max_rows:
                raise TableError([CellError(number, None, _(
                    "Filen har fler än %(n)s rader.", n=self.limits.max_rows))])
            values, errors = self._cells(number, record)
            yield number, values, errors

    def _cells(self, number: int, record: list) -> tuple[list, list[CellError]]:
        errors: list[CellError] = []
        width = len(record)
        if self.format == "csv" and width != self.width:
            problem = check_field_count(record, self.width, number)
            if problem:
                errors.append(CellError(number, None, problem))
                return [_MISSING] * len(self._plan), errors
        values: list = []
        append, max_chars = values.append, self.limits.max_cell_chars
        for _name, i, mode, seen, column in self._plan:
            raw = record[i] if i is not None and i < width else None
            # Short paths for the commonest cells, with the values convert() would give them
            # (tests/unit/test_tabular_fast_paths.py compares them); the rest the full way.
            if type(raw) is str and len(raw) <= max_chars:
                if mode == _TEXT:
                    value = raw.strip()
                    if value or column.allow_empty:  # a blank cell is None
                        append(value or None)
                        continue
                elif mode == _AMOUNT:
                    value = common_amount(raw)
                    if value is not None:
                        append(value)
                        continue
                elif mode == _DATE and raw in seen:
                    append(seen[raw])
                    continue
            append(_cell(number, errors, column, raw, seen, max_chars))
        return values, errors


_MISSING = object()  # the value of a cell with an error (TableReader.value_rows)


def _cell(number: int, errors: list, column: Column, raw, seen: dict | None,
          max_chars: int) -> object:
    """One cell the full way: its value, or _MISSING with its error added to ``errors``."""
    if isinstance(raw, _Problem):
        errors.append(CellError(number, column.title, raw.message))
        return _MISSING
    if isinstance(raw, str) and len(raw) > max_chars:
        errors.append(CellError(number, column.title, _(
            "Cellen har %(n)s tecken, fler än gränsen %(limit)s.", n=len(raw),
            limit=max_chars)))
        return _MISSING
    try:
        value = convert(column, raw)
    except ValueError as exc:
        errors.append(CellError(number, column.title, str(exc)))
        return _MISSING
    if seen is not None and isinstance(raw, str) and len(seen) < _MEMO_SIZE:
        seen[raw] = value
    return value


_TEXT, _AMOUNT, _DATE, _OTHER = range(4)


def _mode(column: Column) -> int:
    """How a column's cells are read: text and amounts without a converter of their own have
    a short path for the common cell, dates are remembered per distinct text."""
    if column.convert is not None:
        return _OTHER
    if column.kind == "text":
        return _TEXT
    if column.kind == "amount" and column.max_decimals >= 2 and column.allow_negative:
        return _AMOUNT
    return _DATE if column.kind == "date" else _OTHER


_MEMO_SIZE = 10_000  # distinct dates remembered per column


def _any_present(record) -> bool:
    """Whether any cell has a value (a CSV record is all text: one join and strip)."""
    try:
        return bool("".join(record).strip())
    except TypeError:  # XLSX: numbers, dates, None
        return any(_present(v) for v in record)


@dataclass(frozen=True)
class _Problem:
    """A cell the container could not give a value for (an XLSX formula without a value)."""

    message: str
    cell: str | None = None


def _match_header(header: list[str], columns: list[Column], allow_unknown: bool,
                  row: int) -> dict[str, int]:
    by_key: dict[str, Column] = {}
    for column in columns:
        for title in (column.name, *column.aliases):
            by_key.setdefault(header_key(title), column)
    index: dict[str, int] = {}
    errors: list[CellError] = []
    unknown = []
    for i, title in enumerate(header):
        if not _present(title):
            continue
        column = by_key.get(header_key(title))
        if column is None:
            unknown.append(str(title).strip())
        elif column.name in index:
            errors.append(CellError(row, None, _(
                "Kolumnen %(column)s finns två gånger i rubrikraden (%(first)s och %(second)s).",
                column=column.title, first=header[index[column.name]], second=title)))
        else:
            index[column.name] = i
    missing = [c.title for c in columns if c.required and c.name not in index]
    if missing:
        errors.append(CellError(row, None, _(
            "Rubrikraden saknar %(columns)s. Filens kolumner: %(found)s.",
            columns=", ".join(missing),
            found=", ".join(str(h).strip() for h in header if _present(h)) or "-")))
    if unknown and not allow_unknown:
        errors.append(CellError(row, None, _(
            "Okända kolumner: %(columns)s. Väntade: %(expected)s.", columns=", ".join(unknown),
            expected=", ".join(c.title for c in columns))))
    if errors:
        raise TableError(errors)
    return index


def open_table(data: bytes, filename: str, columns: Sequence[Column], *,
               allow_unknown_columns: bool = False, limits: Limits | None = None,
               **limit_overrides) -> TableReader:
    """Check the file's limits, open it and check its header; raises TableError."""
    limits = _limits(limits, limit_overrides)
    try:
        if len(data) > limits.max_bytes:
            raise FileProblem(_("Filen är för stor (%(size)s MB; högst %(limit)s MB).",
                                size=round(len(data) / 1048576, 1),
                                limit=limits.max_bytes // 1048576))
        if not data or data.isspace():  # as ``not data.strip()``, without copying the file
            raise FileProblem(_("Filen är tom."))
        if is_zip(data):
            return _open_zip(data, filename, columns, allow_unknown_columns, limits)
        return _open_text(data, columns, allow_unknown_columns, limits)
    except FileProblem as exc:
        raise TableError([CellError(exc.row, None, exc.message)]) from None


def read_table(data: bytes, filename: str, columns: Sequence[Column], *,
               keep_bad_rows: bool = False, allow_unknown_columns: bool = False,
               max_errors: int = MAX_ERRORS, limits: Limits | None = None,
               **limit_overrides) -> Table:
    """Read a whole file (see the module text). ``limit_overrides``: ``max_rows``,
    ``max_bytes``, ``max_uncompressed_bytes``, ``max_cells``, ``max_cell_chars``."""
    reader = open_table(data, filename, columns, allow_unknown_columns=allow_unknown_columns,
                        limits=limits, **limit_overrides)
    rows: list[Row] = []
    errors: list[CellError] = []
    try:
        for row in reader:
            if row.errors:
                errors.extend(row.errors)
                if len(errors) >= max_errors:
                    errors.append(CellError(None, None, _(
                        "Läsningen avbröts efter %(n)s fel.", n=len(errors))))
                    break
            else:
                rows.append(row)
    except FileProblem as exc:
        raise TableError(errors + [CellError(exc.row, None, exc.message)]) from None
    if errors and not keep_bad_rows:
        raise TableError(errors)
    if not rows and not errors:
        raise TableError([CellError(None, None, _("Filen innehåller inga rader under "
                                                   "rubrikraden."))])
    return Table(rows, errors, reader.header, reader.found, reader.format, reader.encoding,
                 reader.delimiter)


def _limits(limits: Limits | None, overrides: dict) -> Limits:
    limits = limits or default_limits()
    unknown = set(overrides) - set(Limits.__dataclass_fields__)
    if unknown:
        raise TypeError(f"unknown limits {sorted(unknown)}")
    values = {k: v for k, v in overrides.items() if v is not None}
    return Limits(**{**limits.__dict__, **values}) if values else limits


def default_limits() -> Limits:
    """Limits from the app's configuration (``IMPORT_MAX_*``) when there is an app."""
    from flask import current_app, has_app_context
    if not has_app_context():
        return Limits()
    config = current_app.config
    base = Limits()
    mb = 1048576
    return Limits(
        max_bytes=int(config.get("IMPORT_MAX_FILE_MB", base.max_bytes // mb)) * mb,
        max_uncompressed_bytes=int(config.get("IMPORT_MAX_UNCOMPRESSED_MB",
                                              base.max_uncompressed_bytes // mb)) * mb,
        max_rows=int(config.get("IMPORT_MAX_ROWS", base.max_rows)),
        max_cells=int(config.get("IMPORT_MAX_CELLS", base.max_cells)),
        max_cell_chars=int(config.get("IMPORT_MAX_CELL_CHARS", base.max_cell_chars)))


# --- text files -------------------------------------------------------------------------------

def _open_text(data: bytes, columns, allow_unknown: bool, limits: Limits) -> TableReader:
    estimate = estimate_text_rows(data)
    if estimate > limits.max_rows + 1 and data.count(b"\n") > limits.max_rows + 1:
        raise FileProblem(_("Filen har %(n)s rader, fler än gränsen %(limit)s.", n=estimate,
                            limit=limits.max_rows))
    text, encoding = decode(data)
    delimiter = detect_delimiter(_first_line(text))
    csv.field_size_limit(max(csv.field_size_limit(), limits.max_cell_chars + 1))
    reader = csv.reader(_lines(text), delimiter=delimiter)
    records = _numbered(reader, limits)
    try:
        number, header = next(records)
        while not any(h.strip() for h in header):
            number, header = next(records)
    except StopIteration:
        raise FileProblem(_("Filen är tom.")) from None
    while header and not header[-1].strip():
        header = header[:-1]
    if len(header) * estimate > limits.max_cells:
        raise FileProblem(_("Filen har för många celler (%(n)s; högst %(limit)s).",
                            n=len(header) * estimate, limit=limits.max_cells))
    return TableReader(header, columns, records, "csv", max(estimate - number, 0),
                       allow_unknown, number, encoding, delimiter, limits)


# Line ends str.splitlines knows besides \n, \r\n and \r (which io.StringIO(newline="") uses).
_OTHER_LINE_BREAKS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


def _lines(text: str):
    """The text's lines as csv.reader gets them from ``io.StringIO(text, newline="")`` (ending
    at \n, \r\n or \r, the ends kept). Split at once into a list when no other character
    str.splitlines breaks at occurs (the usual file): a StringIO holds 4 bytes per character
    and costs several times the CPU time."""
    if any(ch in text for ch in _OTHER_LINE_BREAKS):
        return io.StringIO(text, newline="")
    return text.splitlines(keepends=True)


def _first_line(text: str) -> str:
    position = 0
    while position < len(text):
        end = text.find("\n", position)
        end = len(text) if end == -1 else end
        if text[position:end].strip():
            return text[position:end]
        position = end + 1
    raise FileProblem(_("Filen är tom."))


def _numbered(reader, limits: Limits) -> Iterator[tuple[int, list]]:
    previous = 0
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            line = previous + 1
            if "field larger" in str(exc):
                raise FileProblem(_("Rad %(row)s har en cell med fler än %(limit)s tecken.",
                                    row=line, limit=limits.max_cell_chars), line) from None
            raise FileProblem(_("Rad %(row)s kan inte läsas som CSV (%(reason)s).", row=line,
                                reason=str(exc)), line) from None
        start, previous = previous + 1, reader.line_num
        yield start, record


# --- zip and XLSX -----------------------------------------------------------------------------

def _open_zip(data: bytes, filename: str, columns, allow_unknown: bool,
              limits: Limits) -> TableReader:
    archive = open_zip(data, limits)
    if is_xlsx(archive):
        return _open_xlsx(data, archive, columns, allow_unknown, limits)
    member = single_member(archive, (".csv", ".txt", ".xlsx", ".skv"))
    if member.file_size > limits.max_bytes:
        raise FileProblem(_("Filen i zip-filen är för stor (%(size)s MB; högst %(limit)s MB).",
                            size=member.file_size // 1048576, limit=limits.max_bytes // 1048576))
    try:
        with archive.open(member) as stream:
            inner = io.BufferedReader(CappedReader(stream, limits.max_uncompressed_bytes)).read()
    except (zipfile.BadZipFile, OSError, NotImplementedError, RuntimeError, EOFError):
        raise FileProblem(_("Zip-filen är trasig eller avkortad och kan inte läsas.")) from None
    if is_zip(inner):
        inner_archive = open_zip(inner, limits)
        if not is_xlsx(inner_archive):
            raise FileProblem(_("Zip-filen innehåller en zip-fil; packa upp den först."))
        return _open_xlsx(inner, inner_archive, columns, allow_unknown, limits)
    return _open_text(inner, columns, allow_unknown, limits)


def _open_xlsx(data: bytes, archive: zipfile.ZipFile, columns, allow_unknown: bool,
               limits: Limits) -> TableReader:
    dims = xlsx_dimensions(archive)
    if dims and dims[0] > limits.max_rows + 1:
        raise FileProblem(_("Kalkylbladet har %(n)s rader, fler än gränsen %(limit)s.",
                            n=dims[0], limit=limits.max_rows))
    if dims and dims[0] * dims[1] > limits.max_cells:
        raise FileProblem(_("Kalkylbladet har för många celler (%(n)s; högst %(limit)s).",
                            n=dims[0] * dims[1], limit=limits.max_cells))
    verify_members(archive, limits)
    from oversight.tabular_xlsx import xlsx_records
    records = xlsx_records(data, with_formulas=sheet_has_formulas(archive))
    try:
        number, header = next(records)
        while not any(_present(h) for h in header):
            number, header = next(records)
    except StopIteration:
        raise FileProblem(_("Kalkylbladet är tomt: ingen rubrikrad hittades.")) from None
    header = [_text(h) if _present(h) else "" for h in header]
    while header and not header[-1]:
        header = header[:-1]
    estimate = max((dims[0] if dims else 0) - number, 0)
    return TableReader(header, columns, records, "xlsx", estimate, allow_unknown, number,
                       limits=limits)
