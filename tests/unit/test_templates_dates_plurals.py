"""Issue 11, defect 6: dates never break inside (one filter, ``|day``/``|daytime``, gives a
``<time>`` that the stylesheet keeps on one line), counts have their plural (ngettext, no
"förening(ar)"), and list pages use the one list_table macro."""
import re
from datetime import UTC, date, datetime
from pathlib import Path

from oversight.formatting import day_html

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
CSS = Path(__file__).resolve().parents[2] / "static" / "css" / "app.css"


def _lines():
    for path in TEMPLATES.rglob("*.html"):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            yield f"{path.relative_to(TEMPLATES)}:{n}", line


def test_the_date_filter_gives_a_time_element_that_does_not_wrap():
    assert str(day_html(date(2026, 12, 1))) == '<time datetime="2026-12-01">2026-12-01</time>'
    evening = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)  # Swedish time: 1 December 00:30
    assert str(day_html(evening, True)) == '<time datetime="2026-12-01T00:30">2026-12-01 00:30</time>'
    assert day_html(None) == ""
    assert re.search(r"time\s*\{[^}]*white-space:\s*nowrap", CSS.read_text()) or \
        re.search(r",\s*time\s*\{[^}]*white-space:\s*nowrap", CSS.read_text())


def test_no_table_or_definition_cell_prints_a_bare_date():
    bare = re.compile(r"<t[dh][^>]*>\{\{ [\w.\[\]]+\|(isodate|datetime) \}\}</t[dh]>"
                      r"|<dd>\{\{ [\w.]+\|(isodate|datetime) \}\}")
    offenders = [where for where, line in _lines() if bare.search(line)]
    assert not offenders, offenders


def test_counts_use_plural_forms_not_parentheses():
    parenthesised = re.compile(r"_\(\"[^\"]*\w\((a|ar|er|e|or)\)[^\"]*\"")  # _("förvaltning(ar)")
    offenders = [where for where, line in _lines() if parenthesised.search(line)]
    assert not offenders, offenders


def test_list_pages_use_the_list_table_macro():
    for name in ("cases/index.html", "jobs/index.html", "suppliers/index.html", "suppliers/monitoring.html",
                 "organisations/index.html", "assistance/providers.html", "assistance/users.html",
                 "assistance/alerts.html", "accounts/holders.html", "admin/rule_values.html",
                 "associations/index.html", "assistance/timereports/findings.html"):
        text = (TEMPLATES / name).read_text(encoding="utf-8")
        assert "{% call list_table(" in text, name
        assert '<table class="table">' not in text.split("{% call list_table(")[0], name
