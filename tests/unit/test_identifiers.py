"""Tests for oversight.identifiers and the ``flask ids validate`` command.

Check digits in the property tests come from ``stdnum.luhn`` and a local
mod 11 helper, not from the module under test, so the tests are independent.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from stdnum import luhn

from oversight.identifiers import (
    CLEARING_RANGES,
    KINDS,
    IdResult,
    InvalidIdentifier,
    is_personal_identity,
    mask_personnummer,
    normalize_orgnr,
    validate,
    validate_bank_account,
    validate_bankgiro,
    validate_iban,
    validate_orgnr,
    validate_personnummer,
    validate_plusgiro,
    validate_samordningsnummer,
)
from oversight.identifiers_cli import ids_cli

TODAY = date(2025, 6, 1)


def with_luhn(payload: str) -> str:
    return payload + luhn.calc_check_digit(payload)


def mod11_digit(payload: str) -> int | None:
    """Digit d so that payload + d passes Bankgirot's mod 11 (weights 1..10 from the right), or None."""
    total = sum(int(ch) * ((i + 1) % 10 + 1) for i, ch in enumerate(reversed(payload)))
    for d in range(10):
        if (total + d) % 11 == 0:
            return d
    return None


# --- organisationsnummer -------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "normalized", "group"),
    [
        ("556016-0680", "556016-0680", 5),  # Telefonaktiebolaget LM Ericsson
        ("5560360793", "556036-0793", 5),  # Saab AB
        ("212000-0142", "212000-0142", 2),  # Stockholms stad
        ("202100-6297", "202100-6297", 2),
        ("16556016-0680", "556016-0680", 5),  # 12-digit form
        (" 556016 0680 ", "556016-0680", 5),
    ],
)
def test_orgnr_valid(value, normalized, group):
    result = validate_orgnr(value)
    assert result.valid, result.error
    assert result.normalized == normalized
    assert result.details["group"] == group
    assert result.details["sole_trader"] is False


def test_orgnr_group_name():
    assert validate_orgnr("212000-0142").details["group_name"] == "Stat, region, kommun, församling"
    assert validate_orgnr("556016-0680").details["group_name"] == "Aktiebolag"


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("55601606", "Fel antal siffror (8), ett organisationsnummer har 10 siffror"),
        ("556016-0681", "Kontrollsiffran stämmer inte"),
        ("551316-0688", "Tredje siffran måste vara minst 2 för en juridisk person"),
        ("16551316-0688", "Tredje siffran måste vara minst 2 för en juridisk person"),
        ("456016-0683", "Okänd gruppsiffra 4, första siffran ska vara en av 1, 2, 3, 5, 6, 7, 8, 9"),
        ("556016-068O", "Otillåtet tecken: 'O'"),
        ("", "Värdet är tomt"),
        ("   ", "Värdet är tomt"),
        ("--", "Värdet innehåller inga siffror"),
        (
            "215560160680",
            "Ett 12-siffrigt organisationsnummer börjar med 16, eller med 18, 19 eller 20 för en enskild näringsidkare",
        ),
    ],
)
def test_orgnr_invalid_messages(value, error):
    result = validate_orgnr(value)
    assert not result.valid
    assert result.normalized is None
    assert result.error == error


def test_orgnr_third_digit_error_keeps_personnummer_reason():
    result = validate_orgnr("551316-0688")
    assert result.details == {"personnummer_error": "Ogiltigt datum"}


@pytest.mark.parametrize("value", ["121212-1212", "191212121212", "19121212-1212", "121212+1212"])
def test_orgnr_personnummer_is_sole_trader(value):
    result = validate_orgnr(value, today=TODAY)
    assert result.valid, result.error
    assert result.details["sole_trader"] is True
    assert result.details["personal_data"] is True
    assert result.normalized in {"20121212-1212", "19121212-1212"}


def test_orgnr_samordningsnummer_is_sole_trader():
    result = validate_orgnr("701063-2391", today=TODAY)
    assert result.valid and result.normalized == "19701063-2391"
    assert result.details["samordningsnummer"] is True


def test_orgnr_plus_on_legal_person_rejected():
    assert validate_orgnr("556016+0680").error == "Plustecken används bara i personnummer (personer som fyllt 100 år)"


