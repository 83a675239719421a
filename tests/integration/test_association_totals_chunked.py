"""The associations list and its export (up to 100 000 rows) read grant and ledger totals in
chunks of keys (``oversight.db.in_chunks``): SQLite refuses a statement with more than 32 766
parameters. Chunked or not, the totals are the same."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import oversight.db
from associations.overview import associations_page, totals_for
from oversight.db import in_chunks


@given(st.lists(st.integers()), st.integers(min_value=1, max_value=50))
def test_chunks_keep_every_value_in_order_and_none_is_too_long(values, size):
    chunks = list(in_chunks(values, size))
    assert [v for chunk in chunks for v in chunk] == values
    assert all(0 < len(chunk) <= size for chunk in chunks)


@pytest.fixture
def demo(runner, db):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output


def test_totals_in_chunks_of_two_equal_the_totals_in_one(demo, db, monkeypatch):
    orgs = list(db.session.scalars(associations_page(db.session)))
    whole = totals_for(db.session, orgs)
    assert len(orgs) > 2 and any(t["paid"] for t in whole.values())
    assert any(t["grants"] for t in whole.values())
    monkeypatch.setattr(oversight.db, "IN_LIST_CHUNK", 2)
    statements = []
    from sqlalchemy import event

    def count(*_args):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        chunked = totals_for(db.session, orgs)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert chunked == whole
    assert len(statements) >= len(orgs)  # two queries per chunk of two: really chunked
