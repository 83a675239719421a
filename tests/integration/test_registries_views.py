"""Pages and CLI: the organisation-page section, "check now", evidence, manual entry with a
document, file import, permissions."""
import hashlib
import io
import json
from datetime import date

from sqlalchemy import func, select

from oversight.audit import AuditEntry
from oversight.identifiers import luhn_check_digit
from registries import services
from registries.base import REGISTRIES
from registries.models import RegistryDocument, RegistryLookup, RegistryRecord

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF"


def test_section_check_now_and_evidence(make, login_as, db):
    org = make.organisation(name="Omsorgspartner i Norden AB", orgnr="556901-2346")
    client = login_as(make.user(role="procurement"))
    page = client.get(f"/organisations/{org.id}").get_data(as_text=True)
    assert "Registeruppgifter" in page and page.count("Inte kontrollerat") == len(REGISTRIES)

    response = client.post(f"/registries/organisations/{org.id}/check")
    assert response.status_code == 302 and "/jobs/" in response.headers["Location"]
    assert {r.registry for r in db.session.scalars(select(RegistryLookup))} == set(REGISTRIES)
    page = client.get(f"/organisations/{org.id}").get_data(as_text=True)
    assert "Företagsrekonstruktion sedan 2026-10-20" in page and "Kunde inte kontrolleras" in page

    stored = db.session.scalar(select(RegistryLookup).where(RegistryLookup.registry == "bolagsverket"))
    evidence = client.get(f"/registries/lookups/{stored.id}").get_data(as_text=True)
    assert stored.raw_sha256 in evidence and "Omsorgspartner i Norden AB" in evidence
    assert "organisationsnamnLista" in evidence  # the raw answer itself
    raw = client.get(f"/registries/lookups/{stored.id}/raw")
    assert raw.status_code == 200 and hashlib.sha256(raw.data).hexdigest() == stored.raw_sha256

    client.post(f"/registries/organisations/{org.id}/check", data={"registry": "bolagsverket"})
    newest = db.session.scalars(select(RegistryLookup).where(RegistryLookup.registry == "bolagsverket")
                                .order_by(RegistryLookup.id.desc())).first()
    assert newest.id != stored.id  # "check now" asks again, whatever the cache says
    page = client.get(f"/registries/lookups/{newest.id}").get_data(as_text=True)
    assert "Andra uppslag i samma register" in page and f"/registries/lookups/{stored.id}" in page


def test_auditor_sees_evidence_but_cannot_run_checks(make, login_as, db):
    org = make.organisation(name="Bygg & Fasad Söder AB", orgnr="556712-0984")
    stored = services.lookup(db.session, None, "sanctions", org.orgnr)
    client = login_as(make.user(role="auditor"))
    assert client.get(f"/registries/lookups/{stored.id}").status_code == 200
    assert client.post(f"/registries/organisations/{org.id}/check").status_code == 403
    assert client.get("/registries/manual/ivo").status_code == 403
    assert "Kontrollera nu" not in client.get(f"/organisations/{org.id}").get_data(as_text=True)


def test_quick_lookup_form(make, login_as, db):
    client = login_as(make.user(role="grants"))
    page = client.post("/registries/", data={"registry": "bolagsverket", "orgnr": "556901-2347"})
    assert "Kontrollsiffran" in page.get_data(as_text=True)
    response = client.post("/registries/", data={"registry": "bolagsverket", "orgnr": "5567120984"})
    assert response.status_code == 302
    assert "Konkurs" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Senaste uppslag" in client.get("/registries/").get_data(as_text=True)


