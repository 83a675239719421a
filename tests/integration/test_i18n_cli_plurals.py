"""Counts printed by the command line read in the right number, in Swedish and in English
(issue 11, defect 6 and the review of the i18n work): "1 jobb markerat", "2 jobb markerade",
"1 job marked", "1 försenad redovisning", "1 leverantör, 1 kontroll"."""
from __future__ import annotations

from datetime import timedelta

import pytest

from oversight.app import create_app
from oversight.db import utcnow
from oversight.extensions import db as _db
from oversight.jobs import create_job
from tests.conftest import config_for_tests


def _stale_jobs(session, user, n: int) -> list[int]:
    ids = []
    for _i in range(n):
        job = create_job(session, user, "accounts.check_payments", "Ett jobb som dog")
        job.status, job.attempts = "running", 1
        job.started_at = job.heartbeat_at = utcnow() - timedelta(minutes=30)
        session.flush()
        ids.append(job.id)
    session.commit()
    return ids


def test_mark_stale_counts_one_job_in_the_singular_and_two_in_the_plural(db, make, runner):
    user = make.user()
    (one,) = _stale_jobs(db.session, user, 1)
    result = runner.invoke(args=["jobs", "mark-stale"])
    assert result.exit_code == 0
    assert f"1 jobb markerat som avbrutet: {one}." in result.output
    two = _stale_jobs(db.session, user, 2)
    result = runner.invoke(args=["jobs", "mark-stale"])
    assert f"2 jobb markerade som avbrutna: {two[0]}, {two[1]}." in result.output
    result = runner.invoke(args=["jobs", "mark-stale"])
    assert "0 jobb markerade som avbrutna." in result.output


@pytest.fixture
def english_runner(app, monkeypatch):
    """An installation whose default language is English (its own app context, as `flask` has)."""
    monkeypatch.setenv("OVERSIGHT_DEFAULT_LOCALE", "en")
    english = create_app(config_for_tests())
    with english.app_context():
        yield english.test_cli_runner()


def test_mark_stale_reads_in_english_in_the_singular_and_the_plural(db, make, english_runner):
    user = make.user()
    _stale_jobs(db.session, user, 1)
    result = english_runner.invoke(args=["jobs", "mark-stale"])
    assert "1 job marked as interrupted:" in result.output, result.output
    _stale_jobs(_db.session, user, 2)
    result = english_runner.invoke(args=["jobs", "mark-stale"])
    assert "2 jobs marked as interrupted:" in result.output, result.output


def test_audit_verify_counts_entries_and_anchors_in_the_right_number(app, db, make, runner,
                                                                   monkeypatch, tmp_path):
    # anchors of this test only (the session's anchor file would break later verifications)
    monkeypatch.setitem(app.config, "AUDIT_ANCHOR_PATH", str(tmp_path / "anchors.log"))
    make.user()
    db.session.commit()
    runner.invoke(args=["audit", "anchor"])
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "1 ankare kontrollerat)" in result.output and "1 ankare kontrollerade" not in result.output
    runner.invoke(args=["audit", "anchor"])
    result = runner.invoke(args=["audit", "verify"])
    assert "2 ankare kontrollerade)" in result.output


def test_demo_load_summaries_are_headed_in_swedish_with_labels(db, runner):
    """The summary lines of ``flask demo load`` (one per domain) name registries and file kinds
    by their labels, not by codes."""
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    for heading in ("Demodata: ", "Registerdemo: ", "Personlig assistans: ", "Tidrapporter: ",
                    "Ärenden: ", "Lokal varningslista (sanktioner, uteslutning): "):
        assert heading in result.output, heading
    assert "sanctions-list:" not in result.output and "skatteverket:" not in result.output


def test_demo_load_summaries_read_in_english_in_an_english_installation(db, english_runner):
    result = english_runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    for heading in ("Demo data: ", "Registry demo: ", "Personal assistance: ", "Time reports: ",
                    "Cases: ", "Local warning list (sanctions, debarment): "):
        assert heading in result.output, (heading, result.output)
    for swedish in ("Demodata:", "Registerdemo:", "Personlig assistans:", "Tidrapporter:",
                    "Ärenden:"):
        assert swedish not in result.output, swedish
