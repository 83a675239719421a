"""Reading the small registry files (Skatteverket, Kronofogden, IVO, the local sanctions list):
CSV with a header row, ``;`` ``,`` or tab separated, UTF-8 with or without BOM or Latin-1,
Swedish booleans (ja/nej) and amounts with decimal comma. Pure functions, no I/O."""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

TRUE = {"ja", "j", "yes", "y", "1", "true", "sant", "x"}
FALSE = {"nej", "n", "no", "0", "false", "falskt"}


class ImportRejected(ValueError):
    """The file is refused as a whole: nothing is saved. ``errors`` lists lines and reasons."""

    def __init__(self, errors: list[dict]):
        self.errors = errors
        shown = "; ".join(f"rad {e['line']}: {e['error']}" if e.get("line") else e["error"] for e in errors[:5])
        more = f" (och {len(errors) - 5} fel till)" if len(errors) > 5 else ""
        super().__init__(f"Filen importerades inte: {shown}{more}.")


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _key(title: str) -> str:
    text = title.strip().strip('"').lower().replace("å", "a").replace("ä", "a").replace("ö", "o")
    return re.sub(r"[^a-z0-9]+", "", text)


def read_table(data: bytes, aliases: dict[str, str], required: tuple[str, ...]) -> Iterator[tuple[int, dict]]:
    """Yield (line number, {field: value}) for every non-empty data line.

    ``aliases`` maps folded header titles (``organisationsnummer``, ``orgnr``, ...) to field
    names; unknown columns are ignored. Raises ImportRejected for an unusable header."""
    text = decode(data)
    if not text.strip():
        raise ImportRejected([{"line": None, "error": "filen är tom"}])
    first = text.splitlines()[0]
    delimiter = max(";,\t", key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader)
    columns = {}
    for index, title in enumerate(header):
        field = aliases.get(_key(title))
        if field and field not in columns:
            columns[field] = index
    absent = [f for f in required if f not in columns]
    if absent:
        raise ImportRejected([{"line": 1, "error": "rubrikraden saknar " + ", ".join(absent)}])
    previous = reader.line_num
    for fields in reader:
        start, previous = previous + 1, reader.line_num
        if not any(f.strip() for f in fields):
            continue
        yield start, {f: (fields[i].strip() if i < len(fields) else "") for f, i in columns.items()}


def parse_bool(value: str | None, field: str) -> bool | None:
    text = (value or "").strip().lower()
    if not text:
        return None
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise ValueError(f"{field}: {value!r} är varken ja eller nej")


def parse_amount(value: str | None, field: str) -> Decimal:
    text = re.sub(r"(?i)\s|kr|sek|\u00a0", "", value or "")
    if not text:
        raise ValueError(f"{field} saknas")
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{field}: {value!r} är inget belopp") from None
    if amount < 0:
        raise ValueError(f"{field} kan inte vara negativt")
    return amount.quantize(Decimal("0.01"))
