"""Swedish identifiers: validation, normalisation and masking.

Pure functions without I/O. Every ``validate_*`` function returns an
:class:`IdResult` and never raises for bad input; error messages are Swedish
because they are shown to users as they are.

Sources: Skatteverket (personnummer, samordningsnummer, organisationsnummer),
Bankgirot "Bankernas kontonummeruppbyggnad" (clearing ranges and check-digit
rules), ISO 13616 via ``stdnum.iban``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from stdnum import iban as _stdnum_iban
from stdnum import numdb as _numdb
from stdnum.exceptions import InvalidChecksum, InvalidComponent, ValidationError

KINDS = (
    "orgnr",
    "personnummer",
    "samordningsnummer",
    "bankgiro",
    "plusgiro",
    "bank-account",
    "iban",
)

_DIGITS = frozenset("0123456789")


@dataclass(frozen=True)
class IdResult:
    """Outcome of validating one identifier."""

    input: str
    valid: bool
    normalized: str | None = None
    error: str | None = None
    details: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        return {
            "input": self.input,
            "valid": self.valid,
            "normalized": self.normalized,
            "error": self.error,
            "details": dict(self.details),
        }


class InvalidIdentifier(ValueError):
    """Invalid identifier; ``str(exc)`` is the Swedish message for the user."""

    def __init__(self, message: str, details: dict | None = None):
        super().__init__(message)
        self.details = details or {}


# --- shared helpers -------------------------------------------------------


def _as_text(value) -> str:
    return "" if value is None else str(value)


def _digits(text: str, separators: str = "-") -> str:
    """Digits of ``text``; whitespace and ``separators`` are dropped, anything else is an error."""
    out = []
    for ch in text:
        if ch in _DIGITS:
            out.append(ch)
        elif not (ch.isspace() or ch in separators):
            raise InvalidIdentifier(_("Otillåtet tecken: %(ch)r", ch=ch))
    if not out:
        raise InvalidIdentifier(_("Värdet innehåller inga siffror") if text.strip()
                                else _("Värdet är tomt"))
    return "".join(out)


def _luhn_sum(digits: str) -> int:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total


def _luhn_ok(digits: str) -> bool:
    return _luhn_sum(digits) % 10 == 0


def luhn_check_digit(payload: str) -> str:
    """Check digit that makes ``payload + digit`` pass Luhn (mod 10)."""
    return str(-_luhn_sum(payload + "0") % 10)


def _mod11_ok(digits: str) -> bool:
    # Bankgirot: weights 1, 2, ..., 10 from the right, then repeating.
    total = sum(int(d) * (i % 10 + 1) for i, d in enumerate(reversed(digits)))
    return total % 11 == 0


def _run(value, parse, *args) -> IdResult:
    """Call ``parse(text, *args) -> (normalized, details)`` and wrap the outcome."""
    text = _as_text(value)
    try:
        normalized, details = parse(text, *args)
    except InvalidIdentifier as exc:
        return IdResult(text, False, None, str(exc), exc.details)
    return IdResult(text, True, normalized, None, details)


def _result_or_raise(result: IdResult) -> str:
    if not result.valid:
        raise InvalidIdentifier(result.error or _("Ogiltigt värde"), result.details)
    return result.normalized


# --- personnummer / samordningsnummer --------------------------------------

_CENTURIES = ("18", "19", "20")


def _split_person(text: str) -> tuple[str, str | None]:
    """Return (digits, separator) of a personnummer-like string."""
    compact = "".join(text.split())
    seps = [ch for ch in compact if ch in "-+"]
    digits = _digits(compact, "-+")
    if len(seps) > 1:
        raise InvalidIdentifier(_("Högst ett skiljetecken ('-' eller '+') är tillåtet"))
    if seps and compact.index(seps[0]) != len(compact) - 5:
        raise InvalidIdentifier(_("Skiljetecknet ska stå före de fyra sista siffrorna"))
    if len(digits) not in (10, 12):
        raise InvalidIdentifier(_("Fel antal siffror (%(count)s), ett personnummer har 10 eller 12 siffror",
                                  count=len(digits)))
    return digits, (seps[0] if seps else None)


def _infer_year(yy: int, month: int, day: int, plus: bool, today: date) -> int:
    """Birth year for a 10-digit number: the latest year not in the future; '+' means 100 years more."""
    year = today.year - (today.year - yy) % 100
    if (year, month, day) > (today.year, today.month, today.day):
        year -= 100
    return year - 100 if plus else year


def _make_date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise InvalidIdentifier(_("Ogiltigt datum")) from None


def _age(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def _parse_person(text: str, today: date | None) -> tuple[str, dict]:
    """Parse a personnummer or samordningsnummer (details say which)."""
    today = today or date.today()
    digits, sep = _split_person(text)
    ten = digits[-10:]
    month, day_field = int(ten[2:4]), int(ten[4:6])
    coordination = day_field > 60
    day = day_field - 60 if coordination else day_field
    if len(digits) == 12:
        if digits[:2] not in _CENTURIES:
            raise InvalidIdentifier(
                _("Ogiltigt sekel (%(digits)s), ett 12-siffrigt nummer börjar med 18, 19 eller 20", digits=digits[:2])
            )
        year = int(digits[:4])
    else:
        year = _infer_year(int(ten[:2]), month, day, sep == "+", today)
    birth = _make_date(year, month, day)
    if birth > today:
        raise InvalidIdentifier(_("Födelsedatumet ligger i framtiden"))
    if sep == "+" and _age(birth, today) < 100:
        # A 12-digit number states its century; '+' then contradicts it.
        raise InvalidIdentifier(
            _("Plustecknet anger att personen fyllt 100 år, men födelsedatumet är %(birth)s", birth=birth.isoformat())
        )
    if ten[6:9] == "000":
        raise InvalidIdentifier(_("Födelsenumret 000 används inte i personnummer"))
    if not _luhn_ok(ten):
        raise InvalidIdentifier(_("Kontrollsiffran stämmer inte"))
    details = {
        "birth_date": birth.isoformat(),
        "samordningsnummer": coordination,
        "century_inferred": len(digits) == 10,
        "personal_data": True,
    }
    return f"{year:04d}{ten[2:6]}-{ten[6:]}", details


def _parse_personnummer(text: str, today: date | None) -> tuple[str, dict]:
    normalized, details = _parse_person(text, today)
    if details["samordningsnummer"]:
        raise InvalidIdentifier(_("Numret är ett samordningsnummer (dag + 60), inte ett personnummer"))
    return normalized, details


def _parse_samordningsnummer(text: str, today: date | None) -> tuple[str, dict]:
    normalized, details = _parse_person(text, today)
    if not details["samordningsnummer"]:
        raise InvalidIdentifier(_("Numret är ett personnummer, inte ett samordningsnummer (dagen ska vara ökad med "
                                  "60)"))
    return normalized, details


def validate_personnummer(value, today: date | None = None) -> IdResult:
    """Personnummer, 10 or 12 digits; normalized ``YYYYMMDD-NNNN``."""
    return _run(value, _parse_personnummer, today)


def validate_samordningsnummer(value, today: date | None = None) -> IdResult:
    """Samordningsnummer (birth day + 60); normalized ``YYYYMMDD-NNNN`` with the +60 day kept."""
    return _run(value, _parse_samordningsnummer, today)


def is_personal_identity(value, today: date | None = None) -> bool:
    """True if ``value`` is a valid personnummer or samordningsnummer."""
    return _run(value, _parse_person, today).valid


_PERSON_LIKE = re.compile(
    r"(?<![0-9])(?:(?:18|19|20)[0-9]{2}|[0-9]{2})(?:0[1-9]|1[0-2])(?:[0-2][0-9]|3[01]|[6-8][0-9]|9[01])"
    r"[-+]?[0-9]{4}(?![0-9])")


def mask_personnummer(value):
    """The one masking of personnummer and samordningsnummer, for pages, exports, messages
    and logs (Jinja filter ``mask_personnummer``): ``811218-9876`` -> ``19811218-****``;
    inside any text (a raw ledger cell, an error message) every number shaped like one, valid
    or not, loses its last four digits. Organisation numbers and other text stay as they are;
    None stays None."""
    if value is None:
        return None
    text = _as_text(value)
    stripped = text.strip()
    if _PERSON_LIKE.fullmatch(stripped.replace(" ", "")):
        result = _run(stripped, _parse_person, None)
        return result.normalized[:9] + "****" if result.valid else stripped[:-4] + "****"
    return _PERSON_LIKE.sub(lambda m: m.group(0)[:-4] + "****", text)


# --- organisationsnummer ----------------------------------------------------

ORGNR_GROUPS = {
    1: "Dödsbo",
    2: "Stat, region, kommun, församling",
    3: "Utländskt företag",
    5: "Aktiebolag",
    6: "Enkelt bolag",
    7: "Ekonomisk förening / bostadsrättsförening",
    8: "Ideell förening / stiftelse",
    9: "Handelsbolag / kommanditbolag",
}

_THIRD_DIGIT = "Tredje siffran måste vara minst 2 för en juridisk person"  # translated where raised


def _sole_trader(digits: str, sep: str, today: date | None, fallback: str | None) -> tuple[str, dict]:
    """An enskild näringsidkare is identified by the owner's personnummer or samordningsnummer."""
    try:
        normalized, details = _parse_person(digits[:-4] + sep + digits[-4:], today)
    except InvalidIdentifier as exc:
        if fallback is None:
            raise
        raise InvalidIdentifier(fallback, {"personnummer_error": str(exc)}) from None
    return normalized, {**details, "sole_trader": True}


