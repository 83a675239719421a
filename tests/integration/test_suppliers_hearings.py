"""Hearing and decision: the workflow's rules, immutability of signed decisions, corrections
as versions, publishing to the central warning list, uploads, and department scoping."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from oversight.organisations.models import OrganisationWarning
from suppliers import checks, hearings, rules, services
from suppliers import evidence as ev
from suppliers.models import Decision, ImmutableError
from suppliers.services import SupplierError
from suppliers.testing import FakeRegistries

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


@pytest.fixture
def setup(db, make, monkeypatch):
    fake = FakeRegistries().install(monkeypatch)
    social = make.department(name="Socialförvaltningen", kind="social")
    officer = make.user(role="procurement", department=social)
    org = make.organisation(name="Konkursbolaget AB")
    supplier = services.supplier_for(db.session, officer, org)
    contract = services.create_contract(db.session, officer, supplier, {
        "reference": "AVT-9", "title": "Hemtjänst", "procedure": "lov"})
    fake.set(org.orgnr, "bolagsverket", facts=(ev.CompanyStatus(
        org.orgnr, org.name, True, proceedings=(ev.Proceeding("KK", "Konkurs",
                                                               date.today()),)),))
    check = checks.check_supplier(db.session, officer, supplier, contract=contract)
    return officer, supplier, contract, check


def sent_hearing(db, officer, check, *, days_ago=20, deadline_days_ago=5):
    hearing = hearings.open_hearing(db.session, officer, check, codes=["insolvency"],
                                    deadline=date.today() + timedelta(days=14))
    hearing.deadline = date.today() - timedelta(days=deadline_days_ago)  # time has passed
    hearing.status, hearing.sent_on = "sent", date.today() - timedelta(days=days_ago)
    db.session.flush()
    return hearing


def test_open_hearing_generates_letter_with_grounds_and_deadline(db, setup):
    officer, supplier, contract, check = setup
    assert next(g for g in check.grounds if g.code == "insolvency").outcome == rules.FOUND
    deadline = date.today() + timedelta(days=10)
    hearing = hearings.open_hearing(db.session, officer, check, codes=["insolvency"],
                                    deadline=deadline, recipient="VD Kim")
    assert hearing.reference == f"AVT-9-K{hearing.id}"
    assert "Konkursbolaget AB" in hearing.letter_text
    assert "pågående konkurs" in hearing.letter_text
    assert deadline.isoformat() in hearing.letter_text
    assert "få avtalet uppsagt eller hävt" in hearing.letter_text
    assert "självsanering" not in hearing.letter_text  # LOV: comment, not self-cleaning


def test_clear_grounds_cannot_be_heard(db, setup):
    officer, _, _, check = setup
    with pytest.raises(SupplierError):
        hearings.open_hearing(db.session, officer, check, codes=["taxes"])


def test_exclusion_requires_the_supplier_to_have_been_heard(db, setup):
    officer, supplier, contract, check = setup
    hearing = hearings.open_hearing(db.session, officer, check, codes=["insolvency"])
    with pytest.raises(SupplierError, match="yttra sig"):
        hearings.create_decision(db.session, officer, hearing, outcome="terminate_breach",
                                 reasoning="Konkurs.")
    hearings.mark_sent(db.session, officer, hearing, date.today())
    with pytest.raises(SupplierError, match="Svarsfristen"):
        hearings.create_decision(db.session, officer, hearing, outcome="terminate_breach",
                                 reasoning="Konkurs.")
    hearings.record_statement(db.session, officer, hearing, statement="Vi bestrider.",
                              received_on=date.today(), self_cleaning=None)
    decision = hearings.create_decision(db.session, officer, hearing,
                                        outcome="terminate_breach", reasoning="Konkurs.")
    assert decision.contract_id == contract.id


def test_not_excluding_needs_no_hearing(db, setup):
    officer, supplier, _, check = setup
    decision = hearings.create_decision(db.session, officer, None, outcome="not_exclude",
                                        reasoning="Konkursen är avslutad.", check=check,
                                        supplier=supplier)
    hearings.sign_decision(db.session, officer, decision)
    assert decision.signed and decision.snapshot_hash


def test_signed_decision_is_frozen_and_corrected_as_new_version(db, setup):
    officer, supplier, contract, check = setup
    hearing = sent_hearing(db, officer, check)
    decision = hearings.create_decision(db.session, officer, hearing,
                                        outcome="terminate_breach",
                                        reasoning="Leverantören är försatt i konkurs.")
    hearings.sign_decision(db.session, officer, decision)
    db.session.commit()
    assert contract.status == "terminated" and hearing.status == "decided"
    assert decision.snapshot["check"]["grounds"][2]["code"] == "insolvency"
    assert decision.snapshot["hearing"]["reference"] == hearing.reference

    with pytest.raises(SupplierError):
        hearings.update_decision(db.session, officer, decision, outcome="exclude",
                                 reasoning="x", self_cleaning_assessment=None)
    decision.reasoning = "Ändrad i efterhand"
    with pytest.raises(ImmutableError):
        db.session.flush()
    db.session.rollback()

    decision = db.session.get(Decision, decision.id)
    v2 = hearings.correct_decision(db.session, officer, decision, "Fel datum för konkursen.")
    assert (v2.version, v2.previous_id, v2.status) == (2, decision.id, "draft")
    hearings.update_decision(db.session, officer, v2, outcome="terminate_breach",
                             reasoning="Konkurs beslutad av tingsrätten.",
                             self_cleaning_assessment=None)
    hearings.sign_decision(db.session, officer, v2)
    db.session.commit()
    assert decision.superseded_by_id == v2.id
    assert decision.reasoning == "Leverantören är försatt i konkurs."
    with pytest.raises(SupplierError, match="redan rättat"):
        hearings.correct_decision(db.session, officer, decision, "igen")


def test_publish_creates_exclusion_warning_without_hearing_content(db, setup, make):
    officer, supplier, _, check = setup
    hearing = sent_hearing(db, officer, check)
    hearings.update_notes(db.session, officer, hearing, "Intern: VD verkar ha bytt bolag.")
    decision = hearings.create_decision(db.session, officer, hearing,
                                        outcome="terminate_breach", reasoning="Konkurs.")
    with pytest.raises(SupplierError, match="signerade"):
        hearings.publish_decision(db.session, officer, decision)
    hearings.sign_decision(db.session, officer, decision)
    warning = hearings.publish_decision(db.session, officer, decision)
    assert warning.category == "exclusion"
    assert decision.reference in warning.reason and "Avtalet hävs" in warning.reason
    assert "VD verkar" not in warning.reason + (warning.evidence or "")
    assert decision.warning_id == warning.id
    with pytest.raises(SupplierError, match="redan publicerat"):
        hearings.publish_decision(db.session, officer, decision)
    assert db.session.query(OrganisationWarning).filter_by(
        organisation_id=supplier.organisation_id).count() == 1


def test_not_exclude_cannot_be_published(db, setup):
    officer, supplier, _, check = setup
    decision = hearings.create_decision(db.session, officer, None, outcome="not_exclude",
                                        reasoning="Ingen grund.", check=check, supplier=supplier)
    hearings.sign_decision(db.session, officer, decision)
    with pytest.raises(SupplierError):
        hearings.publish_decision(db.session, officer, decision)


def test_uploads_are_checked_for_type_and_size(db, setup, app):
    officer, _, _, check = setup
    hearing = sent_hearing(db, officer, check)
    doc = hearings.add_document(db.session, officer, hearing, filename="../../yttrande.pdf",
                                data=PDF, kind="statement")
    assert doc.filename == "yttrande.pdf" and doc.content_type == "application/pdf"
    with pytest.raises(SupplierError, match="inte en PDF"):
        hearings.add_document(db.session, officer, hearing, filename="virus.pdf",
                              data=b"MZ\x90\x00", kind="statement")
    with pytest.raises(SupplierError, match="tom"):
        hearings.add_document(db.session, officer, hearing, filename="tom.pdf", data=b"",
                              kind="statement")
    app.config["SUPPLIERS_UPLOAD_MAX_MB"] = 0.001
    try:
        with pytest.raises(SupplierError, match="större än"):
            hearings.add_document(db.session, officer, hearing, filename="stor.pdf",
                                  data=PDF + b"0" * 2000, kind="statement")
    finally:
        app.config["SUPPLIERS_UPLOAD_MAX_MB"] = 10


def test_other_department_cannot_act_on_hearing(db, setup, make):
    officer, _, _, check = setup
    hearing = hearings.open_hearing(db.session, officer, check, codes=["insolvency"])
    other = make.user(role="procurement")
    with pytest.raises(SupplierError):
        hearings.update_notes(db.session, other, hearing, "x")
    with pytest.raises(SupplierError):
        hearings.open_hearing(db.session, other, check, codes=["insolvency"])