def test_normalize_orgnr():
    assert normalize_orgnr("5560160680") == "556016-0680"
    assert normalize_orgnr("165560160680") == "556016-0680"
    with pytest.raises(InvalidIdentifier, match="Kontrollsiffran stämmer inte") as info:
        normalize_orgnr("556016-0681")
    assert str(info.value) == "Kontrollsiffran stämmer inte"
    assert isinstance(info.value, ValueError)


# --- personnummer / samordningsnummer -------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "normalized", "birth"),
    [
        ("19121212-1212", "19121212-1212", "1912-12-12"),
        ("191212121212", "19121212-1212", "1912-12-12"),
        ("121212-1212", "20121212-1212", "2012-12-12"),
        ("1212121212", "20121212-1212", "2012-12-12"),
        ("121212+1212", "19121212-1212", "1912-12-12"),
        ("811218-9876", "19811218-9876", "1981-12-18"),
        (" 811218 9876 ", "19811218-9876", "1981-12-18"),
    ],
)
def test_personnummer_valid(value, normalized, birth):
    result = validate_personnummer(value, today=TODAY)
    assert result.valid, result.error
    assert result.normalized == normalized
    assert result.details["birth_date"] == birth
    assert result.details["samordningsnummer"] is False


def test_personnummer_century_follows_today():
    # Born 1 December: in June 2025 a '25' year is 1925, on 2 December it would be 2025.
    value = with_luhn("251201123")
    assert validate_personnummer(value, today=TODAY).details["birth_date"] == "1925-12-01"
    assert validate_personnummer(value, today=date(2025, 12, 2)).details["birth_date"] == "2025-12-01"


def test_personnummer_leap_day_depends_on_century():
    ten = with_luhn("000229123")
    assert validate_personnummer(f"{ten[:6]}-{ten[6:]}", today=TODAY).normalized == f"20000229-{ten[6:]}"
    # '+' means 1900, which was no leap year.
    assert validate_personnummer(f"{ten[:6]}+{ten[6:]}", today=TODAY).error == "Ogiltigt datum"


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("811318-9876", "Ogiltigt datum"),
        ("811218-9875", "Kontrollsiffran stämmer inte"),
        ("8112189", "Fel antal siffror (7), ett personnummer har 10 eller 12 siffror"),
        ("81-1218-9876", "Högst ett skiljetecken ('-' eller '+') är tillåtet"),
        ("81121-89876", "Skiljetecknet ska stå före de fyra sista siffrorna"),
        ("17121212-1212", "Ogiltigt sekel (17), ett 12-siffrigt nummer börjar med 18, 19 eller 20"),
        ("20991212-1212", "Födelsedatumet ligger i framtiden"),
        ("19811218+9876", "Plustecknet anger att personen fyllt 100 år, men födelsedatumet är 1981-12-18"),
        ("701063-2391", "Numret är ett samordningsnummer (dag + 60), inte ett personnummer"),
    ],
)
def test_personnummer_invalid_messages(value, error):
    assert validate_personnummer(value, today=TODAY).error == error


def test_samordningsnummer():
    result = validate_samordningsnummer("701063-2391", today=TODAY)
    assert result.valid and result.normalized == "19701063-2391"
    assert result.details["birth_date"] == "1970-10-03"
    assert validate_samordningsnummer("811218-9876", today=TODAY).error == (
        "Numret är ett personnummer, inte ett samordningsnummer (dagen ska vara ökad med 60)"
    )
    assert validate_samordningsnummer(with_luhn("701092123"), today=TODAY).error == "Ogiltigt datum"


def test_mask_and_is_personal_identity():
    assert mask_personnummer("19850312-1234") == "19850312-****"
    assert mask_personnummer("811218-9876") == "19811218-****"
    assert mask_personnummer("nonsense 1234") == "nonsense 1234"  # no personnummer in it
    assert mask_personnummer("811218-9875") == "811218-****"  # wrong check digit: still masked
    assert mask_personnummer("Ogiltigt 19811218-9875 och 556016-0680") == \
        "Ogiltigt 19811218-**** och 556016-0680"
    assert mask_personnummer("701063-2391") == "19701063-****"  # samordningsnummer
    assert mask_personnummer("556016-0680") == "556016-0680"
    assert mask_personnummer(None) is None
    assert is_personal_identity("811218-9876")
    assert is_personal_identity("701063-2391")
    assert not is_personal_identity("556016-0680")
    assert not is_personal_identity("")