def _legal_person(digits: str, sep: str) -> tuple[str, dict]:
    """Checks that apply only to a legal person's 10 digits (Luhn already passed)."""
    if sep == "+":
        raise InvalidIdentifier(_("Plustecken används bara i personnummer (personer som fyllt 100 år)"))
    if digits[2] < "2":
        raise InvalidIdentifier(_(_THIRD_DIGIT))
    group = int(digits[0])
    if group not in ORGNR_GROUPS:
        allowed = ", ".join(str(g) for g in ORGNR_GROUPS)
        raise InvalidIdentifier(_("Okänd gruppsiffra %(group)s, första siffran ska vara en av %(allowed)s",
                                  group=group, allowed=allowed))
    details = {"group": group, "group_name": ORGNR_GROUPS[group], "sole_trader": False, "personal_data": False}
    return f"{digits[:6]}-{digits[6:]}", details


def _parse_orgnr(text: str, today: date | None) -> tuple[str, dict]:
    digits = _digits(text, "-+")
    sep = "+" if "+" in text else "-"
    if len(digits) == 12 and not digits.startswith("16"):
        if digits[:2] not in _CENTURIES:
            raise InvalidIdentifier(
                _("Ett 12-siffrigt organisationsnummer börjar med 16, "
                "eller med 18, 19 eller 20 för en enskild näringsidkare")
            )
        return _sole_trader(digits, sep, today, None)
    # The 16 prefix marks a legal person, so such a number is never read as a personnummer.
    legal_prefix = len(digits) == 12
    digits = digits[2:] if legal_prefix else digits
    if len(digits) != 10:
        raise InvalidIdentifier(_("Fel antal siffror (%(count)s), ett organisationsnummer har 10 siffror",
                                  count=len(digits)))
    if not _luhn_ok(digits):
        raise InvalidIdentifier(_("Kontrollsiffran stämmer inte"))
    if digits[2] < "2" and not legal_prefix:
        return _sole_trader(digits, sep, today, _(_THIRD_DIGIT))
    return _legal_person(digits, sep)


