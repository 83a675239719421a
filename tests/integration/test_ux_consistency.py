"""Figures and verdicts that must agree between pages (issue 11, defect 6), on the demo data:
the start page counts what the linked list lists, and an IVO answer reads the same on the
organisation page and in the supplier check."""
import html
import re
from datetime import date, timedelta

from sqlalchemy import select

from oversight.organisations.models import Organisation
from registries.verdicts import STALE_LABEL, stale_sentence
from suppliers.models import Supplier, SupplierCheck
from tests.conftest import login

DEMO_PASSWORD = "demo-losenord-2026"
ITEM = re.compile(r'<li class="attention-\w+">\s*<a href="([^"]+)">([^<]+)</a>')


def _client(app, username):
    client = app.test_client()
    assert login(client, username, DEMO_PASSWORD).status_code == 302
    return client


def _start_items(client) -> dict[str, str]:
    page = client.get("/").get_data(as_text=True)
    return {html.unescape(title.strip()): html.unescape(url) for url, title in ITEM.findall(page)}


def _counted(items, pattern) -> tuple[int, str]:
    found = [(int(m.group(1)), url) for title, url in items.items() if (m := re.match(pattern, title))]
    assert len(found) == 1, (pattern, list(items))
    return found[0]


def _plain(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def test_start_page_counts_agree_with_the_lists_they_link_to(runner, app, db):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    grants = _client(app, "bidrag.kultur")
    items = _start_items(grants)
    n, url = _counted(items, r"(\d+) föreningar? får betalt av flera förvaltningar")
    report = grants.get(url).get_data(as_text=True)
    assert f"{n} mottagare</caption>" in report
    assert re.search(rf"\b{n} föreningar? att bedöma", _plain(report))
    n, url = _counted(items, r"(\d+) försenade? redovisning")
    followup = _plain(grants.get(url).get_data(as_text=True))
    assert f"Försenade redovisningar ({n})" in followup

    lss = _client(app, "lss.jarva")
    n, url = _counted(_start_items(lss), r"(\d+) anordnare behöver tillståndskontroll")
    providers = lss.get(url).get_data(as_text=True)
    assert f"<p>{n} anordnare" in providers
    assert providers.count('class="badge badge-warn">försenad<') == n


def test_an_ivo_answer_reads_the_same_on_the_organisation_page_and_in_the_check(runner, app, db):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    client = _client(app, "upphandlare")
    org = db.session.scalar(select(Organisation).where(Organisation.name == "Omsorgspartner i Norden AB"))
    check = db.session.scalar(select(SupplierCheck).join(Supplier).where(
        Supplier.organisation_id == org.id).order_by(SupplierCheck.id.desc()).limit(1))
    sentence = stale_sentence(date.today() - timedelta(days=40), 30)  # the demo's IVO file
    org_page = _plain(client.get(f"/organisations/{org.id}").get_data(as_text=True))
    check_page = _plain(client.get(f"/suppliers/checks/{check.id}").get_data(as_text=True))
    ivo_row = org_page[org_page.index("IVO (tillstånd)"):][:600]
    assert STALE_LABEL in ivo_row and sentence in ivo_row and "högst 30 dagar" in ivo_row
    assert "Inga anmärkningar" not in ivo_row
    assert sentence in check_page and STALE_LABEL in check_page

    revoked = db.session.scalar(select(Organisation).where(
        Organisation.name == "Assistansgruppen Trygg Vardag AB"))
    checks = db.session.scalars(select(SupplierCheck.id).join(Supplier).where(
        Supplier.organisation_id == revoked.id).order_by(SupplierCheck.id.desc()))
    pages = (client.get(f"/suppliers/checks/{i}") for i in checks)  # the procurement officer's own
    check_page = _plain(next(p for p in pages if p.status_code == 200).get_data(as_text=True))
    org_page = _plain(client.get(f"/organisations/{revoked.id}").get_data(as_text=True))
    verdict = re.search(r"LSS 9 § 2 personlig assistans: återkallat \(beslut [\d-]+, dnr [^)]+\)\.", org_page)
    assert verdict and verdict.group(0) in check_page