# --- bankgiro / plusgiro ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "normalized"),
    [("5050-1055", "5050-1055"), ("50501055", "5050-1055"), ("991-2346", "991-2346"), ("991 2346", "991-2346")],
)
def test_bankgiro_valid(value, normalized):
    result = validate_bankgiro(value)
    assert result.valid and result.normalized == normalized


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("5050-1056", "Kontrollsiffran stämmer inte"),
        ("505-105", "Fel antal siffror (6), ett bankgironummer har 7 eller 8 siffror"),
        ("5050/1055", "Otillåtet tecken: '/'"),
    ],
)
def test_bankgiro_invalid(value, error):
    assert validate_bankgiro(value).error == error


@pytest.mark.parametrize(
    ("value", "normalized"),
    [("4-2", "4-2"), ("12 34 56-6", "123456-6"), ("1234566", "123456-6"), ("9876543-1", "9876543-1")],
)
def test_plusgiro_valid(value, normalized):
    result = validate_plusgiro(value)
    assert result.valid and result.normalized == normalized


def test_plusgiro_invalid():
    assert validate_plusgiro("4").error == "Fel antal siffror (1), ett plusgironummer har 2 till 8 siffror"
    assert validate_plusgiro("123456789").error == "Fel antal siffror (9), ett plusgironummer har 2 till 8 siffror"
    assert validate_plusgiro("12 34 56-7").error == "Kontrollsiffran stämmer inte"


# --- bank accounts ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "normalized", "bank", "type_", "comment"),
    [
        ("5000-1001000", "5000-1001000", "SEB", 1, 1),
        ("7000-1001000", "7000-1001000", "Swedbank", 1, 1),
        ("1200-0000010", "1200-0000010", "Danske Bank", 1, 1),
        ("3400-0001000", "3400-0001000", "Länsförsäkringar Bank", 1, 1),
        ("9020-0100000", "9020-0100000", "Länsförsäkringar Bank", 1, 2),
        ("4000-1000000", "4000-1000000", "Nordea", 1, 2),
        ("2300-0000001", "2300-0000001", "Ålandsbanken", 1, 2),
        ("9660-1000010", "9660-1000010", "Svea Bank", 1, 2),
        ("6000-100000010", "6000-100000010", "Handelsbanken", 2, 2),
        ("6000 100 000 010", "6000-100000010", "Handelsbanken", 2, 2),
        ("9180-1000000008", "9180-1000000008", "Danske Bank", 2, 1),
        ("9570-1000000008", "9570-1000000008", "Sparbanken Syd", 2, 1),
        ("9300-1000000008", "9300-1000000008", "Swedbank (fd. Sparbanken Öresund)", 2, 1),
        ("9500-1000000008", "9500-1000000008", "Nordea (Plusgirot)", 2, 3),
        ("8327-9, 123 456 789-7", "83279-1234567897", "Swedbank", 2, 3),
        ("83279 1234567897", "83279-1234567897", "Swedbank", 2, 3),
        ("8327 1234567897", "83279-1234567897", "Swedbank", 2, 3),
        ("832791234567897", "83279-1234567897", "Swedbank", 2, 3),
        ("8327-9 12 345 678-2", "83279-0123456782", "Swedbank", 2, 3),
        ("8351-93922422245", "83519-3922422245", "Swedbank", 2, 3),
        ("5000-0001001000", "5000-1001000", "SEB", 1, 1),  # zero-padded type 1 account
    ],
)
def test_bank_account_valid(value, normalized, bank, type_, comment):
    result = validate_bank_account(value)
    assert result.valid, result.error
    assert result.normalized == normalized
    assert (result.details["bank"], result.details["type"], result.details["comment"]) == (bank, type_, comment)
    assert result.details["personkonto"] is False
    assert validate_bank_account(normalized).normalized == normalized


@pytest.mark.parametrize("clearing", ["3300", "3782"])
def test_nordea_personkonto(clearing):
    result = validate_bank_account(f"{clearing}-7505092556")
    assert result.valid, result.error
    assert result.details["personkonto"] is True
    assert result.details["personal_data"] is True
    assert result.details["account"] == "7505092556"


