"""Fail closed on the organisation page: an answer that does not say what the assessment
needs is "could not be checked", never "Inga anmärkningar"."""
from __future__ import annotations

from datetime import date

from registries import services
from registries.assess import NOT_CHECKED, OK, WARNING, assess

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def test_skatteverket_answer_without_f_tax_is_not_ok(db):
    stored = services.enter_manual_answer(db.session, None, "skatteverket",
                                          {"orgnr": "556901-2346", "vat": "ja"}, "besked.pdf",
                                          PDF, date.today())
    result = assess(stored)
    assert result.level == NOT_CHECKED
    assert "Besked om F-skatt saknas." in result.notes


def test_complete_skatteverket_answer_is_ok_and_a_no_is_a_finding(db):
    ok = services.enter_manual_answer(db.session, None, "skatteverket",
                                      {"orgnr": "556901-2346", "f_tax": "ja", "vat": "ja",
                                       "employer": "ja"}, "a.pdf", PDF, date.today())
    assert assess(ok).level == OK
    bad = services.enter_manual_answer(db.session, None, "skatteverket",
                                       {"orgnr": "559012-8764", "f_tax": "nej"}, "b.pdf", PDF,
                                       date.today())
    assert assess(bad).level == WARNING  # a finding outranks what is missing


def test_organisation_page_does_not_show_a_partial_tax_answer_as_clean(db, make, login_as):
    user = make.user(role="procurement")
    org = make.organisation(name="Halvsvar AB", orgnr="556901-2346")
    services.enter_manual_answer(db.session, user, "skatteverket",
                                 {"orgnr": "556901-2346", "vat": "ja"}, "besked.pdf", PDF,
                                 date.today())
    page = login_as(user).get(f"/organisations/{org.id}").get_data(as_text=True)
    section = page.split('id="registries"')[-1] if 'id="registries"' in page else page
    row = section.split("Skatteverket", 1)[1].split("</tr>", 1)[0]
    assert "Inga anmärkningar" not in row and "Kunde inte kontrolleras" in row
