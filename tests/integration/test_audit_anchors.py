"""Issue 10, defect 7: a keyed audit chain with anchors outside the database; creation entries
carry the new row's id."""
import json
import os

import pytest
from sqlalchemy import select, text

from oversight.audit import GENESIS, AuditEntry, entry_hash, legacy_entry_hash, verify_chain
from oversight.audit_anchors import anchor_path, read_anchors, verify_with_anchors, write_anchor

_FIELDS = ("at", "actor_id", "actor", "department_id", "action", "entity_type", "entity_id",
           "summary", "before", "after", "prev_hash")


@pytest.fixture(autouse=True)
def anchor_file(app, tmp_path):
    app.config["AUDIT_ANCHOR_PATH"] = str(tmp_path / "anchors.log")
    yield app.config["AUDIT_ANCHOR_PATH"]
    app.config["AUDIT_ANCHOR_PATH"] = None


def _entries(db):
    db.session.expire_all()
    return db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()


def _recompute(db, hasher):
    """What an attacker with database access does after a change: rebuild every hash."""
    prev = GENESIS
    for entry in _entries(db):
        row = {c: getattr(entry, c) for c in _FIELDS} | {"prev_hash": prev}
        new = hasher(row)
        db.session.execute(text("UPDATE audit_entry SET prev_hash = :p, hash = :h WHERE id = :id"),
                           {"p": "tmp-" + str(entry.id), "h": new, "id": entry.id})
        prev = new
    # prev_hash is unique: set the real values in a second pass
    prev = GENESIS
    for entry in _entries(db):
        db.session.execute(text("UPDATE audit_entry SET prev_hash = :p WHERE id = :id"),
                           {"p": prev, "id": entry.id})
        prev = entry.hash
    db.session.commit()


def _unkeyed(row):
    """The chain's hash before keying (plain SHA-256, as written up to 0008_authsec)."""
    return legacy_entry_hash(row)


def _change_actor(db, entry_id):
    db.session.execute(text("UPDATE audit_entry SET actor = 'någon.annan' WHERE id = :id"),
                       {"id": entry_id})
    db.session.commit()


def _some_entries(make, db, n=4):
    for _ in range(n):
        make.organisation()
    db.session.commit()
    return _entries(db)


def test_creation_entries_carry_the_new_rows_id(make, db):
    org = make.organisation()
    db.session.commit()
    entry = db.session.scalars(select(AuditEntry).where(
        AuditEntry.entity_type == "organisation", AuditEntry.action == "create")).one()
    assert entry.entity_id == str(org.id)


def test_the_chain_is_keyed_with_the_configured_key(app, make, db):
    entry = _some_entries(make, db, 1)[0]
    row = {c: getattr(entry, c) for c in _FIELDS}
    assert entry.hash == entry_hash(row, app.config["AUDIT_KEY_BYTES"])
    assert entry.hash != entry_hash(row, b"another key") and entry.hash != _unkeyed(row)


def test_changed_actor_is_detected(make, db, runner):
    entries = _some_entries(make, db)
    _change_actor(db, entries[1].id)
    report = verify_with_anchors(db.session)
    assert not report.ok and report.broken_at == entries[1].id
    assert runner.invoke(args=["audit", "verify"]).exit_code == 1


def test_recomputation_without_the_key_is_detected(make, db):
    entries = _some_entries(make, db)
    _change_actor(db, entries[1].id)
    _recompute(db, _unkeyed)
    report = verify_chain(db.session)
    assert not report.ok and report.broken_at == entries[0].id and "ändrats" in report.reason


def test_recomputation_with_the_key_is_caught_by_an_anchor(app, make, db, runner):
    entries = _some_entries(make, db)
    assert runner.invoke(args=["audit", "anchor"]).exit_code == 0
    _change_actor(db, entries[1].id)
    key = app.config["AUDIT_KEY_BYTES"]
    _recompute(db, lambda row: entry_hash(row, key))
    assert verify_chain(db.session).ok  # the chain alone is whole again
    report = verify_with_anchors(db.session)
    assert not report.ok and report.broken_at == entries[-1].id and "räknats om" in report.reason
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "BRUTEN" in result.output