def validate_orgnr(value, today: date | None = None) -> IdResult:
    """Organisationsnummer, normalized ``NNNNNN-NNNN``; a personnummer is accepted as a sole trader."""
    return _run(value, _parse_orgnr, today)


def normalize_orgnr(value, today: date | None = None) -> str:
    """Normalized organisation identity; raises :class:`InvalidIdentifier`."""
    return _result_or_raise(validate_orgnr(value, today))


# --- bankgiro / plusgiro ------------------------------------------------------


def _parse_bankgiro(text: str) -> tuple[str, dict]:
    digits = _digits(text)
    if len(digits) not in (7, 8):
        raise InvalidIdentifier(_("Fel antal siffror (%(count)s), ett bankgironummer har 7 eller 8 siffror",
                                  count=len(digits)))
    if not _luhn_ok(digits):
        raise InvalidIdentifier(_("Kontrollsiffran stämmer inte"))
    return f"{digits[:-4]}-{digits[-4:]}", {}


def _parse_plusgiro(text: str) -> tuple[str, dict]:
    digits = _digits(text)
    if not 2 <= len(digits) <= 8:
        raise InvalidIdentifier(_("Fel antal siffror (%(count)s), ett plusgironummer har 2 till 8 siffror",
                                  count=len(digits)))
    if not _luhn_ok(digits):
        raise InvalidIdentifier(_("Kontrollsiffran stämmer inte"))
    return f"{digits[:-1]}-{digits[-1]}", {}


