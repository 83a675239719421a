"""Payment files: pain.001.001.03/.09 and CSV, valid and broken, with precise errors."""
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oversight.accounts.paymentfile import (
    detect_format,
    parse_pain001,
    parse_payment_file,
    parse_payments_csv,
)
from oversight.accounts.textfile import FileFormatError, parse_amount

FIXTURES = Path(__file__).resolve().parents[2] / "oversight" / "accounts" / "fixtures"
V03 = (FIXTURES / "pain001_v03.xml").read_bytes()
V09 = (FIXTURES / "pain001_v09.xml").read_bytes()
CSV = (FIXTURES / "payments.csv").read_bytes()


def errors_of(data: bytes, fmt=None):
    with pytest.raises(FileFormatError) as info:
        parse_payment_file(data, fmt)
    return info.value.errors


def line_of(data: bytes, needle: bytes, occurrence: int = 1) -> int:
    index = -1
    for _ in range(occurrence):
        index = data.index(needle, index + 1)
    return data[:index].count(b"\n") + 1


# --- valid files -----------------------------------------------------------------------------

def test_pain001_v03_fixture():
    pf = parse_payment_file(V03)
    assert pf.format == "pain.001.001.03" and pf.message_id == "SOC-2026-03-25-001"
    assert len(pf.payments) == 6 and pf.total == Decimal("270749.50") and not pf.warnings
    first, plusgiro, account, personkonto, iban = (pf.payments[0], pf.payments[2],
                                                   pf.payments[3], pf.payments[4], pf.payments[5])
    assert (first.kind, first.number, first.payee_id) == ("bankgiro", "50501006", "8024324009")
    assert first.amount == Decimal("125000.00") and first.currency == "SEK"
    assert first.pay_date == date(2026, 3, 25) and first.department == "Socialförvaltningen"
    assert first.reference.startswith("Verksamhetsbidrag 2026")
    assert first.line == line_of(V03, b"<CdtTrfTxInf>")
    assert first.where.endswith("PmtInf[1]/CdtTrfTxInf[1]")
    assert (plusgiro.kind, plusgiro.number) == ("plusgiro", "4821146")
    # clearing number only in CdtrAgt/ClrSysMmbId/MmbId is put in front of the account
    assert (account.kind, account.number) == ("bank_account", "6123-100000126")
    assert (personkonto.kind, personkonto.number) == ("bank_account", "33008112189876")
    assert (iban.kind, iban.payee_id) == ("iban", None)
    assert pf.payments[1].reference == "1023400016"  # structured creditor reference


def test_pain001_v09_fixture_with_dt_and_dttm():
    pf = parse_payment_file(V09)
    assert pf.format == "pain.001.001.09" and len(pf.payments) == 4
    assert [p.pay_date for p in pf.payments] == [date(2026, 4, 1)] * 2 + [date(2026, 4, 2)] * 2
    assert pf.payments[2].where.endswith("PmtInf[2]/CdtTrfTxInf[1]")
    assert (pf.payments[2].kind, pf.payments[2].number) == ("bank_account", "832794000000259")
    assert pf.payments[3].kind == "plusgiro"
    assert pf.total == Decimal("331250.00") and not pf.warnings


def test_the_file_hash_is_of_the_exact_bytes():
    import hashlib

    assert parse_payment_file(V03).sha256 == hashlib.sha256(V03).hexdigest()


def test_csv_fixture_swedish_format():
    pf = parse_payment_file(CSV)
    assert pf.format == "csv" and len(pf.payments) == 6
    assert pf.payments[0].amount == Decimal("125000.00")
    assert pf.payments[0].department == "Socialförvaltningen"
    assert pf.payments[3].kind == "bank_account" and pf.payments[5].kind == "iban"
    assert pf.payments[5].payee_id is None and pf.payments[0].where == "rad 2"
    assert pf.total == parse_payment_file(V03).total


