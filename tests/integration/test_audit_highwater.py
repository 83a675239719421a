"""Issue 10 (review): entries deleted from the end of the audit chain *after* the last anchor
were not noticed (what is left is a whole chain, and no anchor names the deleted entries). The
high-water mark outside the database (oversight/audit_highwater.py) names the newest committed
entry; `flask audit verify`, the audit page and /health compare against it."""
import json

import pytest
from sqlalchemy import select, text

from oversight.audit import AuditEntry, verify_chain
from oversight.audit_anchors import verify_with_anchors, write_anchor
from oversight.audit_highwater import highwater_path, read_mark, reset_mark


@pytest.fixture(autouse=True)
def own_files(app, tmp_path):
    app.config["AUDIT_ANCHOR_PATH"] = str(tmp_path / "anchors.log")
    app.config["AUDIT_HIGHWATER_PATH"] = str(tmp_path / "highwater.json")
    yield
    app.config["AUDIT_ANCHOR_PATH"] = None
    app.config["AUDIT_HIGHWATER_PATH"] = None


def _entries(db):
    """(id, hash) of every entry: plain values that outlive a deletion."""
    db.session.expire_all()
    return [(e.id, e.hash) for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def _organisations(make, db, n):
    for _ in range(n):
        make.organisation()
        db.session.commit()  # one commit each: the mark moves at every commit
    return _entries(db)


def _delete_from(db, entry_id):
    db.session.execute(text("DELETE FROM audit_entry WHERE id >= :id"), {"id": entry_id})
    db.session.commit()


def _mark(app, db):
    return read_mark(app, db.engine)


def test_the_mark_follows_every_commit(app, make, db):
    entries = _organisations(make, db, 3)
    mark = _mark(app, db)
    assert (mark.last_id, mark.head) == entries[-1]


def test_deleting_the_newest_entries_after_the_last_anchor_is_reported(app, make, db, runner,
                                                                       client):
    _organisations(make, db, 2)
    write_anchor(db.session)
    entries = _organisations(make, db, 3)  # after the anchor
    _delete_from(db, entries[-2][0])  # the last two go
    assert verify_chain(db.session).ok  # what is left is a whole chain ...
    report = verify_with_anchors(db.session)  # ... and the anchor's entry is still there
    assert not report.ok and "tagits bort" in report.reason, report
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "BRUTEN" in result.output
    assert f"post {entries[-1][0]}" in result.output
    health = client.get("/health").json["checks"]["audit"]
    assert health["ok"] is False and health["recorded_last_id"] == entries[-1][0]
    assert health["last_id"] == entries[-3][0]


def test_deleted_entries_whose_ids_are_taken_again_are_reported(app, make, db, runner):
    entries = _organisations(make, db, 4)
    _delete_from(db, entries[-2][0])
    _organisations(make, db, 4)  # new entries: SQLite hands out the deleted ids again
    assert verify_chain(db.session).ok
    mark = _mark(app, db)
    assert mark.last_id == entries[-1][0]  # the mark did not move over the gap
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "BRUTEN" in result.output, result.output


def test_a_rolled_back_transaction_does_not_move_the_mark(app, make, db, runner, client):
    entries = _organisations(make, db, 2)
    make.organisation()
    db.session.flush()  # entries appended ...
    db.session.rollback()  # ... and rolled back
    assert _mark(app, db).last_id == entries[-1][0]
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert client.get("/health").json["checks"]["audit"]["ok"] is True


def test_a_damaged_or_forged_mark_fails_closed(app, make, db):
    _organisations(make, db, 2)
    path = highwater_path(app)
    with open(path) as f:
        marks = json.load(f)
    key = next(iter(marks))
    marks[key]["last_id"] += 100  # without the key the signature cannot follow
    with open(path, "w") as f:
        json.dump(marks, f)
    report = verify_with_anchors(db.session)
    assert not report.ok and "signatur" in report.reason
    with open(path, "w") as f:
        f.write("inte json")
    report = verify_with_anchors(db.session)
    assert not report.ok and "kan inte läsas" in report.reason


def test_a_restore_or_reseal_sets_the_mark_to_the_new_head(app, make, db):
    entries = _organisations(make, db, 3)
    _delete_from(db, entries[-1][0])
    assert not verify_with_anchors(db.session).ok
    reset_mark(app, db.engine)  # what `flask backup restore` and `flask audit reseal` do
    assert verify_with_anchors(db.session).ok
    assert _mark(app, db).last_id == entries[-2][0]
