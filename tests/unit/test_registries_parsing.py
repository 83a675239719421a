"""Parsing of registry answers and files: Bolagsverket's API shape, the bulk file, small CSVs."""
import copy
import io
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from registries.base import (
    ERROR, FOUND, NOT_FOUND, PARTIAL, UNAVAILABLE, RegistryResult, from_jsonable, parse_date, redact,
    to_jsonable,
)
from registries.bolagsverket import AnswerShapeError, parse_organisationer
from registries.bolagsverket_bulk import BulkFileError, header_map, parse_fields, read_rows
from registries.csvfiles import ImportRejected, parse_amount, parse_bool, read_table
from registries.http import retry_after_seconds
from registries.normalized import CompanyRecord, records_of
from registries.offline import load_fixture

FIXTURES = load_fixture("bolagsverket")


def answer(digits):
    return copy.deepcopy(FIXTURES[digits])


def test_reconstruction_bankruptcy_and_fine_companies_from_the_fixtures():
    status, records, missing, _ = parse_organisationer(answer("5569012346"), "556901-2346")
    assert status == FOUND and not missing
    omsorg = records[0]
    assert omsorg.name == "Omsorgspartner i Norden AB" and omsorg.legal_form.code == "AB"
    assert [(p.code, p.from_date) for p in omsorg.proceedings] == [("FR", date(2026, 10, 20))]
    assert omsorg.description.startswith("Bolaget ska")  # leading whitespace trimmed
    assert [s.code for s in omsorg.sni] == ["88101", "88102"]
    assert omsorg.address.city == "SPÅNGA" and omsorg.registration_date == date(2019, 4, 2)

    _, (bygg,), _, _ = parse_organisationer(answer("5567120984"), "556712-0984")
    # the date-time spelling of a date, and SCB's "not active"
    assert [(p.code, p.from_date) for p in bygg.proceedings] == [("KK", date(2025, 6, 12))]
    assert bygg.active is False

    # Bolagsverket's own example spells the key without the second "e": still read
    fine = answer("5568743214")
    assert "pagandeAvvecklingsEllerOmstruktureringsforfarande" in fine["organisationer"][0]
    status, (trygg,), missing, _ = parse_organisationer(fine, "556874-3214")
    assert status == FOUND and trygg.proceedings == () and not missing


def test_misspelled_key_with_a_bankruptcy_is_not_lost():
    data = answer("5568743214")
    org = data["organisationer"][0]
    org["pagandeAvvecklingsEllerOmstruktureringsforfarande"]["pagandeAvvecklingsEllerOmstruktureringsforfarandeLista"] = [
        {"kod": "KK", "klartext": "Konkurs", "fromDatum": "2026-01-05"}]
    _, (record,), _, _ = parse_organisationer(data, "556874-3214")
    assert [p.code for p in record.proceedings] == ["KK"]


def test_association_known_only_to_scb_is_found_without_missing_parts():
    status, (record,), missing, _ = parse_organisationer(answer("8024123450"), "802412-3450")
    assert status == FOUND and missing == ()
    assert record.juridical_form.code == "61" and record.legal_form is None and record.active is True


def test_a_part_failed_at_the_source_makes_the_answer_partial_and_names_it():
    data = answer("5569012346")
    org = data["organisationer"][0]
    org["pagaendeAvvecklingsEllerOmstruktureringsforfarande"] = {
        "dataproducent": "Bolagsverket", "fel": {"typ": "OTILLGANGLIG_UPPGIFTSKALLA", "felBeskrivning": "nere"}}
    org["naringsgrenOrganisation"] = {"dataproducent": "SCB", "fel": {"typ": "TIMEOUT"}}
    status, records, missing, message = parse_organisationer(data, "556901-2346")
    assert status == PARTIAL and records[0].proceedings == ()
    assert "pågående konkurs, likvidation eller rekonstruktion" in missing and "SNI-koder" in missing
    assert "SNI-koder" in message


def test_an_unparsable_value_is_a_missing_part_not_a_crash():
    data = answer("5569012346")
    data["organisationer"][0]["organisationsdatum"]["registreringsdatum"] = "igår"
    status, _, missing, _ = parse_organisationer(data, "556901-2346")
    assert status == PARTIAL and missing == ("registreringsdatum (kunde inte tolkas)",)


@pytest.mark.parametrize("typ, expected", [
    ("ORGANISATION_FINNS_EJ", NOT_FOUND), ("OGILTIG_BEGARAN", ERROR),
    ("OTILLGANGLIG_UPPGIFTSKALLA", UNAVAILABLE), ("TIMEOUT", UNAVAILABLE)])
