"""Issue 11, defect 8: a letter is fit to send. The hearing letter and the decision's print view
carry date, sender with contact, reference and the recipient's address block; on paper (print
media, as "save as PDF" renders it) only the document remains, its circumstances a list without
literal dashes and no sentence broken over two lines. Screenshot and PDF of the printed letter."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from oversight.audit import set_actor
from oversight.formatting import STOCKHOLM
from suppliers import checks, hearings, services
from suppliers import evidence as ev
from suppliers.testing import FakeRegistries


@pytest.fixture
def hearing_and_decision(db, make, monkeypatch):
    fake = FakeRegistries().install(monkeypatch)
    social = make.department(name="Socialförvaltningen", kind="social")
    officer = make.user(username="upphandlare", role="procurement", department=social)
    officer.email = "ulla.upphandlare@example.se"
    org = make.organisation(name="Skuldsatta Omsorgen AB")
    supplier = services.supplier_for(db.session, officer, org)
    fake.set(org.orgnr, "kronofogden", facts=(ev.DebtStatus(Decimal("90000"), ("allmänna mål",)),))
    set_actor(officer)
    check = checks.check_supplier(db.session, officer, supplier)
    hearing = hearings.open_hearing(db.session, officer, check, codes=["taxes"],
                                    recipient="Verkställande direktören")
    decision = hearings.create_decision(db.session, officer, hearing, outcome="not_exclude",
                                        reasoning="Skulden är betald.\n\nKvitto från Kronofogden visar att skulden\n"
                                                  "betalades den 1 december.")
    hearings.sign_decision(db.session, officer, decision)
    set_actor(None)
    db.session.commit()
    return hearing, decision


def _printed(page):
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".breadcrumbs")).to_be_hidden()
    return page.locator("article.document")


def test_hearing_letter_prints_as_a_document(page, live_server, sign_in, hearing_and_decision,
                                            assert_accessible, tmp_path):
    hearing, _decision = hearing_and_decision
    sign_in("upphandlare")
    page.goto(f"{live_server}/suppliers/hearings/{hearing.id}/letter")
    assert_accessible()
    letter = _printed(page)
    expect(letter.locator("h1")).to_have_text("Underrättelse och möjlighet att yttra sig")
    expect(letter.locator(".letter-sender")).to_contain_text("Socialförvaltningen")
    expect(letter.locator(".letter-sender")).to_contain_text("ulla.upphandlare@example.se")
    expect(letter.locator(".letter-meta")).to_contain_text(hearing.reference)
    expect(letter.locator(".letter-meta")).to_contain_text(_swedish_today().isoformat())
    expect(letter.locator("address")).to_contain_text("Skuldsatta Omsorgen AB")
    expect(letter.locator("address")).to_contain_text("Verkställande direktören")
    assert letter.locator(".letter-body li").count() >= 1  # the circumstances as a list
    text = letter.inner_text()
    assert not [line for line in text.splitlines() if line.strip().startswith(("- ", "* "))]
    # a sentence is never broken: the deadline sentence is on one line
    deadline = (hearing.deadline or _swedish_today() + timedelta(days=14)).isoformat()
    assert any(f"senast {deadline}. Hänvisa till diarienummer" in line for line in text.splitlines())
    screenshot = tmp_path / "brev.png"
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.stat().st_size > 5000
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    width = page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
    assert width


def test_decision_print_view(page, live_server, sign_in, hearing_and_decision, assert_accessible):
    _hearing, decision = hearing_and_decision
    sign_in("upphandlare")
    page.goto(f"{live_server}/suppliers/decisions/{decision.id}")
    page.get_by_role("link", name="Utskriftsvy").click()
    assert_accessible()
    letter = _printed(page)
    expect(letter.locator("h1")).to_contain_text("Beslut")
    expect(letter.locator(".letter-meta")).to_contain_text(decision.reference)
    expect(letter.locator("address")).to_contain_text("Skuldsatta Omsorgen AB")
    expect(letter.locator(".letter-body")).to_contain_text(
        "Kvitto från Kronofogden visar att skulden betalades den 1 december.")
    assert page.pdf(format="A4").startswith(b"%PDF")


def _swedish_today() -> date:
    """The letter is dated by the Swedish calendar (after midnight in Stockholm, UTC lags)."""
    return datetime.now(STOCKHOLM).date()
