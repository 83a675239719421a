"""Issue 11, the lists review: the multi-department report, now the one list_table, at phone
width (375 px): the page is no wider than the screen (the table scrolls in its own
container), the headers sort on the server with aria-sort, amounts never break inside, and
axe finds nothing serious before and after sorting."""
from __future__ import annotations

from decimal import Decimal

from playwright.sync_api import expect

DEMO_PASSWORD = "demo-losenord-2026"
PHONE = {"width": 375, "height": 800}


def _no_horizontal_scroll(page):
    width, inner = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    assert width <= inner, (width, inner)


def _totals(page) -> list[Decimal]:
    cells = page.locator(".table-scroll tbody tr td:nth-child(3)").all_inner_texts()
    return [Decimal(c.split("kr")[0].replace("\u00a0", "").replace(" ", "").replace(",", "."))
            for c in cells]


def test_report_list_at_phone_width_sorts(page, live_server, runner, assert_accessible):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server}/login")
    page.get_by_label("Användarnamn").fill("bidrag.kultur")
    page.get_by_label("Lösenord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(f"{live_server}/")
    page.goto(f"{live_server}/associations/report?status=all&scope=all")
    table = page.locator(".table-scroll table").last
    assert table.locator("tbody tr").count() >= 3
    _no_horizontal_scroll(page)
    assert_accessible()

    table.get_by_role("link", name="Mottagare").click()
    page.wait_for_url("**sort=name**")
    header = page.locator("th[aria-sort]")
    expect(header).to_have_attribute("aria-sort", "ascending")
    names = page.locator(".table-scroll tbody tr td:nth-child(1) > a").all_inner_texts()
    assert names == sorted(names, key=str.casefold)

    page.locator(".table-scroll table").last.get_by_role("link", name="Totalt").click()
    page.wait_for_url("**sort=total**")
    page.locator(".table-scroll table").last.get_by_role("link", name="Totalt").click()
    page.wait_for_url("**dir=desc**")
    expect(page.locator("th[aria-sort]")).to_have_attribute("aria-sort", "descending")
    totals = _totals(page)
    assert totals == sorted(totals, reverse=True) and len(totals) >= 3
    first_amount = page.locator(".table-scroll tbody tr td:nth-child(3)").first.inner_text()
    assert "\u00a0kr" in first_amount  # a no-break space: "275 000 kr" never breaks inside
    _no_horizontal_scroll(page)
    assert_accessible()