def validate_bankgiro(value) -> IdResult:
    """Bankgironummer, 7-8 digits with Luhn; normalized ``NNN-NNNN`` / ``NNNN-NNNN``."""
    return _run(value, _parse_bankgiro)


def validate_plusgiro(value) -> IdResult:
    """Plusgironummer, 2-8 digits with Luhn; normalized with a dash before the check digit."""
    return _run(value, _parse_plusgiro)


# --- Swedish bank accounts -----------------------------------------------------


@dataclass(frozen=True)
class ClearingRange:
    """One row of Bankgirot's "Bankernas kontonummeruppbyggnad"."""

    first: int
    last: int
    bank: str
    type: int  # 1: 7-digit account, mod 11 incl. clearing; 2: account alone
    comment: int


# Type 1 comment 1: mod 11 over clearing digits 2-4 + 7-digit account.
# Type 1 comment 2: mod 11 over all 4 clearing digits + 7-digit account.
# Type 2 comment 1: 10-digit account, mod 10.
# Type 2 comment 2: 9-digit account, mod 11 (Handelsbanken).
# Type 2 comment 3: up to 10 digits, zero-filled, mod 10 (Swedbank 8xxx, Plusgirot).
CLEARING_RANGES = tuple(
    ClearingRange(*row)
    for row in (
        (1100, 1199, "Nordea", 1, 1),
        (1200, 1399, "Danske Bank", 1, 1),
        (1400, 2099, "Nordea", 1, 1),
        (2300, 2399, "Ålandsbanken", 1, 2),
        (2400, 2499, "Danske Bank", 1, 1),
        (3000, 3299, "Nordea", 1, 1),
        (3300, 3300, "Nordea (personkonto)", 2, 1),
        (3301, 3399, "Nordea", 1, 1),
        (3400, 3409, "Länsförsäkringar Bank", 1, 1),
        (3410, 3781, "Nordea", 1, 1),
        (3782, 3782, "Nordea (personkonto)", 2, 1),
        (3783, 3999, "Nordea", 1, 1),
        (4000, 4999, "Nordea", 1, 2),
        (5000, 5999, "SEB", 1, 1),
        (6000, 6999, "Handelsbanken", 2, 2),
        (7000, 7999, "Swedbank", 1, 1),
        (8000, 8999, "Swedbank", 2, 3),
        (9020, 9029, "Länsförsäkringar Bank", 1, 2),
        (9040, 9049, "Citibank", 1, 2),
        (9060, 9069, "Länsförsäkringar Bank", 1, 1),
        (9070, 9079, "Multitude Bank", 1, 1),
        (9100, 9109, "Nordnet Bank", 1, 2),
        (9120, 9124, "SEB", 1, 1),
        (9130, 9149, "SEB", 1, 1),
        (9150, 9169, "Skandiabanken", 1, 2),
        (9170, 9179, "Ikano Bank", 1, 1),
        (9180, 9189, "Danske Bank", 2, 1),
        (9190, 9199, "DNB Bank", 1, 2),
        (9230, 9239, "Marginalen Bank", 1, 1),
        (9250, 9259, "SBAB", 1, 1),
        (9260, 9269, "DNB Bank", 1, 2),
        (9270, 9279, "ICA Banken", 1, 1),
        (9280, 9289, "Resurs Bank", 1, 1),
        (9300, 9349, "Swedbank (fd. Sparbanken Öresund)", 2, 1),
        (9390, 9399, "Landshypotek Bank", 1, 2),
        (9400, 9449, "Forex Bank", 1, 1),
        (9460, 9469, "Santander Consumer Bank", 1, 1),
        (9470, 9479, "BNP Paribas", 1, 2),
        (9500, 9549, "Nordea (Plusgirot)", 2, 3),
        (9550, 9569, "Avanza Bank", 1, 2),
        (9570, 9579, "Sparbanken Syd", 2, 1),
        (9580, 9589, "Aion Bank", 1, 1),
        (9590, 9599, "Erik Penser Bank", 1, 2),
        (9630, 9639, "Lån & Spar Bank Sverige", 1, 1),
        (9640, 9649, "NOBA Bank Group (fd. Nordax Bank)", 1, 2),
        (9650, 9659, "MedMera Bank", 1, 2),
        (9660, 9669, "Svea Bank", 1, 2),
        (9670, 9679, "JAK Medlemsbank", 1, 2),
        (9680, 9689, "Bluestep Finans", 1, 1),
        (9700, 9709, "Ekobanken", 1, 2),
        (9710, 9719, "Lunar Bank", 1, 2),
        (9750, 9759, "Northmill Bank", 1, 2),
        (9780, 9789, "Klarna Bank", 1, 2),
        (9880, 9889, "Riksgälden", 1, 2),
        (9890, 9899, "Riksgälden", 2, 1),
        (9960, 9969, "Nordea (Plusgirot)", 2, 3),
    )
)