def test_swedbank_details():
    details = validate_bank_account("8327-9, 123 456 789-7").details
    assert details["clearing"] == "83279"
    assert details["account"] == "1234567897"


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("1000-1234567", "Okänt clearingnummer 1000"),
        ("2200-1234567", "Okänt clearingnummer 2200"),
        ("6000-10000001", "Kontonumret har fel längd för Handelsbanken (9 siffror)"),
        ("6000-100000011", "Kontrollsiffran stämmer inte"),
        ("5000-100100", "Kontonumret har fel längd för SEB (7 siffror)"),
        ("5000-1001001", "Kontrollsiffran stämmer inte"),
        ("9180-100000008", "Kontonumret har fel längd för Danske Bank (10 siffror)"),
        ("8327-8, 123 456 789-7", "Clearingnumrets kontrollsiffra stämmer inte (ska vara 8327-9)"),
        ("8327-9, 123 456 789-6", "Kontrollsiffran stämmer inte"),
        ("8327-9 12345678977", "Kontonumret har fel längd för Swedbank (högst 10 siffror)"),
        ("8000-2-0000000000", "Kontrollsiffran stämmer inte"),
        ("500", "För få siffror: ange clearingnummer (4 siffror) följt av kontonummer"),
        ("5000:1001000", "Otillåtet tecken: ':'"),
    ],
)
def test_bank_account_invalid(value, error):
    result = validate_bank_account(value)
    assert not result.valid
    assert result.error == error


def test_clearing_ranges_do_not_overlap():
    ranges = sorted((r.first, r.last) for r in CLEARING_RANGES)
    for (_, last), (first, _) in zip(ranges, ranges[1:]):
        assert last < first
    known = {(1, 1), (1, 2), (2, 1), (2, 2), (2, 3)}
    assert all(r.first <= r.last and (r.type, r.comment) in known for r in CLEARING_RANGES)


# --- IBAN -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "normalized", "country"),
    [
        ("SE45 5000 0000 0583 9825 7466", "SE4550000000058398257466", "SE"),
        ("se4550000000058398257466", "SE4550000000058398257466", "SE"),
        ("IBAN SE45 5000 0000 0583 9825 7466", "SE4550000000058398257466", "SE"),
        ("DE89 3704 0044 0532 0130 00", "DE89370400440532013000", "DE"),
    ],
)
def test_iban_valid(value, normalized, country):
    result = validate_iban(value)
    assert result.valid, result.error
    assert result.normalized == normalized
    assert result.details["country"] == country


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("SE45 5000 0000 0583 9825 7467", "Kontrollsiffrorna stämmer inte"),
        ("SE45 5000 0000 0583 9825 74", "Fel längd (22 tecken), ett svenskt IBAN har 24 tecken"),
        ("DE89 3704 0044 0532 0130", "Fel längd (20 tecken), ett IBAN från DE har 22 tecken"),
        ("XX89 3704 0044 0532 0130 00", "Okänd landskod XX"),
        (
            "4550000000058398257466",
            "Ogiltigt format: ett IBAN består av landskod, två kontrollsiffror och kontonummer",
        ),
        ("", "Värdet är tomt"),
    ],
)
def test_iban_invalid(value, error):
    assert validate_iban(value).error == error


# --- dispatch and result object ---------------------------------------------------------------


def test_validate_dispatch_and_to_json():
    result = validate("orgnr", "556016-0680")
    assert isinstance(result, IdResult)
    assert result.to_json() == {
        "input": "556016-0680",
        "valid": True,
        "normalized": "556016-0680",
        "error": None,
        "details": {"group": 5, "group_name": "Aktiebolag", "sole_trader": False, "personal_data": False},
    }
    assert validate("bank-account", "5000-1001000").valid
    assert validate("bank_account", "5000-1001000").valid
    assert validate("personnummer", "121212-1212", today=TODAY).normalized == "20121212-1212"
    with pytest.raises(ValueError):
        validate("passport", "x")


# --- property tests ------------------------------------------------------------------------

digit_strings = st.text(alphabet="0123456789", min_size=1, max_size=1)


