"""Holder registry, verification against the register, payment checks (database level)."""
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import event, func, select

from oversight.accounts import bankgiro_registered_to, verify_organisation_accounts
from oversight.accounts import services
from oversight.accounts.models import AccountHolderEvidence, PaymentCheckLine
from oversight.accounts.paymentfile import parse_payment_file
from oversight.accounts.payments import create_payment_check, run_payment_check, verify_payments
from oversight.accounts.services import AccountsError
from oversight.accounts.textfile import FileFormatError
from oversight.organisations import services as orgs
from tests.factories import bankgiro, orgnr

FIXTURES = Path(__file__).resolve().parents[2] / "oversight" / "accounts" / "fixtures"
PDF = b"%PDF-1.4\n% bankens intyg\n"
TODAY = date.today()


def recent(days: int = 5) -> date:
    return TODAY - timedelta(days=days)


def holder(db, user, kind, number, name=None, holder_id=None, days=5, status="active",
           source="bank"):
    return services.add_holder_answer(db.session, user, kind=kind, number=number,
                                      holder_name=name, holder_id=holder_id, source=source,
                                      status=status, answered_on=recent(days),
                                      document=("intyg.pdf", PDF))


@pytest.fixture
def user(make):
    return make.user(role="grants")


@pytest.fixture
def rinkeby(db, make, user):
    org = make.organisation(name="Föreningen Gemenskap i Rinkeby", orgnr="802432-4009")
    orgs.add_bank_account(db.session, user, org, kind="bankgiro", number="5050-1006")
    return org


# --- holder registry -------------------------------------------------------------------------

def test_manual_answer_needs_a_document_of_an_accepted_type(db, user, app, monkeypatch):
    kwargs = dict(kind="bankgiro", number="5050-1006", holder_name="Förening", holder_id=None,
                  source="bank", status="active", answered_on=recent())
    with pytest.raises(AccountsError, match="Bifoga underlaget"):
        services.add_holder_answer(db.session, user, **kwargs)
    with pytest.raises(AccountsError, match="inte en PDF, PNG eller JPEG-fil"):
        services.add_holder_answer(db.session, user, document=("x.pdf", b"MZ\x90 not a pdf"),
                                   **kwargs)
    monkeypatch.setitem(app.config, "ACCOUNT_DOCUMENT_MAX_MB", 0.00001)
    with pytest.raises(AccountsError, match="större än"):
        services.add_holder_answer(db.session, user, document=("x.pdf", PDF * 10), **kwargs)
    monkeypatch.setitem(app.config, "ACCOUNT_DOCUMENT_MAX_MB", 10)
    evidence = services.add_holder_answer(db.session, user, document=("../../intyg.pdf", PDF),
                                          **kwargs)
    assert evidence.document.content_type == "application/pdf"
    assert evidence.document.filename == "intyg.pdf" and evidence.entered_by_id == user.id
    assert evidence.digits == "50501006" and evidence.number == "5050-1006"


def test_import_is_all_or_nothing_and_idempotent(db, user):
    good = ("kontotyp;kontonummer;kontohavare;organisationsnummer;datum;källa\n"
            f"bankgiro;5050-1006;Gemenskap i Rinkeby;802432-4009;{recent()};bankgirot\n"
            f"plusgiro;482114-6;Kvinnojouren Trygghet;;{recent(3)};vop\n").encode()
    bad = good + f"bankgiro;5050-1007;Fel;;{recent()};bank\n".encode()
    with pytest.raises(FileFormatError) as info:
        services.import_holder_file(db.session, user, bad)
    assert info.value.errors[0].line == 4
    assert db.session.scalar(select(func.count(AccountHolderEvidence.id))) == 0
    first = services.import_holder_file(db.session, user, good)
    again = services.import_holder_file(db.session, user, good)
    assert (first.created, first.duplicates) == (2, 0)
    assert (again.created, again.duplicates) == (0, 2)
    row = db.session.scalar(select(AccountHolderEvidence).where(
        AccountHolderEvidence.kind == "plusgiro"))
    assert row.entry == "import" and row.import_sha256 == first.sha256 and row.source == "vop"


def test_registry_result_view_of_an_answer(db, user):
    pytest.importorskip("registries.base")
    evidence = holder(db, user, "bankgiro", "5050-1006", "Gemenskap i Rinkeby", "802432-4009")
    result = services.registry_result(evidence)
    assert result.registry == "kontohavare" and result.status == "found"
    assert result.identifier == "bankgiro:5050-1006" and result.document_date == recent()
    assert result.records[0].holder_orgnr == "802432-4009"