_CHECK_METHODS = {
    (1, 1): "Modulus 11 över clearingnumrets tre sista siffror och kontonumret",
    (1, 2): "Modulus 11 över hela clearingnumret och kontonumret",
    (2, 1): "Modulus 10 över kontonumret (10 siffror)",
    (2, 2): "Modulus 11 över kontonumret (9 siffror)",
    (2, 3): "Modulus 10 över kontonumret (högst 10 siffror, nollutfyllt)",
}

_PERSONKONTO_CLEARINGS = ("3300", "3782")

# Clearing written first, optionally with Swedbank's fifth check digit, then a separator.
_CLEARING_HEAD = re.compile(r"\s*([0-9]{4})(?:[-\s]?([0-9]))?(?:[\s,.-]+)")


def find_clearing_range(clearing: str) -> ClearingRange | None:
    """Row of :data:`CLEARING_RANGES` for a 4-digit clearing number, or None."""
    number = int(clearing[:4])
    return next((r for r in CLEARING_RANGES if r.first <= number <= r.last), None)


def _split_swedbank(text: str, digits: str) -> tuple[str | None, str]:
    """Split 8xxx input into (given clearing check digit or None, account digits)."""
    head = _CLEARING_HEAD.match(text)
    if head and head.group(2):
        return head.group(2), digits[5:]
    rest = digits[5:]
    if head is None:
        # Digits only: the fifth digit is the clearing check digit if that reading fits.
        if digits[4] == luhn_check_digit(digits[:4]) and rest and _luhn_ok(rest):
            return digits[4], rest
    # An account has at most 10 digits, so an eleventh must be the clearing check digit.
    if len(digits) > 14:
        return digits[4], rest
    return None, digits[4:]


def _fit_account(row: ClearingRange, account: str) -> str:
    """Account digits in canonical length for the range, or InvalidIdentifier."""
    if not account:
        raise InvalidIdentifier(_("Kontonummer saknas efter clearingnumret"))
    if row.type == 1:
        # Type 1 accounts are 7 digits; tolerate zero-padding to a longer width.
        trimmed = account[-7:] if len(account) > 7 and not account[:-7].strip("0") else account
        expected, ok = _("7 siffror"), len(trimmed) == 7
    elif row.comment == 2:
        trimmed, expected, ok = account, _("9 siffror"), len(account) == 9
    elif row.comment == 1:
        trimmed, expected, ok = account, _("10 siffror"), len(account) == 10
    else:
        trimmed, expected, ok = account.rjust(10, "0"), _("högst 10 siffror"), len(account) <= 10
    if not ok:
        raise InvalidIdentifier(_("Kontonumret har fel längd för %(bank)s (%(expected)s)",
                                  bank=row.bank, expected=expected))
    return trimmed


def _account_checksum_ok(row: ClearingRange, clearing: str, account: str) -> bool:
    if row.type == 1:
        return _mod11_ok((clearing if row.comment == 2 else clearing[1:]) + account)
    if row.comment == 2:
        return _mod11_ok(account)
    # Luhn accepts all zeros; no real account is all zeros.
    return _luhn_ok(account) and account.strip("0") != ""