def test_tail_deletion_is_caught_by_an_anchor(make, db, runner):
    entries = _some_entries(make, db)
    write_anchor(db.session)
    db.session.execute(text("DELETE FROM audit_entry WHERE id >= :id"), {"id": entries[-2].id})
    db.session.commit()
    assert verify_chain(db.session).ok  # what is left is a whole chain
    report = verify_with_anchors(db.session)
    assert not report.ok and "tagits bort" in report.reason
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "BRUTEN" in result.output


def test_entries_after_an_anchor_still_verify(make, db, runner):
    _some_entries(make, db, 2)
    write_anchor(db.session)
    _some_entries(make, db, 2)
    write_anchor(db.session)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "2 ankare" in result.output, result.output


def test_anchor_file_is_appended_and_a_forged_line_fails(make, db):
    _some_entries(make, db, 2)
    first = write_anchor(db.session)
    second = write_anchor(db.session)
    with open(anchor_path()) as f:
        lines = f.read().splitlines()
    assert len(lines) == 2 and [a.count for a in read_anchors()] == [first.count, second.count]
    forged = json.loads(lines[1]) | {"count": 1}
    with open(anchor_path(), "a") as f:
        f.write(json.dumps(forged) + "\n")
    assert not verify_with_anchors(db.session).ok


def test_unreadable_anchor_file_fails_closed(make, db):
    _some_entries(make, db, 1)
    with open(anchor_path(), "w") as f:
        f.write("inte json\n")
    report = verify_with_anchors(db.session)
    assert not report.ok and "rad 1" in report.reason


def test_auditor_sees_the_anchors_with_their_dates(login_as, make, db):
    _some_entries(make, db, 2)
    anchor = write_anchor(db.session)
    c = login_as(make.user(role="auditor"))
    page = c.get("/admin/audit").get_data(as_text=True)
    assert "Ankare" in page and anchor.head[:16] in page
    from oversight.formatting import local_datetime
    assert local_datetime(anchor.at) in page
    flash = c.post("/admin/audit/verify", follow_redirects=True).get_data(as_text=True)
    assert "Kedjan är hel" in flash


def test_the_worker_writes_anchors_periodically(app, make, db):
    from oversight.jobs import run_periodic

    _some_entries(make, db, 1)
    assert "audit.anchor" in app.extensions["oversight_periodic"]
    run_periodic(app, "audit.anchor")  # as the worker runs it: fresh app context, system user
    assert os.path.exists(anchor_path()) and read_anchors()[-1].count >= 1


def test_a_legacy_unkeyed_chain_is_resealed_once_and_a_broken_one_refused(make, db, runner):
    entries = _some_entries(make, db, 3)
    _recompute(db, _unkeyed)  # what a database from before 0008_authsec holds
    assert not verify_chain(db.session).ok
    assert runner.invoke(args=["audit", "reseal"]).exit_code != 0  # needs --yes
    result = runner.invoke(args=["audit", "reseal", "--yes"])
    assert result.exit_code == 0, result.output
    assert verify_with_anchors(db.session).ok and len(read_anchors()) == 1
    # A legacy chain that was tampered with is not blessed by resealing.
    _recompute(db, _unkeyed)
    _change_actor(db, entries[1].id)
    result = runner.invoke(args=["audit", "reseal", "--yes"])
    assert result.exit_code != 0 and f"post {entries[1].id}" in result.output


def test_an_unwritable_anchor_file_is_a_clear_cli_error(app, make, db, runner, tmp_path):
    _some_entries(make, db, 1)
    app.config["AUDIT_ANCHOR_PATH"] = str(tmp_path / "is-a-dir")
    os.mkdir(app.config["AUDIT_ANCHOR_PATH"])
    result = runner.invoke(args=["audit", "anchor"])
    assert result.exit_code == 1 and "kan inte skrivas" in result.output
    assert "Traceback" not in result.output