def test_manual_entry_with_document(make, login_as, db):
    org = make.organisation(name="Assistansgruppen Trygg Vardag AB", orgnr="556874-3214")
    client = login_as(make.user(role="lss"))
    form = client.get(f"/registries/manual/ivo?org={org.id}").get_data(as_text=True)
    assert 'value="556874-3214"' in form and 'enctype="multipart/form-data"' in form
    data = {"orgnr": org.orgnr, "name": org.name, "activity": "LSS 9 § 2 personlig assistans",
            "status": "återkallat", "decision_date": "2026-11-02", "diarienummer": "3.5.1-12345/2026",
            "document_date": "2026-11-03", "document": (io.BytesIO(PDF), "underrattelse.pdf")}
    response = client.post("/registries/manual/ivo", data=data, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    evidence = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "underrattelse.pdf" in evidence and "Återkallat" in evidence and "3.5.1-12345/2026" in evidence
    document = db.session.scalar(select(RegistryDocument))
    download = client.get(f"/registries/documents/{document.id}")
    assert download.data == PDF and download.mimetype == "application/pdf"

    bad = dict(data, document=(io.BytesIO(b"<html>inte en pdf</html>"), "sida.pdf"))
    page = client.post("/registries/manual/ivo", data=bad, content_type="multipart/form-data").get_data(as_text=True)
    assert "inte en PDF, PNG eller JPEG-fil" in page
    wrong = dict(data, document=(io.BytesIO(PDF), "a.pdf"), orgnr="556874-3215")
    page = client.post("/registries/manual/ivo", data=wrong, content_type="multipart/form-data").get_data(as_text=True)
    assert "Kontrollsiffran" in page
    assert db.session.scalar(select(func.count()).select_from(RegistryDocument)) == 1
    assert db.session.scalar(select(func.count()).select_from(RegistryRecord)) == 1


def test_import_page(make, login_as, db):
    client = login_as(make.user(role="procurement"))
    good = "organisationsnummer;fskatt;moms;arbetsgivare;datum\n556901-2346;ja;ja;ja;2026-11-01\n"
    response = client.post("/registries/import", data={
        "kind": "skatteverket", "file": (io.BytesIO(good.encode()), "skv.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    assert "1 nya" in client.get(response.headers["Location"]).get_data(as_text=True)
    bad = "organisationsnummer;fskatt;datum\n556901-2346;kanske;2026-11-01\n"
    page = client.post("/registries/import", data={
        "kind": "skatteverket", "file": (io.BytesIO(bad.encode()), "bad.csv")},
        content_type="multipart/form-data").get_data(as_text=True)
    assert "Filen importerades inte" in page and "<td>2</td>" in page and "varken ja eller nej" in page
    assert db.session.scalar(select(func.count()).select_from(RegistryRecord)) == 1


def test_sole_trader_identity_is_masked_and_full_views_are_logged(make, login_as, db, tmp_path):
    body = "900101123"
    pnr = "19" + body + luhn_check_digit(body)
    bulk = tmp_path / "bulk.txt"
    bulk.write_text("organisationsidentitet;namnskyddslopnummer;organisationsnamn\n"
                    f'"{pnr}$PERSON-IDORG";"1";"Anna Andersson Café$FORETAGSNAMN-ORGNAM$1999-01-01"\n')
    services.import_registry_file(db.session, None, "bolagsverket-bulk", "bulk.txt", path=str(bulk))
    stored = services.lookup(db.session, None, "bolagsverket", pnr)
    db.session.commit()
    client = login_as(make.user(role="procurement"))
    page = client.get(f"/registries/lookups/{stored.id}").get_data(as_text=True)
    assert "<h1>Bolagsverket: 19900101-****</h1>" in page
    assert "19900101-****" in client.get("/registries/").get_data(as_text=True)
    views = select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "view", AuditEntry.entity_type == "registry_lookup")
    assert db.session.scalar(views) == 1  # the raw answer shows the personnummer in full


def test_cli_lookup_json_exit_codes_and_status(runner, db):
    result = runner.invoke(args=["registries", "lookup", "bolagsverket", "556712-0984", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["status"] == "found" and data["assessment"]["level"] == "warning"
    assert data["normalized"]["records"][0]["proceedings"][0]["code"] == "KK"
    result = runner.invoke(args=["registries", "lookup", "kronofogden", "556712-0984"])
    assert result.exit_code == 2 and "Kunde inte kontrolleras" in result.output
    result = runner.invoke(args=["registries", "lookup", "bolagsverket", "556712-0985"])
    assert result.exit_code == 1 and "Kontrollsiffran" in result.output
    status = runner.invoke(args=["registries", "status", "--no-ping"])
    assert status.exit_code == 0 and "Bolagsverket" in status.output and "offline" in status.output


def test_demo_loader_is_idempotent(runner, db):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    first = runner.invoke(args=["registries", "load-demo"])
    assert first.exit_code == 0, first.output
    count = db.session.scalar(select(func.count()).select_from(RegistryRecord))
    lookups = db.session.scalar(select(func.count()).select_from(RegistryLookup))
    second = runner.invoke(args=["registries", "load-demo"])
    assert second.exit_code == 0 and "0 nya rader" in second.output and "0 nya uppslag" in second.output
    assert db.session.scalar(select(func.count()).select_from(RegistryLookup)) == lookups
    assert db.session.scalar(select(func.count()).select_from(RegistryRecord)) == count
    ivo = db.session.scalar(select(RegistryLookup).where(RegistryLookup.registry == "ivo",
                                                         RegistryLookup.identifier == "556874-3214"))
    assert ivo.records[0].status == "återkallat" and ivo.document_date <= date.today()


def test_registry_status_reads_in_the_page_language_without_codes(make, login_as, db, runner):
    """The status table names each registry's mode by its label ("Exempeldata …", not
    `offline`), counts in the right number and, in English, "x % of n" (not "by")."""
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    client = login_as(make.user(role="procurement"))
    swedish = client.get("/registries/").get_data(as_text=True)
    assert "Exempeldata (inget riktigt register)" in swedish and "Fil eller manuellt besked" in swedish
    assert "fil/manuell" not in swedish and "<td>offline</td>" not in swedish
    client.post("/language/en", data={"next": "/"})
    english = client.get("/registries/").get_data(as_text=True)
    assert "Sample data (not a real registry)" in english and "File or manually entered answer" in english
    assert "answers registered" in english and "besked registrerade" not in english
    assert " % of " in english and " % by " not in english