def test_organisation_level_errors(typ, expected):
    data = {"organisationer": [{"organisationsidentitet": {"identitetsbeteckning": "5560160680"},
                                "fel": {"typ": typ, "felBeskrivning": "x"}}]}
    assert parse_organisationer(data, "556016-0680")[0] == expected


def test_not_found_by_every_producer_and_empty_list():
    blocks = {k: {"dataproducent": "SCB", "fel": {"typ": "ORGANISATION_FINNS_EJ"}}
              for k in ("organisationsnamn", "organisationsform", "naringsgrenOrganisation")}
    assert parse_organisationer({"organisationer": [blocks]}, "556016-0680")[0] == NOT_FOUND
    assert parse_organisationer({"organisationer": []}, "556016-0680")[0] == NOT_FOUND


def test_sole_trader_with_two_name_protection_numbers():
    one = answer("5568743214")["organisationer"][0]
    two = copy.deepcopy(one)
    one["namnskyddslopnummer"], two["namnskyddslopnummer"] = 1, 2
    two["organisationsnamn"]["organisationsnamnLista"][0]["namn"] = "Andra firman"
    status, records, _, _ = parse_organisationer({"organisationer": [one, two]}, "556874-3214")
    assert status == FOUND and [(r.namnskydd, r.name) for r in records] == [
        (1, "Assistansgruppen Trygg Vardag AB"), (2, "Andra firman")]


@pytest.mark.parametrize("body", [[], {"foo": 1}, {"organisationer": "x"}, {"organisationer": [1]}])
def test_unexpected_shape_is_refused(body):
    with pytest.raises(AnswerShapeError):
        parse_organisationer(body, "556016-0680")


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_both_date_formats_and_compact_dates(d):
    assert parse_date(d.isoformat()) == d
    assert parse_date(d.strftime("%Y%m%d")) == d
    assert parse_date(d.isoformat() + "T00:00:00.000+00:00") == d
    assert parse_date(d.isoformat() + "T23:59:59Z") == d


@pytest.mark.parametrize("bad", ["2024-13-01", "igår", "2024/01/01", "01-02-2024"])
def test_bad_dates_raise(bad):
    with pytest.raises(ValueError):
        parse_date(bad)


def test_normalized_records_survive_json():
    _, records, _, _ = parse_organisationer(answer("5567120984"), "556712-0984")
    result = RegistryResult(registry="bolagsverket", identifier="556712-0984", status=FOUND, source="fixture",
                            records=records)
    assert records_of("bolagsverket", result.normalized()) == records
    assert from_jsonable(CompanyRecord, to_jsonable(records[0])) == records[0]


def test_result_rules():
    with pytest.raises(ValueError):
        RegistryResult(registry="x", identifier="1", status="clean", source="s")
    with pytest.raises(ValueError):  # partial must say what is missing
        RegistryResult(registry="x", identifier="1", status=PARTIAL, source="s")


def test_redact_and_retry_after():
    assert redact("Bearer abcdef123 failed", ["abcdef123", None, ""]) == "Bearer [dolt] failed"
    assert retry_after_seconds("7") == 7
    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=timezone.utc)
    assert retry_after_seconds("Thu, 01 Jan 2026 12:00:30 GMT", now) == 30
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None


# --- the bulk file --------------------------------------------------------------------------------

HEADER = ("organisationsidentitet;namnskyddslopnummer;registreringsland;organisationsnamn;organisationsform;"
          "avregistreringsdatum;avregistreringsorsak;pagandeAvvecklingsEllerOmstruktureringsforfarande;"
          "registreringsdatum;verksamhetsbeskrivning;postadress")


def rows_of(text: str, encoding="utf-8"):
    header = []
    rows = list(read_rows(io.BytesIO(text.encode(encoding)), header))
    return header_map(header), rows


