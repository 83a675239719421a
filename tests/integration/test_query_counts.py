"""Every list page issues a number of SQL statements that does not grow with its rows (no N+1).

The same pages are requested as real roles on the demo data and again after
``flask demo load --scale small`` has added organisations, ledger rows, suppliers with contracts
and checks, grants, time reports and cases; every statement the request sends is counted with
an SQLAlchemy ``before_cursor_execute`` listener. A page whose count grows with the rows loads
something per row."""
import re
from collections import Counter
from contextlib import contextmanager

from sqlalchemy import event

from tests.conftest import login

DEMO_PASSWORD = "demo-losenord-2026"  # nosec B105  # the published demo password

PAGES = {
    "upphandlare": ["/", "/organisations/", "/organisations/?q=omsorg",
                    "/organisations/?format=csv", "/suppliers/",
                    "/suppliers/?format=csv", "/suppliers/procurements/",
                    "/suppliers/monitoring", "/registries/", "/jobs/"],
    "bidrag.kultur": ["/", "/associations/", "/associations/report", "/associations/follow-up",
                      "/associations/imports"],
    "lss.jarva": ["/", "/assistance/users", "/assistance/providers", "/assistance/alerts",
                  "/assistance/timereports/", "/assistance/timereports/findings",
                  "/assistance/timereports/missing"],
    "utredare": ["/", "/cases/", "/cases/?format=csv", "/statistics/"],
    "revisor": ["/", "/admin/audit"],
    "admin": ["/admin/users"],
}


# an expanded IN list: the same statement whatever the number of parameters
_PARAMETER_LIST = re.compile(r"\((?:\?|%\(\w+\)s|%s)(?:, (?:\?|%\(\w+\)s|%s))*\)")


@contextmanager
def counting(engine):
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(_PARAMETER_LIST.sub("(…)", statement))

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _measure(app, db) -> dict[tuple[str, str], list[str]]:
    counts = {}
    for user, pages in PAGES.items():
        client = app.test_client()
        assert login(client, user, DEMO_PASSWORD).status_code == 302
        for page in pages:
            client.get(page)  # warm: first-request work (rule values, caches) is not per row
            # The test's app context outlives a request, and so would its session's identity
            # map: start each measured request with an empty one, as in production.
            db.session.remove()
            with counting(db.engine) as statements:
                response = client.get(page)
            assert response.status_code == 200, (user, page)
            counts[(user, page)] = list(statements)
    return counts


def test_list_pages_do_not_query_per_row(runner, db, app):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    small = _measure(app, db)
    result = runner.invoke(args=["demo", "load", "--scale", "small"])
    assert result.exit_code == 0, result.output
    larger = _measure(app, db)
    grown = {k: (len(small[k]), len(larger[k]), _repeated(small[k], larger[k]))
             for k in small if len(larger[k]) > len(small[k])}
    assert not grown, f"SQL statements per request grew with the rows: {grown}"


def _repeated(before: list[str], after: list[str]) -> list[str]:
    """The statements sent more often on the larger data (the per-row ones), shortened."""
    extra = Counter(after) - Counter(before)
    return [f"{n}x {s[:160]}" for s, n in extra.most_common(3)]