@st.composite
def valid_orgnrs(draw):
    group = draw(st.sampled_from("12356789"))
    second = draw(digit_strings)
    third = draw(st.sampled_from("23456789"))
    rest = draw(st.text(alphabet="0123456789", min_size=6, max_size=6))
    return with_luhn(group + second + third + rest)


@st.composite
def birth_dates(draw):
    return draw(st.dates(min_value=date(1890, 1, 1), max_value=TODAY))


def person_number(birth: date, serial: str, coordination: bool) -> str:
    day = birth.day + (60 if coordination else 0)
    return with_luhn(f"{birth.year % 100:02d}{birth.month:02d}{day:02d}{serial}")


def age(birth: date) -> int:
    return TODAY.year - birth.year - ((TODAY.month, TODAY.day) < (birth.month, birth.day))


@given(valid_orgnrs())
def test_generated_orgnr_validates_and_is_idempotent(number):
    result = validate_orgnr(number)
    assert result.valid, result.error
    assert result.normalized == f"{number[:6]}-{number[6:]}"
    assert validate_orgnr(result.normalized).normalized == result.normalized
    assert validate_orgnr("16" + number).normalized == result.normalized


@given(birth_dates(), st.text(alphabet="0123456789", min_size=3, max_size=3)
       .filter(lambda s: s != "000"), st.booleans())  # birth number 000 is never issued
def test_generated_person_numbers(birth, serial, coordination):
    ten = person_number(birth, serial, coordination)
    sep = "+" if age(birth) >= 100 else "-"
    expected = f"{birth.year:04d}{ten[2:6]}-{ten[6:]}"
    validator = validate_samordningsnummer if coordination else validate_personnummer
    for form in (ten[:6] + sep + ten[6:], f"{birth.year // 100}{ten}", expected):
        result = validator(form, today=TODAY)
        assert result.valid, (form, result.error)
        assert result.normalized == expected
        assert result.details["birth_date"] == birth.isoformat()
    assert validator(expected, today=TODAY).normalized == expected
    assert is_personal_identity(expected, today=TODAY)


@given(st.text(alphabet="0123456789", min_size=6, max_size=7))
def test_generated_bankgiro(payload):
    number = with_luhn(payload)
    result = validate_bankgiro(number)
    assert result.valid
    assert result.normalized == f"{number[:-4]}-{number[-4:]}"
    assert validate_bankgiro(result.normalized).normalized == result.normalized


@given(st.text(alphabet="0123456789", min_size=1, max_size=7))
def test_generated_plusgiro(payload):
    number = with_luhn(payload)
    result = validate_plusgiro(number)
    assert result.valid
    assert result.normalized == f"{number[:-1]}-{number[-1]}"
    assert validate_plusgiro(result.normalized).normalized == result.normalized


def mutate(number: str, index: int, delta: int) -> str:
    index %= len(number)
    digit = (int(number[index]) + delta) % 10
    return number[:index] + str(digit) + number[index + 1 :]


single_change = (st.integers(min_value=0, max_value=11), st.integers(min_value=1, max_value=9))


@given(valid_orgnrs(), *single_change)
def test_changed_digit_invalidates_orgnr(number, index, delta):
    # Luhn is checked before the sole-trader reading, so no change can slip through as a personnummer.
    assert not validate_orgnr(mutate(number, index, delta), today=TODAY).valid


@given(birth_dates(), st.text(alphabet="0123456789", min_size=3, max_size=3), *single_change)
def test_changed_digit_invalidates_personnummer(birth, serial, index, delta):
    ten = person_number(birth, serial, False)
    changed = mutate(ten, index, delta)
    assert not is_personal_identity(changed[:6] + "-" + changed[6:], today=TODAY)


@given(st.text(alphabet="0123456789", min_size=6, max_size=7), *single_change)
def test_changed_digit_invalidates_giro(payload, index, delta):
    number = with_luhn(payload)
    changed = mutate(number, index, delta)
    assert not validate_bankgiro(changed).valid
    assert not validate_plusgiro(changed).valid