# --- verification against the register ------------------------------------------------------

def test_organisation_accounts_verified_with_evidence(db, user, rinkeby):
    holder(db, user, "bankgiro", "5050-1006", "GEMENSKAP I RINKEBY, IDEELL FÖRENING")
    [v] = verify_organisation_accounts(db.session, rinkeby)
    assert v.status == "MTCH" and v.organisation_id == rinkeby.id
    assert v.comparison.a_normalized == "gemenskap i rinkeby"


def test_stale_evidence_in_the_database_reads_noap(db, user, rinkeby, app):
    holder(db, user, "bankgiro", "5050-1006", "Gemenskap i Rinkeby", "802432-4009",
           days=180 + 1)  # accounts.evidence_max_age_days
    [v] = verify_organisation_accounts(db.session, rinkeby)
    assert v.status == "NOAP" and "äldre än" in v.explanation


def test_bankgiro_registered_to_prefers_a_match(db, user, rinkeby, make):
    orgs.add_bank_account(db.session, user, rinkeby, kind="plusgiro", number="482114-6")
    holder(db, user, "plusgiro", "482114-6", "Gemenskap i Rinkeby", "802432-4009")
    result = bankgiro_registered_to(db.session, rinkeby)
    assert result.status == "MTCH" and result.kind == "plusgiro"
    holder(db, user, "bankgiro", "5050-1006", "Gemenskap i Rinkeby", "802432-4009")
    assert bankgiro_registered_to(db.session, rinkeby).kind == "bankgiro"
    assert bankgiro_registered_to(db.session, make.organisation()) is None


def test_shared_account_across_organisations_and_the_allow_list(db, user, rinkeby, make):
    other = make.organisation(name="Rinkeby Kulturcenter", group=8)
    orgs.add_bank_account(db.session, user, other, kind="bankgiro", number="5050-1006")
    [v] = verify_organisation_accounts(db.session, rinkeby)
    shared = [f for f in v.findings if f.code == "SHARED_ACCOUNT"]
    assert shared and "Rinkeby Kulturcenter" in shared[0].text and v.needs_attention
    services.add_allowance(db.session, user, kind="bankgiro", number="50501006",
                           category="factoring", reason="Gemensamt factoringavtal dnr 12")
    [v] = verify_organisation_accounts(db.session, rinkeby)
    assert "SHARED_ACCOUNT" not in {f.code for f in v.findings}
    assert "SHARED_ACCOUNT_ALLOWED" in {f.code for f in v.findings}
    with pytest.raises(AccountsError, match="redan"):
        services.add_allowance(db.session, user, kind="bankgiro", number="5050-1006",
                               category="other", reason="igen")


def test_record_verification_keeps_who_and_what(db, user, rinkeby):
    holder(db, user, "bankgiro", "5050-1006", "Annan förening", "556908-1234")
    [record] = services.verify_and_record_organisation(db.session, user, rinkeby)
    assert record.status == "NMTC" and record.verified_by_id == user.id
    assert record.holder_id == "556908-1234" and record.evidence_id is not None
    assert services.latest_records(db.session, rinkeby)[("bankgiro", "50501006")] is record


# --- payment files ---------------------------------------------------------------------------

@pytest.fixture
def register(db, user, rinkeby, make):
    """Organisations and evidence for the fixture payment files."""
    hem = make.organisation(name="Hemtjänst Omsorg Norr AB", orgnr="556677-8006")
    orgs.add_bank_account(db.session, user, hem, kind="bankgiro", number="5824-0003")
    bygg = make.organisation(name="Byggservice Söder AB", orgnr="556123-4005")
    orgs.add_bank_account(db.session, user, bygg, kind="bank_account", number="6123-100000126")
    kvinno = make.organisation(name="Kvinnojouren Trygghet", orgnr="802015-8005")
    make.organisation(name="Rinkeby Fritidsförening", orgnr="802511-2007")
    holder(db, user, "bankgiro", "5050-1006", "Gemenskap i Rinkeby, ideell förening",
           "802432-4009")
    holder(db, user, "bankgiro", "5824-0003", "Hemtjänst Omsorg Norr AB", "556677-8006",
           days=400)  # stale
    holder(db, user, "plusgiro", "482114-6", "Kvinnojouren Tryggheten", source="vop")
    holder(db, user, "bank_account", "6123-100000126", "Söders Bygg & Måleri AB",
           "556908-1234")
    return {"hem": hem, "bygg": bygg, "kvinno": kvinno}


