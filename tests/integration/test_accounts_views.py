"""Pages: verification, holder registry, payment-file checks, organisation section, attention."""
import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from oversight.accounts import services
from oversight.accounts.models import (
    AccountHolderEvidence,
    AccountVerificationRecord,
    PaymentCheck,
    SharedAccountAllowance,
)
from oversight.audit import AuditEntry
from oversight.organisations import services as orgs

FIXTURES = Path(__file__).resolve().parents[2] / "oversight" / "accounts" / "fixtures"
PDF = b"%PDF-1.4\n% intyg\n"
RECENT = date.today() - timedelta(days=3)


@pytest.fixture
def officer(make):
    return make.user(role="grants")


@pytest.fixture
def rinkeby(db, make, officer):
    org = make.organisation(name="Föreningen Gemenskap i Rinkeby", orgnr="802432-4009")
    orgs.add_bank_account(db.session, officer, org, kind="bankgiro", number="5050-1006")
    return org


def add_holder(db, user, name, holder_id=None, number="5050-1006", kind="bankgiro"):
    return services.add_holder_answer(
        db.session, user, kind=kind, number=number, holder_name=name, holder_id=holder_id,
        source="bank", status="active", answered_on=RECENT, document=("intyg.pdf", PDF))


def test_verify_page_records_the_check(db, officer, rinkeby, login_as):
    add_holder(db, officer, "Annan Förening", "556908-1234")
    client = login_as(officer)
    page = client.post("/accounts/verify", data={"orgnr": "8024324009", "kind": "bankgiro",
                                                 "number": "50501006"}).get_data(as_text=True)
    assert "NMTC" in page and "Annan Förening" in page and "Skapa varning om kontot" in page
    record = db.session.scalar(select(AccountVerificationRecord))
    assert record.status == "NMTC" and record.context == "web"


def test_verify_page_for_an_unregistered_payee_needs_a_name(db, officer, login_as):
    client = login_as(officer)
    page = client.post("/accounts/verify", data={"orgnr": "556908-1234", "kind": "bankgiro",
                                                 "number": "5050-1006"}).get_data(as_text=True)
    assert "ange mottagarens namn" in page
    page = client.post("/accounts/verify", data={"orgnr": "556908-1235", "kind": "bankgiro",
                                                 "number": "5050-1006"}).get_data(as_text=True)
    assert "Kontrollsiffran stämmer inte" in page
    page = client.post("/accounts/verify", data={
        "orgnr": "556908-1234", "kind": "bankgiro", "number": "5050-1006",
        "payee_name": "Söders Bygg AB"}).get_data(as_text=True)
    assert "NOAP" in page
    assert db.session.scalar(select(func.count(AccountVerificationRecord.id))) == 0


def test_organisation_page_section_and_save(db, officer, rinkeby, login_as):
    add_holder(db, officer, "GEMENSKAP I RINKEBY, IDEELL FÖRENING")
    client = login_as(officer)
    page = client.get(f"/organisations/{rinkeby.id}").get_data(as_text=True)
    assert 'id="kontokontroll"' in page and "MTCH" in page and "Aldrig" in page
    response = client.post(f"/accounts/organisations/{rinkeby.id}/verify")
    assert response.status_code == 302 and response.headers["Location"].endswith("#kontokontroll")
    page = client.get(f"/organisations/{rinkeby.id}").get_data(as_text=True)
    assert "Aldrig" not in page


def test_warning_prefilled_from_a_finding(db, officer, rinkeby, make, login_as):
    other = make.organisation(name="Rinkeby Kulturcenter", group=8)
    orgs.add_bank_account(db.session, officer, other, kind="bankgiro", number="5050-1006")
    client = login_as(officer)
    page = client.get(f"/organisations/{rinkeby.id}").get_data(as_text=True)
    assert "SHARED_ACCOUNT" in page and "Skapa varning" in page
    form = client.get(f"/accounts/organisations/{rinkeby.id}/warning?kind=bankgiro"
                      "&number=5050-1006").get_data(as_text=True)
    assert '<option selected value="account">' in form
    assert "Rinkeby Kulturcenter" in form
    assert f'action="/organisations/{rinkeby.id}/warnings"' in form
    assert client.get(f"/accounts/organisations/{rinkeby.id}/warning?kind=x&number=1"
                      ).status_code == 404
    client.post(f"/organisations/{rinkeby.id}/warnings", data={
        "category": "account", "reason": "Bankgirot delas med Rinkeby Kulturcenter.",
        "evidence": "Kontokontroll"})
    db.session.refresh(rinkeby)
    assert [w.category for w in rinkeby.warnings] == ["account"]


def test_attention_lists_saved_mismatches(db, officer, rinkeby, login_as, make):
    add_holder(db, officer, "Annan Förening", "556908-1234")
    services.verify_and_record_organisation(db.session, officer, rinkeby)
    auditor = make.user(role="auditor", department=officer.department)
    page = login_as(auditor).get("/").get_data(as_text=True)
    assert "Konto att kontrollera: Föreningen Gemenskap i Rinkeby" in page