def _parse_bank_account(text: str) -> tuple[str, dict]:
    digits = _digits(text, "-,.")
    if len(digits) < 5:
        raise InvalidIdentifier(_("För få siffror: ange clearingnummer (4 siffror) följt av kontonummer"))
    clearing = digits[:4]
    row = find_clearing_range(clearing)
    if row is None:
        raise InvalidIdentifier(_("Okänt clearingnummer %(clearing)s", clearing=clearing))
    written_clearing = clearing
    if row.comment == 3 and clearing.startswith("8"):
        given_check, account = _split_swedbank(text, digits)
        check = luhn_check_digit(clearing)
        if given_check is not None and given_check != check:
            raise InvalidIdentifier(_("Clearingnumrets kontrollsiffra stämmer inte (ska vara "
                                      "%(clearing)s-%(check)s)",
                                      clearing=clearing, check=check))
        written_clearing = clearing + check
    else:
        account = digits[4:]
    account = _fit_account(row, account)
    if not _account_checksum_ok(row, clearing, account):
        raise InvalidIdentifier(_("Kontrollsiffran stämmer inte"))
    personkonto = clearing in _PERSONKONTO_CLEARINGS
    details = {
        "bank": row.bank,
        "clearing": written_clearing,
        "account": account,
        "type": row.type,
        "comment": row.comment,
        "check_method": _CHECK_METHODS[(row.type, row.comment)],
        "personkonto": personkonto,
        # A Nordea personkonto number is the holder's personnummer.
        "personal_data": personkonto,
    }
    return f"{written_clearing}-{account}", details


def validate_bank_account(value) -> IdResult:
    """Swedish clearing + account number; normalized ``CCCC-AAAA...`` (Swedbank 8xxx: ``CCCCC-...``)."""
    return _run(value, _parse_bank_account)


# --- IBAN ---------------------------------------------------------------------

_IBAN_SHAPE = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{1,30}")
_IBAN_REGISTRY = _numdb.get("iban")


def _iban_length(country: str) -> int | None:
    """Total IBAN length for a country from stdnum's registry, None if the country has no IBAN."""
    info = _IBAN_REGISTRY.info(country)[0][1]
    if not info:
        return None
    return 4 + sum(int(n) for n in re.findall(r"([0-9]+)!", info.get("bban", "")))


def _parse_iban(text: str) -> tuple[str, dict]:
    compact = re.sub(r"[\s\-.]", "", text).upper()
    compact = compact.removeprefix("IBAN")
    if not compact:
        raise InvalidIdentifier(_("Värdet är tomt"))
    if not _IBAN_SHAPE.fullmatch(compact):
        raise InvalidIdentifier(_("Ogiltigt format: ett IBAN består av landskod, två kontrollsiffror och kontonummer"))
    country = compact[:2]
    expected = _iban_length(country)
    if expected is None:
        raise InvalidIdentifier(_("Okänd landskod %(country)s", country=country))
    if len(compact) != expected:
        where = _("ett svenskt IBAN") if country == "SE" else _("ett IBAN från %(country)s", country=country)
        raise InvalidIdentifier(_("Fel längd (%(count)s tecken), %(where)s har %(expected)s tecken",
                                  count=len(compact), where=where, expected=expected))
    try:
        _stdnum_iban.validate(compact)
    except InvalidChecksum:
        raise InvalidIdentifier(_("Kontrollsiffrorna stämmer inte")) from None
    except InvalidComponent:
        raise InvalidIdentifier(_("Okänd landskod %(country)s", country=country)) from None
    except ValidationError:
        raise InvalidIdentifier(_("Fel längd eller format för ett IBAN från %(country)s", country=country)) from None
    details = {"country": country}
    if country == "SE":
        details["bank_code"] = compact[4:7]
    return compact, details


def validate_iban(value) -> IdResult:
    """IBAN for any country (mod 97 and national format); normalized compact upper case."""
    return _run(value, _parse_iban)


# --- dispatch -------------------------------------------------------------------------


def validate(kind: str, value, *, today: date | None = None) -> IdResult:
    """Validate ``value`` as ``kind`` (one of :data:`KINDS`)."""
    kind = kind.replace("_", "-")
    if kind in ("personnummer", "samordningsnummer", "orgnr"):
        return _VALIDATORS[kind](value, today)
    if kind not in _VALIDATORS:
        raise ValueError(f"Unknown identifier kind {kind!r}; expected one of {', '.join(KINDS)}")
    return _VALIDATORS[kind](value)


_VALIDATORS = {
    "orgnr": validate_orgnr,
    "personnummer": validate_personnummer,
    "samordningsnummer": validate_samordningsnummer,
    "bankgiro": validate_bankgiro,
    "plusgiro": validate_plusgiro,
    "bank-account": validate_bank_account,
    "iban": validate_iban,
}