def test_verify_payments_on_the_v03_fixture(db, register):
    payments = parse_payment_file((FIXTURES / "pain001_v03.xml").read_bytes()).payments
    results = verify_payments(db.session, payments)
    by_pos = {r.payment.position: r for r in results}
    assert by_pos[1].status == "MTCH" and by_pos[1].matched_by == "orgnr"
    assert by_pos[2].status == "NOAP" and "äldre än" in by_pos[2].verification.explanation
    assert by_pos[3].status == "NMTC" and by_pos[3].verification.holder_name == "Kvinnojouren Tryggheten"
    assert by_pos[4].status == "NMTC" and "556908-1234" in by_pos[4].verification.explanation
    codes5 = {f.code for f in by_pos[5].verification.findings}
    assert by_pos[5].status == "NOAP" and "PRIVATE_ACCOUNT" in codes5
    assert by_pos[6].organisation_id is None and by_pos[6].status == "NOAP"
    assert "UNKNOWN_PAYEE" in {f.code for f in by_pos[6].verification.findings}


def test_payee_without_number_is_matched_by_exact_name(db, user, register):
    csv = ("mottagare;kontotyp;kontonummer;belopp;datum\n"
           f"GEMENSKAP I RINKEBY IDEELL FÖRENING;bankgiro;5050-1006;100;{TODAY}\n").encode()
    [r] = verify_payments(db.session, parse_payment_file(csv).payments)
    assert r.matched_by == "name" and r.status == "MTCH"


def test_same_account_for_several_payees_in_one_file(db, register):
    csv = ("mottagare;organisationsnummer;kontotyp;kontonummer;belopp;datum\n"
           f"Förening A;{orgnr(8)};bankgiro;{bankgiro(77)};100;{TODAY}\n"
           f"Förening B;{orgnr(8)};bankgiro;{bankgiro(77)};100;{TODAY}\n"
           f"Förening A;;bankgiro;5050-1006;100;{TODAY}\n").encode()
    results = verify_payments(db.session, parse_payment_file(csv).payments)
    assert all("SHARED_IN_FILE" in {f.code for f in r.verification.findings} for r in results[:2])
    assert "SHARED_IN_FILE" not in {f.code for f in results[2].verification.findings}


def test_verify_payments_loads_evidence_in_bulk(db, register):
    payments = parse_payment_file((FIXTURES / "pain001_v03.xml").read_bytes()).payments
    statements = []

    def count(*args):
        statements.append(args[2])

    engine = db.session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        verify_payments(db.session, payments)
        few = len(statements)
        statements.clear()
        verify_payments(db.session, payments * 50)
        many = len(statements)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert many == few  # 300 payments need no more queries than 6


def test_stored_check_keeps_the_hash_and_not_the_file(db, user, register):
    data = (FIXTURES / "pain001_v09.xml").read_bytes()
    check = create_payment_check(db.session, user, filename="C:\\betalningar\\lev.xml", data=data)
    run_payment_check(db.session, check)
    assert check.status == "done" and check.filename == "lev.xml" and check.data is None
    assert check.file_format == "pain.001.001.09" and check.total_amount == Decimal("331250.00")
    assert check.summary["n_payments"] == 4 and sum(check.summary["counts"].values()) == 4
    lines = db.session.scalars(select(PaymentCheckLine).where(
        PaymentCheckLine.check_id == check.id).order_by(PaymentCheckLine.position)).all()
    assert [line.position for line in lines] == [1, 2, 3, 4]
    assert lines[1].status == "MTCH" and lines[1].department_id == user.department_id
    import hashlib
    assert check.file_sha256 == hashlib.sha256(data).hexdigest()


def test_malformed_file_is_stored_as_invalid_with_precise_errors(db, user):
    data = (FIXTURES / "pain001_v03.xml").read_bytes().replace(b"</Cdtr>", b"</Cred>", 1)
    check = create_payment_check(db.session, user, filename="bad.xml", data=data)
    run_payment_check(db.session, check)
    assert check.status == "invalid" and check.errors[0]["line"] == 63
    assert db.session.scalar(select(func.count(PaymentCheckLine.id))) == 0


def test_format_mismatch_is_refused(db, user):
    with pytest.raises(AccountsError, match="XML"):
        create_payment_check(db.session, user, filename="x.csv",
                             data=(FIXTURES / "pain001_v03.xml").read_bytes(), fmt="csv")