def test_csv_latin1_and_comma_separated_with_english_headers():
    text = ("department,payee name,payee org number,account kind,account number,amount,date,"
            "reference\nKultur,Föreningen Kör,802432-4009,BG,5050-1006,1500.50,2026-05-01,ref\n")
    pf = parse_payments_csv(text.encode("cp1252"))
    assert pf.payments[0].payee_name == "Föreningen Kör"
    assert pf.payments[0].amount == Decimal("1500.50") and pf.payments[0].kind == "bankgiro"


def test_detect_format():
    assert detect_format(V03) == "pain001" and detect_format(b"\xef\xbb\xbf  <x/>") == "pain001"
    assert detect_format(CSV) == "csv"


# --- broken XML ------------------------------------------------------------------------------

def test_not_well_formed_gives_the_line():
    broken = V03.replace(b"</Cdtr>", b"</Cdtor>", 1)
    [error] = errors_of(broken)
    assert "inte välformad" in error.message
    assert error.line == line_of(V03, b"</Cdtr>")


def test_doctype_is_refused_billion_laughs():
    bomb = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
            b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>\n<Document>&lol2;</Document>')
    [error] = errors_of(bomb)
    assert "DOCTYPE" in error.message and error.line == 2


def test_external_entities_are_refused():
    xxe = (b'<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
           b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03">&x;</Document>')
    [error] = errors_of(xxe)
    assert "DOCTYPE" in error.message


def test_wrong_document_type():
    other = V03.replace(b"pain.001.001.03", b"pain.008.001.02")
    [error] = errors_of(other)
    assert "Inte en pain.001-fil" in error.message and error.line == 2


def test_missing_amount_names_the_element_and_line():
    start = V03.index(b"<Amt>", V03.index(b"F10234"))
    end = V03.index(b"</Amt>", start) + len(b"</Amt>")
    broken = V03[:start] + V03[end:]
    [error] = errors_of(broken)
    assert error.element == "PmtInf[1]/CdtTrfTxInf[2]/Amt/InstdAmt"
    assert error.line == line_of(broken, b"<CdtTrfTxInf>", 2)
    assert str(error).startswith(f"rad {error.line}, PmtInf[1]/CdtTrfTxInf[2]")


def test_every_broken_payment_is_reported():
    broken = (V03.replace(b'<InstdAmt Ccy="SEK">48350.50', b'<InstdAmt Ccy="SEK">48 350,50')
              .replace(b"<Prtry>BGNR</Prtry>", b"<Prtry>XYZ</Prtry>")
              .replace(b'Ccy="SEK">12400.00', b'>12400.00'))
    errors = errors_of(broken)
    elements = [e.element for e in errors]
    assert "PmtInf[1]/CdtTrfTxInf[2]/Amt/InstdAmt" in elements
    assert "PmtInf[1]/CdtTrfTxInf[1]/CdtrAcct/Id/Othr/SchmeNm" in elements
    assert "PmtInf[1]/CdtTrfTxInf[4]/Amt/InstdAmt/@Ccy" in elements
    assert all(e.line for e in errors)


def test_v09_date_must_be_wrapped_and_v03_must_not():
    v09_flat = V09.replace(b"<ReqdExctnDt>\n        <Dt>2026-04-01</Dt>\n      </ReqdExctnDt>",
                           b"<ReqdExctnDt>2026-04-01</ReqdExctnDt>")
    assert "Dt eller DtTm" in errors_of(v09_flat)[0].message
    v03_wrapped = V03.replace(b"<ReqdExctnDt>2026-03-25</ReqdExctnDt>",
                              b"<ReqdExctnDt><Dt>2026-03-25</Dt></ReqdExctnDt>")
    error = errors_of(v03_wrapped)[0]
    assert "pain.001.001.03" in error.message and error.element == "PmtInf[1]/ReqdExctnDt"


def test_bad_date():
    error = errors_of(V03.replace(b"2026-03-25</ReqdExctnDt>", b"2026-02-30</ReqdExctnDt>"))[0]
    assert "datum" in error.message and error.element == "PmtInf[1]/ReqdExctnDt"


def test_missing_creditor_account():
    start = V03.index(b"<CdtrAcct>", V03.index(b"F88812"))
    end = V03.index(b"</CdtrAcct>", start) + len(b"</CdtrAcct>")
    [error] = errors_of(V03[:start] + V03[end:])
    assert error.element == "PmtInf[1]/CdtTrfTxInf[6]/CdtrAcct/Id"


def test_control_sum_mismatch_is_a_warning_not_an_error():
    pf = parse_payment_file(V03.replace(b"<NbOfTxs>6</NbOfTxs>", b"<NbOfTxs>7</NbOfTxs>", 1)
                            .replace(b"<CtrlSum>270749.50</CtrlSum>", b"<CtrlSum>1.00</CtrlSum>", 1))
    assert len(pf.payments) == 6
    texts = " ".join(str(w) for w in pf.warnings)
    assert "NbOfTxs anger 7" in texts and "CtrlSum anger 1.00" in texts


def test_payment_group_without_payments():
    start = V03.index(b"<CdtTrfTxInf>")
    end = V03.rindex(b"</CdtTrfTxInf>") + len(b"</CdtTrfTxInf>")
    errors = errors_of(V03[:start] + V03[end:])
    assert any("ingen CdtTrfTxInf" in e.message for e in errors)


@settings(max_examples=150, deadline=None)
@given(cut=st.integers(min_value=0, max_value=len(V03) - 20))
def test_truncated_files_give_file_errors(cut):
    with pytest.raises(FileFormatError) as info:
        parse_pain001(V03[:cut])
    assert info.value.errors and all(str(e) for e in info.value.errors)


@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=300))
def test_arbitrary_bytes_never_crash(data):
    try:
        parse_payment_file(data)
    except FileFormatError as exc:
        assert exc.errors


