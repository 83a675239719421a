"""Payment files before they are sent: ISO 20022 pain.001.001.03 / .09 and CSV (pure).

Nothing in the file is changed; the parser only reads. Every problem is reported with the line
(and for XML the element path, e.g. ``PmtInf[1]/CdtTrfTxInf[17]/Amt/InstdAmt``); a file with
any error yields no payments (FileFormatError lists them all, up to a limit).

Swedish pain.001 usage (Bankgirot / the banks' implementation guides):
* bankgiro: ``CdtrAcct/Id/Othr/Id`` with ``SchmeNm/Prtry`` = ``BGNR``
* plusgiro: ``Othr/Id`` with ``SchmeNm/Cd`` = ``BBAN`` and ``CdtrAgt/FinInstnId/ClrSysMmbId/
  MmbId`` = ``9960`` (Prtry ``PGNR`` is accepted too)
* bank account: ``Othr/Id`` (clearing + account) with ``SchmeNm/Cd`` = ``BBAN``; a clearing
  number given only in ``ClrSysMmbId/MmbId`` is put in front
* ``CdtrAcct/Id/IBAN``
* payee organisation number: ``Cdtr/Id/OrgId/Othr/Id`` (a sole trader: ``PrvtId/Othr/Id``)
* amount ``Amt/InstdAmt`` (attribute ``Ccy``); date ``ReqdExctnDt`` (v03: a date; v09:
  ``ReqdExctnDt/Dt`` or ``/DtTm``); reference ``RmtInf/Ustrd`` or ``RmtInf/Strd/CdtrRefInf/Ref``;
  department: the debtor's name ``PmtInf/Dbtr/Nm``.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from oversight.accounts import xmlsafe
from oversight.accounts.textfile import (
    FileError,
    FileFormatError,
    parse_amount,
    parse_date,
    read_rows,
)

PAIN001_NAMESPACES = {
    "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03": "pain.001.001.03",
    "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09": "pain.001.001.09",
}
FORMATS = ("pain001", "csv")
MAX_ERRORS = 200

_KIND_WORDS = {
    "bankgiro": "bankgiro", "bg": "bankgiro", "bgnr": "bankgiro",
    "plusgiro": "plusgiro", "pg": "plusgiro", "postgiro": "plusgiro", "pgnr": "plusgiro",
    "bankkonto": "bank_account", "bank_account": "bank_account", "bank account": "bank_account",
    "bank-account": "bank_account", "konto": "bank_account", "bban": "bank_account",
    "kontonummer": "bank_account",
    "iban": "iban",
}
_PLUSGIRO_CLEARING = re.compile(r"9960|95\d\d")


@dataclass(frozen=True, slots=True)
class Payment:
    """One payment as the file states it (strings as written; nothing normalised yet)."""

    position: int  # 1-based order in the file
    line: int  # line in the file where the payment starts
    where: str  # human-readable place: "rad 12" or "rad 240, PmtInf[1]/CdtTrfTxInf[17]"
    department: str | None
    payee_name: str
    payee_id: str | None  # organisation number (or a sole trader's personnummer) as written
    kind: str  # bankgiro | plusgiro | bank_account | iban
    number: str
    amount: Decimal
    currency: str
    pay_date: date | None
    reference: str | None


@dataclass
class PaymentFile:
    format: str  # "pain.001.001.03" | "pain.001.001.09" | "csv"
    sha256: str
    size: int
    payments: list[Payment]
    warnings: list[FileError] = field(default_factory=list)
    message_id: str | None = None

    @property
    def total(self) -> Decimal:
        return sum((p.amount for p in self.payments), Decimal(0))


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def detect_format(data: bytes) -> str:
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    return "pain001" if head.startswith(b"<") else "csv"


def parse_payment_file(data: bytes, fmt: str | None = None) -> PaymentFile:
    """Read a payment file (format detected when not given); raises FileFormatError."""
    fmt = fmt or detect_format(data)
    if fmt not in FORMATS:
        raise FileFormatError([FileError(f"Okänt format {fmt!r}; välj pain001 eller csv.")])
    if fmt == "pain001":
        return parse_pain001(data)
    return parse_payments_csv(data)


def account_kind(text: str) -> str | None:
    return _KIND_WORDS.get(re.sub(r"\s+", " ", (text or "").strip().casefold()))


# --- pain.001 --------------------------------------------------------------------------------

class _Pain001Reader:
    def __init__(self):
        self.version: str | None = None
        self.payments: list[Payment] = []
        self.errors: list[FileError] = []
        self.warnings: list[FileError] = []
        self.pmtinf_no = 0
        self.tx_no = 0  # within the current PmtInf
        self.tx_sum = Decimal(0)
        self.pmtinf_date: date | None = None
        self.pmtinf_dept: str | None = None
        self.pmtinf_dated = False

    def error(self, message: str, line: int | None, element: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(FileError(message, line, element))

    # called by xmlsafe.parse whenever an element closes
    def on_end(self, node: xmlsafe.Node, ancestors: list[xmlsafe.Node]) -> bool:
        if not ancestors:
            return False
        if self.version is None:
            self.version = PAIN001_NAMESPACES.get(ancestors[0].ns)
            if self.version is None:
                return False  # reported by parse_pain001 after the parse
        parent = ancestors[-1].tag
        if node.tag == "CdtTrfTxInf" and parent == "PmtInf":
            self._pmtinf_header(ancestors[-1])
            self.tx_no += 1
            self._transaction(node)
            return True  # drop the subtree: it has been read
        if node.tag == "PmtInf":
            self._end_pmtinf(node)
            return True
        return False

    def _path(self, *parts: str) -> str:
        return "/".join((f"PmtInf[{self.pmtinf_no + 1}]", *parts))

    def _pmtinf_header(self, pmtinf: xmlsafe.Node) -> None:
        if self.pmtinf_dated:
            return
        self.pmtinf_dated = True
        self.pmtinf_dept = pmtinf.findtext("Dbtr/Nm") or None
        node = pmtinf.find("ReqdExctnDt")
        if node is None:
            self.error("ReqdExctnDt (betalningsdag) saknas.", pmtinf.line, self._path("ReqdExctnDt"))
            return
        text, path = node.text.strip(), "ReqdExctnDt"
        if self.version == "pain.001.001.09":
            sub = node.find("Dt") or node.find("DtTm")
            if sub is None:
                self.error("I pain.001.001.09 ska ReqdExctnDt innehålla Dt eller DtTm.",
                           node.line, self._path("ReqdExctnDt"))
                return
            text, path = sub.text.strip(), f"ReqdExctnDt/{sub.tag}"
        elif node.children:
            self.error("I pain.001.001.03 är ReqdExctnDt ett datum (inte Dt/DtTm).",
                       node.line, self._path("ReqdExctnDt"))
            return
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}(T.*)?", text):
            self.error(f"Ogiltigt datum {text!r} (ÅÅÅÅ-MM-DD).", node.line, self._path(path))
            return
        try:
            self.pmtinf_date = parse_date(text)
        except ValueError:
            self.error(f"Ogiltigt datum {text!r}.", node.line, self._path(path))

    def _end_pmtinf(self, node: xmlsafe.Node) -> None:
        self._pmtinf_header(node)
        if self.tx_no == 0:
            self.error("Betalningsgruppen innehåller ingen CdtTrfTxInf.", node.line, self._path())
        self._check_control(node, self.tx_no, self.tx_sum, self._path())
        self.pmtinf_no += 1
        self.tx_no, self.tx_sum = 0, Decimal(0)
        self.pmtinf_date, self.pmtinf_dept, self.pmtinf_dated = None, None, False

    def _check_control(self, node, count: int, total: Decimal, path: str) -> None:
        nb = node.findtext("NbOfTxs")
        if nb is not None and nb != str(count):
            self.warnings.append(FileError(
                f"NbOfTxs anger {nb} betalningar men filen innehåller {count}.", node.line,
                f"{path}/NbOfTxs" if path else "GrpHdr/NbOfTxs"))
        ctrl = node.findtext("CtrlSum")
        if ctrl:
            try:
                if Decimal(ctrl) != total:
                    self.warnings.append(FileError(
                        f"CtrlSum anger {ctrl} men beloppen summerar till {total}.", node.line,
                        f"{path}/CtrlSum" if path else "GrpHdr/CtrlSum"))
            except InvalidOperation:
                self.error(f"Ogiltig CtrlSum {ctrl!r}.", node.line,
                           f"{path}/CtrlSum" if path else "GrpHdr/CtrlSum")

    def _transaction(self, tx: xmlsafe.Node) -> None:
        path = self._path(f"CdtTrfTxInf[{self.tx_no}]")
        before = len(self.errors)
        amount, currency = self._amount(tx, path)
        kind, number = self._account(tx, path)
        name = tx.findtext("Cdtr/Nm") or ""
        payee_id = (tx.findtext("Cdtr/Id/OrgId/Othr/Id") or tx.findtext("Cdtr/Id/PrvtId/Othr/Id")
                    or None)
        reference = tx.findtext("RmtInf/Ustrd") or tx.findtext("RmtInf/Strd/CdtrRefInf/Ref") \
            or tx.findtext("PmtId/EndToEndId") or None
        if len(self.errors) > before or kind is None:
            return
        self.tx_sum += amount
        position = len(self.payments) + 1
        self.payments.append(Payment(
            position, tx.line, f"rad {tx.line}, {path}", self.pmtinf_dept, name.strip(),
            payee_id, kind, number, amount, currency, self.pmtinf_date, reference))

    def _amount(self, tx: xmlsafe.Node, path: str) -> tuple[Decimal, str]:
        node = tx.find("Amt/InstdAmt")
        if node is None:
            self.error("Amt/InstdAmt (belopp) saknas.", tx.line, f"{path}/Amt/InstdAmt")
            return Decimal(0), ""
        text = node.text.strip()
        currency = (node.attrib.get("Ccy") or "").strip()
        if not re.fullmatch(r"\d{1,15}(\.\d{1,5})?", text):
            self.error(f"Ogiltigt belopp {text!r} (t.ex. 1234.50).", node.line,
                       f"{path}/Amt/InstdAmt")
            return Decimal(0), currency
        amount = Decimal(text)
        if amount <= 0:
            self.error("Beloppet måste vara större än noll.", node.line, f"{path}/Amt/InstdAmt")
        if not re.fullmatch(r"[A-Z]{3}", currency):
            self.error("Attributet Ccy (valuta) saknas eller är ogiltigt.", node.line,
                       f"{path}/Amt/InstdAmt/@Ccy")
        return amount, currency

    def _account(self, tx: xmlsafe.Node, path: str) -> tuple[str | None, str]:
        acct = tx.find("CdtrAcct/Id")
        if acct is None:
            self.error("CdtrAcct/Id (mottagarkonto) saknas.", tx.line, f"{path}/CdtrAcct/Id")
            return None, ""
        iban = acct.findtext("IBAN")
        if iban:
            return "iban", iban
        other = acct.find("Othr")
        number = other.findtext("Id") if other is not None else None
        if not number:
            self.error("Kontonummer saknas (IBAN eller Othr/Id).", acct.line,
                       f"{path}/CdtrAcct/Id/Othr/Id")
            return None, ""
        prtry = (other.findtext("SchmeNm/Prtry") or "").upper()
        code = (other.findtext("SchmeNm/Cd") or "").upper()
        clearing = (tx.findtext("CdtrAgt/FinInstnId/ClrSysMmbId/MmbId") or "").strip()
        if prtry == "BGNR":
            return "bankgiro", number
        if prtry == "PGNR" or (code == "BBAN" and _PLUSGIRO_CLEARING.fullmatch(clearing)):
            return "plusgiro", number
        if code == "BBAN":
            digits = re.sub(r"\D", "", number)
            if clearing and not digits.startswith(clearing[:4]):
                number = f"{clearing}-{number}"
            return "bank_account", number
        scheme = prtry or code or "saknas"
        self.error(f"Okänt kontoschema ({scheme}); använd SchmeNm/Prtry BGNR (bankgiro), "
                   "SchmeNm/Cd BBAN (bankkonto/plusgiro) eller IBAN.", other.line,
                   f"{path}/CdtrAcct/Id/Othr/SchmeNm")
        return None, ""


def parse_pain001(data: bytes) -> PaymentFile:
    reader = _Pain001Reader()
    root = xmlsafe.parse(data, reader.on_end)
    version = PAIN001_NAMESPACES.get(root.ns)
    if root.tag != "Document" or version is None:
        raise FileFormatError([FileError(
            f"Inte en pain.001-fil: rotelement {root.tag!r} i namnrymd {root.ns or '(ingen)'!r}; "
            "förväntade Document i pain.001.001.03 eller pain.001.001.09.", root.line)])
    initn = root.find("CstmrCdtTrfInitn")
    if initn is None:
        reader.error("CstmrCdtTrfInitn saknas.", root.line, "Document/CstmrCdtTrfInitn")
    elif initn.find("GrpHdr") is None:
        reader.error("GrpHdr saknas.", initn.line, "CstmrCdtTrfInitn/GrpHdr")
    elif reader.pmtinf_no == 0:
        reader.error("Filen innehåller ingen betalningsgrupp (PmtInf).", initn.line,
                     "CstmrCdtTrfInitn/PmtInf")
    if reader.errors:
        raise FileFormatError(reader.errors)
    header = initn.find("GrpHdr")
    total = sum((p.amount for p in reader.payments), Decimal(0))
    reader._check_control(header, len(reader.payments), total, "")
    return PaymentFile(version, sha256(data), len(data), reader.payments, reader.warnings,
                       header.findtext("MsgId"))


# --- CSV -------------------------------------------------------------------------------------

PAYMENT_CSV_COLUMNS: dict[str, tuple[str, ...]] = {
    "department": ("förvaltning", "avdelning", "nämnd", "department"),
    "payee_name": ("betalningsmottagare", "mottagare", "namn", "leverantör", "payee name",
                   "payee"),
    "payee_orgnr": ("organisationsnummer", "orgnr", "org nr", "mottagarens organisationsnummer",
                    "payee org number", "org number"),
    "account_kind": ("kontotyp", "typ", "account kind", "account type"),
    "account_number": ("kontonummer", "konto", "account number", "account"),
    "amount": ("belopp", "amount"),
    "date": ("datum", "betalningsdatum", "betaldag", "date", "payment date"),
    "reference": ("referens", "meddelande", "fakturanummer", "ocr", "reference"),
}
_PAYMENT_REQUIRED = {"payee_name", "account_kind", "account_number", "amount", "date"}


def parse_payments_csv(data: bytes) -> PaymentFile:
    rows = read_rows(data, PAYMENT_CSV_COLUMNS, _PAYMENT_REQUIRED)
    payments: list[Payment] = []
    errors: list[FileError] = []
    for line, row in rows:
        problems = []
        kind = account_kind(row["account_kind"])
        if kind is None:
            problems.append(f"okänd kontotyp {row['account_kind']!r} (bankgiro, plusgiro, "
                            "bankkonto eller iban)")
        if not row["account_number"]:
            problems.append("kontonummer saknas")
        if not row["payee_name"] and not row.get("payee_orgnr"):
            problems.append("mottagarens namn och organisationsnummer saknas")
        amount = pay_date = None
        try:
            amount = parse_amount(row["amount"])
            if amount <= 0:
                problems.append("beloppet måste vara större än noll")
        except ValueError as exc:
            problems.append(str(exc)[:1].lower() + str(exc)[1:])
        try:
            pay_date = parse_date(row["date"])
        except ValueError as exc:
            problems.append(str(exc)[:1].lower() + str(exc)[1:])
        if problems:
            if len(errors) < MAX_ERRORS:
                errors.append(FileError(_sentence(problems), line))
            continue
        payments.append(Payment(
            len(payments) + 1, line, f"rad {line}", row.get("department") or None,
            row["payee_name"], row.get("payee_orgnr") or None, kind, row["account_number"],
            amount, "SEK", pay_date, row.get("reference") or None))
    if errors:
        raise FileFormatError(errors)
    if not payments:
        raise FileFormatError([FileError("Filen innehåller inga betalningar.")])
    return PaymentFile("csv", sha256(data), len(data), payments)


def _sentence(problems: list[str]) -> str:
    text = "; ".join(problems)
    return text[:1].upper() + text[1:] + "."
