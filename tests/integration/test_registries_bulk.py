"""Bolagsverket's bulk file: streamed import with rejected lines, both encodings, a re-import
that changes nothing, and offline lookups with the same normalized result as the API."""
import zipfile

from sqlalchemy import select

from oversight.identifiers import luhn_check_digit
from registries import services
from registries.base import FOUND, NOT_FOUND
from registries.bolagsverket import parse_organisationer
from registries.models import BolagsverketBulkRow
from registries.offline import load_fixture
from registries.store import blob_data

HEADER = ("organisationsidentitet;namnskyddslopnummer;registreringsland;organisationsnamn;organisationsform;"
          "avregistreringsdatum;avregistreringsorsak;pagandeAvvecklingsEllerOmstruktureringsforfarande;"
          "registreringsdatum;verksamhetsbeskrivning;postadress")
BYGG = ('"5567120984$ORGNR-IDORG";"";"SE-LAND";"Bygg & Fasad Söder AB$FORETAGSNAMN-ORGNAM$2018-05-03";"AB-ORGFO";'
        '"";"";"|KK-AVOMFO$2025-06-12";"2006-02-14";"Bolaget ska bedriva fasadrenovering och byggverksamhet.";'
        '"Hammarbyvägen 12$$STOCKHOLM$12032$SE-LAND"')


def orgnr_digits(n: int) -> str:
    body = f"55{n:07d}"
    body = body[:2] + "6" + body[3:]
    return body + luhn_check_digit(body)


def line(digits: str, name: str, reg="2010-01-01", dereg="", reason="", procs="", namnskydd="") -> str:
    kind = "PERSON-IDORG" if len(digits) == 12 else "ORGNR-IDORG"
    return (f'"{digits}${kind}";"{namnskydd}";"SE-LAND";"{name}$FORETAGSNAMN-ORGNAM${reg}";"AB-ORGFO";"{dereg}";'
            f'"{reason}";"{procs}";"{reg}";"Handel med skor.";"Storgatan 1$$GÖTEBORG$41101$SE-LAND"')


def good_lines():
    return [BYGG] + [line(orgnr_digits(i), f"Företag {i} Åkeri AB") for i in range(1, 6)] + [
        line("199001011239", "Anna Andersson Café", namnskydd="1"),
        line("199001011239", "Anna Anderssons Bageri", namnskydd="2")]


BAD = ['"5560160680$ORGNR-IDORG";"kort"',  # too few fields
       line("5560160680", "Fel Datum AB", reg="2010-02-30"),
       line("abc", "Ingen Identitet AB")]


def write(tmp_path, name, lines, encoding="utf-8", zipped=False):
    text = "\r\n".join([HEADER] + lines) + "\r\n"
    path = tmp_path / name
    if zipped:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("bolagsverket_bulkfil.txt", text.encode(encoding))
    else:
        path.write_bytes(text.encode(encoding))
    return str(path)


def test_import_counts_rejected_lines_and_a_reimport_changes_nothing(tmp_path, db):
    lines = good_lines()
    lines[3:3] = BAD
    path = write(tmp_path, "bulk.zip", lines, zipped=True)
    first = services.import_registry_file(db.session, None, "bolagsverket-bulk", "bulk.zip", path=path)
    assert (first.rows_total, first.inserted, first.updated, first.unchanged, first.rejected) == (11, 8, 0, 0, 3)
    assert [r["line"] for r in first.rejected_rows] == [5, 6, 7]
    assert "fält" in first.rejected_rows[0]["error"]
    assert "ogiltigt datum '2010-02-30'" in first.rejected_rows[1]["error"]
    before = {(r.identity, r.namnskydd): (r.row_hash, r.import_id, r.updated_at)
              for r in db.session.scalars(select(BolagsverketBulkRow))}

    # the same data in Latin-1, as a plain text file, in another import: nothing changes
    latin = write(tmp_path, "bulk.txt", lines, encoding="latin-1")
    second = services.import_registry_file(db.session, None, "bolagsverket-bulk", "bulk.txt", path=latin)
    assert (second.inserted, second.updated, second.unchanged, second.rejected) == (0, 0, 8, 3)
    db.session.expire_all()
    after = {(r.identity, r.namnskydd): (r.row_hash, r.import_id, r.updated_at)
             for r in db.session.scalars(select(BolagsverketBulkRow))}
    assert after == before

    changed = good_lines()
    changed[1] = line(orgnr_digits(1), "Företag 1 Åkeri AB", dereg="2026-01-31", reason="KKAV-AVORG")
    third = services.import_registry_file(db.session, None, "bolagsverket-bulk", "v2.txt",
                                          path=write(tmp_path, "v2.txt", changed))
    assert (third.inserted, third.updated, third.unchanged) == (0, 1, 7)
    stored = services.lookup(db.session, None, "bolagsverket", orgnr_digits(1))
    assert stored.records[0].deregistration_reason.label == "Konkurs" and stored.records[0].active is False


def test_offline_lookup_from_the_bulk_file_matches_the_api_shape(tmp_path, db):
    services.import_registry_file(db.session, None, "bolagsverket-bulk", "b.txt",
                                  path=write(tmp_path, "b.txt", good_lines()))
    stored = services.lookup(db.session, None, "bolagsverket", "556712-0984")
    assert stored.status == FOUND and stored.source == "bolagsverket-bulk"
    assert BYGG.encode() in blob_data(db.session, stored.raw_sha256)  # the line itself is the evidence
    (bulk,) = stored.records
    _, (api,), _, _ = parse_organisationer(load_fixture("bolagsverket")["5567120984"], "556712-0984")
    for attribute in ("orgnr", "name", "registration_date", "proceedings", "description"):
        assert getattr(bulk, attribute) == getattr(api, attribute), attribute
    assert bulk.legal_form.code == api.legal_form.code and bulk.address.street == api.address.street
    assert (bulk.address.postcode, bulk.address.city) == (api.address.postcode, api.address.city)

    sole = services.lookup(db.session, None, "bolagsverket", "19900101-1239")
    assert [(r.namnskydd, r.name) for r in sole.records] == [(1, "Anna Andersson Café"), (2, "Anna Anderssons Bageri")]
    absent = services.lookup(db.session, None, "bolagsverket", orgnr_digits(99))
    assert absent.status == NOT_FOUND and absent.document_date is not None


def test_cli_import_reports_counts_and_rejected_lines(tmp_path, runner, db):
    path = write(tmp_path, "cli.txt", good_lines() + BAD)
    result = runner.invoke(args=["registries", "import", "bolagsverket-bulk", path, "--date", "2026-11-16"])
    assert result.exit_code == 0, result.output
    assert "8 nya" in result.output and "3 avvisade" in result.output
    assert "avvisad rad 10" in result.output
