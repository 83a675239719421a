"""Issue 11: one chart macro (inline SVG, no CDN) with its table as the text alternative, on
the statistics page and the start page's counts."""
from __future__ import annotations

from oversight.attention import AttentionItem
from oversight.main import _counts
from tests.conftest import login

DEMO_PASSWORD = "demo-losenord-2026"


def test_start_page_counts_per_severity(app):
    items = [AttentionItem("a", "", "/", "danger"), AttentionItem("b", "", "/", "danger"),
             AttentionItem("c", "", "/", "info")]
    with app.test_request_context():
        chart = _counts(items)
    assert [(b.label, b.value) for b in chart.bars] == [("Allvarligt", 2), ("Att känna till", 1)]
    assert chart.bars[0].width > chart.bars[1].width


def test_chart_macro_on_pages_served_locally(runner, db, app):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    client = app.test_client()
    assert login(client, "utredare", DEMO_PASSWORD).status_code == 302
    for url in ("/statistics/", "/"):
        page = client.get(url).get_data(as_text=True)
        if 'class="chart"' in page:
            assert "<svg" in page and "<desc" in page and "<table" in page
        assert "cdn" not in page.lower() and "<script src=\"http" not in page
    assert 'class="chart"' in client.get("/statistics/").get_data(as_text=True)
    kultur = app.test_client()
    assert login(kultur, "bidrag.kultur", DEMO_PASSWORD).status_code == 302
    report = kultur.get("/associations/report").get_data(as_text=True)
    assert 'class="chart"' in report and "Utbetalt per förvaltning (tabell)" in report