def test_bulk_line_with_subfields_names_and_proceedings():
    columns, rows = rows_of(HEADER + "\n" + (
        '"5567120984$ORGNR-IDORG";"";"SE-LAND";"Bygg & Fasad Söder AB$FORETAGSNAMN-ORGNAM$2018-05-03|'
        'Fasad Söder$SARSKILT_FORETAGSNAMN-ORGNAM$2019-01-01";"AB-ORGFO";"";"";"|KK-AVOMFO$2025-06-12|LI-AVOMFO$2025-07-01";'
        '"2006-02-14";"Fasader och ""puts"".";"Hammarbyvägen 12$c/o Förvaltare$STOCKHOLM$12032$SE-LAND"\n'))
    (line, fields, error), = rows
    assert line == 2 and error is None
    record = parse_fields(fields, columns)
    assert record.orgnr == "556712-0984" and record.name == "Bygg & Fasad Söder AB"
    assert [(n.kind, n.registered) for n in record.names] == [("FORETAGSNAMN", date(2018, 5, 3)),
                                                              ("SARSKILT_FORETAGSNAMN", date(2019, 1, 1))]
    assert [p.code for p in record.proceedings] == ["KK", "LI"] and record.proceedings[0].label == "Konkurs"
    assert record.legal_form.code == "AB" and record.legal_form.label == "Aktiebolag"
    assert record.description == 'Fasader och "puts".'
    assert (record.address.street, record.address.co, record.address.postcode, record.address.city,
            record.address.country) == ("Hammarbyvägen 12", "Förvaltare", "12032", "STOCKHOLM", "Sverige")


def test_bulk_header_in_another_order_and_latin1():
    header = "postadress;organisationsnamn;organisationsidentitet;avregistreringsdatum;avregistreringsorsak"
    line = '"Box 1$$GÖTEBORG$41101$SE-LAND";"Åkeri Öst AB$FORETAGSNAMN-ORGNAM$2001-02-03";"5560160680$ORGNR-IDORG";"2020-01-31";"KKAV-AVORG"'
    columns, rows = rows_of(header + "\n" + line + "\n", "latin-1")
    record = parse_fields(rows[0][1], columns)
    assert record.name == "Åkeri Öst AB" and record.address.city == "GÖTEBORG"
    assert record.deregistration_date == date(2020, 1, 31) and record.deregistration_reason.label == "Konkurs"
    assert record.active is False


def test_bulk_bad_lines_are_reported_with_their_line_numbers():
    text = HEADER + "\n" + "\n".join([
        '"5560160680$ORGNR-IDORG";"";"SE-LAND";"Ett AB$FORETAGSNAMN-ORGNAM$2001-02-03";"AB-ORGFO";"";"";"";"2001-02-03";"";""',
        '"kort rad";"x"',
        '"5560160680$ORGNR-IDORG";"";"SE-LAND";"Två AB$FORETAGSNAMN-ORGNAM$2001-02-03";"AB-ORGFO";"";"";"";"2001-02-03";"Rad\nmed radbrytning";""',
        '"5560160680$ORGNR-IDORG";"";"SE-LAND";"Tre AB$FORETAGSNAMN-ORGNAM$2001-02-03";"AB-ORGFO";"";"";"";"2001-13-03";"";""',
    ]) + "\n"
    columns, rows = rows_of(text)
    assert [(line, error is None) for line, _, error in rows] == [(2, True), (3, False), (4, True), (6, True)]
    assert "2 fält" in rows[1][2]
    with pytest.raises(ValueError, match="registreringsdatum"):
        parse_fields(rows[3][1], columns)


def test_bulk_header_must_name_the_identity_and_name_columns():
    with pytest.raises(BulkFileError, match="organisationsidentitet"):
        header_map(["namn", "adress"])


# --- small CSV files ---------------------------------------------------------------------------------

def test_read_table_detects_separator_and_encoding():
    aliases = {"organisationsnummer": "orgnr", "fskatt": "f_tax"}
    rows = list(read_table("Organisationsnummer,F-skatt\n556016-0680,ja\n\n5560160680,nej\n".encode("latin-1"),
                           aliases, ("orgnr",)))
    assert rows == [(2, {"orgnr": "556016-0680", "f_tax": "ja"}), (4, {"orgnr": "5560160680", "f_tax": "nej"})]
    with pytest.raises(ImportRejected, match="(?i)rubrikraden saknar orgnr"):
        list(read_table(b"namn;datum\nx;y\n", aliases, ("orgnr",)))


@given(st.decimals(min_value=0, max_value=10**9, places=2))
def test_amounts_with_decimal_comma_and_spaces(amount):
    swedish = f"{amount:,.2f}".replace(",", " ").replace(".", ",") + " kr"
    assert parse_amount(swedish, "belopp") == amount
    assert parse_amount(f"{amount:.2f}", "belopp") == amount


def test_booleans_and_bad_values():
    assert [parse_bool(v, "x") for v in ("Ja", "nej", "", "1", "X")] == [True, False, None, True, True]
    with pytest.raises(ValueError):
        parse_bool("kanske", "F-skatt")
    with pytest.raises(ValueError):
        parse_amount("-5", "belopp")
    assert parse_amount("1.234,50", "belopp") == Decimal("1234.50")