@st.composite
def valid_bank_accounts(draw):
    row = draw(st.sampled_from(CLEARING_RANGES))
    clearing = str(draw(st.integers(min_value=row.first, max_value=row.last)))
    if row.type == 1:
        payload = draw(st.text(alphabet="0123456789", min_size=6, max_size=6))
        check = mod11_digit((clearing if row.comment == 2 else clearing[1:]) + payload)
        assume(check is not None)
        account = payload + str(check)
    elif row.comment == 2:
        payload = draw(st.text(alphabet="0123456789", min_size=8, max_size=8))
        check = mod11_digit(payload)
        assume(check is not None)
        account = payload + str(check)
    else:
        account = with_luhn(draw(st.text(alphabet="0123456789", min_size=9, max_size=9)))
        assume(account.strip("0"))
    return row, clearing, account


@given(valid_bank_accounts())
def test_generated_bank_accounts(case):
    row, clearing, account = case
    result = validate_bank_account(f"{clearing}-{account}")
    assert result.valid, result.error
    assert result.details["bank"] == row.bank
    written = clearing + luhn.calc_check_digit(clearing) if clearing.startswith("8") else clearing
    assert result.normalized == f"{written}-{account}"
    assert validate_bank_account(result.normalized).normalized == result.normalized


@given(valid_bank_accounts(), st.integers(min_value=0, max_value=30), st.integers(min_value=1, max_value=9))
def test_changed_account_digit_invalidates(case, index, delta):
    row, clearing, account = case
    changed = mutate(account, index, delta)
    assert not validate_bank_account(f"{clearing}-{changed}").valid


@settings(max_examples=300)
@given(st.sampled_from(KINDS), st.text())
def test_arbitrary_text_never_raises(kind, text):
    result = validate(kind, text, today=TODAY)
    assert result.input == text
    if not result.valid:
        assert isinstance(result.error, str) and result.error
        assert result.normalized is None
    json.dumps(result.to_json(), ensure_ascii=False)
    mask_personnummer(text)


@given(st.sampled_from(KINDS), st.text(alphabet="0123456789 -+", max_size=20))
def test_valid_results_are_idempotent(kind, text):
    result = validate(kind, text, today=TODAY)
    if result.valid:
        again = validate(kind, result.normalized, today=TODAY)
        assert again.valid and again.normalized == result.normalized


# --- CLI -----------------------------------------------------------------------------------------


def test_cli_single_valid_value():
    outcome = CliRunner().invoke(ids_cli, ["validate", "--kind", "orgnr", "556016-0680"])
    assert outcome.exit_code == 0, outcome.output
    payload = json.loads(outcome.output)
    assert payload["valid"] is True
    assert payload["normalized"] == "556016-0680"
    assert set(payload) == {"input", "valid", "normalized", "error", "details"}


def test_cli_single_invalid_value():
    outcome = CliRunner().invoke(ids_cli, ["validate", "--kind", "orgnr", "556016-0681"])
    assert outcome.exit_code == 1
    assert "Kontrollsiffran stämmer inte" in outcome.output  # ensure_ascii=False


def test_cli_stdin_skips_blank_lines():
    outcome = CliRunner().invoke(
        ids_cli, ["validate", "--kind", "bankgiro", "-"], input="5050-1055\n\n  \n991-2346\n"
    )
    assert outcome.exit_code == 0, outcome.output
    lines = [json.loads(line) for line in outcome.output.splitlines()]
    assert [line["normalized"] for line in lines] == ["5050-1055", "991-2346"]


def test_cli_stdin_any_invalid_exits_1():
    outcome = CliRunner().invoke(
        ids_cli, ["validate", "--kind", "bank-account", "-"], input="5000-1001000\n1000-1234567\n"
    )
    assert outcome.exit_code == 1
    lines = [json.loads(line) for line in outcome.output.splitlines()]
    assert [line["valid"] for line in lines] == [True, False]
    assert lines[1]["error"] == "Okänt clearingnummer 1000"


def test_cli_rejects_unknown_kind():
    outcome = CliRunner().invoke(ids_cli, ["validate", "--kind", "passport", "x"])
    assert outcome.exit_code == 2


def test_birth_number_000_is_invalid():
    from oversight.identifiers import validate_personnummer
    result = validate_personnummer("20150916-0006")
    assert not result.valid and "000" in result.error
    assert not is_personal_identity("20150916-0006")
