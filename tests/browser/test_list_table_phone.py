"""Issue 11, defect 6/9 and the lists: the monitoring list, now the one list_table, at phone
width: it scrolls inside its own container, its dates never break inside, its columns sort
(aria-sort), and axe finds nothing serious."""
from __future__ import annotations

from datetime import date, timedelta

from suppliers import evidence as ev
from suppliers import monitoring, services
from suppliers.testing import FakeRegistries

PHONE = {"width": 375, "height": 800}


def _findings(db, make, monkeypatch):
    fake = FakeRegistries().install(monkeypatch)
    officer = make.user(username="inkop", role="procurement", department=make.department(name="Social"))
    for name in ("Östra Hemtjänst AB", "Assistans Norr AB"):
        supplier = services.supplier_for(db.session, officer, make.organisation(name=name))
        services.create_contract(db.session, officer, supplier, {
            "reference": f"AVT-{supplier.id}", "title": "Hemtjänst", "procedure": "lov",
            "start_date": date.today() - timedelta(days=100)})
        monitoring.run_monitor(db.session)
        fake.set(supplier.organisation.orgnr, "bolagsverket", facts=(ev.CompanyStatus(
            supplier.organisation.orgnr, name, True,
            proceedings=(ev.Proceeding("KK", "Konkurs", date.today()),)),))
    monitoring.run_monitor(db.session)
    db.session.commit()
    return officer


def test_monitoring_list_at_phone_width(page, live_server, db, make, monkeypatch, sign_in,
                                        assert_accessible):
    _findings(db, make, monkeypatch)
    page.set_viewport_size(PHONE)
    sign_in("inkop")
    page.goto(f"{live_server}/suppliers/monitoring")
    table = page.locator(".table-scroll table").first
    assert table.locator("tbody tr").count() >= 2
    width, inner = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    assert width <= inner, (width, inner)  # the table scrolls in its container, not the page
    dates = table.locator("tbody time")
    assert dates.count() >= 2
    for i in range(dates.count()):  # one line box each: "2026-12-\n01" never happens
        assert dates.nth(i).evaluate("el => getComputedStyle(el).whiteSpace") == "nowrap"
        assert dates.nth(i).evaluate("el => el.getClientRects().length") == 1
    assert_accessible()

    table.get_by_role("link", name="Leverantör").click()
    page.wait_for_url("**sort=supplier**")
    header = page.locator("th[aria-sort]")
    assert header.get_attribute("aria-sort") == "ascending" and "Leverantör" in header.inner_text()
    names = page.locator(".table-scroll tbody tr td:nth-child(2) a").all_inner_texts()
    assert names == sorted(names, key=str.casefold)
    assert_accessible()