def test_manual_holder_entry_with_document(db, officer, login_as):
    client = login_as(officer)
    data = {"kind": "bankgiro", "number": "5050-1006", "holder_name": "Förening X",
            "holder_id": "811218-9876", "source": "bankgirot", "status": "active",
            "answered_on": RECENT.isoformat(), "reference": "", "note": ""}
    bad = client.post("/accounts/holders/new", data={**data, "document": (io.BytesIO(b"hello"),
                      "intyg.pdf")}, content_type="multipart/form-data")
    assert "inte en PDF, PNG eller JPEG-fil" in bad.get_data(as_text=True)
    assert db.session.scalar(select(func.count(AccountHolderEvidence.id))) == 0
    ok = client.post("/accounts/holders/new", data={**data, "document": (io.BytesIO(PDF),
                     "intyg.pdf")}, content_type="multipart/form-data")
    assert ok.status_code == 302
    evidence = db.session.scalar(select(AccountHolderEvidence))
    page = client.get(f"/accounts/holders/{evidence.id}").get_data(as_text=True)
    assert "19811218-****" in page and "19811218-9876" not in page
    document = client.get(f"/accounts/holders/{evidence.id}/document")
    assert document.data == PDF and document.mimetype == "application/pdf"
    assert "attachment" in document.headers["Content-Disposition"]
    revealed = client.post(f"/accounts/holders/{evidence.id}/reveal").get_data(as_text=True)
    assert "19811218-9876" in revealed
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.action == "view", AuditEntry.entity_type == "account_holder_evidence")) == 1
    listing = client.get("/accounts/holders?q=50501006").get_data(as_text=True)
    assert "Förening X" in listing and "privatperson" in listing


def test_holder_import_page_shows_row_errors_and_saves_nothing(db, officer, login_as):
    client = login_as(officer)
    text = ("kontotyp;kontonummer;kontohavare;datum\n"
            f"bankgiro;5050-1006;Förening A;{RECENT}\n"
            f"bankgiro;5050-1007;Förening B;{RECENT}\n")
    page = client.post("/accounts/holders/import", data={"file": (io.BytesIO(text.encode()),
                       "k.csv")}, content_type="multipart/form-data").get_data(as_text=True)
    assert "rad 3" in page and "inget har sparats" in page
    assert db.session.scalar(select(func.count(AccountHolderEvidence.id))) == 0


def test_auditor_may_verify_but_not_enter_answers_or_check_files(db, make, login_as):
    client = login_as(make.user(role="auditor"))
    assert client.get("/accounts/verify").status_code == 200
    assert client.get("/accounts/holders/new").status_code == 403
    assert client.get("/accounts/payments").status_code == 403


def upload(client, name, data, fmt=""):
    return client.post("/accounts/payments", data={"file": (io.BytesIO(data), name),
                                                   "format": fmt},
                       content_type="multipart/form-data")


def test_payment_file_upload_result_export_and_print(db, officer, rinkeby, login_as):
    add_holder(db, officer, "Gemenskap i Rinkeby", "802432-4009")
    client = login_as(officer)
    response = upload(client, "socialforvaltningen.xml", (FIXTURES / "pain001_v03.xml").read_bytes())
    assert response.status_code == 302
    check = db.session.scalar(select(PaymentCheck))
    assert response.headers["Location"].endswith(f"/accounts/payments/{check.id}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert check.file_sha256 in page and "PRIVATE_ACCOUNT" in page and "270\u00a0749,50" in page
    only_match = client.get(f"/accounts/payments/{check.id}?status=MTCH").get_data(as_text=True)
    assert "GEMENSKAP I RINKEBY" in only_match and "Nordic Care" not in only_match
    flagged = client.get(f"/accounts/payments/{check.id}?finding=PRIVATE_ACCOUNT").get_data(
        as_text=True)
    assert "Rinkeby Fritidsförening" in flagged and "Hemtjänst" not in flagged
    csv = client.get(f"/accounts/payments/{check.id}?format=csv").data.decode("utf-8-sig")
    assert len(csv.strip().splitlines()) == 7 and "MTCH" in csv
    xlsx = client.get(f"/accounts/payments/{check.id}?format=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    assert sheet.max_row == 7 and sheet.cell(1, 13).value == "resultat"
    printed = client.get(f"/accounts/payments/{check.id}?print=1").get_data(as_text=True)
    assert printed.count("<tr>") >= 6 and 'rel="next"' not in printed
    start = client.get("/").get_data(as_text=True)
    assert "Betalfil med avvikelser: socialforvaltningen.xml" in start


def test_malformed_upload_shows_precise_errors(db, officer, login_as):
    client = login_as(officer)
    broken = (FIXTURES / "pain001_v03.xml").read_bytes().replace(b"<Amt>", b"<Amount>", 1) \
        .replace(b"</Amt>", b"</Amount>", 1)
    page = client.get(upload(client, "bad.xml", broken).headers["Location"]).get_data(as_text=True)
    assert "Filen kunde inte läsas" in page
    assert "PmtInf[1]/CdtTrfTxInf[1]/Amt/InstdAmt" in page


def test_wrong_format_choice_is_refused(db, officer, login_as):
    page = upload(login_as(officer), "p.csv", (FIXTURES / "pain001_v03.xml").read_bytes(), "csv")
    assert "inte det valda formatet" in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count(PaymentCheck.id))) == 0


