"""Holder answers: field validation shared by the form, the file import and registry adapters,
and the CSV import format (pure, no I/O).

CSV columns (header row required; ';', ',' or tab; UTF-8 or Latin-1; any column order;
Swedish or English headers):

    kontotyp;kontonummer;kontohavare;organisationsnummer;datum;källa;status;referens;anteckning

* ``kontotyp`` (required): bankgiro | plusgiro | bankkonto | iban (also bg, pg)
* ``kontonummer`` (required): validated with oversight.identifiers
* ``kontohavare``: the holder's name as the source gives it
* ``organisationsnummer``: the holder's organisation number, or a personnummer for a private
  person's account (personkonto; stored apart and shown masked)
* ``datum`` (required): date of the answer, ÅÅÅÅ-MM-DD, not in the future
* ``källa``: bank | bankgirot | vop | kontoregister (default kontoregister)
* ``status``: aktivt | avslutat | finns_ej (default aktivt); an active account needs a holder
  name or number
* ``referens``, ``anteckning``: free text (e.g. the bank's reference, diarienummer)
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from oversight import identifiers
from oversight.accounts.paymentfile import account_kind
from oversight.accounts.textfile import FileError, FileFormatError, parse_date, read_rows
from oversight.accounts.verification import account_key, validate_account

SOURCE_WORDS = {
    "bank": "bank", "banken": "bank", "bankens besked": "bank",
    "bankgirot": "bankgirot", "bankgiro": "bankgirot", "bankgirots sökning": "bankgirot",
    "vop": "vop", "betalningsmottagarkontroll": "vop", "verification of payee": "vop",
    "kontoregister": "register_file", "register_file": "register_file",
    "kontoregisterfil": "register_file", "register": "register_file",
}
STATUS_WORDS = {
    "": "active", "aktivt": "active", "aktiv": "active", "active": "active", "öppet": "active",
    "avslutat": "closed", "avslutad": "closed", "avregistrerat": "closed", "closed": "closed",
    "stängt": "closed",
    "finns ej": "not_found", "finns_ej": "not_found", "finns inte": "not_found",
    "not_found": "not_found", "not found": "not_found", "okänt": "not_found",
}


class HolderError(ValueError):
    """A Swedish message about one answer's fields."""


@dataclass(frozen=True)
class HolderFields:
    kind: str
    number: str  # normalised
    digits: str
    holder_name: str | None
    holder_orgnr: str | None
    holder_personnummer: str | None
    source: str
    status: str
    answered_on: date
    reference: str | None = None
    note: str | None = None


def check_fields(*, kind: str, number: str, holder_name: str | None, holder_id: str | None,
                 source: str, status: str, answered_on: date | None,
                 reference: str | None = None, note: str | None = None,
                 today: date | None = None) -> HolderFields:
    """Validate one answer; raises HolderError listing every problem."""
    problems = []
    today = today or date.today()
    normalized = digits = None
    result = validate_account(kind, number or "")
    if result is None:
        problems.append(f"okänd kontotyp {kind!r}")
    elif not result.valid:
        problems.append(f"kontonumret är ogiltigt ({result.error})")
    else:
        normalized = result.normalized
        digits = account_key(kind, normalized)[1]
    orgnr = personnummer = None
    holder_id = (holder_id or "").strip()
    if holder_id:
        ident = identifiers.validate("orgnr", holder_id)
        if not ident.valid:
            problems.append(f"kontohavarens organisations-/personnummer är ogiltigt ({ident.error})")
        elif ident.details.get("sole_trader"):
            personnummer = ident.normalized
        else:
            orgnr = ident.normalized
    holder_name = re.sub(r"\s+", " ", holder_name or "").strip() or None
    if source not in ("bank", "bankgirot", "vop", "register_file"):
        problems.append(f"okänd källa {source!r}")
    if status not in ("active", "closed", "not_found"):
        problems.append(f"okänd status {status!r}")
    elif status == "active" and not (holder_name or holder_id):
        problems.append("ange kontohavarens namn eller organisationsnummer")
    if answered_on is None:
        problems.append("datum för beskedet saknas")
    elif answered_on > today:
        problems.append("datum för beskedet ligger i framtiden")
    if holder_name and len(holder_name) > 300:
        problems.append("kontohavarens namn är för långt (högst 300 tecken)")
    if problems:
        raise HolderError(_sentence(problems))
    return HolderFields(kind, normalized, digits, holder_name, orgnr, personnummer, source,
                        status, answered_on, (reference or "").strip()[:300] or None,
                        (note or "").strip() or None)


HOLDER_CSV_COLUMNS: dict[str, tuple[str, ...]] = {
    "kind": ("kontotyp", "typ", "account kind", "account type"),
    "number": ("kontonummer", "konto", "account number", "account"),
    "holder_name": ("kontohavare", "kontohavarens namn", "namn", "holder name", "holder"),
    "holder_id": ("organisationsnummer", "orgnr", "kontohavarens organisationsnummer",
                  "personnummer", "holder id", "holder org number"),
    "answered_on": ("datum", "beskedsdatum", "date", "answered on"),
    "source": ("källa", "kalla", "source"),
    "status": ("status",),
    "reference": ("referens", "reference"),
    "note": ("anteckning", "note"),
}


def parse_holder_file(data: bytes, today: date | None = None,
                      max_errors: int = 200) -> list[tuple[int, HolderFields]]:
    """Every row validated; raises FileFormatError (with line numbers) if any row is wrong."""
    rows = read_rows(data, HOLDER_CSV_COLUMNS, {"kind", "number", "answered_on"})
    out: list[tuple[int, HolderFields]] = []
    errors: list[FileError] = []
    for line, row in rows:
        try:
            out.append((line, _row_fields(row, today)))
        except HolderError as exc:
            if len(errors) < max_errors:
                errors.append(FileError(str(exc), line))
    if errors:
        raise FileFormatError(errors)
    if not out:
        raise FileFormatError([FileError("Filen innehåller inga rader.")])
    return out


def _row_fields(row: dict[str, str], today: date | None) -> HolderFields:
    problems = []
    kind = account_kind(row["kind"])
    if kind is None:
        problems.append(f"okänd kontotyp {row['kind']!r}")
    source = SOURCE_WORDS.get((row.get("source") or "kontoregister").strip().casefold())
    if source is None:
        problems.append(f"okänd källa {row['source']!r} (bank, bankgirot, vop, kontoregister)")
    status = STATUS_WORDS.get((row.get("status") or "").strip().casefold())
    if status is None:
        problems.append(f"okänd status {row['status']!r} (aktivt, avslutat, finns_ej)")
    answered_on = None
    try:
        answered_on = parse_date(row["answered_on"])
    except ValueError as exc:
        problems.append(str(exc)[:1].lower() + str(exc)[1:])
    if problems:
        raise HolderError(_sentence(problems))
    return check_fields(kind=kind, number=row["number"], holder_name=row.get("holder_name"),
                        holder_id=row.get("holder_id"), source=source, status=status,
                        answered_on=answered_on, reference=row.get("reference"),
                        note=row.get("note"), today=today)


def _sentence(problems: list[str]) -> str:
    text = "; ".join(problems)
    return text[:1].upper() + text[1:] + "."
