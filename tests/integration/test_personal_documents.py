"""Documents that carry a person's identity in full (a sole trader's certificate, a bank's
answer about a private person's account) are a full view of personal data: downloading one is
logged, like revealing the masked number."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from oversight.accounts import services as accounts
from oversight.audit import AuditEntry
from oversight.identifiers import luhn_check_digit
from registries import services as registries

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _views(entity_type: str) -> int:
    from oversight.extensions import db
    return db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "view", AuditEntry.entity_type == entity_type))


def test_sole_traders_registry_document_download_is_logged(db, make, login_as):
    body = "900101123"
    pnr = "19" + body + luhn_check_digit(body)
    stored = registries.enter_manual_answer(db.session, None, "skatteverket",
                                            {"orgnr": pnr, "f_tax": "ja"}, "intyg.pdf", PDF,
                                            date.today())
    company = registries.enter_manual_answer(db.session, None, "skatteverket",
                                             {"orgnr": "556901-2346", "f_tax": "ja"},
                                             "bolag.pdf", PDF + b"x", date.today())
    db.session.commit()
    client = login_as(make.user(role="procurement"))
    response = client.get(f"/registries/documents/{stored.document_id}")
    assert response.status_code == 200 and response.data == PDF
    assert _views("registry_document") == 1
    assert client.get(f"/registries/documents/{company.document_id}").status_code == 200
    assert _views("registry_document") == 1  # a company's document is not personal data


def test_private_account_holders_document_is_gated_and_logged(db, make, login_as):
    officer = make.user(role="grants")
    private = accounts.add_holder_answer(
        db.session, officer, kind="bankgiro", number="5050-1006", holder_name="Per Person",
        holder_id="811218-9876", source="bank", status="active",
        answered_on=date.today() - timedelta(days=2), document=("intyg.pdf", PDF))
    company = accounts.add_holder_answer(
        db.session, officer, kind="bankgiro", number="5050-1006", holder_name="Bolaget AB",
        holder_id="556901-2346", source="bank", status="active",
        answered_on=date.today() - timedelta(days=1), document=("bolag.pdf", PDF + b"y"))
    db.session.commit()
    admin = login_as(make.user(role="admin"))  # may verify accounts, may not reveal persons
    assert admin.get(f"/accounts/holders/{private.id}/document").status_code == 403
    assert admin.get(f"/accounts/holders/{company.id}/document").status_code == 200
    assert _views("account_document") == 0
    page = admin.get(f"/accounts/holders/{private.id}").get_data(as_text=True)
    assert f"/accounts/holders/{private.id}/document" not in page and "kräver behörighet" in page
    client = login_as(officer)
    response = client.get(f"/accounts/holders/{private.id}/document")
    assert response.status_code == 200 and response.data == PDF
    assert _views("account_document") == 1