def test_payment_checks_are_visible_only_inside_the_department(db, officer, make, login_as):
    client = login_as(officer)
    upload(client, "p.csv", (FIXTURES / "payments.csv").read_bytes())
    check = db.session.scalar(select(PaymentCheck))
    outsider = login_as(make.user(role="grants"))
    assert outsider.get(f"/accounts/payments/{check.id}").status_code == 404
    assert outsider.get(f"/accounts/payments/{check.id}?format=csv").status_code == 404
    assert "p.csv" not in outsider.get("/accounts/payments").get_data(as_text=True)
    colleague = login_as(make.user(role="lss", department=officer.department))
    assert colleague.get(f"/accounts/payments/{check.id}").status_code == 200


def test_allow_list_add_and_withdraw(db, officer, login_as):
    client = login_as(officer)
    client.post("/accounts/allowances", data={"kind": "bankgiro", "number": "5050-1006",
                                              "category": "municipality",
                                              "reason": "Kommunens inbetalningskonto"})
    allowance = db.session.scalar(select(SharedAccountAllowance))
    assert allowance.digits == "50501006" and allowance.created_by_id == officer.id
    client.post(f"/accounts/allowances/{allowance.id}/withdraw", data={"reason": "Avtalet slut"})
    db.session.refresh(allowance)
    assert allowance.withdrawn_at is not None and allowance.withdrawn_reason == "Avtalet slut"


def test_payment_files_may_exceed_the_general_upload_limit_with_csrf_on(make, db):
    """The raised limit must apply before CSRF validation reads the form."""
    from oversight.app import create_app
    from tests.conftest import PASSWORD, config_for_tests

    app = create_app(config_for_tests(WTF_CSRF_ENABLED=True, PAYMENT_FILE_MAX_MB=1))
    app.config["MAX_CONTENT_LENGTH"] = 2048  # the general limit, far below the fixture file
    user = make.user(role="grants")
    db.session.commit()
    client = app.test_client()

    def token(url):
        page = client.get(url).get_data(as_text=True)
        return page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]

    login = client.post("/login", data={"username": user.username, "password": PASSWORD,
                                        "csrf_token": token("/login")})
    assert login.status_code == 302, login.get_data(as_text=True)[-3000:]
    data = (FIXTURES / "pain001_v03.xml").read_bytes()
    assert len(data) > app.config["MAX_CONTENT_LENGTH"]
    response = client.post("/accounts/payments", data={
        "csrf_token": token("/accounts/payments"), "format": "",
        "file": (io.BytesIO(data), "stor.xml")}, content_type="multipart/form-data")
    assert response.status_code == 302
    other = client.post("/accounts/holders/import", data={
        "csrf_token": token("/accounts/holders/import"),
        "file": (io.BytesIO(data), "stor.csv")}, content_type="multipart/form-data")
    assert other.status_code == 413


def test_start_page_lists_only_my_departments_account_checks(db, officer, rinkeby, login_as, make):
    """Issue 11, defect 10: another department's account checks are not on my start page."""
    add_holder(db, officer, "Annan Förening", "556908-1234")
    services.verify_and_record_organisation(db.session, officer, rinkeby)
    other = make.user(role="lss", department=make.department(name="LSS-förvaltningen"))
    page = login_as(other).get("/").get_data(as_text=True)
    assert "Konto att kontrollera: Föreningen Gemenskap i Rinkeby" not in page
    mine = login_as(officer).get("/").get_data(as_text=True)
    assert "Konto att kontrollera: Föreningen Gemenskap i Rinkeby" in mine
    assert "(NMTC)" not in mine and "(NOAP)" not in mine


def test_an_invalid_account_number_is_refused_at_entry(db, officer, rinkeby, login_as):
    from oversight.accounts.models import AccountVerificationRecord
    from oversight.identifiers import validate_orgnr

    client = login_as(officer)
    page = client.post("/accounts/verify", data={
        "orgnr": rinkeby.orgnr, "kind": "bankgiro", "number": "123"}).get_data(as_text=True)
    assert "Ogiltigt kontonummer (Bankgiro)" in page and 'href="#number"' in page
    assert db.session.scalar(select(func.count()).select_from(AccountVerificationRecord)) == 0
    assert client.get(f"/accounts/organisations/{rinkeby.id}/warning?kind=bankgiro&number=123"
                      ).status_code == 404
    # the hint's example organisation number passes its own check digit
    hint = client.get("/accounts/verify").get_data(as_text=True)
    example = hint.split("t.ex. ")[1][:11]
    assert validate_orgnr(example).valid