# --- broken CSV ------------------------------------------------------------------------------

def test_csv_errors_list_every_bad_row_with_its_line():
    text = ("förvaltning;mottagare;organisationsnummer;kontotyp;kontonummer;belopp;datum;referens\n"
            "Soc;Förening A;802432-4009;bankgiro;5050-1006;100,00;2026-03-25;x\n"
            "Soc;Förening B;;swish;123;100,00;2026-03-25;x\n"
            "\n"
            "Soc;Förening C;;bankgiro;5050-1006;tio kronor;2026-13-01;x\n")
    errors = errors_of(text.encode(), "csv")
    assert [e.line for e in errors] == [3, 5]
    assert "Okänd kontotyp 'swish'" in errors[0].message
    assert "belopp" in errors[1].message and "datum" in errors[1].message


def test_csv_missing_required_column():
    [error] = errors_of(b"mottagare;kontonummer;belopp\nA;5050-1006;1\n", "csv")
    assert error.line == 1 and "kontotyp" in error.message


def test_csv_with_too_many_fields_points_at_the_row():
    text = ("mottagare;kontotyp;kontonummer;belopp;datum\n"
            "A;bankgiro;5050-1006;1;2026-01-01\n"
            "B;bankgiro;5050-1006;1,5;2026-01-01;extra;fält\n")
    [error] = errors_of(text.encode(), "csv")
    assert error.line == 3 and "avgränsaren" in error.message


def test_csv_negative_amount_is_refused():
    text = "mottagare;kontotyp;kontonummer;belopp;datum\nA;bankgiro;5050-1006;-5;2026-01-01\n"
    assert "större än noll" in errors_of(text.encode(), "csv")[0].message


# --- amounts ---------------------------------------------------------------------------------

@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False))
def test_swedish_amounts_round_trip(value):
    whole, _, frac = f"{value:.2f}".partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    assert parse_amount("\u00a0".join(groups) + "," + frac) == value
    assert parse_amount(f"{value:.2f}") == value


@pytest.mark.parametrize("text, expected", [("1 234,50", "1234.50"), ("1.234,50", "1234.50"),
                                            ("1,234.50", "1234.50"), ("500 kr", "500"),
                                            ("-12", "-12")])
def test_amount_formats(text, expected):
    assert parse_amount(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["", "12,345", "1.2.3", "abc", "1e5"])
def test_bad_amounts(text):
    with pytest.raises(ValueError):
        parse_amount(text)
